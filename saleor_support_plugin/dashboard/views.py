"""The support pages' HTTP edge: route, check origin and token, call one action, render one page.

Every page but the manifest, the static files and the app page's empty shell is a POST carrying the Dashboard's
token in the form body (never a cookie, never the query string). A form can only be sent from the plugin's own
pages or the Dashboard: other origins are refused before the token is even read.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from saleor_support_plugin.cases import submissions
from saleor_support_plugin.cases.service import Actor, CaseError
from saleor_support_plugin.core.error_codes import SupportErrorCode as Code
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.core.text import whole_number
from saleor_support_plugin.dashboard import actions, pages, returns_actions
from saleor_support_plugin.dashboard import report_page as report_page_module
from saleor_support_plugin.dashboard.manifest import (
    ACTION_PATH,
    APP_PATH,
    CASE_PATH,
    EVIDENCE_PATH,
    MANIFEST_PATH,
    OPEN_CASE_POPUP_PATH,
    ORDER_WIDGET_PATH,
    QUEUE_PATH,
    REPORT_PATH,
    STATIC_PATH,
    build_manifest,
    plugin_url,
    public_base_url,
)
from saleor_support_plugin.dashboard.render import Page, clean_theme, render, secure, static_file
from saleor_support_plugin.dashboard.session import DashboardRefusal, StaffAccess, StaffMember
from saleor_support_plugin.host.global_ids import uuid_id
from saleor_support_plugin.models import AuthorType, SupportCase

WIDGET = "widget"
CASE = "case"
# The order widget shown in the "Open support case" popup rather than on the order page; carried in its forms.
POPUP = "popup"
# Pages a staff member's form posts to (with the Dashboard's token).
POST_PATHS = (ORDER_WIDGET_PATH, QUEUE_PATH, CASE_PATH, ACTION_PATH, REPORT_PATH, EVIDENCE_PATH)


class AlreadySent(Exception):
    """The form's key was used before: a double click or a resent page."""


def handle_app_request(request: HttpRequest, path: str, runtime: SupportRuntime, access: StaffAccess) -> HttpResponse:
    path = path.strip("/")
    base_url = public_base_url(request)
    origins = runtime.settings.dashboard_origins
    if request.method == "GET":
        return _get(path, base_url, origins, request.GET)
    if request.method != "POST" or path not in POST_PATHS:
        return secure(HttpResponse("Not found.", status=404, content_type="text/plain"), origins)
    time_zone = runtime.settings.calendar.timezone
    theme = clean_theme(request.POST.get("theme"))
    page = Page(base_url=base_url, dashboard_origins=origins, theme=theme, time_zone=time_zone)
    if not _origin_allowed(request, base_url, origins):
        return render("refused.html", page, 403, message="This page can only be used from the Saleor Dashboard.")
    try:
        member = access.authenticate(request.POST.get("accessToken", ""))
    except DashboardRefusal as refusal:
        draft_body = request.POST.get("body")
        return render("refused.html", page, refusal.status, message=refusal.message, draft_body=draft_body)
    page = Page(base_url, origins, request.POST["accessToken"], theme, tuple(access.staff()), time_zone)
    return _post(path, page, member, request.POST, runtime)


def _post(path: str, page: Page, member: StaffMember, form: Mapping[str, str], runtime: SupportRuntime) -> HttpResponse:
    """The page a staff member's form asks for, once origin and token are checked."""
    if path == ORDER_WIDGET_PATH:
        opening = {"action": "open"} if form.get("focus") == "open" else None
        in_popup = form.get("frame") == POPUP
        return order_widget(page, form.get("orderId", ""), runtime, draft=opening, in_popup=in_popup)
    if path == QUEUE_PATH:
        return queue(page, member, form)
    if path == CASE_PATH:
        return case_page(page, form.get("case", ""))
    if path == REPORT_PATH:
        return report_page(page, form, runtime)
    if path == EVIDENCE_PATH:
        return evidence(page, form.get("orderId", ""), runtime)
    return perform_action(page, member, form, runtime)


