from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from saleor_support_plugin.core.runtime import load_runtime
from saleor_support_plugin.delays.watchlist import backfill_watchlist
from saleor_support_plugin.management.progress import ProgressBar


class Command(BaseCommand):
    help = "Fill the delay watchlist from the shop's open orders (run once when enabling the plugin on a live shop)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--max-age-days",
            type=int,
            default=30,
            help="Only orders placed in the last N days (default 30): older ones are not written to about delays.",
        )

    def handle(self, *args: Any, batch_size: int = 500, max_age_days: int = 30, **options: Any) -> None:
        runtime = load_runtime()
        since = timezone.now() - datetime.timedelta(days=max_age_days)
        bar = ProgressBar(runtime.gateway.count_open_orders(since), "Reading open orders", self.stderr)
        orders, rows = backfill_watchlist(runtime, since, batch_size=batch_size, on_batch=bar.advance)
        bar.close()
        self.stdout.write(
            f"Open orders read: {orders}. Watchlist rows written: {rows}. "
            "Those already due are notified by the next scan (or run support_scan_delays)."
        )
