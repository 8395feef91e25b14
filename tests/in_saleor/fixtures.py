"""Fixtures of the Saleor tier, in the style of Saleor's own plugin fixtures (`admin_email_plugin`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from saleor.plugins.manager import get_plugins_manager
from saleor.plugins.models import PluginConfiguration

from saleor_support_plugin.constants import PLUGIN_ID
from saleor_support_plugin.plugin import SupportPlugin

PLUGIN_PATH = "saleor_support_plugin.plugin.SupportPlugin"


@pytest.fixture
def support_plugin(settings) -> Callable[..., SupportPlugin]:
    """Enable the plugin in Saleor with the given configuration (anymail's test backend by default)."""

    def create(active: bool = True, **configuration: Any) -> SupportPlugin:
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
