"""The return policy: its configuration checked on save, and what it says about each line of an order."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from saleor_support_plugin.core import return_policy as cfg
from saleor_support_plugin.core.config import parse_settings
from saleor_support_plugin.host.configuration import validate_configuration
from saleor_support_plugin.returns import policy as p
from saleor_support_plugin.returns.policy import NotReturnable, Resolution, ReturnPolicy, evaluate_line

from .conftest import DELIVERED, make_line, make_return_order

POLICY = ReturnPolicy(enabled=True, window_days=30, return_address="1 Dock Road")


def errors_of(**values):
    with pytest.raises(ValidationError) as raised:
        validate_configuration(values)
    return {field: [(e.message, e.code) for e in errors] for field, errors in raised.value.error_dict.items()}


def test_a_full_policy_is_parsed_from_the_stored_configuration():
    settings = parse_settings(
        {
            cfg.RETURNS_ENABLED: "true",
            cfg.RETURN_WINDOW_DAYS: "14",
            cfg.RETURN_CHANNEL_WINDOWS: "channel-eu=30\nchannel-us=60",
            cfg.RETURN_ADDRESS: "Acme Returns\n1 Dock Road",
            cfg.RETURN_NON_RETURNABLE_PRODUCT_TYPES: "gift-cards, underwear",
            cfg.RETURN_RESOLUTIONS: "refund, store_credit",
            cfg.RETURN_AUTO_MAX_ITEMS: "3",
            cfg.RETURN_AUTO_MAX_VALUE: "150.00",
            cfg.RETURN_AUTO_MAX_PER_CUSTOMER: "2",
            cfg.RETURN_AUTO_REASONS: "damaged,wrong-size",
            cfg.RETURN_RESTOCKING_FEES: "changed-mind=10",
            cfg.RETURN_STAFF_REFUND_LIMIT: "200",
        }
    )
    policy = settings.returns
    assert policy.enabled
    assert policy.window_days == 14
    assert policy.window_for("channel-us") == 60
    assert policy.window_for("other") == 14
    assert policy.non_returnable_product_types == {"gift-cards", "underwear"}
    assert policy.resolutions == (Resolution.REFUND, Resolution.STORE_CREDIT)
    assert (policy.auto_max_items, policy.auto_max_value, policy.auto_max_per_customer) == (3, Decimal("150.00"), 2)
    assert policy.auto_reasons == {"damaged", "wrong-size"}
    assert policy.restocking_fees == {"changed-mind": Decimal(10)}
    assert policy.staff_refund_limit == Decimal(200)


def test_bad_policy_values_are_refused_on_save_with_coded_errors():
    errors = errors_of(
        **{
            cfg.RETURNS_ENABLED: "true",
            cfg.RETURN_WINDOW_DAYS: "0",
            cfg.RETURN_CHANNEL_WINDOWS: "channel-eu=two weeks",
            cfg.RETURN_RESOLUTIONS: "refund,teleport",
            cfg.RETURN_AUTO_MAX_ITEMS: "²",
            cfg.RETURN_AUTO_MAX_VALUE: "-5",
            cfg.RETURN_RESTOCKING_FEES: "changed-mind=150",
            cfg.RETURN_STAFF_REFUND_LIMIT: "12.345",
        }
    )
    assert {field: [code for _, code in items] for field, items in errors.items()} == {
        cfg.RETURN_WINDOW_DAYS: ["invalid"],
        cfg.RETURN_CHANNEL_WINDOWS: ["invalid"],
        cfg.RETURN_ADDRESS: ["required"],  # returns on, nowhere to send them
        cfg.RETURN_RESOLUTIONS: ["invalid"],
        cfg.RETURN_AUTO_MAX_ITEMS: ["invalid"],
        cfg.RETURN_AUTO_MAX_VALUE: ["invalid"],
        cfg.RETURN_RESTOCKING_FEES: ["invalid"],
        cfg.RETURN_STAFF_REFUND_LIMIT: ["invalid"],
    }
    assert "teleport" in errors[cfg.RETURN_RESOLUTIONS][0][0]


def test_no_resolution_at_all_is_required_and_returns_off_need_no_address():
    errors = errors_of(**{cfg.RETURN_RESOLUTIONS: " , "})
    assert errors == {cfg.RETURN_RESOLUTIONS: [("Offer at least one of refund, exchange, store_credit.", "required")]}


def test_the_defaults_are_valid_and_leave_returns_off():
    validate_configuration({})
    assert parse_settings({}).returns == ReturnPolicy()


def at(days: float) -> datetime.datetime:
    return DELIVERED + datetime.timedelta(days=days)


def test_the_window_counts_from_delivery():
    order = make_return_order()
    line = order.lines[0]
    inside = evaluate_line(line, order, POLICY, at(29))
    assert inside.returnable
    assert inside.returnable_quantity == 2
    assert inside.returnable_until == at(30)
    assert inside.resolutions == tuple(Resolution)
    closed = evaluate_line(line, order, POLICY, at(31))
    assert (closed.returnable, closed.why_not, closed.returnable_quantity) == (False, NotReturnable.WINDOW_CLOSED, 0)
    assert closed.why_not_text == "The return window for this item has closed."


def test_without_a_delivery_date_the_window_starts_at_the_shipment_plus_the_longest_delivery():
    shipped = DELIVERED - datetime.timedelta(days=10)
    order = make_return_order(make_line(delivered_at=None, shipped_at=shipped), max_delivery_days=5)
    verdict = evaluate_line(order.lines[0], order, POLICY, at(0))
    assert verdict.returnable_until == shipped + datetime.timedelta(days=35)


def test_a_channel_has_its_own_window():
    order = make_return_order(channel_slug="channel-us")
    policy = ReturnPolicy(enabled=True, channel_windows={"channel-us": 60})
    assert evaluate_line(order.lines[0], order, policy, at(45)).returnable
    assert not evaluate_line(order.lines[0], order, POLICY, at(45)).returnable


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (make_line(product_type_slug="gift-cards"), NotReturnable.FINAL_SALE),
        (make_line(flags=frozenset({"final-sale"})), NotReturnable.FINAL_SALE),
        (make_line(is_digital=True), NotReturnable.DIGITAL),
        (make_line(quantity_shipped=0, shipped_at=None, delivered_at=None), NotReturnable.NOT_SHIPPED),
        (make_line(quantity_shipped=0, quantity_returned=2), NotReturnable.ALREADY_RETURNED),
    ],
)
def test_lines_that_cannot_be_returned_say_why(line, why):
    policy = ReturnPolicy(enabled=True, non_returnable_product_types=frozenset({"gift-cards"}))
    order = make_return_order(line)
    verdict = evaluate_line(line, order, policy, at(1))
    assert (verdict.returnable, verdict.why_not, verdict.resolutions) == (False, why, ())


def test_quantities_in_open_requests_are_not_offered_again():
    order = make_return_order()
    line = order.lines[0]
    assert evaluate_line(line, order, POLICY, at(1), {line.id: 1}).returnable_quantity == 1
    verdict = evaluate_line(line, order, POLICY, at(1), {line.id: 2})
    assert verdict.why_not == NotReturnable.ALREADY_REQUESTED


def test_auto_approval_limits_name_every_reason_to_ask_staff():
    line = make_line(quantity=5, quantity_shipped=5, unit_price=Decimal("40"))
    items = [p.RequestedItem(line, 4, "changed-mind")]
    policy = ReturnPolicy(
        enabled=True,
        auto_max_items=3,
        auto_max_value=Decimal(100),
        auto_max_per_customer=2,
        auto_reasons=frozenset({"damaged"}),
    )
    reasons = p.auto_approval(items, Resolution.REFUND, policy, recent_returns=2)
    assert reasons == [
        "4 items, more than the 3 approved automatically",
        "a value of 160, above the 100 approved automatically",
        "2 earlier returns in 90 days",
        "reason(s) not approved automatically: changed-mind",
    ]
    small = [p.RequestedItem(line, 1, "damaged")]
    assert p.auto_approval(small, Resolution.REFUND, policy, recent_returns=1) == []
    assert p.auto_approval(small, Resolution.REFUND, ReturnPolicy(auto_approve=False), 0) == [
        "the shop approves every return itself"
    ]


def test_restocking_fee_is_a_percentage_of_the_items_returned_for_that_reason():
    line = make_line(unit_price=Decimal("19.99"))
    policy = ReturnPolicy(restocking_fees={"changed-mind": Decimal(10)})
    items = [p.RequestedItem(line, 2, "changed-mind"), p.RequestedItem(make_line(), 1, "damaged")]
    assert p.restocking_fee(items, policy) == Decimal("4.00")
