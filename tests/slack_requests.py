"""Requests exactly as Slack sends them, signed with the app's signing secret."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_bolt import BoltRequest
from slack_sdk.signature import SignatureVerifier

SECRET = "test-signing-secret"
TEAM = "T0001"


def headers(
    body: str,
    *,
    secret: str = SECRET,
    timestamp: int | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {
        "content-type": content_type,
        "x-slack-request-timestamp": ts,
        "x-slack-signature": signature,
    }


def slash_body(user_id: str, text: str, response_url: str) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "acme",
            "channel_id": "C0001",
            "channel_name": "sales",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": "/crm",
            "text": text,
            "api_app_id": "A0001",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    )


def event_body(event: dict[str, Any], event_id: str) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A0001",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": "UBOT0001", "is_bot": True}],
        }
    )


def interactive_body(payload: dict[str, Any]) -> str:
    payload = {
        "team": {"id": TEAM, "domain": "acme"},
        "api_app_id": "A0001",
        "token": "legacy",
        "trigger_id": "1.2.3",
        **payload,
    }
    return urlencode({"payload": json.dumps(payload)})


def action_payload(user_id: str, action_id: str, value: str, response_url: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user_id},
        "response_url": response_url,
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "C0001"},
        "channel": {"id": "C0001"},
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "b",
                "value": value,
                "action_ts": "1.2",
            }
        ],
    }


def signed(body: str, *, json_body: bool = False, **kw: Any) -> BoltRequest:
    content_type = "application/json" if json_body else "application/x-www-form-urlencoded"
    return BoltRequest(body=body, headers=headers(body, content_type=content_type, **kw))
