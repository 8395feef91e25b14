"""The Dashboard app served by the plugin: its manifest installs in Saleor, and every page and action is
authorised by a real token from Saleor's API, verified in-process."""

from __future__ import annotations

import datetime
import uuid

import graphene
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time
from saleor.app.models import App
from saleor.core.jwt import create_access_token_for_app
from saleor.graphql.tests.utils import get_graphql_content
from saleor.order import OrderEvents
from saleor.permission.enums import get_permissions_from_names

from saleor_support_plugin.host.saleor_gateway import SaleorOrderGateway
from saleor_support_plugin.models import (
    CaseEmail,
    CaseMessage,
    CaseStatus,
    DelayNotice,
    DelayNoticeStatus,
    SupportCase,
)

from .dashboard import (
    ACTION_URL,
    CASE_URL,
    DASHBOARD_ORIGIN,
    HOME_MOUNT,
    MANIFEST_URL,
    QUEUE_MOUNT,
    QUEUE_URL,
    WIDGET_MOUNT,
    WIDGET_URL,
    messages_the_customer_sees,
)

pytestmark = pytest.mark.django_db


def order_gid(order) -> str:
    return graphene.Node.to_global_id("Order", order.pk)


def post(client, url, token, origin=DASHBOARD_ORIGIN, **fields):
    """A form of the pages: every one carries its page's fresh submission key."""
    return client.post(url, {"accessToken": token, "submission": uuid.uuid4().hex, **fields}, HTTP_ORIGIN=origin)


def test_manifest_passes_saleors_validation_and_installs_the_extensions(support_app):
    extensions = {(ext.mount, ext.target): ext for ext in support_app.extensions.all()}
    assert set(extensions) == {
        ("order_details_widgets", "widget"),
        ("order_details_more_actions", "popup"),
        ("navigation_orders", "app_page"),
        ("homepage_widgets", "widget"),
    }
    home = extensions[("homepage_widgets", "widget")]
    assert home.settings == {"homeWidgetTarget": {"method": "POST", "fullscreen": True}}  # what the Dashboard reads
    assert [p.codename for p in home.permissions.all()] == ["manage_support"]
    widget = extensions[("order_details_widgets", "widget")]
    assert widget.url == "http://testserver" + WIDGET_URL
    assert widget.http_target_method == "POST"
    assert {p.codename for p in support_app.permissions.all()} == {"manage_orders", "manage_support"}


def test_manifest_urls_use_saleors_public_url(client, support_plugin, settings):
    settings.PUBLIC_URL = "https://api.shop.example/"
    support_plugin()
    manifest = client.get(MANIFEST_URL).json()
    assert manifest["appUrl"] == "https://api.shop.example/plugins/global/saleor.support/app"


def test_manifest_urls_follow_the_address_it_was_fetched_from(client, support_plugin, settings, addressed_by_request):
    settings.ALLOWED_HOSTS = ["api.shop.example"]
    support_plugin()
    manifest = client.get(MANIFEST_URL, HTTP_HOST="api.shop.example", secure=True).json()
    assert manifest["appUrl"] == "https://api.shop.example/plugins/global/saleor.support/app"
    assert manifest["id"] == "saleor.support.dashboard"


def test_widget_shows_the_orders_cases_and_notices(
    client, staff_api_client, permission_manage_orders, customer_case, support_app, extension_token, order_with_lines
):
    staff_api_client.user.user_permissions.add(permission_manage_orders)
    DelayNotice.objects.create(
        order_id=order_with_lines.pk,
        stage="not_shipped",
        status=DelayNoticeStatus.SENT,
        due_at=timezone.now(),
        sent_at=timezone.now(),
        recipient="jane@example.com",
    )
    token = extension_token(staff_api_client, WIDGET_MOUNT)

    response = post(client, WIDGET_URL, token, orderId=order_gid(order_with_lines), theme="dark")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Where is my order?" in html
    assert "Not shipped within the handling time" in html
    assert "It has been &lt;b&gt;ten&lt;/b&gt; days." in html  # escaped, never markup
    assert 'data-theme="dark"' in html
    assert f"frame-ancestors {DASHBOARD_ORIGIN}" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response


