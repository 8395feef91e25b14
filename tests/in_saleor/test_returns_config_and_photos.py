"""The return policy saved through Saleor's pluginUpdate (refused with coded errors on the fields), and a
return request's photos sent as a GraphQL multipart upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from saleor.graphql.tests.utils import get_graphql_content, get_multipart_request_body
from saleor.plugins.models import PluginConfiguration

from saleor_support_plugin.core.constants import PLUGIN_ID
from saleor_support_plugin.returns.models import ReturnPhoto, ReturnRequest

from .returns_setup import REQUEST, gid, line_input

pytestmark = pytest.mark.django_db

PLUGIN_UPDATE = """
mutation PluginUpdate($input: PluginUpdateInput!) {
  pluginUpdate(id: "saleor.support", input: $input) { errors { field code message } }
}
"""
# A 1x1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005"
    "0001ff89993d1d0000000049454e44ae426082"
)


def save(client, **values):
    variables = {"input": {"active": True, "configuration": [{"name": k, "value": v} for k, v in values.items()]}}
    response = client.post_graphql(PLUGIN_UPDATE, variables)
    return get_graphql_content(response)["data"]["pluginUpdate"]["errors"]


def test_a_bad_return_policy_is_refused_on_save_and_nothing_is_stored(
    staff_api_client, permission_manage_plugins, settings
):
    settings.PLUGINS = ["saleor_support_plugin.plugin.SupportPlugin"]
    staff_api_client.user.user_permissions.add(permission_manage_plugins)
    errors = save(
        staff_api_client,
        returns_enabled="true",
        return_window_days="forever",
        return_resolutions="refund,barter",
    )
    assert sorted((e["field"], e["code"]) for e in errors) == [
        ("returnAddress", "REQUIRED"),
        ("returnResolutions", "INVALID"),
        ("returnWindowDays", "INVALID"),
    ]
    assert not PluginConfiguration.objects.filter(identifier=PLUGIN_ID, active=True).exists()

    good = save(
        staff_api_client,
        email_provider="test",
        returns_enabled="true",
        return_window_days="14",
        return_address="1 Dock Road",
    )
    assert good == []
    stored = {item["name"]: item["value"] for item in PluginConfiguration.objects.get().configuration}
    assert (stored["return_window_days"], stored["return_address"]) == ("14", "1 Dock Road")


def test_photos_come_as_multipart_uploads_and_are_kept_with_the_request(
    user_api_client, delivered_order, returns_plugin, return_reasons, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    returns_plugin(return_auto_approve="false")
    variables = {
        "input": {
            "order": gid("Order", delivered_order.pk),
            "lines": [line_input(delivered_order.lines.first(), 1, return_reasons["damaged"])],
            "resolution": "REFUND",
            "photos": [None],
        },
    }
    body = get_multipart_request_body(REQUEST, variables, SimpleUploadedFile("crack.png", PNG, "image/png"), "file")
    body["map"] = '{"file": ["variables.input.photos.0"]}'
    content = get_graphql_content(user_api_client.post_multipart(body))
    assert content["data"]["supportReturnRequest"]["errors"] == []
    photo = ReturnPhoto.objects.get()
    assert (photo.name, photo.content_type, photo.size, photo.request) == (
        "crack.png",
        "image/png",
        len(PNG),
        ReturnRequest.objects.get(),
    )
    assert photo.file.read() == PNG
