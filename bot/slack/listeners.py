"""Every Slack listener, wired in one `register(app, deps)`.

Each listener acknowledges at once and does the work in a lazy listener (a worker thread),
so Slack gets its answer well inside three seconds. Global middleware first drops what a
bot must not answer (its own messages, other bots, edits) and events already handled.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse, Respond
from slack_sdk import WebClient

from bot.conversation import Reply, Target, answer
from bot.conversation.engine import answer_command, undo_by_id, zone_for
from bot.slack.app import SlackDeps
from bot.slack.blocks import blocks_for
from bot.slack.dedupe import first_time
from bot.slack.home import home_view
from bot.slack.http import after_ack
from bot.slack.logging_shortcut import log_message
from bot.slack.users import REFUSAL, crm_user
from parsers.types import ParsedCommand

log = logging.getLogger(__name__)

_MENTION = re.compile(r"<@[A-Z0-9]+(\|[^>]*)?>")
_NOISE_SUBTYPES = {
    "bot_message",
    "message_changed",
    "message_deleted",
    "message_replied",
    "channel_join",
    "channel_leave",
    "thread_broadcast",
}


OOPS = "Sorry, something went wrong on our side and nothing was changed. Please try again."


def register(app: App, deps: SlackDeps) -> None:
    app.middleware(_drop_noise(deps))
    app.middleware(_once_per_event(deps))
    app.command("/crm")(ack=_ack_command(deps), lazy=[_guarded(_run_command(deps))])
    app.event("app_mention")(ack=_ack, lazy=[_guarded(_on_mention(deps))])
    app.event("message")(ack=_ack, lazy=[_guarded(_on_direct_message(deps))])
    app.event("app_home_opened")(ack=_ack, lazy=[_guarded(_on_home(deps))])
    app.shortcut("log_to_crm")(ack=_ack, lazy=[_guarded(_on_log_shortcut(deps))])
    app.action("confirm")(ack=_ack, lazy=[_guarded(_on_confirm(deps))])
    app.action("undo")(ack=_ack, lazy=[_guarded(_on_undo(deps))])
    app.action("task_done")(ack=_ack, lazy=[_guarded(_on_task(deps, "done"))])
    app.action("task_snooze")(ack=_ack, lazy=[_guarded(_on_task(deps, "snooze"))])


def _guarded(work: Callable[..., None]) -> Callable[..., None]:
    """Our failure: the traceback goes to the log, the asker gets a short apology."""

    @functools.wraps(work)
    def guarded(**kwargs: Any) -> None:
        try:
            work(**kwargs)
        except Exception:
            log.exception("Slack listener %s failed", work.__name__)
            respond, event, client = (
                kwargs.get("respond"),
                kwargs.get("event"),
                kwargs.get("client"),
            )
            if respond is not None:
                respond(response_type="ephemeral", replace_original=False, text=OOPS)
            elif client is not None and event and event.get("channel"):
                client.chat_postMessage(channel=event["channel"], text=OOPS)

    return guarded


def _ack(ack: Ack) -> None:
    ack()


def _drop_noise(deps: SlackDeps) -> Any:
    def drop_noise(body: dict[str, Any], next: Any) -> BoltResponse | None:
        event = body.get("event") or {}
        if body.get("type") == "event_callback" and event.get("type") == "message":
            me = deps.identity()
            if (
                event.get("subtype") in _NOISE_SUBTYPES
                or event.get("bot_id")
                or event.get("user") in (None, me.get("user_id"))
                or event.get("channel_type") != "im"
            ):
                return BoltResponse(status=200, body="")
        if event.get("bot_id") and event.get("type") == "app_mention":
            return BoltResponse(status=200, body="")
        next()
        return None

    return drop_noise


def _once_per_event(deps: SlackDeps) -> Any:
    def once_per_event(body: dict[str, Any], next: Any) -> BoltResponse | None:
        event_id = body.get("event_id")
        if (
            body.get("type") == "event_callback"
            and event_id
            and not first_time(deps.db, str(event_id), now=deps.now())
        ):
            log.info("event %s already handled; ignoring the retry", event_id)
            return BoltResponse(status=200, body="")
        next()
        return None

    return once_per_event


def _message(reply: Reply) -> dict[str, Any]:
    return {"text": reply.text, "blocks": blocks_for(reply)}


def _ack_command(deps: SlackDeps) -> Any:
    def ack_command(ack: Ack, command: dict[str, Any]) -> None:
        if crm_user(deps.db, deps.client, command.get("user_id")) is None:
            ack(text=REFUSAL)
        else:
            ack()

    return ack_command


def _run_command(deps: SlackDeps) -> Any:
    def run_command(command: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        after_ack(context)
        user = crm_user(deps.db, deps.client, command.get("user_id"))
        if user is None:
            return  # refused in the ack
        reply = answer(
            deps.db,
            deps.settings,
            user,
            command.get("text") or "help",
            now=deps.now(),
            source="slack",
        )
        respond(response_type="ephemeral", **_message(reply))

    return run_command


def _free_text(deps: SlackDeps, event: dict[str, Any], client: WebClient, *, thread: bool) -> None:
    channel = str(event.get("channel") or "")
    thread_ts = (event.get("thread_ts") or event.get("ts")) if thread else None
    user = crm_user(deps.db, deps.client, event.get("user"))
    if user is None:
        client.chat_postMessage(channel=channel, text=REFUSAL, thread_ts=thread_ts)
        return
    text = _MENTION.sub("", event.get("text") or "").strip() or "help"
    reply = answer(deps.db, deps.settings, user, text, now=deps.now(), source="slack")
    client.chat_postMessage(channel=channel, thread_ts=thread_ts, **_message(reply))


def _on_mention(deps: SlackDeps) -> Any:
    def on_mention(event: dict[str, Any], client: WebClient) -> None:
        _free_text(deps, event, client, thread=True)

    return on_mention


def _on_direct_message(deps: SlackDeps) -> Any:
    def on_direct_message(event: dict[str, Any], client: WebClient) -> None:
        _free_text(deps, event, client, thread=False)

    return on_direct_message


def _on_home(deps: SlackDeps) -> Any:
    def on_home(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        slack_id = str(event.get("user") or "")
        user = crm_user(deps.db, deps.client, slack_id)
        client.views_publish(user_id=slack_id, view=home_view(deps, user))

    return on_home


def _on_log_shortcut(deps: SlackDeps) -> Any:
    def on_log_shortcut(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        user = crm_user(deps.db, deps.client, (body.get("user") or {}).get("id"))
        if user is None:
            respond(response_type="ephemeral", text=REFUSAL)
            return
        reply = log_message(deps, client, user, body)
        respond(response_type="ephemeral", replace_original=False, **_message(reply))

    return on_log_shortcut


def _action_user(deps: SlackDeps, body: dict[str, Any], respond: Respond) -> Any:
    user = crm_user(deps.db, deps.client, (body.get("user") or {}).get("id"))
    if user is None:
        respond(response_type="ephemeral", replace_original=False, text=REFUSAL)
    return user


def _action_value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def _on_confirm(deps: SlackDeps) -> Any:
    def on_confirm(body: dict[str, Any], respond: Respond) -> None:
        user = _action_user(deps, body, respond)
        if user is None:
            return
        try:
            value = json.loads(_action_value(body))
            target = Target(str(value["kind"]), int(value["id"]))
            text = str(value["text"])
        except (ValueError, KeyError, TypeError):
            respond(
                response_type="ephemeral", replace_original=False, text="That button is broken."
            )
            return
        reply = answer(
            deps.db, deps.settings, user, text, now=deps.now(), source="slack", target=target
        )
        respond(response_type="ephemeral", replace_original=False, **_message(reply))

    return on_confirm


def _on_undo(deps: SlackDeps) -> Any:
    def on_undo(body: dict[str, Any], respond: Respond) -> None:
        user = _action_user(deps, body, respond)
        if user is None:
            return
        value = _action_value(body)
        if not value.isdigit():
            respond(
                response_type="ephemeral", replace_original=False, text="That button is broken."
            )
            return
        reply = undo_by_id(deps.db, deps.settings, user, int(value), now=deps.now())
        respond(response_type="ephemeral", replace_original=False, **_message(reply))

    return on_undo


def _on_task(deps: SlackDeps, intent: str) -> Any:
    def on_task(body: dict[str, Any], respond: Respond) -> None:
        user = _action_user(deps, body, respond)
        if user is None:
            return
        value = _action_value(body)
        if not value.isdigit():
            respond(
                response_type="ephemeral", replace_original=False, text="That button is broken."
            )
            return
        now = deps.now()
        zone = zone_for(user, deps.settings, None)
        due = None
        if intent == "snooze":
            tomorrow = now.astimezone(zone) + timedelta(days=1)
            due = tomorrow.replace(hour=9, minute=0, second=0, microsecond=0)
        command = ParsedCommand(intent, f"{intent} {value}", {"task_id": int(value)}, due=due)
        reply = answer_command(
            deps.db, deps.settings, user, command, now=now, tz=zone, source="slack"
        )
        respond(response_type="ephemeral", replace_original=False, **_message(reply))

    return on_task
