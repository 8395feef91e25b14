"""The support API through Saleor's /graphql/ with real users, apps and tokens."""

import graphene
import pytest
from saleor.graphql.tests.utils import assert_no_permission, get_graphql_content

from saleor_support_plugin.models import CaseMessage, SupportCase

from . import graphql_operations as ops
from .helpers import order_id

pytestmark = pytest.mark.django_db


def data(response, name):
    return get_graphql_content(response)["data"][name]


def test_customer_opens_staff_work_it_and_the_customer_sees_the_reply_but_not_the_note(
    customer_case, user_api_client, support_staff_api_client, order_with_lines
):
    assert customer_case["orderNumber"] == str(order_with_lines.number)
    assert customer_case["status"] == "NEW"
    assert customer_case["channel"] == "STOREFRONT"
    assert customer_case["messages"][0]["bodyHtml"] == "<p>It has been &lt;b&gt;ten&lt;/b&gt; days.</p>"
    staff = support_staff_api_client
    case_id = customer_case["id"]

    queue = data(staff.post_graphql(ops.CASES, {"first": 10, "filter": {"status": ["NEW"]}}), "supportCases")
    assert queue["totalCount"] == 1
    assert queue["edges"][0]["node"]["order"]["number"] == str(order_with_lines.number)

    staff_global_id = graphene.Node.to_global_id("User", staff.user.pk)
    updated = data(
        staff.post_graphql(ops.UPDATE, {"id": case_id, "input": {"assignee": staff_global_id, "priority": "HIGH"}}),
        "supportCaseUpdate",
    )
    assert updated["errors"] == []
    assert updated["case"]["assignee"]["email"] == staff.user.email
    assert {(c["field"], c["newValue"]) for c in updated["case"]["changes"]} == {
        ("priority", "high"),
        ("assignee_id", str(staff.user.pk)),
    }

    reply = data(staff.post_graphql(ops.REPLY, {"id": case_id, "body": "It ships today."}), "supportCaseReply")
    assert reply["errors"] == []
    assert reply["case"]["status"] == "WAITING_ON_CUSTOMER"
    note = data(staff.post_graphql(ops.NOTE_ADD, {"id": case_id, "body": "Warehouse was short."}), "supportCaseNoteAdd")
    assert note["message"] == {"body": "Warehouse was short.", "isInternal": True}

    seen = data(user_api_client.post_graphql(ops.CASE, {"id": case_id}), "supportCase")
    assert [m["body"] for m in seen["messages"]] == ["It has been <b>ten</b> days.", "It ships today."]
    mine = get_graphql_content(user_api_client.post_graphql(ops.MY_CASES))["data"]["me"]["supportCases"]
    assert [m["body"] for m in mine[0]["messages"]] == ["It has been <b>ten</b> days.", "It ships today."]
    assert all(not m["isInternal"] for m in mine[0]["messages"])
    assert CaseMessage.objects.filter(is_internal=True).count() == 1


def test_guest_opens_and_replies_with_the_order_token_and_email(api_client, order_with_lines, support_plugin):
    support_plugin()
    guest = {"orderToken": str(order_with_lines.pk), "email": order_with_lines.user_email.upper()}
    variables = {"input": {"subject": "Damaged mug", "body": "Arrived broken.", "category": "DAMAGED_ITEM", **guest}}
    created = data(api_client.post_graphql(ops.CREATE, variables), "supportCaseCreate")
    assert created["errors"] == []
    case_id = created["case"]["id"]
    reply = data(
        api_client.post_graphql(ops.REPLY, {"id": case_id, "body": "Photo attached.", **guest}), "supportCaseReply"
    )
    assert reply["errors"] == []
    assert reply["message"]["authorType"] == "CUSTOMER"
    listed = data(api_client.post_graphql(ops.CASES_FOR_ORDER, guest), "supportCasesForOrder")
    assert [case["subject"] for case in listed] == ["Damaged mug"]


def test_guest_with_a_wrong_email_can_do_nothing(api_client, order_with_lines, support_plugin):
    support_plugin()
    wrong = {"orderToken": str(order_with_lines.pk), "email": "someone@else.example"}
    created = data(
        api_client.post_graphql(ops.CREATE, {"input": {"subject": "Hi", "body": "Let me in", **wrong}}),
        "supportCaseCreate",
    )
    assert created["case"] is None
    assert [(e["field"], e["code"]) for e in created["errors"]] == [("orderToken", "NOT_FOUND")]
    assert SupportCase.objects.count() == 0

    right = {"orderToken": str(order_with_lines.pk), "email": order_with_lines.user_email}
    case_id = data(
        api_client.post_graphql(ops.CREATE, {"input": {"subject": "Hi", "body": "Real me", **right}}),
        "supportCaseCreate",
    )["case"]["id"]
    denied = data(api_client.post_graphql(ops.REPLY, {"id": case_id, "body": "Hijack", **wrong}), "supportCaseReply")
    assert [(e["field"], e["code"]) for e in denied["errors"]] == [("id", "NOT_FOUND")]
    assert data(api_client.post_graphql(ops.CASE, {"id": case_id, **wrong}), "supportCase") is None
    assert data(api_client.post_graphql(ops.CASES_FOR_ORDER, wrong), "supportCasesForOrder") == []
    assert CaseMessage.objects.count() == 1


