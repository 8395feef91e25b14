"""The Saleor plugin: configuration on the Dashboard plugin page, and thin order hooks.

Every hook only enqueues, on commit, a task that re-reads the order and refreshes the plugin's due-date
watchlist: no query and no slow work in Saleor's request.
"""

from __future__ import annotations

import uuid
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from saleor.plugins.base_plugin import BasePlugin, ConfigurationTypeField, PluginConfigurationType
from saleor.plugins.error_codes import PluginErrorCode

from saleor_support_plugin.core import constants as c
from saleor_support_plugin.core.config import DEFAULTS, SupportSettings, settings_for
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.dashboard.manifest import MANIFEST_PATH, plugin_url, public_base_url
from saleor_support_plugin.dashboard.status import support_status
from saleor_support_plugin.dashboard.views import handle_app_request
from saleor_support_plugin.host.configuration import validate_configuration
from saleor_support_plugin.host.saleor_gateway import SaleorOrderGateway
from saleor_support_plugin.inbound.webhook import handle_inbound_request
from saleor_support_plugin.returns.settings_fields import RETURN_CONFIG_STRUCTURE
from saleor_support_plugin.tasks import anonymize_customer_cases_task, enqueue_order_change

if TYPE_CHECKING:
    from saleor.account.models import User
    from saleor.order.models import Fulfillment, Order
    from saleor.plugins.models import PluginConfiguration

STRING = ConfigurationTypeField.STRING
BOOLEAN = ConfigurationTypeField.BOOLEAN
OUTPUT = ConfigurationTypeField.OUTPUT

