"""Fixtures of the Saleor tier, in the style of Saleor's own plugin fixtures (`admin_email_plugin`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import graphene
import pytest
from django.core.cache import cache
from saleor.graphql.tests.utils import get_graphql_content
from saleor.plugins.manager import get_plugins_manager
from saleor.plugins.models import PluginConfiguration

from saleor_support_plugin.core.constants import PLUGIN_ID
from saleor_support_plugin.plugin import SupportPlugin

from .graphql_operations import CREATE

PLUGIN_PATH = "saleor_support_plugin.plugin.SupportPlugin"


@pytest.fixture
def support_plugin(settings) -> Callable[..., SupportPlugin]:
    """Enable the plugin in Saleor with the given configuration (anymail's test backend by default)."""

    def create(active: bool = True, **configuration: Any) -> SupportPlugin:
        cache.clear()  # rate-limit counters of earlier tests
        settings.PLUGINS = [PLUGIN_PATH]
        values = {
            "email_provider": "test",
            "sender_address": "support@shop.example",
            "sender_name": "Shop Support",
            "support_email": "help@shop.example",
            **configuration,
        }
        PluginConfiguration.objects.update_or_create(
            identifier=PLUGIN_ID,
            defaults={"active": active, "configuration": [{"name": k, "value": v} for k, v in values.items()]},
        )
        plugin = get_plugins_manager(allow_replica=False).get_plugin(PLUGIN_ID)
        assert isinstance(plugin, SupportPlugin)
        return plugin

    return create


@pytest.fixture
def permission_manage_support():
    from saleor.permission.models import Permission

    return Permission.objects.get(codename="manage_support", content_type__app_label="saleor_support_plugin")


@pytest.fixture
def support_staff_api_client(staff_api_client, permission_manage_support, support_plugin):
    """A staff user holding only MANAGE_SUPPORT, with the plugin active."""
    support_plugin()
    staff_api_client.user.user_permissions.add(permission_manage_support)
    return staff_api_client


@pytest.fixture
def customer_case(user_api_client, order_with_lines, support_plugin):
    if not PluginConfiguration.objects.filter(identifier=PLUGIN_ID).exists():  # keep a test's own configuration
        support_plugin(support_email="help@shop.example")
    variables = {
        "input": {
            "subject": "Where is my order?",
            "body": "It has been <b>ten</b> days.",
            "category": "SHIPPING_DELAY",
            "order": graphene.Node.to_global_id("Order", order_with_lines.pk),
        }
    }
    result = get_graphql_content(user_api_client.post_graphql(CREATE, variables))["data"]["supportCaseCreate"]
    assert result["errors"] == []
    return result["case"]
