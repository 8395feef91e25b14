"""The pages' HTTP edge with a test `StaffAccess`; Saleor's real token checks are tested in tests/in_saleor."""

import datetime
import json
import re
import uuid
from base64 import b64encode
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory

from saleor_support_plugin.cases.service import Actor, CaseOrder, open_case
from saleor_support_plugin.core.business_days import BusinessCalendar
from saleor_support_plugin.dashboard.session import DashboardRefusal, StaffMember
from saleor_support_plugin.dashboard.views import handle_app_request, order_uuid
from saleor_support_plugin.models import AuthorType, CaseChannel, CaseMessage, SupportCase
from tests.conftest import make_order


def order_cases(order_id):
    return list(SupportCase.objects.filter(order_id=order_id).order_by("pk"))


pytestmark = pytest.mark.django_db
BASE = "http://testserver/plugins/global/saleor.support/"
DASHBOARD = "https://dashboard.shop.example"


@dataclass
class TokenBook:
    """Tokens this test hands out; `authenticate` records every token it was asked about."""

    asked: list[str] = field(default_factory=list)

    def authenticate(self, token: str) -> StaffMember:
        self.asked.append(token)
        if token != "good":
            raise DashboardRefusal("This session has expired: reload the page in the Dashboard.")
        return StaffMember(user_id=1, name="Sam Agent")

    def staff(self):
        return [(1, "Sam Agent"), (2, "Robin <Lead>")]


@pytest.fixture
def app_runtime(use_settings):
    return use_settings(dashboard_origins=(DASHBOARD,))


def customer_case(settings, subject="Where is my mug?", body="Hello", order=None):
    return open_case(
        settings=settings,
        author=Actor(AuthorType.CUSTOMER, name="Jane"),
        origin=CaseChannel.STOREFRONT,
        subject=subject,
        body=body,
        email="jane@example.com",
        order=order or CaseOrder(id=uuid.uuid4(), number="1", email="jane@example.com"),
    )


def request(path, method="post", origin=DASHBOARD, **data):
    factory = RequestFactory()
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    return getattr(factory, method)(BASE + path, data, **headers), path


def call(app_runtime, tokens, path, **kwargs):
    req, path = request(path, **kwargs)
    return handle_app_request(req, path, app_runtime, tokens)


def test_manifest_and_static_files_need_no_token(app_runtime):
    tokens = TokenBook()

    manifest = call(app_runtime, tokens, "app/manifest", method="get")
    css = call(app_runtime, tokens, "app/static/support.css", method="get")
    missing = call(app_runtime, tokens, "app/static/../../settings.py", method="get")

    assert manifest.status_code == 200
    assert json.loads(manifest.content)["appUrl"] == BASE + "app"
    assert css["Content-Type"].startswith("text/css")
    assert missing.status_code == 404
    assert tokens.asked == []


def test_app_page_and_popup_shells_show_no_data_and_pass_the_order_on(app_runtime):
    tokens = TokenBook()

    queue = call(app_runtime, tokens, "app/queue/", method="get").content.decode()
    home = call(app_runtime, tokens, "app", method="get").content.decode()
    assert f'action="{BASE}app/queue"' in home
    popup = call(app_runtime, tokens, "app/open-case", method="get", orderId='T3JkZXI6"><b>').content.decode()

    assert f'action="{BASE}app/queue"' in queue
    assert f'action="{BASE}app/order-widget"' in popup
    assert 'name="orderId" value="T3JkZXI6&quot;&gt;&lt;b&gt;"' in popup
    assert 'name="focus" value="open"' in popup
    assert tokens.asked == []


def test_public_url_of_the_deployment_is_used_and_trusted(app_runtime, settings):
    settings.PUBLIC_URL = "https://api.shop.example/"

    manifest = json.loads(call(app_runtime, TokenBook(), "app/manifest", method="get").content)
    own_form = call(app_runtime, TokenBook(), "app/queue", origin="https://api.shop.example", accessToken="good")

    assert manifest["appUrl"] == "https://api.shop.example/plugins/global/saleor.support/app"
    assert own_form.status_code == 200


def test_form_from_another_origin_is_refused_before_the_token_is_read(app_runtime):
    tokens = TokenBook()

    response = call(app_runtime, tokens, "app/queue", origin="https://evil.example", accessToken="good")

    assert response.status_code == 403
    assert tokens.asked == []


def test_refused_token_keeps_what_was_typed(app_runtime):
    response = call(app_runtime, TokenBook(), "app/action", accessToken="old", action="reply", case="1", body="<b>Hi")

    assert response.status_code == 401
    html = response.content.decode()
    assert "&lt;b&gt;Hi" in html
    assert "<b>Hi" not in html


def test_pages_may_be_framed_only_by_the_dashboard(app_runtime):
    response = call(app_runtime, TokenBook(), "app/queue", accessToken="good", theme="dark")

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert f"frame-ancestors {DASHBOARD}" in policy
    assert "script-src 'self'" in policy
    assert response["Cache-Control"] == "no-store"
    assert 'data-theme="dark"' in response.content.decode()