CONFIG_STRUCTURE: dict[str, dict[str, Any]] = {
    c.SENDER_ADDRESS: {
        "type": STRING,
        "label": "Sender email address",
        "help_text": "The From address of support emails. Leave blank to use the shop's DEFAULT_FROM_EMAIL.",
    },
    c.SENDER_NAME: {"type": STRING, "label": "Sender name", "help_text": "Shown as the sender, e.g. 'Acme Support'."},
    c.EMAIL_PROVIDER: {
        "type": STRING,
        "label": "Email provider",
        "help_text": (
            "A django-anymail provider: mailgun, postmark, brevo, amazon_ses, mailjet, resend, sparkpost... "
            "Leave blank to send through the email settings of this Saleor deployment (EMAIL_URL)."
        ),
    },
    c.EMAIL_PROVIDER_API_KEY: {
        "type": ConfigurationTypeField.SECRET,
        "label": "Email provider API key",
        "help_text": "The API key (Postmark: server token) of the email provider above.",
    },
    c.EMAIL_PROVIDER_OPTIONS: {
        "type": ConfigurationTypeField.MULTILINE,
        "label": "Email provider options",
        "help_text": (
            'Optional JSON object of provider settings, e.g. {"sender_domain": "mg.example.com"}. To receive '
            'mail, add the provider\'s webhook signing key, e.g. {"webhook_signing_key": "…"} for Mailgun.'
        ),
    },
    c.STORE_TIMEZONE: {
        "type": STRING,
        "label": "Store time zone",
        "help_text": "Business days are counted in this time zone, e.g. Europe/Berlin or America/New_York.",
    },
    c.BUSINESS_DAYS: {
        "type": STRING,
        "label": "Business days",
        "help_text": "Days your warehouse ships, comma separated: mon,tue,wed,thu,fri.",
    },
    c.HOLIDAYS: {
        "type": ConfigurationTypeField.MULTILINE,
        "label": "Holidays",
        "help_text": "Dates you do not ship, one per line as YYYY-MM-DD.",
    },
    c.HANDLING_DAYS: {
        "type": STRING,
        "label": "Handling time (business days)",
        "help_text": "Business days you promise to ship within. An order not shipped by then gets a delay notice.",
    },
    c.HANDLING_STARTS_AT: {
        "type": STRING,
        "label": "Handling time starts at",
        "help_text": "'payment' (the order is fully paid) or 'creation' (the order is placed).",
    },
    c.DEFAULT_DELIVERY_DAYS: {
        "type": STRING,
        "label": "Default delivery time (business days)",
        "help_text": (
            "Used when the shipping method has no maximum delivery days. Leave blank to send no "
            "late-delivery notices for such shipments."
        ),
    },
    c.DELIVERY_GRACE_DAYS: {
        "type": STRING,
        "label": "Grace after the promised delivery (business days)",
        "help_text": "A shipment not marked delivered this many business days after its promise gets a notice.",
    },
    c.APPROVAL_WAIT_HOURS: {
        "type": STRING,
        "label": "Approval wait (hours)",
        "help_text": "A fulfillment waiting for approval longer than this gets a delay notice.",
    },
    c.REVISED_ESTIMATE_DAYS: {
        "type": STRING,
        "label": "Revised estimate (business days)",
        "help_text": "The new expectation a notice gives: this many business days from the day it is sent.",
    },
    c.NOTIFY_NOT_SHIPPED: {
        "type": BOOLEAN,
        "label": "Notify: not shipped in time",
        "help_text": "Email the customer when the order has not shipped within the handling time.",
    },
    c.NOTIFY_DELIVERY_OVERDUE: {
        "type": BOOLEAN,
        "label": "Notify: delivery overdue",
        "help_text": (
            "Email the customer when a shipment is past its promised delivery date. Mark a fulfillment "
            f"delivered by setting its metadata key '{c.DELIVERED_AT_METADATA_KEY}' to the delivery date."
        ),
    },
    c.NOTIFY_APPROVAL_PENDING: {
        "type": BOOLEAN,
        "label": "Notify: fulfillment awaiting approval",
        "help_text": "Email the customer when a fulfillment waits for approval longer than allowed.",
    },
    c.REPLY_DOMAIN: {
        "type": STRING,
        "label": "Reply domain",
        "help_text": (
            "Domain whose mail your provider posts to this plugin (e.g. reply.example.com). Support emails then "
            "carry a Reply-To such as support+<token>@reply.example.com that identifies the case. Blank: "
            "Reply-To is the support email."
        ),
    },
    c.INBOUND_WEBHOOK_SECRET: {
        "type": ConfigurationTypeField.SECRET,
        "label": "Inbound webhook secret",
        "help_text": (
            "user:password your email provider sends (HTTP basic auth) when it posts received mail to "
            "https://<your Saleor>/plugins/global/saleor.support/inbound/ — e.g. "
            "https://user:password@api.example.com/plugins/global/saleor.support/inbound/. "
            "Blank: received mail is refused."
        ),
    },
    c.STAFF_INBOX: {
        "type": STRING,
        "label": "Staff inbox",
        "help_text": "Where customer messages are forwarded when a case has no assignee.",
    },
    c.FIRST_RESPONSE_HOURS: {
        "type": STRING,
        "label": "First response target (hours)",
        "help_text": "A case without a staff reply this many hours after it opened counts as overdue.",
    },
    c.RESOLUTION_HOURS: {
        "type": STRING,
        "label": "Resolution target (hours)",
        "help_text": "A case not resolved this many hours after it opened counts as overdue.",
    },
    c.CASE_AFTER_LATE_DAYS: {
        "type": STRING,
        "label": "Open a case for orders late by (business days)",
        "help_text": (
            "An order still not shipped or delivered this many business days after it became late gets a "
            "support case. A second delay notice for the same order opens one too. Blank: only the second notice."
        ),
    },
    c.ANONYMOUS_CASES_PER_IP_HOUR: {
        "type": STRING,
        "label": "Guest cases per IP address per hour",
        "help_text": "Limit on cases opened from the storefront without an account, per IP address.",
    },
    c.ANONYMOUS_CASES_PER_EMAIL_HOUR: {
        "type": STRING,
        "label": "Guest cases per email address per hour",
        "help_text": "Limit on cases opened from the storefront without an account, per email address.",
    },
    c.SUPPORT_EMAIL: {
        "type": STRING,
        "label": "Support email",
        "help_text": "Shown to customers and used as Reply-To of support emails.",
    },
    c.SUPPORT_PHONE: {"type": STRING, "label": "Support phone", "help_text": "Shown to customers."},
    c.SUPPORT_HOURS: {
        "type": STRING,
        "label": "Support hours",
        "help_text": "Shown to customers, e.g. 'Mon-Fri 9:00-17:00 CET'.",
    },
    c.DASHBOARD_URL: {
        "type": STRING,
        "label": "Dashboard URL",
        "help_text": (
            "Where your Saleor Dashboard runs, e.g. https://dashboard.example.com/ (several: comma separated). "
            "Only these may show the support pages; install the app from the manifest URL below."
        ),
    },
    c.STATUS_OPEN_CASES: {"type": OUTPUT, "label": "Open cases", "help_text": "New, open or waiting on the customer."},
    c.STATUS_OVERDUE_CASES: {
        "type": OUTPUT,
        "label": "Overdue cases",
        "help_text": "Open cases past their first-response or resolution target.",
    },
    c.STATUS_NOTICES_SENT_7_DAYS: {
        "type": OUTPUT,
        "label": "Delay notices sent in the last 7 days",
        "help_text": "Emails sent to customers about late orders.",
    },
    c.STATUS_NOTICES_NOT_SENT: {
        "type": OUTPUT,
        "label": "Delay notices not sent",
        "help_text": (
            "Notices the email provider refused, or whose sending was interrupted (never retried, so no customer "
            "gets two). The order's delay notices are listed in the Support widget on the order page."
        ),
    },
    c.STATUS_CASE_EMAILS_NOT_SENT: {
        "type": OUTPUT,
        "label": "Case emails not sent",
        "help_text": (
            "Acknowledgements, replies and notifications the email provider refused, or whose sending was "
            "interrupted (never retried, so no one gets two). Each case shows its emails."
        ),
    },
    c.STATUS_APP_MANIFEST_URL: {
        "type": OUTPUT,
        "label": "Support app manifest URL",
        "help_text": (
            "Install the support pages (order widget and support queue) from Apps > Install external app "
            "with this URL, or with `manage.py install_app <URL> --activate`."
        ),
    },
    c.SUPPORT_RESPONSE_TIME: {
        "type": STRING,
        "label": "Expected response time",
        "help_text": "Shown to customers, e.g. 'within 1 business day'.",
    },
    # Returns (issue 11): the return policy.
    **RETURN_CONFIG_STRUCTURE,
}

