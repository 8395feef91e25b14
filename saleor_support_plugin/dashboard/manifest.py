"""The companion app's manifest, which Saleor reads when the merchant installs the app.

Saleor fetches it over HTTP (`appInstall` or `manage.py install_app <url>`), so every URL in it is absolute,
built from the address the manifest itself was fetched from.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.http import HttpRequest

from saleor_support_plugin import __version__
from saleor_support_plugin.core.constants import PLUGIN_ID, SUPPORT_APP_IDENTIFIER

APP_NAME = "Customer support"
PLUGIN_BASE_PATH = f"/plugins/global/{PLUGIN_ID}/"

# Paths under the plugin's webhook URL. `app` is the app's home (its appUrl): the support queue.
APP_PATH = "app"
MANIFEST_PATH = "app/manifest"
ORDER_WIDGET_PATH = "app/order-widget"
OPEN_CASE_POPUP_PATH = "app/open-case"
QUEUE_PATH = "app/queue"
CASE_PATH = "app/case"
ACTION_PATH = "app/action"
EVIDENCE_PATH = "app/evidence"  # returns (issue 11): a chargeback's evidence as a page
STATIC_PATH = "app/static/"
REPORT_PATH = "app/report"  # the support report (service levels)

# The app's token carries the intersection of these and the staff user's permissions. Staff with either one
# may work on cases (the same rule as the GraphQL API).
APP_PERMISSIONS = ("MANAGE_ORDERS", "MANAGE_SUPPORT")


def plugin_url(base_url: str, path: str) -> str:
    """`https://api.example.com` + `app/queue` -> the absolute URL of that plugin path."""
    return base_url.rstrip("/") + PLUGIN_BASE_PATH + path


def build_manifest(base_url: str) -> dict[str, Any]:
    return {
        "id": SUPPORT_APP_IDENTIFIER,
        "name": APP_NAME,
        "version": __version__,
        "about": (
            "The support pages of the Customer support plugin: an order's cases and delay notices on the order "
            "page, and the support queue under Orders (and, for support staff, on the Home page)."
        ),
        "author": "saleor-support-plugin",
        "permissions": list(APP_PERMISSIONS),
        "appUrl": plugin_url(base_url, APP_PATH),
        # The plugin extends Saleor 3.23's schema and models; Saleor refuses the install elsewhere.
        "requiredSaleorVersion": "^3.23.0",
        "extensions": extensions(base_url),
    }


def extensions(base_url: str) -> list[dict[str, Any]]:
    order_widget = {"widgetTarget": {"method": "POST"}}
    home_widget = {"homeWidgetTarget": {"method": "POST", "fullscreen": True}}
    return [
        _extension("order-support-widget", "Support", "ORDER_DETAILS_WIDGETS", "WIDGET", "MANAGE_ORDERS")
        | {"url": plugin_url(base_url, ORDER_WIDGET_PATH), "options": order_widget},
        _extension("open-support-case", "Open support case", "ORDER_DETAILS_MORE_ACTIONS", "POPUP", "MANAGE_ORDERS")
        | {"url": plugin_url(base_url, OPEN_CASE_POPUP_PATH)},
        # The Dashboard shows Orders (and with it order pages and NAVIGATION_ORDERS) only to staff with
        # MANAGE_ORDERS. Home is shown to all staff: support-only staff find the queue there, as a tab of its
        # own (HOMEPAGE_WIDGETS, Dashboard 3.23.6+), shown to those who hold MANAGE_SUPPORT.
        _extension("support-queue-home", "Support queue", "HOMEPAGE_WIDGETS", "WIDGET", "MANAGE_SUPPORT")
        | {"url": plugin_url(base_url, QUEUE_PATH), "options": home_widget},
        # The Dashboard wants app pages relative to appUrl and joins the two: <appUrl>/queue.
        _extension("support-queue", "Support queue", "NAVIGATION_ORDERS", "APP_PAGE") | {"url": "/queue"},
        # Service levels: how the shop meets its response-time standard, a second page beside the queue.
        _extension("support-report", "Support report", "NAVIGATION_ORDERS", "APP_PAGE") | {"url": "/report"},
    ]


def _extension(identifier: str, label: str, mount: str, target: str, *permissions: str) -> dict[str, Any]:
    return {
        "identifier": identifier,
        "label": label,
        "mount": mount,
        "target": target,
        "permissions": list(permissions),
    }


def public_base_url(request: HttpRequest) -> str:
    """Saleor's PUBLIC_URL when the deployment sets it (behind a proxy), else the address the request came to."""
    public_url = getattr(django_settings, "PUBLIC_URL", None)
    return (public_url or request.build_absolute_uri("/")).rstrip("/")
