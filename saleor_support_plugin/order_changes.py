"""What happens when Saleor reports that an order changed: every order hook ends here, in a Celery task."""

from __future__ import annotations

import uuid

from .case_triggers import detect_triggers, fire_triggers
from .feedback.check_ins import schedule_check_in
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
    schedule_check_in(order, runtime.settings)  # feedback: the check-in after delivery
