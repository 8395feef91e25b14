"""Extending Saleor's GraphQL schema from the plugin's `AppConfig.ready()`.

Saleor builds `saleor.graphql.api.schema` once, at import. `saleor.urls` (and `saleor.graphql.views`) take a
reference to it when the URLconf first loads, which in uvicorn, manage.py, the Celery worker and pytest is
after `ready()`. So `ready()` can rebuild the schema from subclasses of Saleor's root Query and Mutation with
the plugin's fields added, and rebind it. If anything took the old schema first, the plugin's API would be
silently missing: that fails loudly instead.
"""

from __future__ import annotations

import sys
from typing import Any

import graphql
from django.core.exceptions import ImproperlyConfigured

from saleor_support_plugin.graphql.query_cost import extend_cost_map

EXTENDED_FLAG = "_saleor_support_extended"


def extend_saleor_schema() -> None:
    from saleor.graphql import api
    from saleor.graphql.query_cost_map import COST_MAP

    if getattr(api.schema, EXTENDED_FLAG, False):
        return
    if "saleor.urls" in sys.modules:
        raise ImproperlyConfigured(
            "saleor.urls was imported before saleor_support_plugin extended Saleor's GraphQL schema, so the "
            "support API would be missing. Make sure INSTALLED_APPS is set up before the URLconf is loaded."
        )
    add_user_fields()
    schema = build_extended_schema(api)
    api.monitor_fields_usage(schema)
    setattr(schema, EXTENDED_FLAG, True)
    api.schema = schema
    extend_cost_map(COST_MAP)
    views = sys.modules.get("saleor.graphql.views")
    if views is not None:
        views.schema = schema  # type: ignore[attr-defined]


def build_extended_schema(api: Any) -> Any:
    """Saleor's schema, built as `saleor.graphql.api` builds it, from root types with the plugin's fields."""
    from saleor.graphql.core.federation.schema import build_federated_schema

    from saleor_support_plugin.graphql.schema import SupportMutations, SupportQueries

    class Query(SupportQueries, api.Query):  # type: ignore[misc, valid-type]
        pass

    class Mutation(SupportMutations, api.Mutation):  # type: ignore[misc, valid-type]
        pass

    return build_federated_schema(
        Query,
        mutation=Mutation,
        types=(
            api.unit_enums
            + list(api.WEBHOOK_TYPES_MAP.values())
            + api.PAYMENT_ADDITIONAL_TYPES
            + api.ASSIGNED_ATTRIBUTE_TYPES
        ),
        subscription=api.Subscription,
        directives=[*graphql.specified_directives, api.GraphQLDocDirective, api.GraphQLWebhookEventsInfoDirective],
    )


def add_user_fields() -> None:
    """`me { supportCases supportReturnRequests }`: fields on Saleor's `User` type, added before the schema is built."""
    from saleor.graphql.account.types import User

    from saleor_support_plugin.graphql.schema import user_fields

    for name, field in user_fields().items():
        User._meta.fields.setdefault(name, field)