def evidence(page: Page, order_global_id: str, runtime: SupportRuntime) -> HttpResponse:
    """A chargeback's evidence as a self-contained page, downloaded (returns, issue 11)."""
    found = returns_actions.evidence_page(runtime, order_uuid(order_global_id))
    if found is None:
        return render("refused.html", page, 404, message="This order no longer exists.")
    html, file_name = found
    return _download(page, html, "text/html; charset=utf-8", file_name)


def _get(path: str, base_url: str, origins: tuple[str, ...], query: Mapping[str, str]) -> HttpResponse:
    if path == MANIFEST_PATH:
        response = JsonResponse(build_manifest(base_url))
        response["Cache-Control"] = "no-store"
        return response
    if path.startswith(STATIC_PATH):
        found = static_file(path.removeprefix(STATIC_PATH))
        if found is not None:
            return found
    # App pages and popups are loaded with GET and get their token by postMessage: these shells show no data.
    page = Page(base_url=base_url, dashboard_origins=origins)
    if path in (APP_PATH, QUEUE_PATH):
        return render("app_page.html", page, target=plugin_url(base_url, QUEUE_PATH), fields=[])
    if path == REPORT_PATH:
        return render("app_page.html", page, target=plugin_url(base_url, REPORT_PATH), fields=[])
    if path == OPEN_CASE_POPUP_PATH:
        # The Dashboard adds the order's ID to the popup's URL; it is only passed on to the widget, which checks it.
        fields = [("orderId", query.get("orderId", "")), ("focus", "open"), ("frame", POPUP)]
        return render("app_page.html", page, target=plugin_url(base_url, ORDER_WIDGET_PATH), fields=fields)
    return secure(HttpResponse("Not found.", status=404, content_type="text/plain"), origins)


def _origin_allowed(request: HttpRequest, base_url: str, origins: tuple[str, ...]) -> bool:
    origin = request.headers.get("Origin")
    own = {_origin_of(base_url), _origin_of(request.build_absolute_uri("/"))}
    # Browsers send Origin with every POST; a request without one is not a browser's cross-site form.
    return origin is None or origin in own or origin in origins