def test_staff_without_the_permission_is_denied(staff_api_client, customer_case):
    assert_no_permission(staff_api_client.post_graphql(ops.CASES, {"first": 10}))
    assert_no_permission(staff_api_client.post_graphql(ops.NOTE_ADD, {"id": customer_case["id"], "body": "x"}))
    assert data(staff_api_client.post_graphql(ops.CASE, {"id": customer_case["id"]}), "supportCase") is None


def test_manage_orders_also_works_the_queue(staff_api_client, permission_manage_orders, customer_case):
    response = staff_api_client.post_graphql(ops.CASES, {"first": 10}, permissions=[permission_manage_orders])
    assert data(response, "supportCases")["totalCount"] == 1


def test_another_customers_case_answers_like_a_missing_one(user2_api_client, customer_case):
    missing = graphene.Node.to_global_id("SupportCase", 999999)
    for case_id in (customer_case["id"], missing):
        result = data(user2_api_client.post_graphql(ops.REPLY, {"id": case_id, "body": "Hi"}), "supportCaseReply")
        assert result["errors"] == [
            {"field": "id", "code": "NOT_FOUND", "message": "Couldn't find a support case with this ID."}
        ]
        assert data(user2_api_client.post_graphql(ops.CASE, {"id": case_id}), "supportCase") is None


def test_bad_input_gets_coded_errors_and_changes_nothing(user_api_client, support_plugin):
    support_plugin()
    result = data(
        user_api_client.post_graphql(ops.CREATE, {"input": {"subject": "x" * 201, "body": "Hi"}}), "supportCaseCreate"
    )
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("subject", "INVALID")]
    result = data(
        user_api_client.post_graphql(ops.CREATE, {"input": {"subject": "Hi", "body": "  "}}), "supportCaseCreate"
    )
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("body", "REQUIRED")]
    assert SupportCase.objects.count() == 0


def test_guest_case_creation_is_rate_limited(api_client, order_with_lines, support_plugin):
    support_plugin(anonymous_cases_per_email_hour="2")
    guest = {"orderToken": str(order_with_lines.pk), "email": order_with_lines.user_email}
    codes = []
    for attempt in range(3):
        variables = {"input": {"subject": f"Try {attempt}", "body": "Hello", **guest}}
        codes.append(
            [e["code"] for e in data(api_client.post_graphql(ops.CREATE, variables), "supportCaseCreate")["errors"]]
        )
    assert codes == [[], [], ["RATE_LIMITED"]]
    assert SupportCase.objects.count() == 2


def test_support_settings_for_the_storefront(api_client, support_plugin):
    support_plugin(support_email="help@shop.example", support_phone="+1 555", support_hours="9-5")
    assert data(api_client.post_graphql(ops.SETTINGS), "supportSettings") == {
        "contactEmail": "help@shop.example",
        "phone": "+1 555",
        "hours": "9-5",
        "responseTime": "within 1 business day",
    }


def test_inactive_plugin_refuses_mutations(user_api_client, support_plugin):
    support_plugin(active=False)
    result = data(
        user_api_client.post_graphql(ops.CREATE, {"input": {"subject": "Hi", "body": "Hi"}}), "supportCaseCreate"
    )
    assert [e["code"] for e in result["errors"]] == ["PLUGIN_INACTIVE"]
    assert data(user_api_client.post_graphql(ops.SETTINGS), "supportSettings") is None


def test_ids_of_the_wrong_type_are_coded_errors_not_server_errors(
    support_staff_api_client, customer_case, order_with_lines
):
    staff = support_staff_api_client
    order_as_assignee = {"id": customer_case["id"], "input": {"assignee": order_id(order_with_lines)}}
    result = data(staff.post_graphql(ops.UPDATE, order_as_assignee), "supportCaseUpdate")
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("assignee", "INVALID")]
    result = data(staff.post_graphql(ops.REPLY, {"id": order_id(order_with_lines), "body": "x"}), "supportCaseReply")
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("id", "NOT_FOUND")]
    filtered = data(staff.post_graphql(ops.CASES, {"first": 5, "filter": {"assignee": ["not-an-id"]}}), "supportCases")
    assert filtered["totalCount"] == 0


def test_opening_a_case_sends_one_acknowledgement_and_staff_replies_reach_the_customer(
    customer_case, support_staff_api_client, customer_user
):
    from django.core import mail

    acknowledgements = [m for m in mail.outbox if m.tags[-1] == "acknowledgement"]
    assert [m.to for m in acknowledgements] == [[customer_user.email]]
    assert acknowledgements[0].reply_to == ["help@shop.example"]
    mail.outbox.clear()
    reply = data(
        support_staff_api_client.post_graphql(ops.REPLY, {"id": customer_case["id"], "body": "Shipped today."}),
        "supportCaseReply",
    )
    assert reply["errors"] == []
    (sent,) = mail.outbox
    assert sent.to == [customer_user.email]
    assert sent.body.startswith("Shipped today.")


