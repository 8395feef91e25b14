"""Email templates from `emails/<name>/{subject.txt,body.txt,body.html}`, rendered in a given language.

Subjects and plain-text parts are text: rendered without HTML escaping. HTML parts escape every value. An
email whose subject is empty, or whose text or HTML does not show what the email exists to carry (the
message of a reply, the order number of a delay notice: `REQUIRED_CONTENT`), is refused with
`EmailContentError` and never sent.
"""

from __future__ import annotations

import datetime
import importlib.resources
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from html import unescape
from typing import Any

import pybars
from django.template import Context, Engine
from django.utils import translation
from django.utils.html import strip_tags

from saleor_support_plugin.core.config import CustomTemplate
from saleor_support_plugin.core.display_time import format_customer_date, format_customer_time

BLOCK_END = re.compile(r"</(?:p|div|li|h[1-6]|tr)>|<br\s*/?>", re.IGNORECASE)
EMAIL_TAG = "saleor-support"
# Automatic mail: ask auto-responders (RFC 3834, Exchange) not to answer it.
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
DEFAULT_LANGUAGE = "en"

# What each email exists to carry: its text and its HTML must both show these values of its context.
REQUIRED_CONTENT = {
    "delay_notice": {"order_number": "the order number"},
    "case_acknowledgement": {"case_number": "the case number"},
    "case_reply": {"body": "the message"},
    "case_staff_notification": {"case_number": "the case number", "body": "the customer's message"},
    "case_resolved": {"case_number": "the case number"},
    "case_survey": {"case_number": "the case number"},
    "order_check_in": {"order_number": "the order number"},
    # Returns (returns/emails.py): every email names the return reference; the approval says where to send.
    **{
        f"return_{kind}": {"rma_number": "the return reference"}
        for kind in ("requested", "rejected", "received", "refunded", "credited", "replaced")
    },
    "return_approved": {"rma_number": "the return reference", "return_address": "the return address"},
}


class TemplateError(ValueError):
    """A merchant's template that cannot be compiled or rendered. `part` is "subject" or "body"."""

    def __init__(self, part: str, problem: str) -> None:
        super().__init__(problem)
        self.part = part


class EmailContentError(ValueError):
    """A rendered email that lacks what it exists to carry (or has no subject); it must not be sent."""

    def __init__(self, name: str, part: str, missing: str) -> None:
        super().__init__(f"The {name.replace('_', ' ')} email's {part} does not show {missing}.")
        self.part = part


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@cache
def template_engine() -> Engine:
    directory = importlib.resources.files("saleor_support_plugin.emails")
    return Engine(dirs=[str(directory)], libraries={"i18n": "django.templatetags.i18n"})


def render_email(
    name: str, context: dict[str, Any], language_code: str, custom: CustomTemplate | None = None
) -> RenderedEmail:
    """Render `emails/<name>/{subject.txt,body.txt,body.html}` in the given language, or the merchant's
    handlebars replacement of the subject and (HTML) body from the Dashboard, when there is one.
    Raises TemplateError for a merchant template that fails, EmailContentError for an email lacking content."""
    with translation.override(email_language(language_code)):
        subject = " ".join(_render_subject(name, context, custom).split())
        html_context = {**context, "email_subject": subject}
        if custom and custom.body:
            html = render_handlebars(custom.body, html_context, part="body")
            rendered = RenderedEmail(subject=subject, text=html_to_text(html), html=html)
        else:
            engine = template_engine()
            text = engine.get_template(f"{name}/body.txt").render(Context(context, autoescape=False))
            html = engine.get_template(f"{name}/body.html").render(Context(html_context))
            rendered = RenderedEmail(subject=subject, text=text.strip() + "\n", html=html)
    check_content(name, context, rendered)
    return rendered


def _render_subject(name: str, context: dict[str, Any], custom: CustomTemplate | None) -> str:
    if custom and custom.subject:
        return render_handlebars(custom.subject, context, part="subject", escape=False)
    return template_engine().get_template(f"{name}/subject.txt").render(Context(context, autoescape=False))


