"""The survey after a case is resolved, and the rating it brings back.

- `send_due_surveys` (from the periodic scan): each case resolved at least the configured delay ago (and at
  most a week before that, so enabling surveys does not write to last year's customers) gets one survey,
  unless its customer had one in the last N days: then it is recorded as not sent, with the reason. The
  survey is a `CaseSurvey` row (one per case, by its unique key) and a `CaseEmail` sent like every case email.
- `rate`: the first rating is kept; the same choice again changes nothing and says so, another choice too.
  A rating at or below the configured low mark flags the case for a person (an internal note, or reopening).
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef

from saleor_support_plugin.cases.emails import queue_email
from saleor_support_plugin.cases.service import SYSTEM, CaseError, add_message, change_case, check_text
from saleor_support_plugin.core import constants as c
from saleor_support_plugin.core.config import SupportSettings
from saleor_support_plugin.core.error_codes import SupportErrorCode as Code
from saleor_support_plugin.models import CaseEmailKind, CaseStatus, CaseSurvey, SupportCase, SurveyStatus

CATCH_UP = datetime.timedelta(days=7)
BATCH = 500
COMMENT_MAX_LENGTH = 2000


class Rated(enum.Enum):
    RECORDED = "recorded"
    ALREADY_THIS = "already_this"  # the same choice again: nothing changes
    ALREADY_OTHER = "already_other"  # a rating was given before: it stays


@dataclass(frozen=True)
class SurveySummary:
    sent: int = 0
    skipped: int = 0


def send_due_surveys(now: datetime.datetime, settings: SupportSettings, base_url: str) -> SurveySummary:
    if not settings.survey_enabled:
        return SurveySummary()
    sent = skipped = 0
    while True:
        with transaction.atomic():
            batch = list(_due_cases(now, settings)[:BATCH])
            for case in batch:
                if _survey(case, now, settings, base_url).status == SurveyStatus.SENT:
                    sent += 1
                else:
                    skipped += 1
        if len(batch) < BATCH:
            return SurveySummary(sent, skipped)


def _due_cases(now: datetime.datetime, settings: SupportSettings):  # type: ignore[no-untyped-def]
    latest = now - datetime.timedelta(hours=settings.survey_delay_hours)
    return (
        SupportCase.objects.select_for_update(skip_locked=True)
        .filter(status__in=(CaseStatus.RESOLVED, CaseStatus.CLOSED), resolved_at__lte=latest)
        .filter(resolved_at__gte=latest - CATCH_UP)
        .exclude(customer_email="")
        .filter(~Exists(CaseSurvey.objects.filter(case=OuterRef("pk"))))
        .order_by("pk")
    )


def _survey(case: SupportCase, now: datetime.datetime, settings: SupportSettings, base_url: str) -> CaseSurvey:
    recipient = case.customer_email.strip().lower()
    since = now - datetime.timedelta(days=settings.survey_interval_days)
    recent = CaseSurvey.objects.filter(recipient=recipient, status=SurveyStatus.SENT, created_at__gte=since)
    if settings.survey_interval_days and recent.exists():
        reason = f"The customer had a survey in the last {settings.survey_interval_days} days."
        return CaseSurvey.objects.create(
            case=case, recipient=recipient, status=SurveyStatus.SKIPPED, reason=reason, created_at=now
        )
    survey = CaseSurvey.objects.create(
        case=case, recipient=recipient, status=SurveyStatus.SENT, base_url=base_url, created_at=now, sent_at=now
    )
    queue_email(case, CaseEmailKind.SURVEY, f"survey:{case.pk}", recipient)
    return survey


def rate(
    survey: CaseSurvey,
    rating: int,
    now: datetime.datetime,
    settings: SupportSettings,
    via: str,
    comment: str = "",
) -> Rated:
    """Record the customer's rating (1-5) once, and a comment with it if given."""
    if not 1 <= rating <= 5:
        raise CaseError("Rate from 1 to 5.", Code.INVALID, "rating")
    comment = _clean_comment(comment)
    with transaction.atomic():
        survey = CaseSurvey.objects.select_for_update().get(pk=survey.pk)
        if survey.rating is not None:
            return Rated.ALREADY_THIS if survey.rating == rating else Rated.ALREADY_OTHER
        survey.rating, survey.rated_at, survey.rated_via = rating, now, via
        fields = ["rating", "rated_at", "rated_via"]
        if comment:
            survey.comment, survey.commented_at = comment, now
            fields += ["comment", "commented_at"]
        survey.save(update_fields=fields)
        if rating <= settings.survey_low_rating:
            _flag(survey, settings)
    return Rated.RECORDED


def survey_for_rating(case: SupportCase, now: datetime.datetime) -> CaseSurvey:
    """The case's survey, for a rating given from the storefront; a case rated before any survey was emailed
    gets one recorded as not sent (so none is emailed after)."""
    if case.is_open:
        raise CaseError("Only a resolved or closed case can be rated.", Code.INVALID, "id")
    survey, _created = CaseSurvey.objects.get_or_create(
        case=case,
        defaults={
            "recipient": case.customer_email.strip().lower(),
            "status": SurveyStatus.SKIPPED,
            "reason": "Rated from the storefront before a survey was emailed.",
            "created_at": now,
        },
    )
    return survey


def add_comment(survey: CaseSurvey, comment: str, now: datetime.datetime) -> bool:
    """The comment box after a rating: kept once (False when the survey is not rated or has a comment)."""
    comment = _clean_comment(comment)
    if not comment:
        raise CaseError("Write a comment.", Code.REQUIRED, "comment")
    with transaction.atomic():
        survey = CaseSurvey.objects.select_for_update().get(pk=survey.pk)
        if survey.rating is None or survey.comment:
            return False
        survey.comment, survey.commented_at = comment, now
        survey.save(update_fields=["comment", "commented_at"])
        if survey.rating <= 2 or survey.case.status == CaseStatus.OPEN:
            add_message(survey.case, SYSTEM, f"The customer's comment on their rating: {comment}", is_internal=True)
    return True


def _clean_comment(comment: str) -> str:
    comment = check_text((comment or "").replace("\r\n", "\n").strip(), "comment")
    if len(comment) > COMMENT_MAX_LENGTH:
        raise CaseError(f"A comment can have at most {COMMENT_MAX_LENGTH} characters.", Code.INVALID, "comment")
    return comment


def _flag(survey: CaseSurvey, settings: SupportSettings) -> None:
    case = survey.case
    said = f' They wrote: "{survey.comment}"' if survey.comment else ""
    add_message(
        case,
        SYSTEM,
        f"Low rating: the customer rated this case {survey.rating} out of 5.{said} Please follow up.",
        is_internal=True,
        settings=settings,
    )
    if settings.survey_low_rating_action == c.LOW_RATING_REOPEN and not case.is_open:
        change_case(case, SYSTEM, {"status": CaseStatus.OPEN}, settings)
