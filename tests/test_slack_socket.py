"""Slack over Socket Mode: the real slack_sdk client on a live WebSocket on loopback.

The component `crm serve` runs asks the Web API fake for a socket URL with the app
token, connects, and answers envelopes exactly like HTTP requests: it acks each one by
its `envelope_id`, then answers through the response URL or the Web API.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from urllib.parse import parse_qsl

import pytest

from bot.context import AppContext
from bot.serve import build_components
from bot.slack.socket import SlackSocketMode
from bot.slack.users import REFUSAL
from store.db import Database
from store.settings import load_settings
from tests.crm_seed import NOW, seed
from tests.slack_fake import FakeSlack
from tests.slack_requests import event_body, slash_body
from tests.slack_socket_fake import FakeSocketMode


@pytest.fixture
def socket() -> Iterator[FakeSocketMode]:
    server = FakeSocketMode().start()
    yield server
    server.stop()


@pytest.fixture
def connected(
    sqlite_db: Database, fake: FakeSlack, socket: FakeSocketMode
) -> Iterator[SlackSocketMode]:
    seed(sqlite_db)
    fake.socket_url = socket.url
    settings = load_settings(
        database_url=sqlite_db.url,
        slack_bot_token="xoxb-test",
        slack_app_token="xapp-1-test",
        slack_api_url=fake.api_url,
    )
    ctx = AppContext(settings=settings, db=sqlite_db, clock=lambda: NOW)
    components = build_components(ctx)
    component = next(c for c in components if isinstance(c, SlackSocketMode))
    asyncio.run(component.start())
    socket.wait_connected()
    yield component
    asyncio.run(component.stop())


def test_a_slash_command_over_the_socket_is_acked_then_answered(
    connected: SlackSocketMode, fake: FakeSlack, socket: FakeSocketMode
) -> None:
    assert socket.connections == 1 and fake.calls_to("apps.connections.open")
    payload = dict(parse_qsl(slash_body("UALICE", "find acme", fake.response_url())))
    socket.push(
        {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": payload,
        }
    )
    assert socket.wait_ack("env-1")["envelope_id"] == "env-1"
    answer = fake.wait_for("response_url")[0].args
    assert answer["text"].startswith("Acme Inc (acme.com)")


def test_a_stranger_over_the_socket_gets_the_refusal_and_no_data(
    connected: SlackSocketMode, fake: FakeSlack, socket: FakeSocketMode
) -> None:
    payload = dict(parse_qsl(slash_body("USTRANGER", "find acme", fake.response_url())))
    socket.push({"envelope_id": "env-2", "type": "slash_commands", "payload": payload})
    ack = socket.wait_ack("env-2")
    text = json.dumps(ack)
    assert REFUSAL in ack["payload"]["text"] and "acme.com" not in text
    time.sleep(0.2)
    assert fake.calls_to("response_url") == []


def test_a_direct_message_event_over_the_socket_is_answered_once(
    connected: SlackSocketMode, fake: FakeSlack, socket: FakeSocketMode
) -> None:
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": "D0001",
        "user": "UALICE",
        "text": "who is jane@acme.com",
        "ts": "1764000000.000100",
    }
    body = json.loads(event_body(event, "Ev001"))
    for n, envelope_id in enumerate(("env-3", "env-3-retry")):
        socket.push(
            {
                "envelope_id": envelope_id,
                "type": "events_api",
                "retry_attempt": n,
                "retry_reason": "timeout" if n else "",
                "payload": body,
            }
        )
        socket.wait_ack(envelope_id)
    posts = fake.wait_for("chat.postMessage")
    assert posts[0].args["text"].startswith("Jane Doe, Head of Purchasing at Acme Inc")
    time.sleep(0.5)
    assert len(fake.calls_to("chat.postMessage")) == 1
