"""The plugin's own tables. Orders are referenced by Saleor's order UUID, never by a foreign key, so that
the support domain works (and is tested) without Saleor and its records outlive a deleted order."""

from __future__ import annotations

from django.db import models

from .delay_rules import DelayStage


class DelayWatch(models.Model):
    """The due-date watchlist: one row per order and stage that can still run late.

    Hooks keep it current, so the periodic scan reads only rows whose `due_at` has passed (an index range
    scan) and never Saleor's order table.
    """

    order_id = models.UUIDField()
    order_number = models.CharField(max_length=32, blank=True)
    stage = models.CharField(max_length=32, choices=DelayStage.choices)
    due_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order_id", "stage"], name="support_delaywatch_order_stage_uniq"),
        ]
        indexes = [models.Index(fields=["due_at"], name="support_delaywatch_due_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.stage} due {self.due_at:%Y-%m-%d %H:%M}"


class DelayNoticeStatus(models.TextChoices):
    PENDING = "pending", "Queued"
    SENDING = "sending", "Sending"
    RETRYING = "retrying", "Waiting to retry"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Not sent"


class DelayNotice(models.Model):
    """One notice per order and stage. The unique constraint is what makes a second email impossible,
    whatever retries, duplicated hooks or concurrent scans do."""

    order_id = models.UUIDField()
    order_number = models.CharField(max_length=32, blank=True)
    stage = models.CharField(max_length=32, choices=DelayStage.choices)
    status = models.CharField(max_length=16, choices=DelayNoticeStatus.choices, default=DelayNoticeStatus.PENDING)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    recipient = models.EmailField(blank=True)
    language_code = models.CharField(max_length=35, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    provider_message_id = models.CharField(max_length=255, blank=True)
    failure_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order_id", "stage"], name="support_delaynotice_order_stage_uniq"),
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="support_delaynotice_status_idx")]

    def __str__(self) -> str:
        return f"#{self.order_number} {self.stage} ({self.status})"
