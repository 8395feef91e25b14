"""Email templates from `emails/<name>/{subject.txt,body.txt,body.html}`, rendered in a given language."""

from __future__ import annotations

import datetime
import importlib.resources
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.template import Context, Engine
from django.utils import formats, translation

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


def render_email(name: str, context: dict[str, Any], language_code: str) -> RenderedEmail:
    """Render `emails/<name>/{subject.txt,body.txt,body.html}` in the given language."""
    engine = template_engine()
    with translation.override(language_code or "en"):
        subject = " ".join(engine.get_template(f"{name}/subject.txt").render(Context(context)).split())
        text = engine.get_template(f"{name}/body.txt").render(Context(context))
        html = engine.get_template(f"{name}/body.html").render(Context({**context, "email_subject": subject}))
    return RenderedEmail(subject=subject, text=text.strip() + "\n", html=html)


def localize(value: Any) -> Any:
    """Dates as the active language writes them."""
    if isinstance(value, datetime.datetime):
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    return value


def sender_domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip("> ") or "localhost"
