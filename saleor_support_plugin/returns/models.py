"""The returns capability's tables (loaded with the app's models by `saleor_support_plugin.models`).

Orders, order lines, fulfillments and reason pages are Saleor's: referenced by id, never by foreign key, so the
requests outlive a deleted order and the capability is tested without Saleor.
"""

from __future__ import annotations

from django.db import models

from ..models import DelayNoticeStatus, SupportCase


class ReturnStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RECEIVED = "received", "Received"
    REFUNDED = "refunded", "Refunded"
    CREDITED = "credited", "Store credit issued"


class ReturnResolution(models.TextChoices):
    REFUND = "refund", "Refund"
    EXCHANGE = "exchange", "Exchange for the same product"
    STORE_CREDIT = "store_credit", "Store credit"


class ReturnRequest(models.Model):
    order_id = models.UUIDField(db_index=True)
    order_number = models.CharField(max_length=32, blank=True)
    customer_id = models.IntegerField(null=True, blank=True, db_index=True)
    customer_email = models.EmailField(blank=True, db_index=True)
    channel_slug = models.CharField(max_length=255, blank=True)
    language_code = models.CharField(max_length=35, default="en")
    currency = models.CharField(max_length=3, blank=True)
    # The client's key for this request (or one derived from its content): a retry finds the request it made.
    idempotency_key = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=ReturnStatus.choices, default=ReturnStatus.PENDING)
    resolution = models.CharField(max_length=16, choices=ReturnResolution.choices)
    comment = models.TextField(blank=True)
    # The value of the items, the restocking fee kept, the shipping refunded: amount = value - fee + shipping.
    items_value = models.DecimalField(max_digits=12, decimal_places=3, default=0)
    restocking_fee = models.DecimalField(max_digits=12, decimal_places=3, default=0)
    shipping_refund = models.DecimalField(max_digits=12, decimal_places=3, default=0)
    amount = models.DecimalField(max_digits=12, decimal_places=3, default=0)
    auto_approved = models.BooleanField(default=False)
    # Why the policy sent it to staff (empty when approved at once).
    needs_staff_because = models.TextField(blank=True)
    case = models.ForeignKey(
        SupportCase, null=True, blank=True, related_name="return_requests", on_delete=models.SET_NULL
    )
    decided_by_user_id = models.IntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    return_fulfillment_id = models.IntegerField(null=True, blank=True)
    replace_fulfillment_id = models.IntegerField(null=True, blank=True)
    replacement_order_id = models.UUIDField(null=True, blank=True)
    # Every fulfillment Saleor's return action made for this request: returns staff did not process.
    fulfillment_ids = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    refund_reference = models.CharField(max_length=255, blank=True)
    gift_card_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order_id", "idempotency_key"], name="support_return_idempotency_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.rma_number} ({self.status})"

    @property
    def rma_number(self) -> str:
        return f"RMA-{self.order_number}-{self.pk}"


class ReturnRequestLine(models.Model):
    request = models.ForeignKey(ReturnRequest, related_name="lines", on_delete=models.CASCADE)
    order_line_id = models.UUIDField()
    product_name = models.CharField(max_length=386)
    variant_name = models.CharField(max_length=255, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=3)
    reason_page_id = models.IntegerField(null=True, blank=True)
    reason_slug = models.CharField(max_length=255, blank=True)
    reason_title = models.CharField(max_length=255, blank=True)
    reason_text = models.TextField(blank=True)

    class Meta:
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_name}"


class ReturnPhoto(models.Model):
    """A photo the customer sent with the request: the same storage and size limit as case attachments."""

    request = models.ForeignKey(ReturnRequest, related_name="photos", on_delete=models.CASCADE)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to="saleor-support/returns/%Y/%m/", max_length=512)

    def __str__(self) -> str:
        return self.name


class ReturnEmailKind(models.TextChoices):
    REQUESTED = "requested", "Request received, waiting for a decision"
    APPROVED = "approved", "Approved, with instructions"
    REJECTED = "rejected", "Rejected, with the reason"
    RECEIVED = "received", "Items received"
    REFUNDED = "refunded", "Refunded"
    CREDITED = "credited", "Store credit issued"
    REPLACED = "replaced", "Replacement on its way (processed by staff)"


class ReturnEmail(models.Model):
    """One email about a return, recorded before it is sent; `dedupe_key` makes a second one impossible."""

    request = models.ForeignKey(ReturnRequest, null=True, blank=True, related_name="emails", on_delete=models.CASCADE)
    order_id = models.UUIDField(null=True, blank=True)
    kind = models.CharField(max_length=16, choices=ReturnEmailKind.choices)
    dedupe_key = models.CharField(max_length=128, unique=True)
    recipient = models.EmailField(blank=True)
    # What the email says, fixed when it was recorded (staff-processed returns have no request to read).
    context = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=DelayNoticeStatus.choices, default=DelayNoticeStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    message_id = models.CharField(max_length=255, blank=True)
    provider_message_id = models.CharField(max_length=255, blank=True)
    failure_reason = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=255, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} for {self.dedupe_key} ({self.status})"
