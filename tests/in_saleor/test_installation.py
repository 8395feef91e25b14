"""Installing into Saleor: discovery by entry point, migrations, configuration from the Dashboard's API."""

import importlib.metadata
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from saleor.celeryconf import app as saleor_celery_app
from saleor.graphql.tests.utils import get_graphql_content

from saleor_support_plugin.apps import SCAN_SCHEDULE_NAME
from saleor_support_plugin.core.constants import PLUGIN_ID
from saleor_support_plugin.tasks import SCAN_TASK_NAME

PLUGIN_UPDATE = """
mutation PluginUpdate($input: PluginUpdateInput!) {
  pluginUpdate(id: "saleor.support", input: $input) {
    plugin {
      id
      name
      globalConfiguration {
        active
        configuration { name value type label helpText }
      }
    }
    errors { field code message }
  }
}
"""

PLUGINS = """
query { plugins(first: 50) { edges { node { id name description globalConfiguration { active } } } } }
"""


def test_entry_point_puts_the_app_and_plugin_into_saleor():
    entry_points = importlib.metadata.entry_points(group="saleor.plugins")
    ours = [ep for ep in entry_points if ep.name == "saleor_support_plugin"]
    assert [ep.value for ep in ours] == ["saleor_support_plugin.plugin:SupportPlugin"]
    assert apps.is_installed("saleor_support_plugin")
    assert "saleor_support_plugin.plugin.SupportPlugin" in settings.EXTERNAL_PLUGINS


def test_migrations_are_applied_and_complete(db):
    out = StringIO()
    call_command("showmigrations", "saleor_support_plugin", stdout=out)
    assert "[X] 0001_initial" in out.getvalue()
    check = StringIO()
    call_command("makemigrations", "saleor_support_plugin", "--check", "--dry-run", stdout=check)
    assert "No changes detected" in check.getvalue()


def test_delay_scan_is_on_saleors_beat_schedule():
    entry = saleor_celery_app.conf.beat_schedule[SCAN_SCHEDULE_NAME]
    assert entry["task"] == SCAN_TASK_NAME
    assert SCAN_TASK_NAME in saleor_celery_app.tasks


def test_plugin_update_activates_and_shows_every_field(staff_api_client, permission_manage_plugins, settings):
    settings.PLUGINS = ["saleor_support_plugin.plugin.SupportPlugin"]
    response = staff_api_client.post_graphql(
        PLUGIN_UPDATE,
        {"input": {"active": True, "configuration": [{"name": "handling_days", "value": "3"}]}},
        permissions=[permission_manage_plugins],
    )
    data = get_graphql_content(response)["data"]["pluginUpdate"]
    assert data["errors"] == []
    config = data["plugin"]["globalConfiguration"]
    assert config["active"] is True
    fields = {item["name"]: item for item in config["configuration"]}
    assert fields["handling_days"]["value"] == "3"
    assert fields["handling_days"]["label"] == "Handling time (business days)"
    assert fields["email_provider_api_key"]["type"] == "SECRET"
    assert fields["notify_not_shipped"]["type"] == "BOOLEAN"
    assert all(item["label"] and item["helpText"] for item in config["configuration"])

    listed = get_graphql_content(staff_api_client.post_graphql(PLUGINS))  # permission granted above
    nodes = {edge["node"]["id"]: edge["node"] for edge in listed["data"]["plugins"]["edges"]}
    assert nodes[PLUGIN_ID]["globalConfiguration"]["active"] is True


@pytest.mark.parametrize(
    ("name", "value", "field", "code"),
    [
        ("store_timezone", "Mars/Olympus", "storeTimezone", "INVALID"),
        ("handling_days", "soon", "handlingDays", "INVALID"),
        ("business_days", "", "businessDays", "REQUIRED"),
        ("sender_address", "not-an-email", "senderAddress", "INVALID"),
        ("case_reply_template", "{{#each items}}x{{/if}}", "caseReplyTemplate", "INVALID"),
    ],
)
def test_bad_configuration_value_returns_a_coded_error_and_saves_nothing(
    staff_api_client, permission_manage_plugins, settings, name, value, field, code
):
    settings.PLUGINS = ["saleor_support_plugin.plugin.SupportPlugin"]
    response = staff_api_client.post_graphql(
        PLUGIN_UPDATE,
        {"input": {"active": True, "configuration": [{"name": name, "value": value}]}},
        permissions=[permission_manage_plugins],
    )
    data = get_graphql_content(response)["data"]["pluginUpdate"]
    assert [(error["field"], error["code"]) for error in data["errors"]] == [(field, code)]
    from saleor.plugins.models import PluginConfiguration

    assert not PluginConfiguration.objects.filter(identifier=PLUGIN_ID, active=True).exists()
