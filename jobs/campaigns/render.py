"""A campaign body, from Markdown with Jinja2 fields to a per-recipient HTML and text message.

The Markdown is turned into HTML once per campaign, with the Jinja2 tags set aside first so
Markdown cannot mangle them (it would escape the quotes in `{{ first_name or "there" }}`);
each recipient then costs two template renders, not a Markdown pass. Field values are
HTML-escaped in the HTML part, and the templates run in Jinja2's sandbox: whoever writes a
newsletter cannot reach into Python through it.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment
from markdown_it import MarkdownIt

FIELDS = ("name", "first_name", "last_name", "email", "company", "owner", "unsubscribe_url")
_JINJA_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_HREF = re.compile(r'href="([^"]*)"')
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_MD = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")

_HTML_ENV = SandboxedEnvironment(autoescape=True, keep_trailing_newline=True)
_TEXT_ENV = SandboxedEnvironment(autoescape=False, keep_trailing_newline=True)


class TemplateError(ValueError):
    """The body or subject is not a valid template; the message says where."""


@dataclass(frozen=True)
class Compiled:
    """A campaign body ready to render: its templates and the links click tracking may use."""

    subject: jinja2.Template
    text: jinja2.Template
    html: jinja2.Template
    links: tuple[str, ...]
    all_three: jinja2.Template | None = None  # subject, text and HTML in one render


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def check_template(source: str, what: str) -> None:
    """Refuse syntax errors and unknown fields at create time, not at the 3,000th recipient."""
    try:
        ast = _TEXT_ENV.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{what}, line {exc.lineno}: {exc.message}") from None
    unknown = sorted(meta.find_undeclared_variables(ast) - set(FIELDS))
    if unknown:
        raise TemplateError(
            f"{what}: unknown field(s) {', '.join(unknown)}; available: {', '.join(FIELDS)}"
        )


def compile_body(subject: str, body_md: str, *, track_clicks: bool = False) -> Compiled:
    return _compile(subject, body_md, track_clicks)


@lru_cache(maxsize=32)
def _compile(subject: str, body_md: str, track_clicks: bool) -> Compiled:
    check_template(subject, "subject")
    check_template(body_md, "body")
    tags: list[str] = []

    def stash(match: re.Match[str]) -> str:
        tags.append(match.group(0))
        return f"zzjinja{len(tags) - 1}zz"

    protected = _JINJA_TAG.sub(stash, body_md)
    body_html = _MD.render(protected)
    links = tuple(dict.fromkeys(u for u in _HREF.findall(body_html) if _trackable(u)))
    if track_clicks:
        body_html = _HREF.sub(lambda m: _tracked_href(m.group(1), links), body_html)
    body_html = re.sub(r"zzjinja(\d+)zz", lambda m: tags[int(m.group(1))], body_html)
    text = _text_version(body_md)
    try:
        return Compiled(
            subject=_TEXT_ENV.from_string(subject),
            text=_TEXT_ENV.from_string(text),
            html=_HTML_ENV.from_string(body_html),
            links=tuple(html.unescape(u) for u in links),
            all_three=_combined(subject, text, body_html),
        )
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"body: {exc.message}") from None


_SEP = "\x00"


def _combined(subject: str, text: str, body_html: str) -> jinja2.Template | None:
    """One template for the three parts (a third of the per-recipient cost: most of a
    render is setting it up), the first two in an `autoescape false` block."""
    if _SEP in subject + text + body_html:
        return None
    source = f"{{% autoescape false %}}{subject}{_SEP}{text}{{% endautoescape %}}{_SEP}{body_html}"
    try:
        return _HTML_ENV.from_string(source)
    except jinja2.TemplateSyntaxError:
        return None


def _trackable(url: str) -> bool:
    return url.startswith(("http://", "https://")) and "zzjinja" not in url


def _tracked_href(url: str, links: tuple[str, ...]) -> str:
    if url not in links:
        return f'href="{url}"'
    return f'href="{{{{ click_base }}}}/{links.index(url)}"'


def _text_version(body_md: str) -> str:
    """Markdown already reads as text; only links become `text (url)`."""
    return _MD_LINK.sub(
        lambda m: m.group(2) if m.group(1) in ("", m.group(2)) else f"{m.group(1)} ({m.group(2)})",
        body_md,
    )


def render(compiled: Compiled, fields: dict[str, str], *, click_base: str = "") -> Rendered:
    """One recipient's subject, text and HTML body (the footer is added by the caller)."""
    values: dict[str, Any] = {f: fields.get(f, "").replace(_SEP, "") for f in FIELDS}
    try:
        parts = (
            compiled.all_three.render(values, click_base=click_base).split(_SEP)
            if compiled.all_three is not None
            else []
        )
        if len(parts) == 3:
            subject, text, body = parts
        else:
            subject = compiled.subject.render(values)
            text = compiled.text.render(values)
            body = compiled.html.render(values, click_base=click_base)
    except jinja2.TemplateError as exc:
        raise TemplateError(f"rendering failed: {exc}") from None
    subject = " ".join(subject.split())
    return Rendered(subject=subject, text=text.strip() + "\n", html=body)


def with_footer(rendered: Rendered, *, unsubscribe_url: str, sender_name: str) -> Rendered:
    """Every campaign message says who sent it and offers a way out, in both parts."""
    text = (
        f"{rendered.text}\n-- \nYou receive this because you subscribed to news from "
        f"{sender_name}.\nUnsubscribe: {unsubscribe_url}\n"
    )
    url = html.escape(unsubscribe_url, quote=True)
    body = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n'
        f"{rendered.html}"
        '<hr><p style="font-size:12px;color:#666">You receive this because you subscribed '
        f"to news from {html.escape(sender_name)}. "
        f'<a href="{url}">Unsubscribe</a></p>\n</body></html>\n'
    )
    return Rendered(subject=rendered.subject, text=text, html=body)


def body_digest(subject: str, body_md: str) -> str:
    return hashlib.sha256(f"{subject}\0{body_md}".encode()).hexdigest()[:16]
