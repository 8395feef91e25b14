"""Return requests on the support pages (order widget, case page): shown, decided, received and refunded, the
staff limit applied; a chargeback's evidence downloaded. The pages' edge with a test `StaffAccess`; the browser
and Saleor's tokens are tested in tests/in_saleor."""

import datetime
from base64 import b64encode
from decimal import Decimal

import pytest
from django.core import mail
from django.test import RequestFactory

from saleor_support_plugin.cases.service import Actor
from saleor_support_plugin.dashboard.session import StaffMember
from saleor_support_plugin.dashboard.views import handle_app_request
from saleor_support_plugin.models import AuthorType, SupportCase
from saleor_support_plugin.returns import requests as r
from saleor_support_plugin.returns.disputes import open_chargeback_cases
from saleor_support_plugin.returns.models import ReturnRequest, ReturnStatus
from tests.conftest import make_order

from . import memory_port
from .conftest import DAMAGED, DELIVERED, make_return_order

pytestmark = pytest.mark.django_db
BASE = "http://testserver/plugins/global/saleor.support/"
DASHBOARD = "https://dashboard.shop.example"


class Tokens:
    def __init__(self, manages_orders=False):
        self.manages_orders = manages_orders

    def authenticate(self, token):
        return StaffMember(user_id=1, name="Sam Agent", manages_orders=self.manages_orders)

    def staff(self):
        return [(1, "Sam Agent")]


def post(runtime, path, tokens=None, **data):
    req = RequestFactory().post(BASE + path, {"accessToken": "good", **data}, HTTP_ORIGIN=DASHBOARD)
    return handle_app_request(req, path, runtime, tokens or Tokens())


def order_gid(order_id):
    return b64encode(f"Order:{order_id}".encode()).decode()


@pytest.fixture
def held(port, returns_settings, settings, use_settings, orders, django_capture_on_commit_callbacks):
    """A request waiting for staff, the port the pages use, and the order in the order store."""
    memory_port.CURRENT["port"] = port
    settings.SUPPORT_RETURNS_PORT = "tests.returns.memory_port.current_port"
    policy = returns_settings(auto_approve=False, staff_refund_limit=Decimal(20)).returns
    runtime = use_settings(dashboard_origins=(DASHBOARD,), returns=policy)
    order = make_return_order()
    orders.put(make_order(id=order.id, number=order.number))
    port.put(order)
    with django_capture_on_commit_callbacks(execute=True):
        request, _ = r.submit_request(
            port=port,
            settings=runtime.settings,
            order=order,
            requester=Actor(AuthorType.CUSTOMER, name="Jane"),
            submission=r.Submission(
                lines=[r.LineRequest(order.lines[0].id, 2, DAMAGED.id, "Chipped")], resolution="refund"
            ),
            now=DELIVERED + datetime.timedelta(days=1),
        )
    yield runtime, request
    memory_port.CURRENT.clear()


def test_the_order_widget_shows_the_request_and_its_decision_forms(held):
    runtime, request = held
    page = post(runtime, "app/order-widget", orderId=order_gid(request.order_id)).content.decode()
    assert request.rma_number in page
    assert "Waiting for a decision" in page
    assert "2 × Blue Mug (Large): Arrived damaged — “Chipped”" in page
    assert 'data-action="return-approve"' in page
    assert 'data-action="return-reject"' in page


def test_approving_above_the_staff_limit_needs_manage_orders_then_staff_take_every_step(
    held, port, django_capture_on_commit_callbacks
):
    runtime, request = held  # 25.00, above the limit of 20
    form = {"action": "return_approve", "return_request": str(request.pk), "return_to": "widget"}
    refused = post(runtime, "app/action", orderId=order_gid(request.order_id), submission="k1", **form)
    assert "Returns above 20.00 need the Manage orders permission" in refused.content.decode()
    assert ReturnRequest.objects.get().status == ReturnStatus.PENDING
    assert port.returns == []

    lead = Tokens(manages_orders=True)
    gid = order_gid(request.order_id)
    with django_capture_on_commit_callbacks(execute=True):
        approved = post(runtime, "app/action", lead, orderId=gid, submission="k2", **form).content.decode()
        assert f"Return {request.rma_number} approved" in approved
        assert 'data-action="return-receive"' in approved
        received = post(
            runtime, "app/action", lead, orderId=gid, submission="k3", **{**form, "action": "return_receive"}
        ).content.decode()
        assert 'data-action="return-refund"' in received
        post(runtime, "app/action", lead, orderId=gid, submission="k4", **{**form, "action": "return_refund"})
    assert ReturnRequest.objects.get().status == ReturnStatus.REFUNDED
    assert port.refunds == [(request.order_id, Decimal("25.000"))]
    assert [m.tags[-1] for m in mail.outbox if "return" in m.tags] == ["requested", "approved", "received", "refunded"]
    # The same form sent again (a double click) does nothing.
    post(runtime, "app/action", lead, orderId=gid, submission="k4", **{**form, "action": "return_refund"})
    assert len(port.refunds) == 1


def test_rejecting_from_the_case_page_needs_a_reason(held, port):
    runtime, request = held
    case = request.case
    form = {"action": "return_reject", "return_request": str(request.pk), "case": str(case.pk), "return_to": "case"}
    no_reason = post(runtime, "app/action", submission="r1", reason="", **form).content.decode()
    assert "Say why the return is rejected" in no_reason
    page = post(runtime, "app/action", submission="r2", reason="Worn.", **form).content.decode()
    assert f"Return {request.rma_number} rejected" in page
    assert ReturnRequest.objects.get().status == ReturnStatus.REJECTED


def test_a_chargeback_case_offers_its_evidence_as_a_download(held, orders):
    runtime, request = held
    order = orders.put(make_order(id=request.order_id, number=request.order_number, chargebacks=(5,)))
    case = open_chargeback_cases(order, runtime)
    widget = post(runtime, "app/order-widget", orderId=order_gid(order.id)).content.decode()
    assert 'data-action="export-evidence"' in widget
    case_page = post(runtime, "app/case", case=str(case.pk)).content.decode()
    assert 'data-action="export-evidence"' in case_page
    download = post(runtime, "app/evidence", orderId=order_gid(order.id))
    assert download["Content-Disposition"] == f'attachment; filename="evidence-order-{order.number}.html"'
    page = download.content.decode()
    assert f"Evidence for order #{order.number}" in page
    assert request.rma_number in page
    assert SupportCase.objects.filter(topic="chargeback").count() == 1
