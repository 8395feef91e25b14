"""Each form of the Dashboard pages is acted on once: every page carries a fresh key its forms send back.

A double click, a reload that resends the form, or the back button and "Send" again find the key taken, so a
reply is never stored (or emailed) twice.
"""

from __future__ import annotations

import datetime
import secrets

from django.db import IntegrityError, transaction

from saleor_support_plugin.models import DashboardSubmission

KEEP_FOR = datetime.timedelta(days=2)  # longer than any page stays open: its token expires after minutes


def new_key() -> str:
    return secrets.token_urlsafe(24)


def claim(key: str) -> bool:
    """True the first time a key is sent; False for a key already used, or for no key at all."""
    if not key or len(key) > 64:
        return False
    try:
        with transaction.atomic():
            DashboardSubmission.objects.create(key=key)
    except IntegrityError:
        return False
    return True


def forget_old(now: datetime.datetime) -> int:
    deleted, _ = DashboardSubmission.objects.filter(created_at__lt=now - KEEP_FOR).delete()
    return deleted