def test_staff_without_a_support_permission_are_refused(
    client, staff_api_client, customer_case, support_app, extension_token, order_with_lines
):
    token = extension_token(staff_api_client, QUEUE_MOUNT)

    response = post(client, QUEUE_URL, token)

    assert response.status_code == 403
    assert "Where is my order?" not in response.content.decode()


def test_permission_revoked_after_the_token_was_issued_is_refused(
    client, staff_api_client, permission_manage_orders, support_app, extension_token
):
    staff_api_client.user.user_permissions.add(permission_manage_orders)
    token = extension_token(staff_api_client, QUEUE_MOUNT)
    staff_api_client.user.user_permissions.remove(permission_manage_orders)
    del staff_api_client.user._effective_permissions

    assert post(client, QUEUE_URL, token).status_code == 403


def test_expired_token_is_refused_and_the_typed_text_is_kept(
    client, staff_api_client, permission_manage_orders, customer_case, support_app, extension_token
):
    staff_api_client.user.user_permissions.add(permission_manage_orders)
    token = extension_token(staff_api_client, QUEUE_MOUNT)
    case_id = SupportCase.objects.get().pk

    with freeze_time(timezone.now() + datetime.timedelta(hours=1)):
        response = post(client, ACTION_URL, token, action="reply", case=case_id, body="On its way <3")

    assert response.status_code == 401
    assert "expired" in response.content.decode()
    assert "On its way &lt;3" in response.content.decode()
    assert not CaseMessage.objects.filter(body="On its way <3").exists()


def test_token_of_another_app_is_refused(client, staff_user, permission_manage_orders, support_app):
    staff_user.user_permissions.add(permission_manage_orders)
    other = App.objects.create(name="Other", identifier="other.app", is_active=True)
    other.permissions.set(get_permissions_from_names(["MANAGE_ORDERS"]))

    response = post(client, QUEUE_URL, create_access_token_for_app(other, staff_user))

    assert response.status_code == 403


def test_forged_or_missing_token_is_refused(
    client, staff_api_client, permission_manage_orders, customer_case, support_app, extension_token
):
    staff_api_client.user.user_permissions.add(permission_manage_orders)
    forged = "eyJhbGciOiJIUzI1NiJ9.eyJ0eXBlIjoidGhpcmRwYXJ0eSJ9.c2lnbmF0dXJl"
    assert post(client, QUEUE_URL, forged).status_code == 401
    assert client.post(QUEUE_URL, {}, HTTP_ORIGIN=DASHBOARD_ORIGIN).status_code == 401
    # A token is read from the form body only: in the query string, even a valid one shows no cases.
    valid = extension_token(staff_api_client, QUEUE_MOUNT)
    shell = client.get(QUEUE_URL + "?accessToken=" + valid).content.decode()
    assert "Connecting to the Saleor Dashboard" in shell
    assert "Where is my order?" not in shell


def test_form_from_another_site_is_refused_before_the_token_is_read(
    client, staff_api_client, permission_manage_orders, customer_case, support_app, extension_token
):
    staff_api_client.user.user_permissions.add(permission_manage_orders)
    token = extension_token(staff_api_client, QUEUE_MOUNT)
    case_id = SupportCase.objects.get().pk

    response = post(client, ACTION_URL, token, origin="https://evil.example", action="note", case=case_id, body="x")

    assert response.status_code == 403
    assert not CaseMessage.objects.filter(body="x").exists()


