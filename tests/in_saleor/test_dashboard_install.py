"""`manage.py install_app <manifest URL>` fetches the manifest over HTTP from a live Saleor serving the plugin."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from saleor.app.models import App

from saleor_support_plugin.host.saleor_gateway import installed_support_app

from .dashboard import MANIFEST_URL, WIDGET_URL

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def test_install_app_command_installs_the_support_app_from_the_live_manifest(
    live_server, support_plugin, settings, addressed_by_request
):
    # Saleor refuses to fetch manifests from loopback addresses unless told to (HTTP_IP_FILTER_*).
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = True
    support_plugin(dashboard_url="https://dashboard.shop.example")

    call_command("install_app", live_server.url + MANIFEST_URL, "--activate", "--quiet")

    app = App.objects.get(identifier="saleor.support.dashboard")
    assert (app.is_active, app.is_installed) == (True, True)
    assert app.manifest_url == live_server.url + MANIFEST_URL
    assert app.extensions.get(mount="order_details_widgets").url == live_server.url + WIDGET_URL
    assert installed_support_app() == app


def test_a_second_install_is_refused_by_saleor(live_server, support_plugin, settings, addressed_by_request):
    settings.HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS = True
    support_plugin()
    call_command("install_app", live_server.url + MANIFEST_URL, "--activate", "--quiet")

    call_command("install_app", live_server.url + MANIFEST_URL, "--activate", "--quiet")

    assert App.objects.filter(identifier="saleor.support.dashboard").count() == 1
