"""The support fields' prices in Saleor's query-cost map, so its complexity limit sees them.

Saleor prices a query from `saleor.graphql.query_cost_map.COST_MAP` (type → field → complexity, multiplied by
the `first`/`last` of enclosing lists); a field missing from the map costs 0. Priced like Saleor's own fields:
a paginated list by its page size (as `Query.orders`), every relation to another object 1 (as `Order.user`).
So an order subtree read through `supportCases(first: 100) { edges { node { order { … } } } }` costs what
it costs through `orders(first: 100)`, plus 1 per case for the `order` hop itself.
"""

from __future__ import annotations

from typing import Any

PAGINATED = {"complexity": 1, "multipliers": ["first", "last"]}
RELATION = {"complexity": 1}

SUPPORT_COST_MAP: dict[str, dict[str, dict[str, Any]]] = {
    "Query": {
        "supportCases": PAGINATED,
        "supportCase": RELATION,
        "supportCasesForOrder": RELATION,
        "supportSettings": RELATION,
        "supportReport": RELATION,
        "supportReturnPolicy": RELATION,  # returns (issue 11)
        "supportReturnRequests": RELATION,
    },
    "User": {"supportCases": RELATION, "supportReturnRequests": RELATION},
    "SupportCase": dict.fromkeys(
        ("order", "customer", "assignee", "messages", "lastMessage", "changes", "delayNotices", "rating"), RELATION
    ),
    "SupportCaseCreate": {"case": RELATION},
    "SupportCaseReply": {"case": RELATION, "message": RELATION},
    "SupportCaseNoteAdd": {"case": RELATION, "message": RELATION},
    "SupportCaseUpdate": {"case": RELATION},
    "SupportCaseClose": {"case": RELATION},
    "SupportCaseRate": {"case": RELATION},
    # Returns (issue 11)
    "SupportReturnRequest": dict.fromkeys(("order", "replacementOrder", "case", "lines", "photos"), RELATION),
    "SupportReturnRequestCreate": {"returnRequest": RELATION},
    "SupportReturnRequestDecide": {"returnRequest": RELATION},
    "SupportReturnRequestReceive": {"returnRequest": RELATION},
    "SupportReturnRequestRefund": {"returnRequest": RELATION},
}


def extend_cost_map(cost_map: dict[str, dict[str, Any]]) -> None:
    """Add the support fields to Saleor's map, in place: Saleor's views hold a reference to the same dict.

    Only once the schema has these types: Saleor refuses every query whose cost map names an unknown type."""
    for type_name, fields in SUPPORT_COST_MAP.items():
        cost_map.setdefault(type_name, {}).update({name: dict(cost) for name, cost in fields.items()})
