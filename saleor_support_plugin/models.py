"""The plugin's own tables. Orders are referenced by Saleor's order UUID, never by a foreign key, so that
the support domain works (and is tested) without Saleor and its records outlive a deleted order."""

from __future__ import annotations

import datetime

from django.db import models

from saleor_support_plugin.core.constants import MANAGE_SUPPORT_CODENAME
from saleor_support_plugin.email.delivery import DeliveryStatus


class DelayStage(models.TextChoices):
    NOT_SHIPPED = "not_shipped", "Not shipped within the handling time"
    DELIVERY_OVERDUE = "delivery_overdue", "Shipment past its promised delivery date"
    APPROVAL_PENDING = "approval_pending", "Fulfillment waiting for approval too long"


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


# A delay notice's status is its email's delivery status (email/delivery.py).
DelayNoticeStatus = DeliveryStatus


class RecordedEmail(models.Model):
    """An email recorded before it is sent, and where its sending stands (email/delivery.py)."""

    recipient = models.EmailField(blank=True)
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    message_id = models.CharField(max_length=255, blank=True)
    provider_message_id = models.CharField(max_length=255, blank=True)
    failure_reason = models.TextField(blank=True)
    # Set by the claim (email/delivery.py): when, and by which Celery task, the send started.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=255, blank=True)
    # When a transient failure's retry is due; the periodic scan re-queues a retry that never came.
    retry_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class DelayNotice(RecordedEmail):
    """One notice per order and stage. The unique constraint is what makes a second email impossible,
    whatever retries, duplicated hooks or concurrent scans do."""

    order_id = models.UUIDField()
    order_number = models.CharField(max_length=32, blank=True)
    stage = models.CharField(max_length=32, choices=DelayStage.choices)
    due_at = models.DateTimeField()
    language_code = models.CharField(max_length=35, blank=True)
    case = models.ForeignKey(
        "SupportCase", null=True, blank=True, related_name="delay_notices", on_delete=models.SET_NULL
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order_id", "stage"], name="support_delaynotice_order_stage_uniq"),
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="support_delaynotice_status_idx")]

    def __str__(self) -> str:
        return f"#{self.order_number} {self.stage} ({self.status})"


class CaseStatus(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    WAITING_ON_CUSTOMER = "waiting_on_customer", "Waiting on customer"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


OPEN_CASE_STATUSES = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_ON_CUSTOMER)


class CasePriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class CaseCategory(models.TextChoices):
    SHIPPING_DELAY = "shipping_delay", "Shipping delay"
    RETURN = "return", "Return"
    DAMAGED_ITEM = "damaged_item", "Damaged item"
    BILLING = "billing", "Billing"
    PRODUCT_QUESTION = "product_question", "Product question"
    COMPLAINT = "complaint", "Complaint"
    CANCELLATION = "cancellation", "Cancellation"
    OTHER = "other", "Other"


class CaseChannel(models.TextChoices):
    STOREFRONT = "storefront", "Storefront"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    STAFF = "staff", "Staff"
    AUTOMATIC = "automatic", "Opened automatically"


# How a customer can reach staff who then open the case themselves.
STAFF_CHANNELS = (CaseChannel.PHONE, CaseChannel.EMAIL, CaseChannel.STAFF)


