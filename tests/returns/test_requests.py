"""Return requests on real PostgreSQL with the in-memory port: approved inside the policy, held for staff
outside it, decided, each step recorded once and emailed once."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from saleor_support_plugin.cases.service import Actor, CaseError
from saleor_support_plugin.models import AuthorType, CaseCategory, CaseChange, CaseTrigger, SupportCase
from saleor_support_plugin.returns import requests as r
from saleor_support_plugin.returns.models import ReturnEmail, ReturnPhoto, ReturnRequest, ReturnStatus

from .conftest import CHANGED_MIND, DAMAGED, DELIVERED, make_line, make_return_order

pytestmark = pytest.mark.django_db

CUSTOMER = Actor(AuthorType.CUSTOMER, user_id=7, name="Jane")
AGENT = Actor(AuthorType.STAFF, user_id=1, name="Sam Agent")
NOW = DELIVERED + datetime.timedelta(days=5)
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


@pytest.fixture
def submit(port, returns_settings, django_capture_on_commit_callbacks):
    def run(order, *lines, resolution="refund", now=NOW, settings=None, **more):
        settings = settings or returns_settings()
        port.put(order)
        submission = r.Submission(lines=lines, resolution=resolution, **more)
        with django_capture_on_commit_callbacks(execute=True):
            return r.submit_request(
                port=port, settings=settings, order=order, requester=CUSTOMER, submission=submission, now=now
            )

    return run


def sent(kind):
    return [message for message in mail.outbox if message.tags[-1] == kind]


def test_a_request_inside_the_policy_is_approved_and_carried_out_at_once(submit, port):
    order = make_return_order()
    line = order.lines[0]
    request, created = submit(order, r.LineRequest(line.id, 1, DAMAGED.id, "Handle snapped"))
    assert created
    assert (request.status, request.auto_approved, request.case) == (ReturnStatus.APPROVED, True, None)
    assert request.amount == Decimal("12.50")
    assert request.rma_number == f"RMA-1042-{request.pk}"
    ((order_id, items, exchange, rma),) = port.returns
    assert (order_id, [(i.order_line_id, i.quantity, i.reason_page_id) for i in items], exchange, rma) == (
        order.id,
        [(line.id, 1, DAMAGED.id)],
        False,
        request.rma_number,
    )
    assert request.return_fulfillment_id is not None
    # Saleor's order-change hook will see the RETURNED fulfillment: it is this request's, no second case.
    assert CaseTrigger.objects.filter(key=f"return:{request.return_fulfillment_id}").exists()
    (approval,) = sent("approved")
    assert approval.to == ["jane@example.com"]
    assert request.rma_number in approval.subject
    assert "1 Dock Road" in approval.body
    assert request.rma_number in approval.body
    assert "we refund 12.50 USD" in approval.body
    assert [message for _, message, _ in port.timeline] == [
        f"Return {request.rma_number} requested (1 x Blue Mug; refund).",
        f"Return {request.rma_number} approved automatically, inside the return policy.",
    ]
    line_row = request.lines.get()
    assert (line_row.reason_slug, line_row.reason_title, line_row.reason_text) == (
        "damaged",
        "Arrived damaged",
        "Handle snapped",
    )


def test_a_request_outside_the_limits_waits_on_a_return_case_and_the_customer_is_told(submit, port, returns_settings):
    settings = returns_settings(auto_max_items=1)
    order = make_return_order()
    photo = r.Photo("../../crack.png", "image/png", PNG)
    request, _ = submit(
        order,
        r.LineRequest(order.lines[0].id, 2, CHANGED_MIND.id),
        settings=settings,
        comment="Both are chipped.",
        photos=[photo],
    )
    assert request.status == ReturnStatus.PENDING
    assert port.returns == []
    case = request.case
    assert (case.category, case.order_id, case.customer_email) == (CaseCategory.RETURN, order.id, "jane@example.com")
    body = case.messages.get().body
    assert "2 items, more than the 1 approved automatically" in body
    assert "Both are chipped." in body
    assert "1 photo(s)" in body
    assert ReturnPhoto.objects.get().name == "crack.png"
    (requested,) = sent("requested")
    assert request.rma_number in requested.body
    assert "review it" in requested.body
    assert sent("approved") == []


def test_the_same_idempotency_key_returns_the_first_request_and_sends_nothing_more(submit, port):
    order = make_return_order()
    first, created = submit(order, r.LineRequest(order.lines[0].id, 1, DAMAGED.id), idempotency_key="k-1")
    again, created_again = submit(order, r.LineRequest(order.lines[0].id, 1, DAMAGED.id), idempotency_key="k-1")
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert ReturnRequest.objects.count() == 1
    assert len(port.returns) == 1
    assert len(sent("approved")) == 1


def test_a_duplicate_request_without_a_key_is_refused_as_already_requested(submit, port, returns_settings):
    order = make_return_order()
    line = order.lines[0]
    submit(order, r.LineRequest(line.id, 2, DAMAGED.id))
    with pytest.raises(CaseError) as refused:
        submit(port.orders[order.id], r.LineRequest(line.id, 2, DAMAGED.id))
    assert refused.value.code == "already_requested"
    # Held for staff (not yet carried out): the same holds.
    held = make_return_order()
    settings = returns_settings(auto_approve=False)
    submit(held, r.LineRequest(held.lines[0].id, 2, DAMAGED.id), settings=settings)
    with pytest.raises(CaseError) as refused_again:
        submit(held, r.LineRequest(held.lines[0].id, 1, DAMAGED.id), settings=settings)
    assert refused_again.value.code == "already_requested"
    assert ReturnRequest.objects.count() == 2
    assert SupportCase.objects.count() == 1


@pytest.mark.parametrize(
    ("line_overrides", "quantity", "more", "code", "field"),
    [
        ({}, 3, {}, "quantity_exceeded", "lines"),
        ({}, 0, {}, "invalid", "lines"),
        ({"delivered_at": DELIVERED - datetime.timedelta(days=40)}, 1, {}, "window_closed", "lines"),
        ({"flags": frozenset({"final-sale"})}, 1, {}, "not_returnable", "lines"),
        ({}, 1, {"resolution": "teleport"}, "resolution_not_offered", "resolution"),
        ({}, 1, {"photos": [r.Photo("notes.txt", "text/plain", b"hi")]}, "invalid", "photos"),
        ({}, 1, {"comment": "nul \x00"}, "invalid", "comment"),
    ],
)
def test_refusals_are_coded_and_leave_nothing_behind(submit, port, line_overrides, quantity, more, code, field):
    order = make_return_order(make_line(**line_overrides))
    with pytest.raises(CaseError) as refused:
        submit(order, r.LineRequest(order.lines[0].id, quantity, DAMAGED.id), **more)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert ReturnRequest.objects.count() == 0
    assert ReturnEmail.objects.count() == 0
    assert port.returns == []


def test_a_reason_is_one_of_the_shops_pages_or_written_out(submit):
    order = make_return_order()
    with pytest.raises(CaseError) as unknown:
        submit(order, r.LineRequest(order.lines[0].id, 1, 999))
    with pytest.raises(CaseError) as missing:
        submit(order, r.LineRequest(order.lines[0].id, 1))
    assert (unknown.value.code, missing.value.code) == ("invalid", "required")
    request, _ = submit(order, r.LineRequest(order.lines[0].id, 1, None, "Too small"))
    assert request.lines.get().reason_text == "Too small"


def test_returns_switched_off_refuse_every_request(submit, returns_settings):
    order = make_return_order()
    with pytest.raises(CaseError) as refused:
        submit(order, r.LineRequest(order.lines[0].id, 1, DAMAGED.id), settings=returns_settings(enabled=False))
    assert refused.value.code == "returns_disabled"


def test_the_customers_recent_returns_send_the_next_one_to_staff(submit, returns_settings):
    settings = returns_settings(auto_max_per_customer=1)
    first = make_return_order()
    second = make_return_order(number="1043")
    assert submit(first, r.LineRequest(first.lines[0].id, 1, DAMAGED.id), settings=settings)[0].auto_approved
    held, _ = submit(second, r.LineRequest(second.lines[0].id, 1, DAMAGED.id), settings=settings)
    assert held.status == ReturnStatus.PENDING
    assert held.needs_staff_because == "1 earlier returns in 90 days"


def test_shipping_is_refunded_when_everything_comes_back_and_fees_are_kept(submit, returns_settings):
    settings = returns_settings(refund_shipping=True, restocking_fees={"changed-mind": Decimal(10)})
    order = make_return_order()
    request, _ = submit(order, r.LineRequest(order.lines[0].id, 2, CHANGED_MIND.id), settings=settings)
    assert (request.items_value, request.restocking_fee, request.shipping_refund) == (
        Decimal("25.00"),
        Decimal("2.50"),
        Decimal("5.00"),
    )
    assert request.amount == Decimal("27.50")


def test_saleor_refusing_the_return_sends_the_request_to_staff(submit, port):
    port.refuse = "Quantity not available"
    order = make_return_order()
    request, _ = submit(order, r.LineRequest(order.lines[0].id, 1, DAMAGED.id))
    assert request.status == ReturnStatus.PENDING
    assert request.needs_staff_because == "Saleor refused the return: Quantity not available"
    assert request.case is not None


@pytest.fixture
def held_request(submit, returns_settings):
    order = make_return_order()
    settings = returns_settings(auto_approve=False)
    request, _ = submit(order, r.LineRequest(order.lines[0].id, 2, DAMAGED.id), settings=settings)
    return request


def test_staff_approve_with_another_resolution_and_amount(
    held_request, port, returns_settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approved = r.approve(
            port=port,
            settings=returns_settings(),
            request=held_request,
            actor=AGENT,
            resolution="store_credit",
            amount=Decimal("20"),
            now=NOW,
        )
    assert (approved.status, approved.resolution, approved.amount) == ("approved", "store_credit", Decimal("20"))
    assert approved.decided_by_user_id == AGENT.user_id
    assert not approved.auto_approved
    assert len(port.returns) == 1
    (email,) = sent("approved")
    assert "20.00 USD of store credit" in email.body
    change = CaseChange.objects.get(field="return_request")
    assert (change.old_value, change.new_value, change.actor_user_id) == (
        f"{approved.rma_number}: pending",
        f"{approved.rma_number}: approved",
        AGENT.user_id,
    )
    assert approved.case.messages.filter(is_internal=True, body__contains="approved by Sam Agent").exists()
    # Deciding again is refused and changes nothing.
    with pytest.raises(CaseError) as again:
        r.approve(port=port, settings=returns_settings(), request=approved, actor=AGENT)
    assert again.value.code == "invalid_status"
    assert len(port.returns) == 1
    assert len(sent("approved")) == 1


@pytest.mark.parametrize("amount", [Decimal("-1"), Decimal("1e9"), Decimal("999999999999999999999999999999")])
def test_an_amount_the_request_cannot_hold_is_refused_and_nothing_is_carried_out(
    held_request, port, returns_settings, amount
):
    with pytest.raises(CaseError) as refused:
        r.approve(port=port, settings=returns_settings(), request=held_request, actor=AGENT, amount=amount, now=NOW)
    assert (refused.value.code, refused.value.field) == ("invalid", "amount")
    held_request.refresh_from_db()
    assert held_request.status == "pending"
    assert port.returns == []


def test_staff_reject_with_a_reason_the_customer_reads(held_request, port, django_capture_on_commit_callbacks):
    with pytest.raises(CaseError) as no_reason:
        r.reject(port=port, request=held_request, actor=AGENT, reason=" ")
    assert no_reason.value.code == "required"
    with django_capture_on_commit_callbacks(execute=True):
        rejected = r.reject(port=port, request=held_request, actor=AGENT, reason="Worn, not a defect.")
    assert rejected.status == ReturnStatus.REJECTED
    (email,) = sent("rejected")
    assert "was not approved: Worn, not a defect." in email.body
    assert port.returns == []


def test_the_same_items_sent_again_without_a_key_are_refused_while_others_remain(submit, returns_settings):
    settings = returns_settings(auto_approve=False)
    order = make_return_order(make_line(quantity=3, quantity_shipped=3))
    line = order.lines[0]
    submit(order, r.LineRequest(line.id, 1, DAMAGED.id), settings=settings)
    with pytest.raises(CaseError) as refused:
        submit(order, r.LineRequest(line.id, 1, DAMAGED.id), settings=settings)
    assert refused.value.code == "already_requested"
    # Another item of the same line is a new request.
    assert submit(order, r.LineRequest(line.id, 2, DAMAGED.id), settings=settings)[1] is True
    assert ReturnRequest.objects.count() == 2


@pytest.fixture
def approved_request(submit):
    order = make_return_order()
    request, _ = submit(order, r.LineRequest(order.lines[0].id, 2, DAMAGED.id))
    return request


def test_received_then_refunded_each_step_recorded_and_emailed_once(
    approved_request, port, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        received = r.mark_received(port=port, request=approved_request, actor=AGENT)
        refunded = r.settle(port=port, request=received, actor=AGENT)
    assert port.received == [(approved_request.order_id, approved_request.return_fulfillment_id)]
    assert port.refunds == [(approved_request.order_id, Decimal("25.000"))]
    assert (refunded.status, refunded.refund_reference) == (ReturnStatus.REFUNDED, "payment:1")
    assert [len(sent(kind)) for kind in ("approved", "received", "refunded")] == [1, 1, 1]
    assert "refunded 25.00 USD" in sent("refunded")[0].body
    assert [message for _, message, _ in port.timeline][-2:] == [
        f"Return {refunded.rma_number}: items received.",
        f"Return {refunded.rma_number}: 25.00 USD refunded (payment).",
    ]
    # Again: refused, nothing moves twice.
    for step in (r.mark_received, r.settle):
        with pytest.raises(CaseError) as again:
            step(port=port, request=refunded, actor=AGENT)
        assert again.value.code == "invalid_status"
    assert len(port.refunds) == 1
    assert len(sent("refunded")) == 1


def test_store_credit_is_a_gift_card_sent_in_the_email(submit, port, django_capture_on_commit_callbacks):
    order = make_return_order()
    request, _ = submit(order, r.LineRequest(order.lines[0].id, 1, DAMAGED.id), resolution="store_credit")
    with django_capture_on_commit_callbacks(execute=True):
        r.mark_received(port=port, request=request, actor=AGENT)
        credited = r.settle(port=port, request=request, actor=AGENT)
    assert (credited.status, credited.gift_card_code) == (ReturnStatus.CREDITED, "CREDIT-0001")
    assert port.credits == [(order.id, Decimal("12.500"), "jane@example.com")]
    assert "gift card CREDIT-0001" in sent("credited")[0].body


def test_a_refused_refund_is_a_coded_error_and_the_request_stays_received(
    approved_request, port, django_capture_on_commit_callbacks
):
    r.mark_received(port=port, request=approved_request, actor=AGENT)
    port.refuse = "Payment gateway is down"
    with pytest.raises(CaseError) as refused:
        r.settle(port=port, request=approved_request, actor=AGENT)
    assert (refused.value.code, str(refused.value)) == ("return_failed", "Saleor refused: Payment gateway is down")
    approved_request.refresh_from_db()
    assert approved_request.status == ReturnStatus.RECEIVED
    assert ReturnEmail.objects.filter(kind="refunded").count() == 0


def test_late_requests_go_to_staff_when_the_policy_says_so(submit, port, returns_settings):
    order = make_return_order(make_line(delivered_at=DELIVERED - datetime.timedelta(days=40)))
    held, _ = submit(
        order, r.LineRequest(order.lines[0].id, 1, DAMAGED.id), settings=returns_settings(late_to_staff=True)
    )
    assert held.status == ReturnStatus.PENDING
    assert held.needs_staff_because == "requested after the return window closed"
    assert held.case is not None
    assert port.returns == []
    with pytest.raises(CaseError) as too_many:
        submit(order, r.LineRequest(order.lines[0].id, 2, DAMAGED.id), settings=returns_settings(late_to_staff=True))
    assert too_many.value.code == "quantity_exceeded"


def test_a_deleted_customer_is_forgotten_on_their_return_requests(submit, returns_settings):
    order = make_return_order()
    photo = r.Photo("crack.png", "image/png", PNG)
    request, _ = submit(
        order, r.LineRequest(order.lines[0].id, 1, DAMAGED.id, "My cat"), comment="Call me", photos=[photo]
    )
    stored = ReturnPhoto.objects.get().file.name

    assert r.anonymize_customer_returns(7, "jane@example.com") == 1

    request.refresh_from_db()
    assert (request.customer_id, request.customer_email, request.comment) == (None, "", r.ANONYMIZED_TEXT)
    assert request.lines.get().reason_text == r.ANONYMIZED_TEXT
    assert request.order_number == "1042"
    assert not ReturnPhoto.objects.exists()
    from django.core.files.storage import default_storage

    assert not default_storage.exists(stored)
