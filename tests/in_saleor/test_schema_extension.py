"""The plugin extends Saleor's schema at start-up, and refuses loudly when it is too late to do so."""

import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from saleor.graphql import api
from saleor.graphql.core.enums import PermissionEnum

from saleor_support_plugin.host.schema_extension import extend_saleor_schema


def test_saleor_schema_has_the_support_api():
    assert "supportCases" in api.schema.get_query_type().fields
    assert "supportCaseCreate" in api.schema.get_mutation_type().fields
    assert "supportCases" in api.schema.get_type("User").fields


def test_manage_support_is_a_saleor_permission():
    assert PermissionEnum.MANAGE_SUPPORT.value == "saleor_support_plugin.manage_support"


def test_extending_after_the_urlconf_loaded_fails_loudly(monkeypatch):
    monkeypatch.setattr(api, "schema", object())  # a schema the plugin has not extended yet
    monkeypatch.setitem(sys.modules, "saleor.urls", object())
    with pytest.raises(ImproperlyConfigured, match=r"saleor\.urls was imported before"):
        extend_saleor_schema()