def _origin_of(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def order_widget(
    page: Page,
    order_global_id: str,
    runtime: SupportRuntime,
    flash: str = "",
    error: str = "",
    draft: object = None,
    in_popup: bool = False,
    opened_case: int | None = None,
) -> HttpResponse:
    order_id = order_uuid(order_global_id)
    order = runtime.gateway.get_order(order_id) if order_id else None
    if order_id is None or order is None:
        return render("refused.html", page, 404, message="This order no longer exists.")
    now = timezone.now()
    return render(
        "order_widget.html",
        page,
        order=order,
        cases=pages.order_cases(order_id, now),
        notices=pages.order_notices(order_id),
        return_requests=returns_actions.order_returns(order_id),
        has_chargeback=returns_actions.has_chargeback_case(order_id),
        return_to=WIDGET,
        order_global_id=order_global_id,
        flash=flash,
        error=error,
        draft=draft,
        in_popup=in_popup,
        # support.js tells the order page's widget (and, from the popup, the Dashboard) about a case just opened.
        opened_case=opened_case,
    )


def queue(page: Page, member: StaffMember, form: Mapping[str, str]) -> HttpResponse:
    query = pages.QueueQuery.from_form(form)
    return render("queue.html", page, query=query, cases=pages.queue_cases(query, member.user_id, timezone.now()))


def report_page(page: Page, form: Mapping[str, str], runtime: SupportRuntime) -> HttpResponse:
    """The support report; `format=csv`: the same rows as a CSV file."""
    built = report_page_module.build_report(runtime.settings, form, page.staff)
    if form.get("format") == "csv":
        csv_text = report_page_module.csv_rows(built.table, built.labels)
        return _download(page, csv_text, "text/csv", built.query.csv_name)
    context = report_page_module.page_context(built, runtime.settings)
    return render("report.html", page, **context, report_url=plugin_url(page.base_url, REPORT_PATH))


def _download(page: Page, content: str, content_type: str, file_name: str) -> HttpResponse:
    response = secure(HttpResponse(content, content_type=content_type), page.dashboard_origins)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def case_page(page: Page, case_id: str, flash: str = "", error: str = "", draft: object = None) -> HttpResponse:
    pk = whole_number(case_id)
    thread = pages.case_thread(pk, timezone.now()) if pk is not None else None
    if thread is None:
        return render("refused.html", page, 404, message="This case no longer exists.")
    return render(
        "case.html",
        page,
        case=thread.case,
        messages=thread.messages,
        changes=thread.changes,
        notices=thread.notices,
        return_requests=returns_actions.case_returns(thread.case.pk),
        evidence_order=order_global_id_of(thread.case.order_id),
        return_to=CASE,
        flash=flash,
        error=error,
        draft=draft,
    )


def perform_action(page: Page, member: StaffMember, form: Mapping[str, str], runtime: SupportRuntime) -> HttpResponse:
    actor = Actor(AuthorType.STAFF, user_id=member.user_id, name=member.name)
    action = form.get("action", "")
    case_id = form.get("case", "")
    opened: int | None = None
    try:
        with transaction.atomic():
            if not submissions.claim(form.get("submission", "")):
                raise AlreadySent()
            flash, case = _act(action, form, actor, page, runtime, member)
        error, draft = "", None
        case_id = str(case.pk) if case is not None else case_id
        opened = case.pk if action == "open" and case is not None else None
    except AlreadySent:
        flash, error, draft = "This form was already sent; it was saved once.", "", None
    except CaseError as refused:
        flash, error = "", str(refused)
        draft = {"action": action, "case": whole_number(case_id), **_typed(form)}
    if form.get("return_to") == WIDGET:
        in_popup = form.get("frame") == POPUP
        return order_widget(page, form.get("orderId", ""), runtime, flash, error, draft, in_popup, opened)
    return case_page(page, case_id, flash, error, draft)


def _act(
    action: str, form: Mapping[str, str], actor: Actor, page: Page, runtime: SupportRuntime, member: StaffMember
) -> tuple[str, SupportCase | None]:
    if action in returns_actions.ACTIONS:
        flash, return_request = returns_actions.act(action, form, actor, member, runtime.settings)
        return flash, return_request.case
    if action == "open":
        order_id = order_uuid(form.get("orderId", ""))
        if order_id is None:
            raise CaseError("This order no longer exists.", Code.NOT_FOUND)
        case = actions.open_order_case(runtime, actor, order_id, form)
        return f"Case #{case.pk} opened.", case
    case = actions.get_case(form.get("case", ""))
    if action == "reply":
        actions.add_reply(case, actor, form.get("body", ""))
        return "Reply sent to the customer.", case
    if action == "note":
        actions.add_note(case, actor, form.get("body", ""))
        return "Internal note added.", case
    if action == "update":
        actions.change_case(case, actor, form, {staff_id for staff_id, _ in page.staff})
        return "Case updated.", case
    raise CaseError("Unknown action.", Code.INVALID)


def _typed(form: Mapping[str, str]) -> dict[str, str]:
    """What the staff member typed, to put back in the form when the action is refused."""
    return {name: form.get(name, "") for name in ("body", "subject", "reason", "amount")}


def order_global_id_of(order_id: uuid.UUID | None) -> str:
    return base64.b64encode(f"Order:{order_id}".encode()).decode() if order_id else ""


def order_uuid(global_id: str) -> uuid.UUID | None:
    """Saleor's Relay ID of an order (`base64("Order:<uuid>")`) -> the order's id; None for anything else."""
    return uuid_id(global_id, "Order")
