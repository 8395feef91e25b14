from __future__ import annotations

import datetime
import os
from typing import Any

from django.apps import AppConfig
from django.conf import settings

SCAN_SCHEDULE_NAME = "saleor-support-scan-delays"
DEFAULT_SCAN_INTERVAL_SECONDS = 900


class SupportConfig(AppConfig):
    name = "saleor_support_plugin"
    label = "saleor_support_plugin"
    verbose_name = "Customer support"
    default_auto_field = "django.db.models.BigAutoField"

    def import_models(self) -> None:
        """Register the MANAGE_SUPPORT permission while Django loads the models: the permission must join Saleor's
        list before Saleor's GraphQL builds its PermissionEnum, which an app's ready() already does (Saleor's
        account app), so ready() would be too late. Registering here, not when a module is imported, keeps every
        module free of side effects on Saleor."""
        super().import_models()
        from saleor_support_plugin.host.permissions import register_saleor_permission

        register_saleor_permission()

    def ready(self) -> None:
        from saleor_support_plugin.core.ports import install_case_email_queue
        from saleor_support_plugin.tasks import enqueue_case_email_delivery

        install_case_email_queue(enqueue_case_email_delivery)
        # Returns (issue 11)
        from saleor_support_plugin.core.ports import install_return_email_queue
        from saleor_support_plugin.tasks import enqueue_return_email_delivery

        install_return_email_queue(enqueue_return_email_delivery)
        try:
            from saleor.celeryconf import app as saleor_celery_app
        except ImportError:  # outside Saleor (the Saleor-free test suite): no beat, no GraphQL to extend
            return
        from saleor_support_plugin.core.ports import install_runtime_loader
        from saleor_support_plugin.host.permissions import check_permission_registered
        from saleor_support_plugin.host.saleor_gateway import load_saleor_runtime
        from saleor_support_plugin.host.schema_extension import extend_saleor_schema

        install_runtime_loader(load_saleor_runtime)
        from saleor_support_plugin.core.ports import install_returns_port
        from saleor_support_plugin.host.saleor_returns import SaleorReturns

        install_returns_port(SaleorReturns)
        register_periodic_scan(saleor_celery_app)
        check_permission_registered()
        extend_saleor_schema()


def scan_interval() -> datetime.timedelta:
    seconds = getattr(settings, "SUPPORT_DELAY_SCAN_INTERVAL", None) or os.environ.get("SUPPORT_DELAY_SCAN_INTERVAL")
    return datetime.timedelta(seconds=int(seconds or DEFAULT_SCAN_INTERVAL_SECONDS))


def register_periodic_scan(celery_app: Any) -> None:
    """Add the delay scan to the Celery beat schedule of the host (Saleor's `saleor.celeryconf.app`).

    Saleor's beat (`--scheduler saleor.schedulers.schedulers.DatabaseScheduler`) copies
    `app.conf.beat_schedule` into its database when it starts, so the entry needs no migration.
    """
    from saleor_support_plugin.tasks import SCAN_TASK_NAME

    interval = scan_interval()
    # add_periodic_task waits for the app to be configured if it is not yet (it is not, during ready()).
    celery_app.add_periodic_task(
        interval,
        celery_app.signature(SCAN_TASK_NAME),
        name=SCAN_SCHEDULE_NAME,
        # A scan older than the interval is stale: the next one reads the same rows.
        expires=int(interval.total_seconds()),
    )
