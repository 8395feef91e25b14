from saleor_support_plugin.dashboard.manifest import APP_PERMISSIONS, build_manifest


def test_every_url_is_absolute_under_the_plugins_webhook_url():
    manifest = build_manifest("https://api.shop.example/")

    urls = [manifest["appUrl"], *(extension["url"] for extension in manifest["extensions"])]
    assert all(url.startswith("https://api.shop.example/plugins/global/saleor.support/app/") for url in urls)


def test_declares_the_widget_and_queue_extensions_within_the_apps_permissions():
    manifest = build_manifest("http://localhost:8000")

    extensions = {(ext["mount"], ext["target"]): ext for ext in manifest["extensions"]}
    assert set(extensions) == {
        ("ORDER_DETAILS_WIDGETS", "WIDGET"),
        ("ORDER_DETAILS_MORE_ACTIONS", "POPUP"),
        ("NAVIGATION_ORDERS", "APP_PAGE"),
    }
    assert extensions["ORDER_DETAILS_WIDGETS", "WIDGET"]["options"] == {"widgetTarget": {"method": "POST"}}
    assert manifest["permissions"] == list(APP_PERMISSIONS)
    for extension in manifest["extensions"]:
        assert set(extension["permissions"]) <= set(manifest["permissions"])
    assert manifest["id"] == "saleor.support.dashboard"
