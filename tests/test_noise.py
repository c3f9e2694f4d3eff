"""The noise gate and the sender check, rule by rule, on real header blocks."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import compat32

import pytest

from bot.intake.noise import (
    CONVERSATION_RULES,
    ENVELOPE_RULES,
    GateInput,
    judge,
)
from bot.intake.sender import authentication_failures

TEAM = frozenset({"ourco.com"})


def msg(headers: str, body: str = "hi") -> GateInput:
    raw = (headers.strip() + "\n\n" + body).encode()
    return GateInput(message_from_bytes(raw, policy=compat32), "ann@ourco.com", team_domains=TEAM)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ("From: a@x.com\nAuto-Submitted: auto-replied", "Auto-Submitted: auto-replied"),
        ("From: a@x.com\nX-Autoreply: yes", "X-Autoreply"),
        ("From: a@x.com\nSubject: Out of Office: back Monday", "auto-reply"),
        ("From: a@x.com\nSubject: Abwesenheitsnotiz: Urlaub", "auto-reply"),
        ("From: a@x.com\nSubject: Automatic reply: Pricing", "auto-reply"),
        ("From: MAILER-DAEMON@x.com\nSubject: Undelivered", "bounce (from mailer-daemon)"),
        (
            "From: a@x.com\nContent-Type: multipart/report; report-type=delivery-status",
            "multipart/report",
        ),
        ("From: a@x.com\nList-Id: <sales.lists.x.com>", "List-Id"),
        ("From: a@x.com\nList-Unsubscribe: <mailto:u@x.com>", "List-Unsubscribe"),
        ("From: a@x.com\nPrecedence: bulk", "Precedence: bulk"),
        ("From: a@x.com\nPrecedence: junk", "Precedence: junk"),
    ],
)
def test_automatic_and_bulk_mail_is_noise_and_never_answered(headers: str, reason: str) -> None:
    verdict = judge(msg(headers), ENVELOPE_RULES)
    assert verdict.noise and verdict.silent
    assert any(reason in r for r in verdict.reasons), verdict.reasons


def test_a_null_return_path_is_a_bounce() -> None:
    gate = msg("From: a@x.com\nSubject: hello")
    verdict = judge(GateInput(gate.message, "", team_domains=TEAM), ENVELOPE_RULES)
    assert verdict.silent
    assert verdict.reasons == ("bounce or notification (null return path)",)


def test_a_plain_forward_passes_the_gate() -> None:
    gate = msg("From: Ann <ann@ourco.com>\nSubject: Fwd: Pricing\nAuto-Submitted: no")
    assert not judge(gate, ENVELOPE_RULES).noise
    conversation = GateInput(
        gate.message, "ann@ourco.com", ("john@acme.com", "ann@ourco.com"), "john@acme.com", TEAM
    )
    assert not judge(conversation, CONVERSATION_RULES).noise


def test_no_reply_senders_and_internal_threads_make_no_contacts() -> None:
    gate = msg("From: ann@ourco.com\nSubject: Fwd: Your invoice")
    robot = GateInput(
        gate.message, "ann@ourco.com", ("no-reply@shop.com",), "no-reply@shop.com", TEAM
    )
    verdict = judge(robot, CONVERSATION_RULES)
    assert verdict.reasons == ("sent by a no-reply address (no-reply@shop.com)",)
    assert not verdict.silent  # the forwarder is told why nothing was filed
    internal = GateInput(
        gate.message, "ann@ourco.com", ("bob@ourco.com", "ann@ourco.com"), "bob@ourco.com", TEAM
    )
    assert judge(internal, CONVERSATION_RULES).reasons == (
        "internal thread (everyone in it is at the team's own domains)",
    )


def test_failed_dkim_or_spf_counts_only_for_the_senders_domain() -> None:
    gate = msg(
        "From: ann@ourco.com\n"
        "Authentication-Results: mx.ourco.com; dkim=fail header.d=ourco.com;\n"
        " spf=pass smtp.mailfrom=ourco.com\n"
        "Authentication-Results: mx.ourco.com; dkim=fail header.d=list.example"
    )
    assert authentication_failures(gate.message, "ourco.com") == ["dkim=fail for ourco.com"]
    spf = msg("From: ann@ourco.com\nAuthentication-Results: mx; spf=fail smtp.mailfrom=ourco.com")
    assert authentication_failures(spf.message, "ourco.com") == ["spf=fail for ourco.com"]
    clean = msg("From: ann@ourco.com\nAuthentication-Results: mx; dkim=pass header.d=ourco.com")
    assert authentication_failures(clean.message, "ourco.com") == []
