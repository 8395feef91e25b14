from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from saleor_support_plugin.cases.escalation import count_due_escalations
from saleor_support_plugin.cases.service import escalate_overdue_cases
from saleor_support_plugin.core.display_time import format_customer_time
from saleor_support_plugin.core.runtime import load_runtime
from saleor_support_plugin.delays.scan import (
    ScanSummary,
    count_due,
    open_cases_for_late_orders,
    preview_due,
    recover_deliveries,
    scan_delays,
)
from saleor_support_plugin.management.progress import ProgressBar
from saleor_support_plugin.tasks import delivery_queues, enqueue_notice_delivery


class Command(BaseCommand):
    help = "Queue delay notices for every order whose due time has passed (what the periodic task runs)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Show what is due; change and send nothing.")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, dry_run: bool = False, batch_size: int = 1000, **options: Any) -> None:
        runtime = load_runtime()
        if not runtime.active and not dry_run:
            raise CommandError("The support plugin (saleor.support) is not active: enable it on the Dashboard first.")
        now = timezone.now()
        if dry_run:
            summary, first_rows = preview_due(now)
            for row in first_rows:
                due = format_customer_time(row.due_at, runtime.settings.calendar.timezone, "en")
                self.stdout.write(f"  order #{row.order_number or row.order_id}: {row.stage}, due {due}")
            self._report(summary, "would be queued")
            self.stdout.write(
                f"Late orders due for a support case (opened if still late): {count_due_escalations(now)}."
            )
            return
        bar = ProgressBar(count_due(now), "Scanning", self.stderr)
        summary = scan_delays(now, enqueue_notice_delivery, batch_size=batch_size, on_batch=bar.advance)
        bar.close()
        self._report(summary, "queued")
        self.stdout.write(f"Support cases opened for orders still late: {open_cases_for_late_orders(runtime, now)}.")
        recovered = recover_deliveries(now, delivery_queues())
        self.stdout.write(
            f"Emails queued again (their task was lost): {recovered.requeued}; "
            f"interrupted mid-send (not resent, shown as not sent): {recovered.interrupted}."
        )
        self.stdout.write(f"Overdue support cases escalated: {escalate_overdue_cases(now)}.")

    def _report(self, summary: ScanSummary, verb: str) -> None:
        stages = ", ".join(f"{stage}: {count}" for stage, count in sorted(summary.by_stage.items())) or "none"
        self.stdout.write(f"Due: {summary.due} ({stages}).")
        emails = summary.queued if verb == "queued" else summary.due
        self.stdout.write(f"Notice emails {verb}: {emails}; already handled before: {summary.already_noticed}.")
