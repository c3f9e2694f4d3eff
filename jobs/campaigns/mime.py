"""Campaign messages as RFC 5322 bytes, built directly rather than through `email.message`.

A newsletter is always the same shape (headers, then a multipart/alternative of text and
HTML in quoted-printable), and building it from strings is about ten times faster than the
general-purpose `EmailMessage`, which matters at a hundred thousand recipients.
"""

from __future__ import annotations

import binascii
import itertools
import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, formataddr, parseaddr

ENVELOPE_HEADER = "X-CRM-Envelope-From"
"""Outbox header naming the envelope sender (the VERP bounce address); never transmitted."""

_NOT_TRANSMITTED = {ENVELOPE_HEADER.lower(), "message-id", "bcc"}


def _encode_header(value: str) -> str:
    if value.isascii():
        return value if len(value) < 900 else _fold(value)
    return Header(value, "utf-8", maxlinelen=76).encode(linesep="\r\n")


def _fold(value: str) -> str:
    """A long ASCII value (a References chain) split at spaces: no line over 998 octets."""
    lines: list[str] = []
    for word in value.split(" "):
        if lines and len(lines[-1]) + len(word) < 76:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\r\n ".join(lines)


_ADDR = r'[^<>@\s"(),;:\\\[\]]+@[^<>@\s"(),;:\\\[\]]+'
_SIMPLE_ADDRESS = re.compile(
    rf'(?:"([^"\\]*)"|(\w[\w\'-]*(?: \w[\w\'-]*)*))? ?<({_ADDR})>|({_ADDR})'
)
_BOUNDARY_PREFIX = "=_crm_" + secrets.token_hex(8)
_BOUNDARY_COUNT = itertools.count()


def split_address(value: str) -> tuple[str, str]:
    """(display name, address), as `parseaddr` reads it; the common shapes (`a@b`,
    `Name <a@b>`, `"Name" <a@b>`) without its general parser, which is slow."""
    match = _SIMPLE_ADDRESS.fullmatch(value.strip())
    if match is None:
        return parseaddr(value)
    if match.group(4):
        return "", match.group(4)
    return (match.group(1) or match.group(2) or "").strip(), match.group(3)


def _encode_address(value: str) -> str:
    name, addr = split_address(value)
    if not name:
        return addr or value
    return formataddr((name, addr), charset="utf-8")


def _qp(text: str) -> bytes:
    data = text.replace("\r\n", "\n").encode("utf-8")
    encoded = binascii.b2a_qp(data, quotetabs=False, istext=True, header=False)
    return encoded.replace(b"\n", b"\r\n")


def build_message(
    *,
    from_addr: str,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    message_id: str,
    date: datetime,
    headers: Mapping[str, str] = {},
) -> bytes:
    """The full message; `headers` are added as given, minus the ones that are ours only."""
    lines = [
        f"From: {_encode_address(from_addr)}",
        f"To: {_encode_address(to)}",
        f"Subject: {_encode_header(subject)}",
        f"Date: {format_datetime(date)}",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
    ]
    for name, value in headers.items():
        if name.lower() not in _NOT_TRANSMITTED:
            lines.append(f"{name}: {_encode_header(value)}")
    text_part = _qp(text)
    if html is None:
        lines += [
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + text_part + b"\r\n"
    boundary = f"{_BOUNDARY_PREFIX}_{next(_BOUNDARY_COUNT)}"
    lines.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")
    part_head = (
        "--{b}\r\nContent-Type: text/{kind}; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    )
    return b"".join(
        (
            head,
            part_head.format(b=boundary, kind="plain").encode("ascii"),
            text_part,
            b"\r\n",
            part_head.format(b=boundary, kind="html").encode("ascii"),
            _qp(html),
            f"\r\n--{boundary}--\r\n".encode("ascii"),
        )
    )