def test_reply_note_and_status_from_the_case_page(
    client, staff_api_client, user_api_client, permission_manage_orders, customer_case, support_app, extension_token
):
    staff_api_client.user.user_permissions.add(permission_manage_orders)
    token = extension_token(staff_api_client, QUEUE_MOUNT)
    case = SupportCase.objects.get()
    own_origin = "http://testserver"

    def act(action, **fields):
        return post(client, ACTION_URL, token, own_origin, action=action, case=case.pk, return_to="case", **fields)

    reply = act("reply", body="Your parcel left today.")
    note = act("note", body="Carrier says Tuesday.")
    update = act("update", status="resolved", priority="high", assignee=str(staff_api_client.user.pk))

    assert [r.status_code for r in (reply, note, update)] == [200, 200, 200]
    assert "Reply sent to the customer." in reply.content.decode()
    case.refresh_from_db()
    assert (case.status, case.priority, case.assignee_id) == (CaseStatus.RESOLVED, "high", staff_api_client.user.pk)
    staff_message = CaseMessage.objects.get(body="Your parcel left today.")
    assert (staff_message.author_type, staff_message.author_user_id) == ("staff", staff_api_client.user.pk)
    bodies = messages_the_customer_sees(user_api_client)
    assert "Your parcel left today." in bodies
    assert "Carrier says Tuesday." not in bodies


def test_empty_reply_is_refused_on_the_page_and_changes_nothing(
    client, staff_api_client, permission_manage_orders, customer_case, support_app, extension_token, order_with_lines
):
    staff_api_client.user.user_permissions.add(permission_manage_orders)
    token = extension_token(staff_api_client, WIDGET_MOUNT)
    case = SupportCase.objects.get()

    response = post(
        client,
        ACTION_URL,
        token,
        action="reply",
        case=case.pk,
        body="   ",
        return_to="widget",
        orderId=order_gid(order_with_lines),
    )

    assert response.status_code == 200
    assert "Write a message." in response.content.decode()
    assert case.messages.count() == 1


def test_open_a_case_from_the_order_widget(
    client, staff_api_client, permission_manage_orders, support_app, extension_token, order_with_lines
):
    staff_api_client.user.user_permissions.add(permission_manage_orders)
    token = extension_token(staff_api_client, WIDGET_MOUNT)

    response = post(
        client,
        ACTION_URL,
        token,
        action="open",
        return_to="widget",
        orderId=order_gid(order_with_lines),
        subject="Called about the invoice",
        body="Wants a company name on it.",
        category="billing",
        channel="phone",
    )

    assert response.status_code == 200
    case = SupportCase.objects.get()
    assert (case.order_id, case.origin, case.category) == (order_with_lines.pk, "phone", "billing")
    assert f"Case #{case.pk} opened." in response.content.decode()


def test_queue_filters_and_case_view(
    client, staff_api_client, permission_manage_orders, customer_case, support_app, extension_token
):
    staff_api_client.user.user_permissions.add(permission_manage_orders)
    token = extension_token(staff_api_client, QUEUE_MOUNT)
    case = SupportCase.objects.get()

    listed = post(client, QUEUE_URL, token, status="all_open", category="shipping_delay", sort="due")
    filtered_out = post(client, QUEUE_URL, token, status="all_open", category="billing")
    only_status_open = post(client, QUEUE_URL, token, status="open")  # the case is still "new"
    thread = post(client, CASE_URL, token, case=case.pk)

    assert "Where is my order?" in listed.content.decode()
    assert "Where is my order?" not in filtered_out.content.decode()
    assert "Where is my order?" not in only_status_open.content.decode()
    assert thread.status_code == 200
    assert "It has been &lt;b&gt;ten&lt;/b&gt; days." in thread.content.decode()