# --- Service levels
CONFIG_STRUCTURE |= {
    c.SUPPORT_OPENING_HOURS: {
        "type": ConfigurationTypeField.MULTILINE,
        "label": "Support opening hours",
        "help_text": (
            "When response targets count, in the store time zone; holidays above are closed. One line per "
            "group of days, e.g. 'mon-fri 09:00-17:00' and 'sat 10:00-14:00'; several ranges a day allowed "
            "(09:00-12:00 13:00-17:00); '24/7' for always. Blank: all day on the business days."
        ),
    },
    c.SERVICE_LEVEL_POLICIES: {
        "type": ConfigurationTypeField.MULTILINE,
        "label": "Service-level policies",
        "help_text": (
            "Response and resolution targets in business time, one policy a line, e.g. "
            "'priority=urgent first=1h next=2h resolution=8h' or 'priority=normal channel=phone first=30m' "
            "(optional category=..., channel=storefront/email/phone/staff/automatic; * for any). Targets "
            "left out, and cases no line matches, use the first-response and resolution hours above. "
            "Targets are stamped on a case when it opens; run manage.py support_apply_service_levels to "
            "apply changed policies to open cases."
        ),
    },
    c.AT_RISK_PERCENT: {
        "type": STRING,
        "label": "At risk at (% of a target)",
        "help_text": "When this share of a target has passed, the assignee (or the staff inbox) is told once.",
    },
    c.BREACH_PRIORITY: {
        "type": STRING,
        "label": "Priority at breach",
        "help_text": "A case that misses a target is raised to at least this priority: low, normal, high, urgent.",
    },
    c.BREACH_ASSIGNEE: {
        "type": STRING,
        "label": "Assign at breach to (staff user id)",
        "help_text": "Optional: a case that misses a target is assigned to this staff member.",
    },
}
# --- end service levels

