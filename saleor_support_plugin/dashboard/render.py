"""HTML for the support pages: Django templates with autoescaping, and the headers that keep them in the Dashboard."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.template import Context, Engine
from django.utils import timezone

from saleor_support_plugin.cases import submissions
from saleor_support_plugin.dashboard.manifest import (
    ACTION_PATH,
    CASE_PATH,
    EVIDENCE_PATH,
    ORDER_WIDGET_PATH,
    QUEUE_PATH,
    STATIC_PATH,
    plugin_url,
)
from saleor_support_plugin.dashboard.pages import QUEUE_PAGE_SIZE, SORT_LABELS
from saleor_support_plugin.models import STAFF_CHANNELS, CaseCategory, CaseChannel, CasePriority, CaseStatus
from saleor_support_plugin.returns.models import ReturnResolution

HERE = Path(__file__).parent
STATIC_FILES = {"support.css": "text/css; charset=utf-8", "support.js": "text/javascript; charset=utf-8"}
THEMES = ("light", "dark")
STAFF_CHANNEL_CHOICES = [(value, label) for value, label in CaseChannel.choices if value in STAFF_CHANNELS]
CHOICES = {
    "status": CaseStatus.choices,
    "priority": CasePriority.choices,
    "category": CaseCategory.choices,
    "channel": STAFF_CHANNEL_CHOICES,
}


@dataclass(frozen=True)
class Page:
    """What every page needs: where the plugin is, the session it carries in its forms, and who may frame it."""

    base_url: str
    dashboard_origins: tuple[str, ...]
    token: str = ""
    # "light" or "dark" when the Dashboard said so; "" when it did not (POST widgets): the page follows the browser.
    theme: str = ""
    staff: Sequence[tuple[int, str]] = field(default_factory=tuple)
    # Times are shown in the store's time zone, the one response targets are counted in.
    time_zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))


def clean_theme(value: str | None) -> str:
    return value if value in THEMES else ""


@functools.cache
def engine() -> Engine:
    return Engine(dirs=[str(HERE / "templates")], autoescape=True)


def render(template: str, page: Page, status: int = 200, **context: Any) -> HttpResponse:
    staff_names = dict(page.staff)
    for case in _cases_in(context):
        case.assignee_name = staff_names.get(case.assignee_id, "")
    values = {
        "theme": page.theme,
        "token": page.token,
        "submission_key": submissions.new_key(),
        "dashboard_origins": " ".join(page.dashboard_origins),
        "static_url": plugin_url(page.base_url, STATIC_PATH),
        "action_url": plugin_url(page.base_url, ACTION_PATH),
        "queue_url": plugin_url(page.base_url, QUEUE_PATH),
        "case_url": plugin_url(page.base_url, CASE_PATH),
        "widget_url": plugin_url(page.base_url, ORDER_WIDGET_PATH),
        "evidence_url": plugin_url(page.base_url, EVIDENCE_PATH),
        "return_resolutions": ReturnResolution.choices,
        "staff": page.staff,
        "choices": CHOICES,
        "sorts": list(SORT_LABELS.items()),
        "page_size": QUEUE_PAGE_SIZE,
        **context,
    }
    with timezone.override(page.time_zone):
        html = engine().get_template(template).render(Context(values))
    return secure(HttpResponse(html, status=status, content_type="text/html; charset=utf-8"), page.dashboard_origins)


def _cases_in(context: dict[str, Any]) -> Iterable[Any]:
    yield from context.get("cases", ())
    if context.get("case") is not None:
        yield context["case"]


def static_file(name: str) -> HttpResponse | None:
    if name not in STATIC_FILES:
        return None
    response = HttpResponse((HERE / "static" / name).read_bytes(), content_type=STATIC_FILES[name])
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def secure(response: HttpResponse, dashboard_origins: tuple[str, ...]) -> HttpResponse:
    """Only the Dashboard may frame the page; nothing but the plugin's own files may load or run in it."""
    ancestors = " ".join(dashboard_origins) or "'none'"
    response["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"form-action 'self'; base-uri 'none'; frame-ancestors {ancestors}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Not "no-referrer": with it, Chromium sends `Origin: null` on the pages' own form posts, which are refused.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    # CSP frame-ancestors decides; Django's X-Frame-Options middleware would otherwise deny every frame.
    response.xframe_options_exempt = True  # type: ignore[attr-defined]
    return response