def test_plugin_page_shows_live_status(staff_api_client, permission_manage_plugins, customer_case, support_app):
    staff_api_client.user.user_permissions.add(permission_manage_plugins)
    SupportCase.objects.update(first_response_due_at=timezone.now() - datetime.timedelta(hours=1))
    refused = CaseEmail.objects.filter(kind="acknowledgement").update(status="failed", failure_reason="Refused")
    assert refused == 1
    query = """query { plugin(id: "saleor.support") { globalConfiguration { configuration { name value type } } } }"""

    content = get_graphql_content(staff_api_client.post_graphql(query))
    fields = {f["name"]: f for f in content["data"]["plugin"]["globalConfiguration"]["configuration"]}

    assert fields["status_open_cases"]["value"] == "1"
    assert fields["status_overdue_cases"]["value"] == "1"
    assert fields["status_notices_sent_7_days"]["value"] == "0"
    assert fields["status_notices_not_sent"]["value"] == "0"
    assert fields["status_case_emails_not_sent"]["value"] == "1"
    assert fields["status_open_cases"]["type"] == "OUTPUT"
    assert fields["status_app_manifest_url"]["value"] == "http://testserver" + MANIFEST_URL


def test_timeline_events_are_attributed_to_the_installed_app(support_app, order_with_lines):
    SaleorOrderGateway().record_timeline_event(order_with_lines.pk, "Delay notice sent", {})

    event = order_with_lines.events.get(type=OrderEvents.EXTERNAL_SERVICE_NOTIFICATION)
    assert event.app_id == support_app.pk


def test_queue_page_costs_the_same_queries_for_3_or_30_cases(
    client, staff_api_client, permission_manage_orders, customer_case, support_app, extension_token
):
    staff_api_client.user.user_permissions.add(permission_manage_orders)
    token = extension_token(staff_api_client, QUEUE_MOUNT)
    case = SupportCase.objects.get()

    def queries_for_queue(total: int) -> int:
        for _ in range(total - SupportCase.objects.count()):
            SupportCase.objects.create(
                subject="Copy", origin="storefront", created_at=case.created_at, last_message_at=case.created_at
            )
        with CaptureQueriesContext(connection) as queries:
            response = post(client, QUEUE_URL, token)
        assert response.content.decode().count('class="case"') == total
        return len(queries)

    assert queries_for_queue(3) == queries_for_queue(30)


def test_staff_with_only_the_support_permission_work_the_queue(
    client, support_staff_api_client, customer_case, support_app, extension_token
):
    token = extension_token(support_staff_api_client, QUEUE_MOUNT)
    case = SupportCase.objects.get()

    queue = post(client, QUEUE_URL, token)
    note = post(client, ACTION_URL, token, "http://testserver", action="note", case=case.pk, body="Seen.")

    assert queue.status_code == 200
    assert "Where is my order?" in queue.content.decode()
    assert note.status_code == 200
    assert case.messages.filter(body="Seen.", is_internal=True).exists()


def test_staff_with_only_the_support_permission_open_the_queue_from_the_dashboards_home(
    client, support_staff_api_client, customer_case, support_app, extension_token
):
    """The Dashboard shows order pages and the Orders section only with MANAGE_ORDERS; Home is for all staff."""
    home_token = extension_token(support_staff_api_client, HOME_MOUNT)

    # The Home tab posts its form as the order widget does: saleorApiUrl, accessToken, appId; no theme.
    queue = post(client, QUEUE_URL, home_token, saleorApiUrl="http://testserver/graphql/", appId="QXBwOjE=")

    assert home_token
    assert queue.status_code == 200
    assert "Where is my order?" in queue.content.decode()
    assert extension_token(support_staff_api_client, WIDGET_MOUNT) is None  # Saleor: no MANAGE_ORDERS, no token


def test_staff_with_only_manage_orders_get_no_home_tab_token(
    client, staff_api_client, permission_manage_orders, support_app, extension_token
):
    staff_api_client.user.user_permissions.add(permission_manage_orders)

    assert extension_token(staff_api_client, HOME_MOUNT) is None  # and the Dashboard hides the tab: Orders has it
    assert extension_token(staff_api_client, WIDGET_MOUNT)
