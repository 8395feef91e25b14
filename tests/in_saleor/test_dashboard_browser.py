"""The support pages in a real browser (Debian's headless Chromium driven by Playwright), served by a live Saleor.

A page standing in for the Dashboard's frame does what the Dashboard does with an app extension: it POSTs the
widget's form (accessToken, saleorApiUrl, appId, orderId) into an iframe, and it loads the app page in an iframe and
sends the token by postMessage ("handshake"). The tokens are real: Saleor's API issues them to a staff user.
Screenshots of both pages in both themes go to $SUPPORT_SCREENSHOTS (default: build/screenshots).
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
from pathlib import Path

import graphene
import pytest
from django.db import connections
from django.utils.html import escape
from saleor.app.models import App
from saleor.core.jwt import create_access_token_for_app
from saleor.permission.enums import get_permissions_from_names
from saleor.tests.utils import prepare_test_db_connections

from saleor_support_plugin.models import CaseMessage, CaseStatus, SupportCase

from .dashboard import (
    MANIFEST_URL,
    QUEUE_URL,
    WIDGET_MOUNT,
    WIDGET_URL,
    app_page_token,
    install_support_app,
    messages_the_customer_sees,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
try:
    from playwright.sync_api import Frame, Page, sync_playwright
except ImportError:  # pragma: no cover - reported by the skip below
    sync_playwright = None

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.skipif(
        sync_playwright is None or not Path(CHROMIUM).exists(),
        reason="BROWSER TESTS SKIPPED: needs Debian's chromium and the playwright package (pip install .[browser])",
    ),
]

DASHBOARD = "http://dashboard.shop.example"
SCREENSHOTS = Path(os.environ.get("SUPPORT_SCREENSHOTS", "build/screenshots"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # The stand-in Dashboard is served by Playwright, so Chromium counts it as a public site framing a page on
    # localhost (the live Saleor); a real Dashboard and API are on the same kind of network.
    "--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights",
]


SURROUNDS = {"light": "#ffffff", "dark": "#1c1c1f"}  # the Dashboard's page behind its cards, light and dark


def widget_host(live_url: str, token: str, order_gid: str, app_gid: str, more: str = "") -> str:
    """The Dashboard's POST widget (its IframePost): a form with the token submitted into a sandboxed iframe,
    which grows to the height the page reports (the AppBridge action "widgetResize", as the Dashboard's
    useWidgetIframeAutoHeight reads it).
    The form carries no theme, as the Dashboard's does not. `more`: other frames of the same Dashboard page.
    """
    fields = {"saleorApiUrl": f"{live_url}/graphql/", "accessToken": token, "appId": app_gid, "orderId": order_gid}
    inputs = "".join(f'<input type="hidden" name="{name}" value="{escape(value)}">' for name, value in fields.items())
    return f"""<!doctype html><html><body style="margin:0;background:{SURROUNDS["light"]}">
<form id="widget-form" method="post" target="widget" action="{live_url}{WIDGET_URL}">{inputs}</form>
<div id="surround" style="display:inline-block;padding:16px">
<iframe name="widget" id="widget" style="width:380px;height:200px;border:0;display:block"
        sandbox="allow-same-origin allow-forms allow-scripts allow-downloads allow-popups"></iframe>
</div>{more}
<script>
  var frame = document.getElementById("widget");
  window.heights = [];
  window.addEventListener("message", function (event) {{
    var action = event.data || {{}};
    if (event.source === frame.contentWindow && action.type === "widgetResize" && action.payload.actionId) {{
      window.heights.push(action.payload.height);
      frame.style.height = Math.min(Math.ceil(action.payload.height), 5000) + "px";
    }}
  }});
  document.getElementById("widget-form").submit();
