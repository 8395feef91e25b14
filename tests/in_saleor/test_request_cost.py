"""What the plugin costs Saleor's requests: Saleor builds every plugin in PLUGINS for every request, active or not.

Counted, not timed: how often the configuration is parsed, merged with its structure, and the merchant's
templates are compiled while Saleor builds its plugins and runs their hooks. The time is measured by
benchmarks/hook_overhead.py.
"""

from __future__ import annotations

import copy
import gc
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field

import pybars
import pytest
from saleor.plugins.base_plugin import BasePlugin
from saleor.plugins.manager import get_plugins_manager

from saleor_support_plugin.core import config
from saleor_support_plugin.core.constants import PLUGIN_ID
from saleor_support_plugin.host.configuration import validate_configuration
from saleor_support_plugin.plugin import SupportPlugin

from .merchant import merchant_configuration

pytestmark = pytest.mark.django_db


@dataclass
class Work:
    parsed: list[object] = field(default_factory=list)
    compiled: list[str] = field(default_factory=list)


@pytest.fixture
def work(monkeypatch) -> Iterator[Work]:
    """Counts configuration parses and template compilations in this process, from a cold cache."""
    counted = Work()
    parse, compile_ = config.parse_settings, pybars.Compiler.compile
    monkeypatch.setattr(config, "parse_settings", lambda values: counted.parsed.append(values) or parse(values))
    monkeypatch.setattr(
        pybars.Compiler, "compile", lambda self, source: counted.compiled.append(source) or compile_(self, source)
    )
    config._parse_frozen.cache_clear()
    yield counted
    config._parse_frozen.cache_clear()


def build_plugins_as_a_request_does():
    return get_plugins_manager(allow_replica=False).get_plugin(PLUGIN_ID)


def test_the_merchant_configuration_is_one_saleor_would_save():
    validate_configuration(merchant_configuration())


def test_building_the_plugin_for_requests_parses_and_compiles_nothing(support_plugin, order_with_lines, work):
    support_plugin(**merchant_configuration())
    fulfillment = order_with_lines.fulfillments.create(fulfillment_order=1)
    for _ in range(5):
        plugin = build_plugins_as_a_request_does()
        assert plugin.active is True
        assert plugin.order_updated(order_with_lines, "previous") == "previous"
        assert plugin.fulfillment_created(fulfillment, previous_value="previous") == "previous"
    assert work.parsed == []
    assert work.compiled == []


def test_the_settings_are_parsed_once_per_configuration_version(support_plugin, work):
    support_plugin(**merchant_configuration())
    for _ in range(5):
        assert build_plugins_as_a_request_does().support_settings.calendar.timezone.key == "Europe/Berlin"
    assert len(work.parsed) == 1
    assert work.compiled == []  # the templates are compiled where an email is sent, not to read settings

    support_plugin(**merchant_configuration(), handling_days="5")  # the merchant saves a change
    for _ in range(3):
        assert build_plugins_as_a_request_does().support_settings.handling_days == 5
    assert len(work.parsed) == 2


def test_an_inactive_plugin_costs_nothing_beyond_saleors_own_instantiation(support_plugin, order_with_lines, work):
    support_plugin(active=False, **merchant_configuration())
    plugin = build_plugins_as_a_request_does()
    assert plugin.active is False
    assert plugin.order_updated(order_with_lines, "previous") == "previous"
    assert work.parsed == []
    assert work.compiled == []


class SaleorsOwnMerge(BasePlugin):
    """A plugin with the support plugin's fields and Saleor's constructor as it is."""

    PLUGIN_ID = "tests.saleors-own-merge"
    CONFIG_STRUCTURE = SupportPlugin.CONFIG_STRUCTURE
    DEFAULT_CONFIGURATION = SupportPlugin.DEFAULT_CONFIGURATION


@pytest.fixture
def merges(monkeypatch) -> list[str]:
    """Saleor's merges of stored fields with CONFIG_STRUCTURE (its two steps), as they run."""
    counted: list[str] = []
    for step in ("_update_configuration_structure", "_append_config_structure"):
        original = getattr(BasePlugin, step).__func__
        monkeypatch.setattr(
            BasePlugin,
            step,
            classmethod(lambda cls, configuration, s=step, f=original: counted.append(s) or f(cls, configuration)),
        )
    return counted


@pytest.mark.parametrize("active", [True, False])
def test_building_the_plugin_for_requests_merges_no_configuration(support_plugin, order_with_lines, merges, active):
    support_plugin(active=active, **merchant_configuration())
    plugin = build_plugins_as_a_request_does()
    assert plugin.order_updated(order_with_lines, "previous") == "previous"
    gone = weakref.ref(plugin)
    del plugin
    gc.collect()
    assert gone() is None  # Saleor's __del__, which clears the configuration, has run
    assert merges == []

    plugin = build_plugins_as_a_request_does()
    assert {item["name"]: item["value"] for item in plugin.configuration}["store_timezone"] == "Europe/Berlin"
    assert merges == ["_update_configuration_structure", "_append_config_structure"]  # on the first read, once
    assert plugin.configuration is plugin.configuration


@pytest.mark.parametrize(
    "stored",
    [
        [],
        [{"name": name, "value": value} for name, value in merchant_configuration().items()],
        # a field of an older version, a field stored twice, most fields never saved
        [
            {"name": "retired_setting", "value": "x"},
            {"name": "handling_days", "value": "3"},
            {"name": "handling_days", "value": "4"},
        ],
    ],
    ids=["nothing stored", "merchant", "old and repeated fields"],
)
def test_the_configuration_read_is_the_one_saleors_constructor_makes(stored):
    ours = SupportPlugin(configuration=copy.deepcopy(stored), active=True)
    saleors = SaleorsOwnMerge(configuration=copy.deepcopy(stored), active=True)
    assert ours.configuration == saleors.configuration


def test_the_plugin_page_save_keeps_saleors_saved_configuration(support_plugin):
    support_plugin(**merchant_configuration())
    manager = get_plugins_manager(allow_replica=False)
    saved = manager.save_plugin_configuration(
        PLUGIN_ID, None, {"configuration": [{"name": "handling_days", "value": "6"}]}
    )
    plugin = manager.get_plugin(PLUGIN_ID)
    assert plugin.configuration is saved.configuration  # as Saleor sets it after a save
    assert {item["name"]: item["value"] for item in plugin.configuration}["handling_days"] == "6"
