"""Saving the plugin's email settings through Saleor's pluginUpdate: what can send is accepted, what cannot
is refused with a coded error on the field, and nothing is saved."""

from pathlib import Path

import pytest
from saleor.graphql.tests.utils import get_graphql_content
from saleor.plugins.models import PluginConfiguration

from saleor_support_plugin.core.constants import PLUGIN_ID

EXAMPLE = Path(__file__).resolve().parents[2] / "graphql" / "operations" / "configure-plugin.graphql"
PLUGIN_UPDATE = """
mutation PluginUpdate($input: PluginUpdateInput!) {
  pluginUpdate(id: "saleor.support", input: $input) { errors { field code message } }
}
"""


@pytest.fixture
def support_plugin(settings):
    settings.PLUGINS = ["saleor_support_plugin.plugin.SupportPlugin"]


def test_the_configuration_example_with_postmark_is_saved(staff_api_client, permission_manage_plugins, support_plugin):
    response = staff_api_client.post_graphql(EXAMPLE.read_text(), permissions=[permission_manage_plugins])
    data = get_graphql_content(response)["data"]["pluginUpdate"]
    assert data["errors"] == []
    fields = {item["name"]: item["value"] for item in data["plugin"]["globalConfiguration"]["configuration"]}
    assert fields["email_provider"] == "postmark"


@pytest.mark.parametrize(
    ("configuration", "field", "code", "says"),
    [
        (
            {"email_provider": "postal", "email_provider_api_key": "key"},
            "emailProviderOptions",
            "REQUIRED",
            '"api_url"',
        ),
        (
            {
                "email_provider": "amazon_ses",
                "email_provider_options": '{"send_defaults": {"reply_to": ["x@shop.example"]}}',
            },
            "emailProvider",
            "INVALID",
            "cannot send the delay notice email",
        ),
        (
            {"case_reply_template": "<p>Hello,{{#if author_name}}{{author_name}}</p>{{{body_html}}}"},
            "caseReplyTemplate",
            "INVALID",
            "not understood from '{{#if author_name}}",
        ),
        (
            {"case_reply_template": "<p>Thank you for your patience.</p>"},
            "caseReplyTemplate",
            "INVALID",
            "does not show the message",
        ),
    ],
)
def test_email_settings_that_cannot_send_are_refused_and_nothing_is_saved(
    staff_api_client, permission_manage_plugins, support_plugin, configuration, field, code, says
):
    values = [{"name": name, "value": value} for name, value in configuration.items()]
    response = staff_api_client.post_graphql(
        PLUGIN_UPDATE, {"input": {"active": True, "configuration": values}}, permissions=[permission_manage_plugins]
    )
    errors = get_graphql_content(response)["data"]["pluginUpdate"]["errors"]
    assert [(error["field"], error["code"]) for error in errors] == [(field, code)]
    assert says in errors[0]["message"]
    assert not PluginConfiguration.objects.filter(identifier=PLUGIN_ID, active=True).exists()
