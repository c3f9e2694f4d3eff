"""`log call with Jane: …` and `note acme: …`: an interaction on a customer."""

from __future__ import annotations

from bot.conversation.reply import Reply, interaction_record
from bot.conversation.targets import choice_lines, resolve
from bot.conversation.turn import Refusal, Turn
from store.interactions import log_interaction
from store.models import InteractionKind

_KINDS = {k.value for k in InteractionKind}


def log(turn: Turn) -> Reply:
    kind_name = turn.arg("kind", "note").lower()
    kind = InteractionKind(kind_name) if kind_name in _KINDS else InteractionKind.NOTE
    summary = turn.arg("summary") or turn.arg("text")
    who, company_hint = turn.arg("who"), turn.arg("company")
    target = turn.arg("target") or who or company_hint
    if not summary:
        raise Refusal("What should I write down? e.g. `log call with Jane: wants 50 more units`")
    hint = company_hint if who else ""
    found = resolve(turn.session, target, pinned=turn.target, company_hint=hint)
    if found.choices:
        text = "\n".join(
            [
                f"Several matches for {target!r}; which one did you mean?",
                *choice_lines(found.choices),
            ]
        )
        extra = {"choices": found.choices, "confirm_text": turn.command.text}
        raise Refusal(text, reply=Reply(text, extra=extra))
    interaction, _created = log_interaction(
        turn.session,
        kind=kind,
        occurred_at=turn.now,
        user_id=turn.user.id,
        contact_id=found.contact.id if found.contact else None,
        company_id=found.company_id,
        subject=summary.splitlines()[0][:200],
        summary=summary,
        direction=None,
    )
    person = found.contact.name if found.contact and found.contact.name else None
    company = found.company or (found.contact.company if found.contact else None)
    about = ", ".join(p for p in (person, company.name if company else None) if p)
    label = "a note" if kind == InteractionKind.NOTE else f"a {kind}"
    return Reply(
        f"Logged {label} on {about}: {summary}",
        interactions=(interaction_record(interaction),),
    )