def check_content(name: str, context: dict[str, Any], rendered: RenderedEmail) -> None:
    if not rendered.subject.strip():
        raise EmailContentError(name, "subject", "any text")
    for key, label in REQUIRED_CONTENT.get(name, {}).items():
        needed = _words(str(context.get(key) or ""))
        for shown in (rendered.text, html_to_text(rendered.html)):
            if needed not in _words(shown):
                raise EmailContentError(name, "body", f"{label} ({{{{{key}}}}})")


def _words(text: str) -> str:
    return " ".join(text.split())


def render_handlebars(source: str, context: dict[str, Any], part: str = "body", escape: bool = True) -> str:
    """A merchant's template. In HTML (`escape`) `{{value}}` is HTML-escaped and `{{{body_html}}}` is not;
    a subject is text, so nothing in it is escaped."""
    template = compile_handlebars(source, part)
    try:
        return str(template(context if escape else _verbatim(context)))
    except Exception as error:  # pybars raises several types for a missing helper or partial
        raise TemplateError(part, f"The template cannot be rendered: {error}") from error


def _verbatim(value: Any) -> Any:
    """Values pybars inserts as they are: it escapes every string except its own `strlist`."""
    if isinstance(value, str):
        return pybars.strlist([value]) if value else value
    if isinstance(value, dict):
        return {key: _verbatim(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_verbatim(item) for item in value]
    return value


@lru_cache(maxsize=64)
def compile_handlebars(source: str, part: str = "body") -> Callable[..., Any]:
    """Compile once per source. pybars silently drops everything from an unclosed `{{#if}}`/`{{#each}}` or
    a lone `{{` on: such a template is refused, not sent with half its text missing."""
    compiler = pybars.Compiler()
    try:
        template = compiler.compile(source)
    except Exception as error:  # pybars reports syntax errors with several exception types
        raise TemplateError(part, f"The template cannot be used: {error}") from error
    unread = _unparsed_rest(compiler, source)
    if unread is not None:
        raise TemplateError(
            part,
            f"The template cannot be used: it is not understood from {unread!r} on "
            "(a {{#if}}, {{#each}}, {{#unless}} or {{#with}} without its {{/…}}, or a {{ without }}).",
        )
    return template  # type: ignore[no-any-return]


def _unparsed_rest(compiler: pybars.Compiler, source: str) -> str | None:
    """The start of what pybars' own parser left unread, or None when it read everything."""
    try:
        prepared = compiler.whitespace_control(source)
        parser = compiler._handlebars(prepared)
        parser.apply("template")
        position = parser.input.position
    except Exception:  # a pybars without these internals: compiling and the sample render still check
        return None
    if position >= len(prepared):
        return None
    return prepared[position : position + 40]


def html_lines(html: str) -> list[str]:
    """HTML's text line by line, the reading every email shares: block ends and <br> break lines, tags go,
    entities are read, each line is trimmed."""
    return [line.strip() for line in unescape(strip_tags(BLOCK_END.sub("\n", html))).splitlines()]


def html_to_text(html: str) -> str:
    """The plain-text part for a merchant's HTML template."""
    return "\n".join(html_lines(html)).strip() + "\n"


def localize(value: Any, timezone: datetime.tzinfo, language_code: str) -> Any:
    """Dates and times as the email's reader reads them: moments in the store's time zone, zone shown."""
    language = email_language(language_code)
    if isinstance(value, datetime.datetime):
        return format_customer_time(value, timezone, language)
    if isinstance(value, datetime.date):
        return format_customer_date(value, language)
    return value


@cache
def shipped_languages() -> frozenset[str]:
    """English and every language the plugin ships a translation of (`locale/<code>/LC_MESSAGES`)."""
    directory = importlib.resources.files("saleor_support_plugin") / "locale"
    found = {
        translation.to_language(entry.name)
        for entry in directory.iterdir()
        if entry.joinpath("LC_MESSAGES", "django.mo").is_file()
    }
    return frozenset({DEFAULT_LANGUAGE, *found})


def email_language(code: str) -> str:
    """The language an email is written in: the order's or case's (`de`, `de-at` -> `de`), when the plugin
    is translated into it, else English. Dates follow it, so an English email never has French dates."""
    language = translation.to_language(code or DEFAULT_LANGUAGE)
    for candidate in (language, language.split("-")[0]):
        if candidate in shipped_languages():
            return candidate
    return DEFAULT_LANGUAGE


def sender_domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip("> ") or "localhost"
