"""The plugin id and every configuration field name, in one place."""

PLUGIN_ID = "saleor.support"
APP_LABEL = "saleor_support_plugin"
MANAGE_SUPPORT_CODENAME = "manage_support"
PLUGIN_NAME = "Customer support"
# The companion Dashboard app the plugin serves (its manifest `id`, Saleor's `App.identifier`).
SUPPORT_APP_IDENTIFIER = "saleor.support.dashboard"

# Email delivery
SENDER_ADDRESS = "sender_address"
SENDER_NAME = "sender_name"
EMAIL_PROVIDER = "email_provider"
EMAIL_PROVIDER_API_KEY = "email_provider_api_key"
EMAIL_PROVIDER_OPTIONS = "email_provider_options"

# Store calendar
STORE_TIMEZONE = "store_timezone"
BUSINESS_DAYS = "business_days"
HOLIDAYS = "holidays"

# Delay rules
HANDLING_DAYS = "handling_days"
HANDLING_STARTS_AT = "handling_starts_at"
DEFAULT_DELIVERY_DAYS = "default_delivery_days"
DELIVERY_GRACE_DAYS = "delivery_grace_days"
APPROVAL_WAIT_HOURS = "approval_wait_hours"
REVISED_ESTIMATE_DAYS = "revised_estimate_days"
NOTIFY_NOT_SHIPPED = "notify_not_shipped"
NOTIFY_DELIVERY_OVERDUE = "notify_delivery_overdue"
NOTIFY_APPROVAL_PENDING = "notify_approval_pending"

# Support cases
REPLY_DOMAIN = "reply_domain"
INBOUND_WEBHOOK_SECRET = "inbound_webhook_secret"
STAFF_INBOX = "staff_inbox"
FIRST_RESPONSE_HOURS = "first_response_hours"
RESOLUTION_HOURS = "resolution_hours"
CASE_AFTER_LATE_DAYS = "case_after_late_days"
ANONYMOUS_CASES_PER_IP_HOUR = "anonymous_cases_per_ip_hour"
ANONYMOUS_CASES_PER_EMAIL_HOUR = "anonymous_cases_per_email_hour"

# Dashboard app: where the Dashboard runs, so only it may frame the support pages
DASHBOARD_URL = "dashboard_url"

# Read-only status shown on the plugin's Dashboard page (computed when the page is read)
STATUS_OPEN_CASES = "status_open_cases"
STATUS_OVERDUE_CASES = "status_overdue_cases"
STATUS_NOTICES_SENT_7_DAYS = "status_notices_sent_7_days"
STATUS_NOTICES_NOT_SENT = "status_notices_not_sent"
STATUS_CASE_EMAILS_NOT_SENT = "status_case_emails_not_sent"
STATUS_APP_MANIFEST_URL = "status_app_manifest_url"
STATUS_FIELDS = (
    STATUS_OPEN_CASES,
    STATUS_OVERDUE_CASES,
    STATUS_NOTICES_SENT_7_DAYS,
    STATUS_NOTICES_NOT_SENT,
    STATUS_CASE_EMAILS_NOT_SENT,
    STATUS_APP_MANIFEST_URL,
)

# Email templates a merchant may replace on the Dashboard (handlebars): `<name>_subject`, `<name>_template`.
EMAIL_TEMPLATE_VARIABLES = {
    "delay_notice": "stage, order_number, customer_first_name, items (name, quantity), handling_days, "
    "promised_date, revised_date, tracking_numbers, support_email, support_phone, support_hours",
    "case_acknowledgement": "case_number, subject, order_number, first_response_due, support_response_time",
    "case_reply": "case_number, subject, body, body_html, author_name",
    "case_staff_notification": "case_number, subject, order_number, customer_email, priority, body, body_html",
    "case_resolved": "case_number, subject, order_number",
}
EMAIL_TEMPLATE_NAMES = tuple(EMAIL_TEMPLATE_VARIABLES)


def subject_field(template: str) -> str:
    return f"{template}_subject"


def body_field(template: str) -> str:
    return f"{template}_template"


# Support contact shown to customers
SUPPORT_EMAIL = "support_email"
SUPPORT_PHONE = "support_phone"
SUPPORT_HOURS = "support_hours"
SUPPORT_RESPONSE_TIME = "support_response_time"

HANDLING_FROM_PAYMENT = "payment"
HANDLING_FROM_CREATION = "creation"

# Staff and apps mark a fulfillment delivered by writing this key, with an ISO 8601 date-time, into the
# fulfillment's public or private metadata (Saleor's `updateMetadata` / `updatePrivateMetadata`).
DELIVERED_AT_METADATA_KEY = "support.delivered_at"