class AuthorType(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    STAFF = "staff", "Staff"
    SYSTEM = "system", "System"
    APP = "app", "App"


class CustomerOrderCopy(models.Model):
    """What a case or a return request copies from the order and its customer, so it outlives the order."""

    order_number = models.CharField(max_length=32, blank=True)
    customer_id = models.IntegerField(null=True, blank=True, db_index=True)
    customer_email = models.EmailField(blank=True, db_index=True)
    channel_slug = models.CharField(max_length=255, blank=True)
    language_code = models.CharField(max_length=35, default="en")

    class Meta:
        abstract = True


class SupportCase(CustomerOrderCopy):
    """A customer's problem, usually about one order. The order number and email are copied onto the case so
    it survives the order's deletion; `topic` is set on cases opened automatically, and at most one open
    case per order and topic exists (a partial unique index), so a second trigger adds to the first."""

    order_id = models.UUIDField(null=True, blank=True, db_index=True)
    origin = models.CharField(max_length=16, choices=CaseChannel.choices)
    topic = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=24, choices=CaseStatus.choices, default=CaseStatus.NEW)
    priority = models.CharField(max_length=8, choices=CasePriority.choices, default=CasePriority.NORMAL)
    category = models.CharField(max_length=24, choices=CaseCategory.choices, default=CaseCategory.OTHER)
    assignee_id = models.IntegerField(null=True, blank=True, db_index=True)
    subject = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    last_message_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # --- Service levels (service_levels/clock.py): targets stamped at opening, in business time.
    service_level_policy = models.CharField(max_length=200, blank=True)
    first_response_target = models.DurationField(null=True, blank=True)
    next_response_target = models.DurationField(null=True, blank=True)
    resolution_target = models.DurationField(null=True, blank=True)
    first_response_risk_at = models.DateTimeField(null=True, blank=True)
    next_response_due_at = models.DateTimeField(null=True, blank=True)
    next_response_risk_at = models.DateTimeField(null=True, blank=True)
    next_response_started_at = models.DateTimeField(null=True, blank=True)
    # The customer message that started the running next-response target (at-risk/breach once per cycle).
    next_response_cycle = models.BigIntegerField(default=0)
    resolution_risk_at = models.DateTimeField(null=True, blank=True)
    # Set while the clock stands still (waiting on the customer, resolved, closed); the business time it
    # stood still before is summed in `paused_time`.
    clock_stopped_at = models.DateTimeField(null=True, blank=True)
    paused_time = models.DurationField(default=datetime.timedelta(0))
    # Measured business time to the first staff reply and to resolution (pauses left out).
    first_response_time = models.DurationField(null=True, blank=True)
    resolution_time = models.DurationField(null=True, blank=True)
    # Public staff replies so far (the report's replies per resolution).
    staff_replies = models.PositiveIntegerField(default=0)
    # --- end service levels

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order_id", "topic"],
                condition=models.Q(status__in=OPEN_CASE_STATUSES) & ~models.Q(topic=""),
                name="support_case_one_open_per_order_topic",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "first_response_due_at"], name="support_case_status_due_idx"),
            models.Index(fields=["created_at"], name="support_case_created_idx"),
            models.Index(fields=["resolved_at"], name="support_case_resolved_idx"),
        ]
        permissions = [(MANAGE_SUPPORT_CODENAME, "Manage customer support cases.")]

    def __str__(self) -> str:
        return f"Case #{self.pk}: {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES


class CaseEntry(models.Model):
    """Something that happened on a case (a message, a change), listed in the order it happened."""

    created_at = models.DateTimeField()

    class Meta:
        abstract = True
        ordering = ("created_at", "pk")


class CaseMessage(CaseEntry):
    """A public reply (the customer sees it) or an internal note (staff only)."""

    case = models.ForeignKey(SupportCase, related_name="messages", on_delete=models.CASCADE)
    author_type = models.CharField(max_length=16, choices=AuthorType.choices)
    author_user_id = models.IntegerField(null=True, blank=True)
    author_app_id = models.IntegerField(null=True, blank=True)
    author_name = models.CharField(max_length=256, blank=True)
    is_internal = models.BooleanField(default=False)
    body = models.TextField()
    # From a received email: the earlier mail it quotes (and any text cut off an over-long body), kept apart
    # from the new text so it can be shown collapsed.
    quoted_text = models.TextField(blank=True, default="")

    class Meta(CaseEntry.Meta):
        indexes = [models.Index(fields=["case", "created_at"], name="support_message_case_idx")]

    def __str__(self) -> str:
        return f"{self.author_type} on case {self.case_id}"


class CaseChange(CaseEntry):
    """The audit trail: who changed which field of a case, when, from what to what."""

    case = models.ForeignKey(SupportCase, related_name="changes", on_delete=models.CASCADE)
    field = models.CharField(max_length=32)
    old_value = models.CharField(max_length=256, blank=True)
    new_value = models.CharField(max_length=256, blank=True)
    actor_type = models.CharField(max_length=16, choices=AuthorType.choices)
    actor_user_id = models.IntegerField(null=True, blank=True)
    actor_app_id = models.IntegerField(null=True, blank=True)

    class Meta(CaseEntry.Meta):
        # The support report reads status changes of a period.
        indexes = [models.Index(fields=["field", "created_at"], name="support_casechange_field_idx")]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} -> {self.new_value}"


