"""The Slack app, driven by signed requests exactly as Slack sends them.

Bolt runs for real; the Slack Web API is a local HTTP fake (tests/slack_fake.py) that
records calls. Lazy listeners answer from worker threads, so tests wait for the calls.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import aiohttp
import pytest
from slack_bolt import App, BoltRequest
from sqlalchemy import func, select

from bot.context import AppContext
from bot.http import HttpServer
from bot.serve import build_components
from bot.slack.app import build_app, web_client
from bot.slack.http import ACK_SENT, AckSent
from bot.slack.sender import SlackSender
from bot.slack.users import REFUSAL
from bot.slack.wiring import slack_routes
from jobs.transport import PermanentError, TransientError
from jobs.transport import SlackSender as SenderProtocol
from store.db import Database
from store.models import Interaction, InteractionKind, Task, TaskStatus, User
from store.settings import Settings, load_settings
from tests.cli import run_crm
from tests.crm_seed import NOW, Book, seed
from tests.slack_fake import BOT_ID, BOT_USER_ID, FakeSlack
from tests.slack_requests import (
    SECRET,
    action_payload,
    event_body,
    headers,
    interactive_body,
    signed,
    slash_body,
)


@dataclass
class Slack:
    app: App
    db: Database
    settings: Settings
    fake: FakeSlack
    book: Book

    def command(self, user_id: str, text: str) -> tuple[int, str]:
        body = slash_body(user_id, text, self.fake.response_url())
        response = self.app.dispatch(signed(body))
        return response.status, response.body

    def event(self, event: dict[str, object], event_id: str, **headers_: str) -> int:
        request = signed(event_body(event, event_id), json_body=True)
        request.headers.update({k: [v] for k, v in headers_.items()})
        return self.app.dispatch(request).status

    def click(self, user_id: str, action_id: str, value: str) -> int:
        payload = action_payload(user_id, action_id, value, self.fake.response_url("click"))
        return self.app.dispatch(signed(interactive_body(payload))).status

    def answer_text(self, index: int = 0) -> str:
        return str(self.fake.wait_for("response_url", index + 1)[index].args["text"])


def slack_settings(db: Database, fake: FakeSlack) -> Settings:
    return load_settings(
        database_url=db.url,
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_api_url=fake.api_url,
    )


def make_slack(db: Database, fake: FakeSlack, book: Book | None = None) -> Slack:
    settings = slack_settings(db, fake)
    app = build_app(settings, db, lambda: NOW, web_client(settings))
    return Slack(app, db, settings, fake, book or seed(db))


@pytest.fixture
def slack(sqlite_db: Database, fake: FakeSlack) -> Slack:
    return make_slack(sqlite_db, fake)


def test_slash_command_acks_at_once_then_answers(slack: Slack) -> None:
    started = time.monotonic()
    status, body = slack.command("UALICE", "find acme")
    assert (status, body) == (200, "")
    assert time.monotonic() - started < 1.0
    call = slack.fake.wait_for("response_url")[0]
    assert call.args["response_type"] == "ephemeral"
    assert call.args["text"].startswith("Acme Inc (acme.com)")
    assert any(b["type"] == "section" for b in call.args["blocks"])


def test_wrong_signatures_and_stale_requests_get_401(slack: Slack) -> None:
    body = slash_body("UALICE", "find acme", slack.fake.response_url())
    from slack_bolt import BoltRequest

    forged = BoltRequest(body=body, headers=headers(body, secret="not-the-secret"))
    stale = BoltRequest(body=body, headers=headers(body, timestamp=int(time.time()) - 600))
    unsigned = BoltRequest(body=body, headers={"content-type": "application/x-www-form-urlencoded"})
    for request in (forged, stale, unsigned):
        assert slack.app.dispatch(request).status == 401
    time.sleep(0.2)
    assert slack.fake.calls_to("response_url") == []


def test_a_stranger_gets_a_polite_refusal_and_no_data(slack: Slack) -> None:
    status, body = slack.command("USTRANGER", "find acme")
    assert status == 200 and REFUSAL in body and "Acme" not in body
    assert (
        slack.event(
            {
                "type": "message",
                "channel_type": "im",
                "channel": "D9",
                "user": "UNOBODY",
                "text": "find acme",
                "ts": "1.1",
            },
            "EvStranger",
        )
        == 200
    )
    (post,) = slack.fake.wait_for("chat.postMessage")
    assert post.args["text"] == REFUSAL
    time.sleep(0.2)
    assert slack.fake.calls_to("response_url") == []


def test_a_member_is_found_by_the_email_users_info_gives(slack: Slack) -> None:
    slack.command("UBOB", "tasks")
    assert slack.answer_text() == "You have no open tasks."
    with slack.db.read() as s:
        assert s.scalar(select(User.slack_id).where(User.email == "bob@ourco.com")) == "UBOB"
    slack.command("UBOB", "help")
    slack.answer_text(1)
    assert len(slack.fake.calls_to("users.info")) == 1  # remembered by Slack id


SENTENCES = [
    "find acme",
    "who is jane@acme.com",
    "jane",
    "tasks",
    "order SO-1042",
    "invoice INV-2026-0031",
    "overdue",
    "stale 30",
    "help",
]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_slack_and_crm_ask_give_the_same_answer(
    sentence: str, crm_env: Path, fake: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    db = Database(f"sqlite:///{crm_env / 'crm.db'}")
    slack = make_slack(db, fake)
    slack.command("UALICE", sentence)
    in_slack = slack.answer_text()
    result = run_crm(capsys, "ask", "--as", "alice@ourco.com", "--now", NOW.isoformat(), sentence)
    assert result.code == 0, result.err
    assert result.out.rstrip("\n") == in_slack
    db.dispose()


def test_a_retried_event_is_processed_once(slack: Slack) -> None:
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": "DALICE",
        "user": "UALICE",
        "text": "tasks",
        "ts": "1700000000.000100",
    }
    assert slack.event(event, "Ev001") == 200
    assert (
        slack.event(
            event, "Ev001", **{"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"}
        )
        == 200
    )
    slack.fake.wait_for("chat.postMessage")
    time.sleep(0.3)
    assert len(slack.fake.calls_to("chat.postMessage")) == 1


def test_direct_messages_and_mentions_answer_but_bots_and_edits_do_not(slack: Slack) -> None:
    dm = {
        "type": "message",
        "channel_type": "im",
        "channel": "DALICE",
        "user": "UALICE",
        "text": "order SO-1042",
        "ts": "1.1",
    }
    slack.event(dm, "Ev1")
    slack.event({**dm, "user": BOT_USER_ID, "bot_id": BOT_ID, "ts": "1.2"}, "Ev2")
    slack.event({**dm, "subtype": "message_changed", "ts": "1.3"}, "Ev3")
    slack.event({**dm, "user": "UOTHERBOT", "bot_id": "B2", "ts": "1.4"}, "Ev4")
    mention = {
        "type": "app_mention",
        "channel": "C0001",
        "user": "UALICE",
        "text": f"<@{BOT_USER_ID}> find acme",
        "ts": "2.1",
    }
    slack.event(mention, "Ev5")
    posts = slack.fake.wait_for("chat.postMessage", 2)
    time.sleep(0.3)
    posts = slack.fake.calls_to("chat.postMessage")
    assert len(posts) == 2
    by_channel = {p.args["channel"]: p.args for p in posts}
    assert by_channel["DALICE"]["text"].startswith("Order SO-1042")
    assert by_channel["C0001"]["text"].startswith("Acme Inc")
    assert by_channel["C0001"]["thread_ts"] == "2.1"


def test_log_to_crm_shortcut_logs_once_with_its_permalink(slack: Slack) -> None:
    payload = {
        "type": "message_action",
        "callback_id": "log_to_crm",
        "user": {"id": "UALICE"},
        "channel": {"id": "C0001", "name": "sales"},
        "message_ts": "1700000000.000200",
        "response_url": slack.fake.response_url("shortcut"),
        "message": {
            "type": "message",
            "user": "UBOB",
            "ts": "1700000000.000200",
            "text": "Acme Inc wants 50 more units before Christmas",
        },
    }
    for _ in range(2):
        assert slack.app.dispatch(signed(interactive_body(payload))).status == 200
    first, second = (c.args["text"] for c in slack.fake.wait_for("response_url", 2))
    assert first == "Logged the message on Acme Inc."
    assert second == "This message is already logged."
    with slack.db.read() as s:
        (logged,) = s.scalars(select(Interaction).where(Interaction.kind == InteractionKind.SLACK))
        assert logged.url == "https://acme.slack.com/archives/C0001/p1700000000000200"
        assert logged.company_id == slack.book.acme_id and logged.user_id == slack.book.alice.id


def test_undo_button_takes_back_a_logged_call(slack: Slack) -> None:
    slack.command("UALICE", "log call with Jane Doe: wants a discount")
    answer = slack.fake.wait_for("response_url")[0].args
    (undo,) = [
        e
        for b in answer["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "undo"
    ]
    assert slack.click("UALICE", "undo", undo["value"]) == 200
    assert slack.answer_text(1) == "Undone: log call with Jane Doe: wants a discount."
    with slack.db.read() as s:
        assert s.scalar(select(func.count()).where(Interaction.kind == InteractionKind.CALL)) == 0


def test_task_buttons_complete_and_snooze(slack: Slack) -> None:
    task_id = str(slack.book.task_id)
    slack.click("UALICE", "task_snooze", task_id)
    assert slack.answer_text(0).startswith(f"Snoozed #{task_id} Send revised quote until")
    with slack.db.read() as s:
        task = s.get(Task, slack.book.task_id)
        assert task is not None and task.remind_at is not None
        assert task.remind_at.isoformat() == "2026-11-24T08:00:00+00:00"  # 09:00 in Berlin
    slack.click("UALICE", "task_done", task_id)
    assert slack.answer_text(1) == f"Done: #{task_id} Send revised quote"
    with slack.db.read() as s:
        assert s.get(Task, slack.book.task_id).status == TaskStatus.DONE  # type: ignore[union-attr]


def test_viewer_is_refused_writes_in_slack(slack: Slack) -> None:
    slack.command("UVERA", "log call with Jane Doe: hello")
    assert slack.answer_text().startswith("Viewers can look things up but not change records")


def test_app_home_shows_my_tasks_and_overdue_invoices(slack: Slack) -> None:
    slack.event(
        {"type": "app_home_opened", "user": "UALICE", "channel": "DALICE", "tab": "home"}, "EvHome"
    )
    (call,) = slack.fake.wait_for("views.publish")
    assert call.args["user_id"] == "UALICE"
    texts = json.dumps(call.args["view"])
    assert "Send revised quote" in texts
    assert "INV-2026-0031" in texts and "10 days overdue" in texts


def test_rate_limited_calls_are_retried_after_retry_after(slack: Slack) -> None:
    slack.fake.fail_next("chat.postMessage", 429, retry_after=1)
    slack.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": "DALICE",
            "user": "UALICE",
            "text": "help",
            "ts": "3.1",
        },
        "Ev429",
    )
    posts = slack.fake.wait_for("chat.postMessage", 2, timeout=10)
    assert [p.args["channel"] for p in posts] == ["DALICE", "DALICE"]


def test_sender_opens_a_dm_and_posts(fake: FakeSlack, sqlite_db: Database) -> None:
    sender = SlackSender(web_client(slack_settings(sqlite_db, fake)))
    asyncio.run(sender.post({"channel": "UALICE", "text": "Reminder: call Jane", "blocks": []}))
    (opened,) = fake.calls_to("conversations.open")
    (post,) = fake.calls_to("chat.postMessage")
    assert opened.args["users"] == "UALICE"
    assert (post.args["channel"], post.args["text"]) == ("DALICE", "Reminder: call Jane")
    assert isinstance(sender, SenderProtocol)
    with pytest.raises(PermanentError, match="channel_not_found"):
        asyncio.run(sender.post({"channel": "CGONE", "text": "hello"}))
    fake.fail_next("chat.postMessage", 429, retry_after=0)
    fake.fail_next("chat.postMessage", 429, retry_after=0)
    fake.fail_next("chat.postMessage", 429, retry_after=0)
    fake.fail_next("chat.postMessage", 429, retry_after=0)
    with pytest.raises(TransientError, match="ratelimited"):
        asyncio.run(sender.post({"channel": "C0001", "text": "hello"}))


def test_serve_wires_slack_over_http_when_configured(sqlite_db: Database, fake: FakeSlack) -> None:
    ctx = AppContext(settings=slack_settings(sqlite_db, fake), db=sqlite_db, clock=lambda: NOW)
    components = build_components(ctx)
    http = components[0]
    assert isinstance(http, HttpServer)
    assert any(
        r.resource.canonical == "/slack/events"
        for r in http.app.router.routes()
        if r.resource is not None
    )
    assert isinstance(ctx.extras["slack_sender"], SlackSender)
    plain = AppContext(settings=load_settings(database_url=sqlite_db.url), db=sqlite_db)
    assert "slack_sender" not in plain.extras and len(build_components(plain)) >= 1
    assert "slack_app" not in plain.extras


def test_the_real_http_route_serves_slack(db: Database, fake: FakeSlack) -> None:
    """Through aiohttp on /slack/events, on both databases."""
    book = seed(db)
    settings = load_settings(
        database_url=db.url,
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_api_url=fake.api_url,
        http_port=0,
    )
    ctx = AppContext(settings=settings, db=db, clock=lambda: NOW)

    async def scenario() -> tuple[int, int, str]:
        server = HttpServer(ctx, [slack_routes])
        await server.start()
        try:
            url = f"http://127.0.0.1:{server.port}/slack/events"
            body = slash_body("UALICE", "who is jane@acme.com", fake.response_url())
            async with aiohttp.ClientSession() as http:
                async with http.post(url, data=body, headers=headers(body)) as ok:
                    ok_status, ok_body = ok.status, await ok.text()
                async with http.post(url, data=body, headers=headers(body, secret="x")) as bad:
                    bad_status = bad.status
        finally:
            await server.stop()
        return ok_status, bad_status, ok_body

    ok_status, bad_status, ok_body = asyncio.run(scenario())
    assert (ok_status, bad_status, ok_body) == (200, 401, "")
    text = fake.wait_for("response_url")[0].args["text"]
    assert text.startswith("Jane Doe, Head of Purchasing at Acme Inc")
    assert book.alice.slack_id == "UALICE"


def test_confirm_button_picks_one_of_several_matches(slack: Slack) -> None:
    slack.command("UALICE", "note jane: prefers email")
    answer = slack.fake.wait_for("response_url")[0].args
    assert answer["text"].startswith("Several matches for 'jane'")
    buttons = [b["accessory"] for b in answer["blocks"] if b.get("accessory")]
    chosen = next(b for b in buttons if json.loads(b["value"])["id"] == slack.book.jane_id)
    assert slack.click("UALICE", "confirm", chosen["value"]) == 200
    assert slack.answer_text(1) == "Logged a note on Jane Doe, Acme Inc: prefers email"


def test_a_failure_on_our_side_is_logged_and_the_asker_told(
    sqlite_db: Database, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_clock() -> datetime:
        raise RuntimeError("clock is broken")

    seed(sqlite_db)
    settings = slack_settings(sqlite_db, fake)
    app = build_app(settings, sqlite_db, broken_clock, web_client(settings))
    body = slash_body("UALICE", "tasks", fake.response_url())
    assert app.dispatch(signed(body)).status == 200
    (call,) = fake.wait_for("response_url")
    assert call.args["text"].startswith("Sorry, something went wrong on our side")
    assert "clock is broken" in caplog.text


def test_over_http_the_answer_waits_until_the_ack_is_written(slack: Slack) -> None:
    """The work of a command cannot hold up its ack: it starts once the route wrote it."""
    sent = AckSent()
    body = slash_body("UALICE", "find jane@acme.com", slack.fake.response_url())
    request = BoltRequest(body=body, headers=headers(body), context={ACK_SENT: sent})
    assert slack.app.dispatch(request).status == 200
    time.sleep(0.3)
    assert slack.fake.calls_to("response_url") == []
    sent.set()
    assert slack.answer_text().startswith("Jane Doe, Head of Purchasing at Acme Inc")
