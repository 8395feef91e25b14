from saleor_support_plugin.dashboard.manifest import APP_PERMISSIONS, build_manifest


def test_urls_lead_to_the_plugins_pages():
    manifest = build_manifest("https://api.shop.example/")
    base = "https://api.shop.example/plugins/global/saleor.support/app"

    urls = {extension["mount"]: extension["url"] for extension in manifest["extensions"]}
    pages = {extension["identifier"]: extension["url"] for extension in manifest["extensions"]}
    assert manifest["appUrl"] == base
    assert urls["ORDER_DETAILS_WIDGETS"] == f"{base}/order-widget"
    assert urls["ORDER_DETAILS_MORE_ACTIONS"] == f"{base}/open-case"  # the Dashboard needs popups absolute
    assert urls["HOMEPAGE_WIDGETS"] == f"{base}/queue"
    # App pages are relative to appUrl; the Dashboard joins them as urlJoin(appUrl, url).
    assert manifest["appUrl"] + pages["support-queue"] == f"{base}/queue"
    assert manifest["appUrl"] + pages["support-report"] == f"{base}/report"  # service levels


def test_declares_the_widget_and_queue_extensions_within_the_apps_permissions():
    manifest = build_manifest("http://localhost:8000")

    extensions = {(ext["mount"], ext["target"]): ext for ext in manifest["extensions"]}
    assert set(extensions) == {
        ("ORDER_DETAILS_WIDGETS", "WIDGET"),
        ("ORDER_DETAILS_MORE_ACTIONS", "POPUP"),
        ("NAVIGATION_ORDERS", "APP_PAGE"),
        ("HOMEPAGE_WIDGETS", "WIDGET"),
    }
    assert extensions["ORDER_DETAILS_WIDGETS", "WIDGET"]["options"] == {"widgetTarget": {"method": "POST"}}
    assert manifest["permissions"] == list(APP_PERMISSIONS)
    for extension in manifest["extensions"]:
        assert set(extension["permissions"]) <= set(manifest["permissions"])
    assert manifest["id"] == "saleor.support.dashboard"


def test_support_only_staff_get_the_queue_on_the_dashboards_home():
    """The Dashboard hides Orders (its pages and NAVIGATION_ORDERS) without MANAGE_ORDERS; Home is for all staff."""
    manifest = build_manifest("http://localhost:8000")

    home = next(ext for ext in manifest["extensions"] if ext["mount"] == "HOMEPAGE_WIDGETS")
    assert home["permissions"] == ["MANAGE_SUPPORT"]  # shown to (and given a token for) staff holding it
    assert home["options"] == {"homeWidgetTarget": {"method": "POST", "fullscreen": True}}
