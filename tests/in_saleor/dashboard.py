"""Fixtures for the Dashboard app: installed through Saleor's own `install_app`, tokens from Saleor's API."""

from __future__ import annotations

from collections.abc import Callable
from unittest import mock

import graphene
import pytest
from saleor.app.installation_utils import install_app
from saleor.app.models import App, AppInstallation
from saleor.graphql.tests.utils import get_graphql_content
from saleor.permission.enums import get_permissions_from_names

from saleor_support_plugin.dashboard.manifest import (
    ACTION_PATH,
    APP_PERMISSIONS,
    CASE_PATH,
    MANIFEST_PATH,
    ORDER_WIDGET_PATH,
    PLUGIN_BASE_PATH,
    QUEUE_PATH,
)

from .graphql_operations import MY_CASES

DASHBOARD_ORIGIN = "https://dashboard.shop.example"
MANIFEST_URL = PLUGIN_BASE_PATH + MANIFEST_PATH
WIDGET_URL = PLUGIN_BASE_PATH + ORDER_WIDGET_PATH
QUEUE_URL = PLUGIN_BASE_PATH + QUEUE_PATH
CASE_URL = PLUGIN_BASE_PATH + CASE_PATH
ACTION_URL = PLUGIN_BASE_PATH + ACTION_PATH
WIDGET_MOUNT = "ORDER_DETAILS_WIDGETS"
QUEUE_MOUNT = "NAVIGATION_ORDERS"
HOME_MOUNT = "HOMEPAGE_WIDGETS"

# What the Dashboard asks before it opens an extension: each extension with a token for the signed-in user.
EXTENSION_TOKENS = """
query { appExtensions(first: 20) { edges { node { mountName targetName url accessToken app { identifier } } } } }
"""


# What the Dashboard asks before it opens an app page: the app's token for the signed-in staff user.
APP_TOKEN = """query App($id: ID!) { app(id: $id) { accessToken appUrl extensions { mountName url } } }"""


def app_page_token(api_client, app: App) -> str:
    """The token the Dashboard hands an APP_PAGE (the app's, not the extension's)."""
    variables = {"id": graphene.Node.to_global_id("App", app.pk)}
    token = get_graphql_content(api_client.post_graphql(APP_TOKEN, variables))["data"]["app"]["accessToken"]
    assert token, "Saleor issued no app token to this user"
    return token


def messages_the_customer_sees(user_api_client) -> list[str]:
    """The message bodies of the customer's first case, through the storefront API."""
    cases = get_graphql_content(user_api_client.post_graphql(MY_CASES))["data"]["me"]["supportCases"]
    return [message["body"] for message in cases[0]["messages"]]


def install_support_app(manifest: dict, manifest_url: str) -> App:
    """Saleor's own installation (validation, app, extensions, permissions), given the manifest it would fetch."""
    installation = AppInstallation.objects.create(app_name=manifest["name"], manifest_url=manifest_url)
    installation.permissions.set(get_permissions_from_names(list(APP_PERMISSIONS)))
    with mock.patch("saleor.app.installation_utils.fetch_manifest", return_value=manifest):
        app, _token = install_app(installation, activate=True)
    app.is_installed = True
    app.save(update_fields=["is_installed"])
    installation.delete()
    return app


@pytest.fixture
def addressed_by_request(settings) -> None:
    """No PUBLIC_URL (Saleor's test settings set https://example.com): pages use the address they are asked at."""
    settings.PUBLIC_URL = None


@pytest.fixture
def support_app(client, support_plugin, addressed_by_request) -> App:
    """The plugin active with a Dashboard URL, and its companion app installed from the manifest it serves."""
    support_plugin(dashboard_url=DASHBOARD_ORIGIN)
    response = client.get(MANIFEST_URL)
    assert response.status_code == 200
    return install_support_app(response.json(), "http://testserver" + MANIFEST_URL)


@pytest.fixture
def extension_token() -> Callable[..., str | None]:
    def token(api_client, mount: str) -> str | None:
        content = get_graphql_content(api_client.post_graphql(EXTENSION_TOKENS))
        for edge in content["data"]["appExtensions"]["edges"]:
            node = edge["node"]
            if node["mountName"] == mount and node["app"]["identifier"] == "saleor.support.dashboard":
                return node["accessToken"]
        raise AssertionError(f"no {mount} extension of the support app")

    return token
