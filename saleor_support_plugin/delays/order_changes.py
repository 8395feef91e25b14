"""What happens when Saleor reports that an order changed: every order hook ends here, in a Celery task.

The hooks' reports are published from memory a second after the request (tasks.PendingOrderChanges); a process
killed in that second loses them. The scan therefore also reads the orders Saleor itself marked as changed
since its last run (`Order.updated_at`, indexed) and handles them again: handling an order twice changes
nothing (the watchlist is recomputed, each trigger fires once).
"""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from saleor_support_plugin.cases.triggers import detect_triggers, fire_triggers
from saleor_support_plugin.core.orders import OrderSnapshot
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.delays.watchlist import forget_order, refresh_watches
from saleor_support_plugin.feedback.check_ins import schedule_check_in
from saleor_support_plugin.models import OrderChangesRead

CURSOR_NAME = "orders"
# A transaction can commit a while after it stamped `updated_at`: each read starts this long before the last.
COMMIT_LAG = datetime.timedelta(minutes=5)
# A plugin switched off for months does not read months of orders when it is switched back on: the backfill
# command is for that (hooks of an inactive plugin report nothing either).
LONGEST_READ = datetime.timedelta(days=1)


def handle_order_change(order_id: uuid.UUID, runtime: SupportRuntime) -> None:
    """Re-read the order, bring its watchlist rows up to date and open the cases its events call for."""
    order = runtime.gateway.get_order(order_id)
    if order is None:
        forget_order(order_id)
        return
    refresh_watches([order], runtime.settings)
    fire_triggers(order, detect_triggers(order), runtime.settings)
    schedule_check_in(order, runtime.settings)  # feedback: the check-in after delivery
    returns_events(order, runtime)


def reconcile_order_changes(runtime: SupportRuntime, now: datetime.datetime, batch_size: int = 500) -> int:
    """Handle again every order Saleor changed since the previous call; return how many were read.

    Two scans running at once may read the same orders: handling one twice changes nothing."""
    cursor, created = OrderChangesRead.objects.get_or_create(name=CURSOR_NAME, defaults={"read_until": now})
    if created:  # the first run: until now, the hooks reported every change
        return 0
    since = max(cursor.read_until - COMMIT_LAG, now - LONGEST_READ)
    read = 0
    for batch in runtime.gateway.iter_orders_updated(since, now, batch_size):
        refresh_watches(batch, runtime.settings)
        for order in batch:
            fire_triggers(order, detect_triggers(order), runtime.settings)
            returns_events(order, runtime)
        read += len(batch)
    OrderChangesRead.objects.filter(pk=cursor.pk, read_until__lt=now).update(read_until=now)
    return read


def returns_events(order: OrderSnapshot, runtime: SupportRuntime) -> None:
    """Returns (issue 11): returns and refunds staff processed email the customer; chargebacks open a case."""
    from saleor_support_plugin.returns.disputes import open_chargeback_cases
    from saleor_support_plugin.returns.staff_processed import notify_staff_processed

    notify_staff_processed(order, timezone.now())
    open_chargeback_cases(order, runtime)