def test_no_dashboard_url_means_no_site_may_frame_the_pages(use_settings):
    response = call(use_settings(), TokenBook(), "app/queue", method="get")

    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_unknown_theme_is_not_forced_and_output_is_escaped(app_runtime, support_settings):
    customer_case(support_settings, subject='<script>alert("x")</script>', body="<img src=x onerror=alert(1)>")

    response = call(app_runtime, TokenBook(), "app/queue", accessToken="good", theme='"><script>')

    html = response.content.decode()
    assert "data-theme" not in html  # no theme forced: the page follows the browser's light/dark preference
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "Robin &lt;Lead&gt;" in html


def test_order_widget_note_from_the_dashboard(app_runtime, orders, support_settings):
    order = orders.put(make_order())
    case = customer_case(support_settings, order=CaseOrder(id=order.id, number=order.number, email=order.email))
    order_gid = b64encode(f"Order:{order.id}".encode()).decode()

    widget = call(app_runtime, TokenBook(), "app/order-widget", accessToken="good", orderId=order_gid)
    noted = call(
        app_runtime,
        TokenBook(),
        "app/action",
        origin="http://testserver",
        accessToken="good",
        action="note",
        case=str(case.pk),
        body="Carrier delay.",
        submission="note-1",
        return_to="widget",
        orderId=order_gid,
    )

    assert "Where is my mug?" in widget.content.decode()
    assert "Internal note added." in noted.content.decode()
    assert CaseMessage.objects.filter(case=case, body="Carrier delay.", is_internal=True, author_user_id=1).exists()


def test_widget_posted_without_a_theme_follows_the_browser(app_runtime, orders):
    """The Dashboard posts a widget saleorApiUrl, accessToken, appId and orderId: no theme."""
    order = orders.put(make_order())
    order_gid = b64encode(f"Order:{order.id}".encode()).decode()

    html = call(app_runtime, TokenBook(), "app/order-widget", accessToken="good", orderId=order_gid).content.decode()

    assert "data-theme" not in html.split("<body", 1)[0]
    assert '<body class="widget">' in html


def test_a_case_opened_in_the_popup_is_announced_and_the_popup_stays_a_popup(app_runtime, orders):
    order = orders.put(make_order())
    order_gid = b64encode(f"Order:{order.id}".encode()).decode()
    shell = call(app_runtime, TokenBook(), "app/open-case", method="get", orderId=order_gid).content.decode()
    popup = call(app_runtime, TokenBook(), "app/order-widget", accessToken="good", orderId=order_gid, frame="popup")
    form = {"accessToken": "good", "action": "open", "return_to": "widget", "orderId": order_gid}
    form |= {"subject": "Address change", "body": "New address.", "category": "other", "channel": "phone"}

    def send(submission, **changes):
        fields = {**form, "submission": submission, **changes}
        return call(app_runtime, TokenBook(), "app/action", origin="http://testserver", **fields)

    opened = send("k1", frame="popup")
    refused = send("k2", frame="popup", body="")
    in_widget = send("k3")

    assert 'name="frame" value="popup"' in shell
    assert 'name="frame" value="popup"' in popup.content.decode()  # its forms keep saying where they are
    from_popup, from_widget = order_cases(order.id)
    html = opened.content.decode()
    assert f'data-opened-case="{from_popup.pk}"' in html
    assert 'data-frame="popup"' in html
    assert "data-opened-case" not in refused.content.decode()  # nothing opened: nothing to announce
    assert f'data-opened-case="{from_widget.pk}"' in in_widget.content.decode()
    assert 'data-frame="popup"' not in in_widget.content.decode()  # the widget itself asks the Dashboard nothing


def test_a_form_sent_twice_is_acted_on_once(app_runtime, support_settings):
    case = customer_case(support_settings)
    form = {"accessToken": "good", "action": "reply", "case": str(case.pk), "body": "On its way.", "submission": "k1"}

    first = call(app_runtime, TokenBook(), "app/action", origin="http://testserver", **form)
    again = call(app_runtime, TokenBook(), "app/action", origin="http://testserver", **form)
    keyless = call(app_runtime, TokenBook(), "app/action", origin="http://testserver", **{**form, "submission": ""})

    assert "Reply sent to the customer." in first.content.decode()
    assert "already sent" in again.content.decode()
    assert "already sent" in keyless.content.decode()
    assert case.messages.filter(body="On its way.").count() == 1


def test_every_page_gives_its_forms_a_fresh_key(app_runtime):
    pages = [call(app_runtime, TokenBook(), "app/queue", accessToken="good").content.decode() for _ in range(2)]

    keys = [re.search(r'name="submission" value="([^"]+)"', page).group(1) for page in pages]
    assert keys[0] != keys[1]


def test_order_relay_ids():
    order_id = uuid.uuid4()
    assert order_uuid(b64encode(f"Order:{order_id}".encode()).decode()) == order_id
    assert order_uuid(b64encode(f"User:{order_id}".encode()).decode()) is None
    assert order_uuid("not base64!") is None


def test_times_are_shown_in_the_store_time_zone(use_settings, support_settings):
    runtime = use_settings(
        dashboard_origins=(DASHBOARD,), calendar=BusinessCalendar(timezone=ZoneInfo("Europe/Berlin"))
    )
    case = customer_case(support_settings)
    case.first_response_due_at = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)
    case.save()

    html = call(runtime, TokenBook(), "app/queue", accessToken="good").content.decode()

    assert "due 2026-11-02 11:00 CET" in html