class CaseTrigger(models.Model):
    """Each event that may open a case is handled once per order (`key` such as "return:<fulfillment id>"),
    however often the hook or task that reports it runs."""

    order_id = models.UUIDField()
    key = models.CharField(max_length=64)
    case = models.ForeignKey(SupportCase, null=True, blank=True, related_name="triggers", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order_id", "key"], name="support_casetrigger_order_key_uniq")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.key}"


class EscalationWatch(models.Model):
    """A late order waiting for its support case: one row per order, due `case_after_late_days` business days
    after the order became late (cases/escalation.py). The scan reads only rows whose `due_at` has passed."""

    order_id = models.UUIDField(unique=True)
    order_number = models.CharField(max_length=32, blank=True)
    due_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.order_id} case due {self.due_at:%Y-%m-%d %H:%M}"


class CaseEmailKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement to the customer"
    REPLY = "reply", "Staff reply to the customer"
    STAFF_NOTIFICATION = "staff_notification", "Customer message to staff"
    RESOLVED = "resolved", "Case resolved, to the customer"
    AT_RISK = "at_risk", "Service level at risk, to staff"
    BREACHED = "breached", "Service level breached, to staff"
    SURVEY = "survey", "Satisfaction survey, to the customer"


class CaseEmail(RecordedEmail):
    """One email about a case, recorded before it is sent; `dedupe_key` makes a second one impossible."""

    case = models.ForeignKey(SupportCase, related_name="emails", on_delete=models.CASCADE)
    # The message the email carries or reports (`message_id` is the email's own Message-ID header).
    case_message = models.ForeignKey(
        CaseMessage, null=True, blank=True, related_name="emails", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=24, choices=CaseEmailKind.choices)
    # What a staff alert is about (the service-level target), shown in the email.
    detail = models.CharField(max_length=64, blank=True, default="")
    dedupe_key = models.CharField(max_length=128, unique=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "recipient", "created_at"], name="support_caseemail_ack_idx"),
            models.Index(fields=["status", "updated_at"], name="support_caseemail_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for case {self.case_id} ({self.status})"


class InboundStatus(models.TextChoices):
    ADDED = "added", "Added to a case"
    OPENED = "opened", "Opened a case"
    IGNORED = "ignored", "Ignored (automatic reply, bounce or list)"
    REJECTED = "rejected", "Rejected"


class InboundEmail(models.Model):
    """Every email received, once: a provider's redelivery of the same Message-ID is stored once."""

    message_id = models.CharField(max_length=512, unique=True)
    sender = models.EmailField(blank=True)
    subject = models.CharField(max_length=512, blank=True)
    status = models.CharField(max_length=16, choices=InboundStatus.choices)
    reason = models.CharField(max_length=256, blank=True)
    case = models.ForeignKey(
        SupportCase, null=True, blank=True, related_name="inbound_emails", on_delete=models.SET_NULL
    )
    case_message = models.ForeignKey(
        CaseMessage, null=True, blank=True, related_name="inbound_emails", on_delete=models.SET_NULL
    )
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.message_id} ({self.status})"


class CustomerFile(models.Model):
    """A file a customer sent, kept in Django's default storage (core.text: its name and size limit)."""

    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255)
    size = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class CaseAttachment(CustomerFile):
    """A file that came with a customer's email."""

    case_message = models.ForeignKey(CaseMessage, related_name="attachments", on_delete=models.CASCADE)
    file = models.FileField(upload_to="saleor-support/attachments/%Y/%m/", max_length=512)


class DashboardSubmission(models.Model):
    """A form sent from the Dashboard pages, once: a double click or a resubmitted page finds its key taken."""

    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.key


class GuestCaseOpening(models.Model):
    """A case a guest opened, by email and client address: the guest limits count these rows (every worker
    sees the database, unlike a per-process cache). Rows older than the window are deleted as new ones come."""

    case = models.OneToOneField(SupportCase, related_name="+", on_delete=models.CASCADE)
    email = models.CharField(max_length=254)
    ip = models.CharField(max_length=45)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["email", "created_at"], name="support_guestopen_email_idx"),
            models.Index(fields=["ip", "created_at"], name="support_guestopen_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.email} from {self.ip}"


class ServiceLevelEventKind(models.TextChoices):
    AT_RISK = "at_risk", "At risk"
    BREACHED = "breached", "Breached"


class ServiceLevelEvent(models.Model):
    """A target of a case that came to be at risk or was breached: recorded once per target and cycle (the
    unique constraint), so staff are told once and the case is escalated once, however often the scan runs."""

    case = models.ForeignKey(SupportCase, related_name="service_level_events", on_delete=models.CASCADE)
    target = models.CharField(max_length=16)
    kind = models.CharField(max_length=16, choices=ServiceLevelEventKind.choices)
    cycle = models.BigIntegerField(default=0)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "target", "kind", "cycle"], name="support_slevent_once_per_target_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"case {self.case_id} {self.target} {self.kind}"


