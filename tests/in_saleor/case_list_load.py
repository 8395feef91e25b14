"""Shared by the query-count test and its benchmark: many cases, each on its own order, with messages."""

from __future__ import annotations

from typing import Any

from saleor_support_plugin.cases.service import Actor, CaseOrder, add_message, open_case
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.models import AuthorType, CaseChannel

STAFF = Actor(AuthorType.STAFF, user_id=None, name="Agent")
CUSTOMER = Actor(AuthorType.CUSTOMER, name="Customer")

LIST_QUERY = """
query Queue($first: Int!) {
  supportCases(first: $first) {
    edges {
      node {
        number subject status isOverdue
        order { number status }
        assignee { email }
        lastMessage { authorType body }
        messages { body }
      }
    }
  }
}
"""


def open_cases_on_orders(order_generator: Any, count: int, assignee_id: int | None = None) -> None:
    settings = SupportSettings()
    for index in range(count):
        order = order_generator()
        case = open_case(
            settings=settings,
            author=CUSTOMER,
            origin=CaseChannel.STOREFRONT,
            subject=f"Case {index}",
            body="Where is it?",
            email=order.user_email,
            order=CaseOrder(id=order.pk, number=str(order.number), email=order.user_email, channel_slug="main"),
        )
        add_message(case, STAFF, "On its way.")
        if assignee_id is not None:
            case.assignee_id = assignee_id
            case.save(update_fields=["assignee_id"])
