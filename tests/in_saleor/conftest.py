"""The Saleor tier: runs only inside a Saleor 3.23 environment (tests/run.py points it at one).

Saleor's fixture modules ship in the `saleor` package but their glue lives in Saleor's repository-root
conftest.py, which is not installed; the same glue is repeated here.
"""

from __future__ import annotations

import importlib.util

import pytest

SALEOR_AVAILABLE = importlib.util.find_spec("saleor") is not None

if not SALEOR_AVAILABLE:
    collect_ignore_glob = ["test_*.py"]

    def pytest_report_header(config):
        return "SALEOR TIER SKIPPED: saleor cannot be imported by this Python (see README, 'Running the Saleor tier')"

    def pytest_terminal_summary(terminalreporter):
        terminalreporter.write_sep("=", "SALEOR TIER SKIPPED: saleor cannot be imported", red=True, bold=True)

else:
    import django.test
    from django.conf import settings as django_settings
    from saleor.tests.utils import prepare_test_db_connections

    TEST_DATABASES = {
        django_settings.DATABASE_CONNECTION_DEFAULT_NAME,
        django_settings.DATABASE_CONNECTION_REPLICA_NAME,
    }
    django.test.TransactionTestCase.databases = TEST_DATABASES
    django.test.TestCase.databases = TEST_DATABASES
    prepare_test_db_connections()

    # The Saleor-free tier's conftest (tests/conftest.py, loaded first) made its own eager Celery app the
    # default one; here the plugin's tasks belong to Saleor's app, as in a shop (eager under Saleor's test settings).
    from saleor.celeryconf import app as saleor_celery_app

    saleor_celery_app.set_default()
    saleor_celery_app.set_current()

    pytest_plugins = [
        "saleor.tests.fixtures",
        "saleor.app.tests.fixtures",
        "saleor.plugins.tests.fixtures",
        "saleor.graphql.tests.fixtures",
        "saleor.webhook.tests.fixtures",
        "saleor.tax.tests.fixtures",
        "saleor.channel.tests.fixtures",
        "saleor.page.tests.fixtures",
        "saleor.menu.tests.fixtures",
        "saleor.warehouse.tests.fixtures",
        "saleor.thumbnail.tests.fixtures",
        "saleor.order.tests.fixtures",
        "saleor.product.tests.fixtures",
        "saleor.site.tests.fixtures",
        "saleor.shipping.tests.fixtures",
        "saleor.permission.tests.fixtures",
        "saleor.giftcard.tests.fixtures",
        "saleor.discount.tests.fixtures",
        "saleor.checkout.tests.fixtures",
        "saleor.attribute.tests.fixtures",
        "saleor.account.tests.fixtures",
        "saleor.graphql.account.tests.fixtures",
        "saleor.payment.tests.fixtures",
        "saleor.webhook.tests.circuit_breaker.fixtures",
        "tests.in_saleor.fixtures",
        "tests.in_saleor.dashboard",
        "tests.in_saleor.returns_setup",  # returns (issue 11)
    ]

    def pytest_collection_modifyitems(config, items):
        for item in items:
            item.add_marker(pytest.mark.saleor)

    def pytest_terminal_summary(terminalreporter):
        skipped = terminalreporter.stats.get("skipped", [])
        browser = [report for report in skipped if "BROWSER" in str(report.longrepr)]
        if browser:
            terminalreporter.write_sep(
                "=", f"BROWSER TESTS SKIPPED ({len(browser)}): install Debian's chromium", red=True, bold=True
            )
        for report in skipped:
            if report not in browser:  # anything else the Saleor tier could not run here is said as loudly
                reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
                terminalreporter.write_sep("=", f"SALEOR-TIER TEST SKIPPED: {report.nodeid}: {reason}", red=True)
