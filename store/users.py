"""Team members and their personal forwarding addresses."""

from __future__ import annotations

import base64
import secrets
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Role, User, UserAlias
from store.normalize import normalize_email


class UserError(ValueError):
    """A team member cannot be added or found as asked."""


def new_token() -> str:
    """An unguessable, lower-case token that survives case-folding mail systems."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()


def forwarding_address(user: User, mail_domain: str) -> str:
    return f"crm+{user.forward_token}@{mail_domain}"


def add_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: Role = Role.MEMBER,
    slack_id: str | None = None,
    timezone: str = "UTC",
) -> User:
    email = normalize_email(email)
    if "@" not in email:
        raise UserError(f"not an email address: {email!r}")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(f"unknown time zone {timezone!r}") from None
    if find_user(session, email) is not None:
        raise UserError(f"{email} is already a team member")
    if slack_id and session.scalar(select(User).where(User.slack_id == slack_id)):
        raise UserError(f"Slack id {slack_id} already belongs to a team member")
    user = User(
        email=email,
        name=name,
        role=role,
        slack_id=slack_id,
        timezone=timezone,
        forward_token=new_token(),
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, email: str) -> User | None:
    """A team member by their main address or any alias."""
    email = normalize_email(email)
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = session.scalar(select(User).join(UserAlias).where(UserAlias.email == email))
    return user


def user_by_token(session: Session, token: str) -> User | None:
    return session.scalar(
        select(User).where(User.forward_token == token.lower(), User.active.is_(True))
    )


def user_by_slack_id(session: Session, slack_id: str) -> User | None:
    return session.scalar(select(User).where(User.slack_id == slack_id, User.active.is_(True)))


def add_alias(session: Session, user: User, email: str) -> UserAlias:
    alias = UserAlias(user_id=user.id, email=normalize_email(email))
    session.add(alias)
    session.flush()
    return alias


def addresses_of(user: User) -> set[str]:
    return {user.email, *(a.email for a in user.aliases)}