NUL = "a\u0000b"


def test_a_nul_character_in_any_text_is_a_coded_error_not_a_server_error(
    api_client, user_api_client, support_staff_api_client, customer_case, order_with_lines
):
    staff, case_id = support_staff_api_client, customer_case["id"]
    guest = {"orderToken": str(order_with_lines.pk), "email": order_with_lines.user_email}
    attempts = [
        (user_api_client, ops.CREATE, {"input": {"subject": "Hi", "body": NUL}}, "supportCaseCreate", "body"),
        (user_api_client, ops.CREATE, {"input": {"subject": NUL, "body": "Hi"}}, "supportCaseCreate", "subject"),
        (api_client, ops.CREATE, {"input": {"subject": "Hi", "body": NUL, **guest}}, "supportCaseCreate", "body"),
        (user_api_client, ops.REPLY, {"id": case_id, "body": NUL}, "supportCaseReply", "body"),
        (staff, ops.REPLY, {"id": case_id, "body": NUL}, "supportCaseReply", "body"),
        (staff, ops.NOTE_ADD, {"id": case_id, "body": NUL}, "supportCaseNoteAdd", "body"),
        (staff, ops.CREATE, {"input": {"subject": "Hi", "body": "Hi", "email": NUL}}, "supportCaseCreate", "email"),
    ]
    for client, query, variables, name, field in attempts:
        result = data(client.post_graphql(query, variables), name)
        assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, "INVALID")], (name, variables)
    assert (SupportCase.objects.count(), CaseMessage.objects.count()) == (1, 1)
    for spec in ({"search": NUL}, {"customer": NUL}):
        assert data(staff.post_graphql(ops.CASES, {"first": 5, "filter": spec}), "supportCases")["totalCount"] == 0


def test_a_staff_phone_case_needs_a_real_email_address(support_staff_api_client):
    from django.core import mail

    variables = {"input": {"subject": "Called", "body": "About a refund", "channel": "PHONE", "email": "nobody"}}
    result = data(support_staff_api_client.post_graphql(ops.CREATE, variables), "supportCaseCreate")
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("email", "INVALID")]
    assert SupportCase.objects.count() == 0
    assert mail.outbox == []


def test_a_staff_phone_case_acknowledges_the_customer_with_the_case_number(support_staff_api_client):
    # The shopper who phoned gets the case number and an address to reply to, like one who wrote in.
    from django.core import mail

    variables = {
        "input": {"subject": "Called", "body": "About a refund", "channel": "PHONE", "email": "Caller@Example.com"}
    }
    result = data(support_staff_api_client.post_graphql(ops.CREATE, variables), "supportCaseCreate")
    assert result["errors"] == []
    (sent,) = mail.outbox
    assert sent.to == ["caller@example.com"]
    assert sent.tags[-1] == "acknowledgement"
    assert f"#{result['case']['number']}" in sent.subject + sent.body


def test_only_staff_with_a_support_permission_can_be_assigned(
    support_staff_api_client, customer_case, staff_users, permission_group_manage_orders
):
    from saleor_support_plugin.dashboard.app_auth import SaleorStaffAccess

    through_group, no_permission = staff_users[1], staff_users[2]  # the fixture put staff_users[1] in the group
    staff = support_staff_api_client

    def assign(user):
        variables = {"id": customer_case["id"], "input": {"assignee": graphene.Node.to_global_id("User", user.pk)}}
        return data(staff.post_graphql(ops.UPDATE, variables), "supportCaseUpdate")

    refused = assign(no_permission)
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("assignee", "INVALID")]
    assert SupportCase.objects.get().assignee_id is None
    assert assign(through_group)["case"]["assignee"]["email"] == through_group.email
    listed = {user_id for user_id, _ in SaleorStaffAccess().staff()}
    assert {staff.user.pk, through_group.pk} <= listed
    assert no_permission.pk not in listed


def test_refused_guest_attempts_do_not_use_up_the_per_address_limit(api_client, order_with_lines, support_plugin):
    support_plugin(anonymous_cases_per_ip_hour="5", anonymous_cases_per_email_hour="50")
    guest = {"orderToken": str(order_with_lines.pk), "email": order_with_lines.user_email}
    for _ in range(3):  # refused: no subject
        result = data(
            api_client.post_graphql(ops.CREATE, {"input": {"subject": " ", "body": "Hi", **guest}}),
            "supportCaseCreate",
        )
        assert [e["code"] for e in result["errors"]] == ["REQUIRED"]
    codes = []
    for attempt in range(6):
        variables = {"input": {"subject": f"Try {attempt}", "body": "Hello", **guest}}
        codes.append(
            [e["code"] for e in data(api_client.post_graphql(ops.CREATE, variables), "supportCaseCreate")["errors"]]
        )
    assert codes == [[], [], [], [], [], ["RATE_LIMITED"]]
    assert SupportCase.objects.count() == 5
