"""Email templates from `emails/<name>/{subject.txt,body.txt,body.html}`, rendered in a given language."""

from __future__ import annotations

import datetime
import importlib.resources
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from html import unescape
from typing import Any

import pybars
from django.template import Context, Engine
from django.utils import formats, translation
from django.utils.html import strip_tags

from .config import CustomTemplate

BLOCK_END = re.compile(r"</(?:p|div|li|h[1-6]|tr)>|<br\s*/?>", re.IGNORECASE)
EMAIL_TAG = "saleor-support"
# Automatic mail: ask auto-responders (RFC 3834, Exchange) not to answer it.
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


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
    handlebars replacement of the subject and (HTML) body from the Dashboard, when there is one."""
    engine = template_engine()
    with translation.override(language_code or "en"):
        if custom and custom.subject:
            subject = render_handlebars(custom.subject, context)
        else:
            subject = engine.get_template(f"{name}/subject.txt").render(Context(context))
        subject = " ".join(subject.split())
        if custom and custom.body:
            html = render_handlebars(custom.body, {**context, "email_subject": subject})
            return RenderedEmail(subject=subject, text=html_to_text(html), html=html)
        text = engine.get_template(f"{name}/body.txt").render(Context(context))
        html = engine.get_template(f"{name}/body.html").render(Context({**context, "email_subject": subject}))
    return RenderedEmail(subject=subject, text=text.strip() + "\n", html=html)


def render_handlebars(source: str, context: dict[str, Any]) -> str:
    """A merchant's template; `{{value}}` is HTML-escaped by handlebars, `{{{body_html}}}` is not."""
    return str(_compile_handlebars(source)(context))


@lru_cache(maxsize=64)
def _compile_handlebars(source: str) -> Any:
    return pybars.Compiler().compile(source)


def html_to_text(html: str) -> str:
    """The plain-text part for a merchant's HTML template."""
    text = unescape(strip_tags(BLOCK_END.sub("\n", html)))
    return "\n".join(line.strip() for line in text.splitlines()).strip() + "\n"


def localize(value: Any) -> Any:
    """Dates as the active language writes them."""
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return value


def sender_domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip("> ") or "localhost"