# --- Feedback
CONFIG_STRUCTURE |= {
    c.SURVEY_ENABLED: {
        "type": BOOLEAN,
        "label": "Survey after resolution",
        "help_text": "Email the customer a one-click 'How did we do?' survey after a case is resolved.",
    },
    c.SURVEY_DELAY_HOURS: {
        "type": STRING,
        "label": "Survey delay (hours)",
        "help_text": "Hours after a case is resolved before its survey is emailed (0-720).",
    },
    c.SURVEY_INTERVAL_DAYS: {
        "type": STRING,
        "label": "At most one survey per customer in (days)",
        "help_text": "A customer gets at most one survey in this many days; other resolved cases are not surveyed.",
    },
    c.SURVEY_LINK_DAYS: {
        "type": STRING,
        "label": "Survey links expire after (days)",
        "help_text": "An expired rating link changes nothing and says so.",
    },
    c.SURVEY_LOW_RATING: {
        "type": STRING,
        "label": "Low rating (stars, or fewer)",
        "help_text": "A rating of this many stars or fewer flags the case for a person.",
    },
    c.SURVEY_LOW_RATING_ACTION: {
        "type": STRING,
        "label": "On a low rating",
        "help_text": "'note': an internal note on the case; 'reopen': the note, and the case is reopened.",
    },
    c.CHECK_IN_ENABLED: {
        "type": BOOLEAN,
        "label": "Check in after delivery",
        "help_text": (
            "Email the customer once, some days after an order is delivered (a fulfillment's "
            f"'{c.DELIVERED_AT_METADATA_KEY}' metadata), asking whether all is well: 'all good', or "
            "'something is wrong', which opens a case. Never for an order with an open case or a return, and "
            "never to a customer who opted out (a link in every check-in)."
        ),
    },
    c.CHECK_IN_DAYS: {
        "type": STRING,
        "label": "Check in after (days)",
        "help_text": "Days after the delivery of the order's last shipment (1-90).",
    },
}
# --- end feedback


for _template, _variables in c.EMAIL_TEMPLATE_VARIABLES.items():
    _title = _template.replace("_", " ").capitalize()
    CONFIG_STRUCTURE[c.subject_field(_template)] = {
        "type": STRING,
        "label": f"{_title} email: subject",
        "help_text": f"Handlebars. Blank: the built-in, translated subject. Variables: {_variables}.",
    }
    CONFIG_STRUCTURE[c.body_field(_template)] = {
        "type": ConfigurationTypeField.MULTILINE,
        "label": f"{_title} email: HTML template",
        "help_text": (
            "Handlebars HTML; the plain-text part is made from it. Blank: the built-in, translated email. "
            f"Variables: {_variables}. Use {{{{{{body_html}}}}}} for a message's text as HTML."
        ),
    }