</script></body></html>"""


def app_page_host(live_url: str, token: str, theme: str, path: str = QUEUE_URL, params: str = "") -> str:
    """The Dashboard's app page or popup (its AppIFrame): the iframe loads the page with the Dashboard's context
    (domain, saleorApiUrl, id, theme, and the extension's own such as orderId) in the query, and gets the token by
    a "handshake" message on load (the Dashboard's usePostToExtension posts to the app's origin)."""
    target = json.dumps(live_url)
    message = json.dumps({"type": "handshake", "payload": {"token": token, "version": 1}})
    context = f"domain={live_url.removeprefix('http://')}&saleorApiUrl={live_url}/graphql/&id=QXBwOjE%3D"
    return f"""<!doctype html><html><body style="margin:0">
<iframe id="app" style="width:900px;height:1000px;border:0" src="{live_url}{path}?{context}&theme={theme}{params}"
        sandbox="allow-same-origin allow-forms allow-scripts allow-downloads allow-popups"></iframe>
<script>
  var frame = document.getElementById("app");
  frame.addEventListener("load", function () {{
    frame.contentWindow.postMessage({message}, {target});
  }});
</script></body></html>"""


def popup_frame(live_url: str, token: str, path: str, order_gid: str) -> str:
    """The Dashboard's "Open support case" popup over the order page (its AppIFrame, target POPUP): the token by
    "handshake", the theme and orderId in the URL. Actions the popup sends are kept in window.popupActions, and
    "popupClose" removes the frame, as the Dashboard's handler (deactivate) does."""
    target = json.dumps(live_url)
    message = json.dumps({"type": "handshake", "payload": {"token": token, "version": 1}})
    context = f"domain={live_url.removeprefix('http://')}&saleorApiUrl={live_url}/graphql/&id=QXBwOjE%3D"
    src = f"{live_url}{path}?{context}&theme=light&orderId={order_gid}"
    return f"""
<iframe id="popup" style="width:600px;height:700px;border:0" src="{src}"
        sandbox="allow-same-origin allow-forms allow-scripts allow-downloads allow-popups"></iframe>
<script>
  window.popupActions = [];
  var popup = document.getElementById("popup");
  popup.addEventListener("load", function () {{ popup.contentWindow.postMessage({message}, {target}); }});
  window.addEventListener("message", function (event) {{
    if (event.source !== popup.contentWindow || event.origin !== {target}) return;
    window.popupActions.push(event.data);
    if (event.data.type === "popupClose") popup.remove();
  }});
</script>"""


def order_page_with_popup(live_url: str, app: App, order, api_client, extension_token) -> str:
    """An order page with the support widget, and the "Open support case" popup opened over it."""
    order_gid = graphene.Node.to_global_id("Order", order.pk)
    popup_path = dashboard_url_of(app, "order_details_more_actions").removeprefix(live_url)
    popup = popup_frame(live_url, extension_token(api_client, "ORDER_DETAILS_MORE_ACTIONS"), popup_path, order_gid)
    app_gid = graphene.Node.to_global_id("App", app.pk)
    return widget_host(live_url, extension_token(api_client, WIDGET_MOUNT), order_gid, app_gid, more=popup)


# The colours a frame's page is drawn with: its text, its own surface and its border.
COLOURS = r"""() => {
  const parse = value => value.match(/[\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const lin = c => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const body = getComputedStyle(document.body);
  const text = luminance(parse(body.color)), surface = luminance(parse(body.backgroundColor));
  return {
    surface: surface,
    contrast: (Math.max(text, surface) + 0.05) / (Math.min(text, surface) + 0.05),
    opaque: parse(body.backgroundColor).length === 3 || parse(body.backgroundColor)[3] === 1,
    border: body.borderTopWidth + " " + body.borderTopStyle,
  };
}"""


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs the test inside an asyncio context, where Django's connections are a fresh set:
    # the ORM calls here are ordinary blocking ones, and Saleor's test replica must be set up again in it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        prepare_test_db_connections()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        connections.close_all()


@pytest.fixture
def dashboard_page(browser):
    """A page at the Dashboard's origin whose HTML the test provides."""
    context = browser.new_context(viewport={"width": 1000, "height": 1100})
    page = context.new_page()
    hosts: dict[str, str] = {}
    page.route(f"{DASHBOARD}/**", lambda route: route.fulfill(content_type="text/html", body=hosts[route.request.url]))

    def open_host(path: str, html: str) -> Page:
        hosts[f"{DASHBOARD}{path}"] = html
        page.goto(f"{DASHBOARD}{path}")
        return page

    yield open_host
    context.close()


@pytest.fixture
def live_support(
    browser, live_server, client, support_plugin, staff_api_client, permission_manage_orders, addressed_by_request
):
    support_plugin(dashboard_url=DASHBOARD)
    staff_api_client.user.user_permissions.add(permission_manage_orders)
    manifest = client.get(MANIFEST_URL, HTTP_HOST=live_server.url.removeprefix("http://")).json()
    app = install_support_app(manifest, live_server.url + MANIFEST_URL)
    return live_server.url, app


def dashboard_url_of(app: App, mount: str, identifier: str | None = None) -> str:
    """Where the Dashboard points the extension's frame: its URL, joined to appUrl when relative."""
    extensions = app.extensions.filter(mount=mount)
    url = (extensions.filter(identifier=identifier) if identifier else extensions).get().url
    return url if url.startswith("http") else app.app_url.rstrip("/") + url


def frame_of(page: Page, element_id: str) -> Frame:
    frame = page.frame_locator(f"#{element_id}").owner.element_handle().content_frame()
    assert frame is not None
    return frame


def settled(page: Page, frame: Frame) -> None:
    """The frame's document fully loaded and its frame grown to the height the document has.

    Reading colours before the load event can read the page before its stylesheet applies; clicking while the
    host still resizes the frame can land where the element was a moment before.
    """
    frame.wait_for_load_state("load")
    height = frame.evaluate("Math.ceil(document.body.getBoundingClientRect().height)")
    page.wait_for_function("([frame, height]) => frame.clientHeight === height", arg=[frame.frame_element(), height])


def open_case_actions(page: Page, widget: Frame) -> None:
    """What staff do to reply, note or change the status in the widget: unfold the case's actions."""
    settled(page, widget)
    widget.get_by_text("Reply, note or change status").click()
    widget.locator("article.case details[open]").wait_for()


def screenshot(page: Page, name: str, frame_id: str) -> None:
    """The frame as the Dashboard would show it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.locator(f"#{frame_id}").screenshot(path=str(path))
    assert path.stat().st_size > 5_000


def set_theme(page: Page, frame_id: str, theme: str, live_url: str) -> None:
    """What the Dashboard does when the user switches theme; sent once the page listens for it."""
    frame_of(page, frame_id).locator('html[data-bridge="ready"]').wait_for(state="attached")
    page.evaluate(
        "([id, theme, origin]) => document.getElementById(id).contentWindow.postMessage("
        "{type: 'theme', payload: {theme}}, origin)",
        [frame_id, theme, live_url],
    )


def test_order_widget_reads_on_a_dark_and_a_light_dashboard_without_being_told_the_theme(
    live_support, dashboard_page, staff_api_client, customer_case, order_with_lines, extension_token
):
    live_url, app = live_support
    token = extension_token(staff_api_client, WIDGET_MOUNT)
    order_gid = graphene.Node.to_global_id("Order", order_with_lines.pk)
    page = dashboard_page(
        "/orders/t", widget_host(live_url, token, order_gid, graphene.Node.to_global_id("App", app.pk))
    )
    widget = frame_of(page, "widget")
    widget.get_by_text("Where is my order?").wait_for()
    settled(page, widget)
    assert widget.locator("html").get_attribute("data-theme") is None  # the Dashboard said nothing

    seen = {}
    for preference in ("dark", "light"):  # the browser's (the system's) light/dark preference
        page.emulate_media(color_scheme=preference)
        for surround in ("dark", "light"):  # the Dashboard page around the widget
            page.evaluate(f"document.body.style.background = '{SURROUNDS[surround]}'")
            colours = widget.evaluate(COLOURS)
            screenshot(page, f"order-widget-{preference}-on-{surround}-dashboard", "surround")
            seen[preference, surround] = colours
            # Text always contrasts with the widget's own opaque surface (WCAG AA for body text: 4.5).
            assert colours["contrast"] >= 7, colours
            assert colours["opaque"], colours
            assert colours["border"] == "1px solid", colours
    assert seen["dark", "dark"]["surface"] < 0.05  # a dark card in a dark browser
    assert seen["light", "light"]["surface"] > 0.9


def test_order_widget_reply_note_and_status(
    live_support, dashboard_page, staff_api_client, user_api_client, customer_case, order_with_lines, extension_token
):
    live_url, app = live_support
    token = extension_token(staff_api_client, WIDGET_MOUNT)
    order_gid = graphene.Node.to_global_id("Order", order_with_lines.pk)
    page = dashboard_page(
        "/orders/1", widget_host(live_url, token, order_gid, graphene.Node.to_global_id("App", app.pk))
    )
    page.emulate_media(color_scheme="dark")

    widget = frame_of(page, "widget")
    widget.get_by_text("Where is my order?").wait_for()
    # The widget reported its height, and the frame now fits the content instead of the default 200 px.
    page.wait_for_function("window.heights.length > 0")
    reported = page.evaluate("window.heights[window.heights.length - 1]")
    content_height = widget.evaluate("Math.ceil(document.body.getBoundingClientRect().height)")
    assert reported == content_height > 200

    open_case_actions(page, widget)
    widget.locator('textarea[data-field="reply"]').fill("Good news: it ships today.")
    widget.get_by_role("button", name="Send reply").click()
    widget.get_by_text("Reply sent to the customer.").wait_for()
    settled(page, widget)
    # Still following the browser after the action: no theme was forced on the page.
    assert widget.locator("html").get_attribute("data-theme") is None
    assert widget.evaluate(COLOURS)["surface"] < 0.05
    open_case_actions(page, widget)
    widget.locator('textarea[data-field="note"]').fill("Warehouse confirmed by phone.")
    widget.get_by_role("button", name="Add note").click()
    widget.get_by_text("Internal note added.").wait_for()
    open_case_actions(page, widget)
    widget.locator('select[data-field="status"]').select_option("resolved")
    widget.get_by_role("button", name="Save").click()
    widget.get_by_text("Case updated.").wait_for()

    case = SupportCase.objects.get()
    assert case.status == CaseStatus.RESOLVED
    note = CaseMessage.objects.get(body="Warehouse confirmed by phone.")
    assert note.is_internal
    bodies = messages_the_customer_sees(user_api_client)
    assert "Good news: it ships today." in bodies
    assert "Warehouse confirmed by phone." not in bodies


def test_support_queue_page_filters_opens_a_case_and_replies_in_both_themes(
    live_support, dashboard_page, staff_api_client, user_api_client, customer_case, extension_token
):
    live_url, app = live_support
    token = app_page_token(staff_api_client, app)  # an APP_PAGE gets the app's token, not the extension's
    case = SupportCase.objects.get()
    queue_path = dashboard_url_of(app, "navigation_orders", "support-queue").removeprefix(live_url)

    page = dashboard_page("/apps/support/app", app_page_host(live_url, token, "dark", queue_path))
    queue = frame_of(page, "app")
    queue.get_by_role("heading", name="Support queue").wait_for()
    queue.get_by_text("Where is my order?").wait_for()
    assert queue.locator("html").get_attribute("data-theme") == "dark"
    screenshot(page, "support-queue-dark", "app")

    queue.locator('select[name="category"]').select_option("billing")
    queue.get_by_role("button", name="Apply").click()
    queue.get_by_text("No cases match these filters.").wait_for()
    queue.locator('select[name="category"]').select_option("")
    queue.get_by_role("button", name="Apply").click()
    queue.get_by_role("button", name=f"Open case #{case.pk}").click()
    queue.get_by_text("It has been <b>ten</b> days.", exact=True).wait_for()  # shown as text, not markup
    queue.locator('textarea[data-field="reply"]').fill("We are on it.")
    queue.get_by_role("button", name="Send reply").click()
    queue.get_by_text("Reply sent to the customer.").wait_for()
    queue.locator('textarea[data-field="note"]').fill("Check with the carrier.")
    queue.get_by_role("button", name="Add note").click()
    queue.get_by_text("Internal note added.").wait_for()
    set_theme(page, "app", "light", live_url)
    queue.locator('html[data-theme="light"]').wait_for()
    screenshot(page, "support-case-light", "app")

    page = dashboard_page("/apps/support/app?light", app_page_host(live_url, token, "light", queue_path))
    queue = frame_of(page, "app")
    queue.get_by_text("Where is my order?").wait_for()
    screenshot(page, "support-queue-light", "app")

    bodies = messages_the_customer_sees(user_api_client)
    assert "We are on it." in bodies
    assert "Check with the carrier." not in bodies


def test_case_opened_in_the_popup_shows_in_the_order_pages_widget_and_the_popup_closes(
    live_support, dashboard_page, staff_api_client, order_with_lines, extension_token
):
    live_url, app = live_support
    host = order_page_with_popup(live_url, app, order_with_lines, staff_api_client, extension_token)
    page = dashboard_page("/orders/with-popup", host)
    widget = frame_of(page, "widget")
    widget.get_by_text("No support cases for this order.").wait_for()

    form = frame_of(page, "popup")
    form.locator('input[name="subject"]').fill("Phoned: wants to change the address")
    form.locator('.open-case textarea[name="body"]').fill("New address: 1 Main St.")
    form.get_by_role("button", name="Open case").click()

    # The popup asked the Dashboard to close it; the widget on the order page reloaded itself with the new case.
    page.wait_for_function("!document.getElementById('popup')")
    widget = frame_of(page, "widget")
    widget.get_by_text("Phoned: wants to change the address").wait_for()
    case = SupportCase.objects.get()
    sent = page.evaluate("window.popupActions")
    actions = {action["type"]: action["payload"] for action in sent if "payload" in action}  # AppBridge actions
    assert actions["notification"]["status"] == "success"
    assert actions["notification"]["title"] == f"Support case #{case.pk} opened"
    assert {"notification", "refreshEntity", "popupClose"} <= set(actions)
    assert all(payload.get("actionId") for payload in actions.values())  # the Dashboard ignores actions without
    assert "widgetResize" not in actions  # the Dashboard would shrink the popup's frame to the page


def test_widget_with_typed_text_offers_the_new_case_instead_of_reloading(
    live_support, dashboard_page, staff_api_client, customer_case, order_with_lines, extension_token
):
    live_url, app = live_support
    host = order_page_with_popup(live_url, app, order_with_lines, staff_api_client, extension_token)
    page = dashboard_page("/orders/typed", host)
    widget = frame_of(page, "widget")
    widget.get_by_text("Where is my order?").wait_for()
    open_case_actions(page, widget)
    widget.locator('textarea[data-field="reply"]').fill("Half-written reply")

    form = frame_of(page, "popup")
    form.locator('input[name="subject"]').fill("Second topic")
    form.locator('.open-case textarea[name="body"]').fill("Call back.")
    form.get_by_role("button", name="Open case").click()

    widget.get_by_text("A case was opened for this order.").wait_for()
    assert widget.locator('textarea[data-field="reply"]').input_value() == "Half-written reply"
    widget.get_by_role("button", name="Show it").click()
    widget.get_by_text("Second topic").wait_for()


def test_open_support_case_popup_from_the_orders_more_actions_menu(
    live_support, dashboard_page, staff_api_client, order_with_lines, extension_token
):
    live_url, app = live_support
    token = extension_token(staff_api_client, "ORDER_DETAILS_MORE_ACTIONS")
    order_gid = graphene.Node.to_global_id("Order", order_with_lines.pk)
    popup_url = dashboard_url_of(app, "order_details_more_actions").removeprefix(live_url)

    page = dashboard_page("/orders/popup", app_page_host(live_url, token, "light", popup_url, f"&orderId={order_gid}"))
    popup = frame_of(page, "app")
    popup.locator('input[name="subject"]').fill("Phoned: wants to change the address")
    popup.locator('.open-case textarea[name="body"]').fill("New address: 1 Main St.")
    popup.locator('select[name="channel"]').select_option("phone")
    popup.get_by_role("button", name="Open case").click()
    popup.get_by_text("opened.").wait_for()

    case = SupportCase.objects.get()
    assert (case.order_id, case.origin, case.subject) == (
        order_with_lines.pk,
        "phone",
        "Phoned: wants to change the address",
    )


def test_expired_and_foreign_tokens_are_refused_in_the_browser(
    live_support, dashboard_page, staff_api_client, customer_case, order_with_lines, settings
):
    live_url, app = live_support
    user = staff_api_client.user
    order_gid = graphene.Node.to_global_id("Order", order_with_lines.pk)
    settings.JWT_TTL_APP_ACCESS = datetime.timedelta(seconds=-60)
    expired = create_access_token_for_app(app, user)
    settings.JWT_TTL_APP_ACCESS = datetime.timedelta(minutes=5)
    other = App.objects.create(name="Other app", identifier="other.app", is_active=True)
    other.permissions.set(get_permissions_from_names(["MANAGE_ORDERS"]))
    foreign = create_access_token_for_app(other, user)

    refusals = [(expired, "This session has expired"), (foreign, "not issued for the Customer support app")]
    for number, (token, message) in enumerate(refusals):
        app_gid = graphene.Node.to_global_id("App", app.pk)
        page = dashboard_page(f"/orders/{number}", widget_host(live_url, token, order_gid, app_gid))
        widget = frame_of(page, "widget")
        widget.get_by_text(message).wait_for()
        assert "Where is my order?" not in widget.content()


def test_pages_cannot_be_framed_by_another_site(live_support, browser):
    live_url, _app = live_support
    context = browser.new_context()
    page = context.new_page()
    page.route(
        "http://evil.example/**",
        lambda route: route.fulfill(
            content_type="text/html", body=f'<iframe id="app" src="{live_url}{QUEUE_URL}"></iframe>'
        ),
    )
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text) if "frame-ancestors" in msg.text else None)
    page.goto("http://evil.example/")
    page.wait_for_timeout(1000)
    frame = page.frame_locator("#app").owner.element_handle().content_frame()
    assert frame is not None
    assert "Support queue" not in frame.content()
    assert blocked, "Chromium did not report the frame-ancestors refusal"
    context.close()


# --- Returns (issue 11): a return request on the order page's widget, decided, received and refunded there ---


def test_a_return_request_is_decided_received_and_refunded_from_the_order_widget(
    monkeypatch,
    live_support,
    dashboard_page,
    staff_api_client,
    user_api_client,
    delivered_order,
    returns_plugin,
    return_reasons,
    extension_token,
):
    from django.conf import settings as django_settings
    from saleor.graphql.tests.utils import get_graphql_content
    from saleor.order import FulfillmentStatus
    from saleor.payment import ChargeStatus

    from saleor_support_plugin.returns.models import ReturnRequest, ReturnStatus

    from .returns_setup import REQUEST, line_input, sent

    live_url, app = live_support
    # Saleor's return action reads webhooks from the replica: in the live server's thread, that connection is a
    # new one made from the settings, which still name the production database; point it at the test database.
    replica = django_settings.DATABASE_CONNECTION_REPLICA_NAME
    monkeypatch.setitem(connections.settings[replica], "NAME", connections["default"].settings_dict["NAME"])
    returns_plugin(dashboard_url=DASHBOARD, return_auto_approve="false")
    order_gid = graphene.Node.to_global_id("Order", delivered_order.pk)
    line = delivered_order.lines.first()
    variables = {
        "input": {
            "order": order_gid,
            "lines": [line_input(line, 1, return_reasons["damaged"], "Handle snapped")],
            "resolution": "REFUND",
        }
    }
    held = get_graphql_content(user_api_client.post_graphql(REQUEST, variables))["data"]["supportReturnRequest"]
    rma = held["returnRequest"]["rmaNumber"]

    token = extension_token(staff_api_client, WIDGET_MOUNT)
    page = dashboard_page(
        "/orders/r", widget_host(live_url, token, order_gid, graphene.Node.to_global_id("App", app.pk))
    )
    widget = frame_of(page, "widget")
    widget.get_by_text(rma, exact=True).wait_for()
    widget.get_by_text("“Handle snapped”", exact=False).wait_for()
    widget.get_by_role("button", name="Approve return").click()
    flash = widget.locator("p.flash")
    flash.get_by_text(f"Return {rma} approved: Saleor recorded the return.").wait_for()
    request = ReturnRequest.objects.get()
    assert request.status == ReturnStatus.APPROVED
    assert delivered_order.fulfillments.get(pk=request.return_fulfillment_id).status == FulfillmentStatus.RETURNED

    widget.get_by_role("button", name="Items received").click()
    flash.get_by_text(f"Return {rma}: items received.").wait_for()
    widget.get_by_role("button", name="Refund").click()
    flash.get_by_text(f"Return {rma} refunded.").wait_for()
    request.refresh_from_db()
    assert request.status == ReturnStatus.REFUNDED
    payment = delivered_order.payments.get()
    assert payment.charge_status in (ChargeStatus.PARTIALLY_REFUNDED, ChargeStatus.FULLY_REFUNDED)
    assert [len(sent(kind)) for kind in ("requested", "approved", "received", "refunded")] == [1, 1, 1, 1]
