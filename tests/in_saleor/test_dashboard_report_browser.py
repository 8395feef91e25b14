"""The "Support report" app page in a real browser (Debian's Chromium with Playwright), served by a live
Saleor, framed the way the Dashboard frames an APP_PAGE: figures, SVG charts in both themes, a CSV download.
Screenshots go to $SUPPORT_SCREENSHOTS (default: build/screenshots)."""

from __future__ import annotations

from pathlib import Path

from saleor.graphql.tests.utils import get_graphql_content

from .dashboard import app_page_token
from .graphql_operations import REPLY
from .test_dashboard_browser import (  # noqa: F401 - browser, dashboard_page and live_support are fixtures
    app_page_host,
    browser,
    dashboard_page,
    dashboard_url_of,
    frame_of,
    live_support,
    pytestmark,
    screenshot,
    set_theme,
)


def test_support_report_page_in_both_themes_with_charts_and_csv(
    request, staff_api_client, customer_case, permission_manage_support
):
    support, open_host = request.getfixturevalue("live_support"), request.getfixturevalue("dashboard_page")
    live_url, app = support
    staff_api_client.user.user_permissions.add(permission_manage_support)
    answered = staff_api_client.post_graphql(REPLY, {"id": customer_case["id"], "body": "On it."})
    assert get_graphql_content(answered)["data"]["supportCaseReply"]["errors"] == []
    token = app_page_token(staff_api_client, app)
    report_path = dashboard_url_of(app, "navigation_orders", "support-report").removeprefix(live_url)
    assert report_path.endswith("/app/report")

    page = open_host("/apps/support/report", app_page_host(live_url, token, "dark", report_path))
    report = frame_of(page, "app")
    report.get_by_role("heading", name="Support report").wait_for()
    assert report.locator("html").get_attribute("data-theme") == "dark"
    assert report.locator("svg.chart").count() == 2
    assert report.locator("svg.chart rect.bar-median").count() >= 1  # this week's first response
    bar_colour = report.locator("svg.chart rect.bar-median").first.evaluate("e => getComputedStyle(e).fill")
    assert report.get_by_text("opened").first.is_visible()
    screenshot(page, "support-report-dark", "app")

    set_theme(page, "app", "light", live_url)
    report.locator('html[data-theme="light"]').wait_for()
    assert report.locator("svg.chart rect.bar-median").first.evaluate("e => getComputedStyle(e).fill") != bar_colour
    screenshot(page, "support-report-light", "app")

    with page.expect_download() as download:
        report.get_by_role("button", name="Export CSV").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("group,opened,resolved")
    assert lines[-1].startswith("All,1,")