class SupportPlugin(BasePlugin):
    PLUGIN_ID = c.PLUGIN_ID
    PLUGIN_NAME = c.PLUGIN_NAME
    PLUGIN_DESCRIPTION = (
        "Proactive delay notices for late orders and customer support linked to orders. "
        "Notices are emailed once per order and stage and shown on the order's timeline."
    )
    CONFIGURATION_PER_CHANNEL = False
    DEFAULT_ACTIVE = False
    DEFAULT_CONFIGURATION = [{"name": name, "value": value} for name, value in DEFAULTS.items()]
    CONFIG_STRUCTURE = CONFIG_STRUCTURE

    # Saleor builds every plugin of PLUGINS for every request (twice for some), active or not, and its
    # constructor merges each stored field with CONFIG_STRUCTURE: a copy and an update for each of the 76 fields,
    # about a quarter of a millisecond of a storefront query (benchmarks/hook_overhead.py). Few requests read the
    # merged list (the plugin page, a hook that needs the settings), so Saleor's merge runs on the first read.
    def get_plugin_configuration(self, configuration: PluginConfigurationType) -> PluginConfigurationType:
        """The stored fields as Saleor passed them; `configuration` merges them when first read.

        Saleor calls this from `BasePlugin.__init__` only, which assigns the result to `configuration`.
        """
        self._stored_configuration = configuration or []
        return self._stored_configuration

    @property
    def configuration(self) -> PluginConfigurationType:
        """What Saleor's constructor would have set: the stored fields merged with CONFIG_STRUCTURE."""
        merged = self.__dict__.get("_merged_configuration")
        if merged is None:
            merged = self._merged_configuration = BasePlugin.get_plugin_configuration(self, self._stored_configuration)
        return merged

    @configuration.setter
    def configuration(self, value: PluginConfigurationType) -> None:
        if value is self.__dict__.get("_stored_configuration"):  # from the constructor: merged when read
            self.__dict__.pop("_merged_configuration", None)
        else:  # Saleor's save of the plugin page sets the saved, merged list
            self._merged_configuration = value

    def __del__(self) -> None:
        # Saleor's __del__ clears the merged list: nothing to merge only to clear it.
        self.__dict__.setdefault("_merged_configuration", [])
        super().__del__()

    # The settings are parsed only when something reads them, from a per-process cache.
    @cached_property
    def support_settings(self) -> SupportSettings:
        return settings_for(self.configuration)

    @classmethod
    def validate_plugin_configuration(cls, plugin_configuration: PluginConfiguration, **kwargs: Any) -> None:
        from django.core.exceptions import ValidationError

        try:
            validate_configuration(plugin_configuration.configuration)
        except ValidationError as error:
            raise ValidationError(
                {
                    field: ValidationError(errors[0].message, code=_plugin_error_code(errors[0].code))
                    for field, errors in error.error_dict.items()
                }
            ) from error

    def webhook(self, request: HttpRequest, path: str, previous_value: Any) -> HttpResponse | Any:
        """`/plugins/global/saleor.support/inbound/`: received mail from the email provider;
        `…/app/…`: the Dashboard app's manifest, widget and pages."""
        runtime = SupportRuntime(active=self.active, settings=self.support_settings, gateway=SaleorOrderGateway())
        if path.strip("/") == "inbound":
            return handle_inbound_request(request, runtime)
        if path.strip("/").startswith("feedback/"):  # survey links (feedback/views.py)
            from saleor_support_plugin.feedback.views import handle_feedback_request

            return handle_feedback_request(request, path, runtime)
        if path.strip("/").startswith("app/"):
            # Imported here: it loads Saleor's GraphQL modules, which must not be imported before the schema
            # is extended in `ready()`.
            from saleor_support_plugin.dashboard.app_auth import SaleorStaffAccess

            return handle_app_request(request, path, runtime, SaleorStaffAccess())
        return previous_value

    def resolve_plugin_configuration(self, request: HttpRequest) -> list[dict[str, Any]]:
        """The stored configuration, with the read-only status fields filled in live."""
        from saleor.graphql.core.context import get_database_connection_name

        # The API reads from the replica; Saleor refuses unannounced reads from the writer there.
        status = support_status(timezone.now(), get_database_connection_name(request))
        values = {
            c.STATUS_OPEN_CASES: str(status.open_cases),
            c.STATUS_OVERDUE_CASES: str(status.overdue_cases),
            c.STATUS_NOTICES_SENT_7_DAYS: str(status.notices_sent_7_days),
            c.STATUS_NOTICES_NOT_SENT: str(status.notices_not_sent),
            c.STATUS_CASE_EMAILS_NOT_SENT: str(status.case_emails_not_sent),
            c.STATUS_APP_MANIFEST_URL: plugin_url(public_base_url(request), MANIFEST_PATH),
        }
        return [{**item, "value": values.get(item["name"], item.get("value"))} for item in self.configuration]

    def _watch(self, order_id: uuid.UUID, previous_value: Any) -> Any:
        if not self.active:
            return previous_value
        transaction.on_commit(lambda: enqueue_order_change(str(order_id)))
        return previous_value

    def _order_changed(self, order: Order, previous_value: Any, webhooks: Any = None) -> Any:
        return self._watch(order.pk, previous_value)

    def _fulfillment_changed(
        self, fulfillment: Fulfillment, *args: Any, previous_value: Any = None, **kwargs: Any
    ) -> Any:
        return self._watch(fulfillment.order_id, previous_value)

    # Saleor calls each hook by name (passing `previous_value` by keyword); every one reports a changed order.
    order_created = order_confirmed = order_fully_paid = order_updated = _order_changed
    order_cancelled = order_expired = order_fulfilled = order_refunded = _order_changed
    fulfillment_created = fulfillment_approved = fulfillment_canceled = _fulfillment_changed
    fulfillment_metadata_updated = _fulfillment_changed

    def order_bulk_created(self, orders: list[Order], previous_value: Any) -> Any:
        for order in orders:
            self._watch(order.pk, previous_value)
        return previous_value

    def customer_deleted(self, customer: User, previous_value: Any, webhooks: Any = None) -> Any:
        # No `self.active` check needed here: Saleor calls hooks of active plugins only.
        customer_id, email = customer.pk, customer.email
        transaction.on_commit(lambda: anonymize_customer_cases_task.delay(customer_id, email))
        return previous_value


def _plugin_error_code(code: str | None) -> str:
    known = {item.value for item in PluginErrorCode}
    return code if code and code in known else PluginErrorCode.INVALID.value
