"""What happens when Saleor reports that an order changed: every order hook ends here, in a Celery task."""

from __future__ import annotations

import uuid

from django.utils import timezone

from .case_triggers import detect_triggers, fire_triggers
from .runtime import SupportRuntime
from .watchlist import forget_order, refresh_watches


def handle_order_change(order_id: uuid.UUID, runtime: SupportRuntime) -> None:
    """Re-read the order, bring its watchlist rows up to date and open the cases its events call for."""
    order = runtime.gateway.get_order(order_id)
    if order is None:
        forget_order(order_id)
        return
    refresh_watches([order], runtime.settings)
    fire_triggers(order, detect_triggers(order), runtime.settings)
    # Returns (issue 11): staff-processed returns and refunds email the customer; chargebacks open a case.
    from .returns.disputes import open_chargeback_cases
    from .returns.staff_processed import notify_staff_processed

    notify_staff_processed(order, timezone.now())
    open_chargeback_cases(order, runtime)
