"""The address codec: what a recipient address at our mail domain means.

Personal addresses are `crm+TOKEN@domain` (one per team member); `bounces+ANYTHING@domain`
are VERP return paths for outgoing mail, whose meaning belongs to the newsletter code.
Everything here is pure string work, so the SMTP front can refuse at RCPT cheaply.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from store.normalize import normalize_email

PERSONAL_PREFIX = "crm+"
BOUNCE_PREFIX = "bounces+"
UNSUBSCRIBE_PREFIX = "unsubscribe+"  # the mailto of a campaign's List-Unsubscribe


class RecipientKind(enum.StrEnum):
    PERSONAL = "personal"  # crm+TOKEN@our domain
    SHARED = "shared"  # the bot's own address: the sender's address names the user
    BOUNCE = "bounce"  # bounces+…@our domain
    UNKNOWN_LOCAL = "unknown_local"  # our domain, but no such mailbox
    FOREIGN = "foreign"  # another domain: relaying, always refused


@dataclass(frozen=True)
class Recipient:
    address: str
    kind: RecipientKind
    token: str | None = None


def split_address(address: str) -> tuple[str, str]:
    """Local part and lower-cased domain of `address` (angle brackets tolerated)."""
    address = address.strip().strip("<>").strip()
    local, _, domain = address.rpartition("@")
    return local, domain.lower().rstrip(".")


def classify_recipient(
    address: str, mail_domain: str, shared_local: str | None = "crm"
) -> Recipient:
    local, domain = split_address(address)
    if not local or domain != mail_domain.lower().rstrip("."):
        return Recipient(address, RecipientKind.FOREIGN)
    lowered = local.lower()
    if shared_local and lowered == shared_local.lower():
        return Recipient(address, RecipientKind.SHARED)
    if lowered.startswith(PERSONAL_PREFIX) and len(lowered) > len(PERSONAL_PREFIX):
        return Recipient(address, RecipientKind.PERSONAL, lowered[len(PERSONAL_PREFIX) :])
    if is_bounce_address(address):
        return Recipient(address, RecipientKind.BOUNCE)
    return Recipient(address, RecipientKind.UNKNOWN_LOCAL)


def is_bounce_address(address: str) -> bool:
    """True for a VERP bounce address `bounces+…@domain`, or a campaign's mailto unsubscribe
    `unsubscribe+…@domain` (any domain; callers check it): mail the newsletter code handles."""
    local = split_address(address)[0].lower()
    return any(
        local.startswith(prefix) and len(local) > len(prefix)
        for prefix in (BOUNCE_PREFIX, UNSUBSCRIBE_PREFIX)
    )


def bounce_address(tag: str, mail_domain: str) -> str:
    """The VERP return path carrying `tag` (for example a campaign recipient token)."""
    return f"{BOUNCE_PREFIX}{tag}@{mail_domain}"


def bounce_tag(address: str) -> str | None:
    local, _ = split_address(address)
    if not (is_bounce_address(address) and local.lower().startswith(BOUNCE_PREFIX)):
        return None
    return local[len(BOUNCE_PREFIX) :]


def personal_address(token: str, mail_domain: str) -> str:
    return f"{PERSONAL_PREFIX}{token}@{mail_domain}"


def same_address(a: str, b: str) -> bool:
    return normalize_email(a) == normalize_email(b)


def shared_local_part(bot_address: str, mail_domain: str) -> str | None:
    """The local part of the bot's own From address when it lives at our mail domain."""
    local, domain = split_address(bot_address)
    return local if domain == mail_domain.lower().rstrip(".") else None


def recipient_for(address: str, mail_domain: str, bot_address: str) -> Recipient:
    return classify_recipient(address, mail_domain, shared_local_part(bot_address, mail_domain))