# --- Feedback (feedback/)
class SurveyStatus(models.TextChoices):
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent"


class CaseSurvey(models.Model):
    """The one satisfaction survey of a resolved case (the one-to-one key makes a second impossible), and the
    customer's rating and comment once given."""

    case = models.OneToOneField(SupportCase, related_name="survey", on_delete=models.CASCADE)
    recipient = models.EmailField(blank=True)
    status = models.CharField(max_length=16, choices=SurveyStatus.choices)
    reason = models.CharField(max_length=256, blank=True)
    # Where the survey's links point: the plugin's URL as Saleor serves it.
    base_url = models.CharField(max_length=512, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    rated_via = models.CharField(max_length=16, blank=True)
    commented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "created_at"], name="support_survey_recipient_idx"),
            models.Index(fields=["sent_at"], name="support_survey_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"survey of case {self.case_id} ({self.status}, rating {self.rating})"


class CheckInAnswer(models.TextChoices):
    ALL_GOOD = "all_good", "All good"
    PROBLEM = "problem", "Something is wrong"


class OrderCheckIn(RecordedEmail):
    """The one post-delivery check-in of an order (the unique order id makes a second impossible): scheduled
    when the order is delivered, emailed when due unless something speaks against it, answered once."""

    order_id = models.UUIDField(unique=True)
    order_number = models.CharField(max_length=32, blank=True)
    language_code = models.CharField(max_length=35, blank=True)
    send_after = models.DateTimeField()
    # "scheduled" until due, then a delivery status as a delay notice has (email/delivery.py).
    status = models.CharField(max_length=16, default="scheduled")
    base_url = models.CharField(max_length=512, blank=True)
    answer = models.CharField(max_length=16, choices=CheckInAnswer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    case = models.ForeignKey(SupportCase, null=True, blank=True, related_name="+", on_delete=models.SET_NULL)

    class Meta:
        indexes = [models.Index(fields=["status", "send_after"], name="support_checkin_due_idx")]

    def __str__(self) -> str:
        return f"check-in of order #{self.order_number} ({self.status})"


class CheckInOptOut(models.Model):
    """A customer who asked for no more check-ins (the link in every check-in email)."""

    email = models.CharField(max_length=254, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.email


# --- end feedback


class OrderChangesRead(models.Model):
    """How far the scan has read Saleor's orders by their `updated_at`: one row, the reconciliation's cursor
    (delays/order_changes.reconcile_order_changes)."""

    name = models.CharField(max_length=32, unique=True)
    read_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.read_until:%Y-%m-%d %H:%M:%S}"


# --- Returns (issue 11): return requests, their lines, photos and emails (the rules: returns/). Orders, order
# lines, fulfillments and reason pages are Saleor's: referenced by id, never by foreign key, so the requests
# outlive a deleted order and the capability is tested without Saleor.


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


class ReturnRequest(CustomerOrderCopy):
    order_id = models.UUIDField(db_index=True)
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


class ReturnPhoto(CustomerFile):
    """A photo the customer sent with the request: the same storage and size limit as case attachments."""

    request = models.ForeignKey(ReturnRequest, related_name="photos", on_delete=models.CASCADE)
    file = models.FileField(upload_to="saleor-support/returns/%Y/%m/", max_length=512)


class ReturnEmailKind(models.TextChoices):
    REQUESTED = "requested", "Request received, waiting for a decision"
    APPROVED = "approved", "Approved, with instructions"
    REJECTED = "rejected", "Rejected, with the reason"
    RECEIVED = "received", "Items received"
    REFUNDED = "refunded", "Refunded"
    CREDITED = "credited", "Store credit issued"
    REPLACED = "replaced", "Replacement on its way (processed by staff)"


class ReturnEmail(RecordedEmail):
    """One email about a return, recorded before it is sent; `dedupe_key` makes a second one impossible."""

    request = models.ForeignKey(ReturnRequest, null=True, blank=True, related_name="emails", on_delete=models.CASCADE)
    order_id = models.UUIDField(null=True, blank=True)
    kind = models.CharField(max_length=16, choices=ReturnEmailKind.choices)
    dedupe_key = models.CharField(max_length=128, unique=True)
    # What the email says, fixed when it was recorded (staff-processed returns have no request to read).
    context = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.kind} for {self.dedupe_key} ({self.status})"
