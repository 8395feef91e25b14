"""The survey after resolution: sent once, after the delay, at most one per customer per N days; its signed
one-click links rate the case once; forged or expired links change nothing and say so."""

from __future__ import annotations

import datetime
import re
import time
import uuid

import pytest
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone

from saleor_support_plugin.cases.queries import CaseFilter, filter_cases
from saleor_support_plugin.cases.service import CaseError, CaseOrder, add_message, change_case
from saleor_support_plugin.core.signed_links import make_token, rating_url
from saleor_support_plugin.feedback.ratings import rating_figures
from saleor_support_plugin.feedback.surveys import Rated, add_comment, rate, send_due_surveys, survey_for_rating
from saleor_support_plugin.feedback.views import handle_feedback_request
from saleor_support_plugin.models import (
    CaseEmailKind,
    CaseStatus,
    CaseSurvey,
    SupportCase,
    SurveyStatus,
)
from saleor_support_plugin.service_levels.report import Period, support_report
from tests.conftest import AGENT, CUSTOMER, open_customer_case

pytestmark = pytest.mark.django_db

BASE = "https://api.shop.example/plugins/global/saleor.support/"


@pytest.fixture
def surveys_on(use_settings):
    return use_settings(
        survey_enabled=True, survey_delay_hours=24, survey_interval_days=30, survey_low_rating=2, survey_link_days=30
    )


def resolved_case(runtime, email="jane@example.com", language="en") -> SupportCase:
    case = open_customer_case(
        runtime.settings,
        email=email,
        order=CaseOrder(id=uuid.uuid4(), number="1042", email=email, language_code=language),
    )
    add_message(case, AGENT, "Sent again today.", settings=runtime.settings)
    change_case(case, AGENT, {"status": CaseStatus.RESOLVED}, runtime.settings)
    return case


def scan(runtime, at, capture):
    with capture(execute=True):
        return send_due_surveys(at, runtime.settings, BASE)


def survey_emails():
    return [message for message in mail.outbox if message.tags[-1] == CaseEmailKind.SURVEY]


def test_one_survey_after_the_delay_with_five_signed_links(surveys_on, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    case = resolved_case(surveys_on)
    assert scan(surveys_on, case.resolved_at + datetime.timedelta(hours=23), capture).sent == 0
    assert scan(surveys_on, case.resolved_at + datetime.timedelta(hours=25), capture).sent == 1
    assert scan(surveys_on, case.resolved_at + datetime.timedelta(hours=26), capture).sent == 0
    (email,) = survey_emails()
    assert email.to == ["jane@example.com"]
    assert email.subject == f"[Case #{case.pk}] How did we do?"
    links = re.findall(r"https://api\.shop\.example/plugins/global/saleor\.support/feedback/[^/\s\"]+/", email.body)
    assert len(links) == 5
    html = email.alternatives[0][0]
    assert all(link in html for link in links)


def test_at_most_one_survey_per_customer_in_n_days(surveys_on, django_capture_on_commit_callbacks):
    first, second = resolved_case(surveys_on), resolved_case(surveys_on)
    later = max(first.resolved_at, second.resolved_at) + datetime.timedelta(days=2)
    summary = scan(surveys_on, later, django_capture_on_commit_callbacks)
    assert (summary.sent, summary.skipped) == (1, 1)
    assert len(survey_emails()) == 1
    skipped = CaseSurvey.objects.get(status=SurveyStatus.SKIPPED)
    assert skipped.reason == "The customer had a survey in the last 30 days."


def test_no_survey_when_switched_off_or_for_an_open_case(runtime, use_settings, django_capture_on_commit_callbacks):
    case = resolved_case(runtime)
    later = case.resolved_at + datetime.timedelta(days=2)
    assert scan(runtime, later, django_capture_on_commit_callbacks).sent == 0  # surveys are off by default
    on = use_settings(survey_enabled=True)
    add_message(case, CUSTOMER, "It broke again.", settings=on.settings)  # reopened
    assert scan(on, later, django_capture_on_commit_callbacks).sent == 0


def get(path, runtime):
    return handle_feedback_request(RequestFactory().get(f"/plugins/global/saleor.support/{path}"), path, runtime)


def post(path, runtime, data):
    request = RequestFactory().post(f"/plugins/global/saleor.support/{path}", data)
    return handle_feedback_request(request, path, runtime)


@pytest.fixture
def survey(surveys_on, django_capture_on_commit_callbacks) -> CaseSurvey:
    case = resolved_case(surveys_on)
    assert case.resolved_at is not None
    scan(surveys_on, case.resolved_at + datetime.timedelta(days=2), django_capture_on_commit_callbacks)
    return CaseSurvey.objects.get(case=case)


def path_of(survey: CaseSurvey, rating: int) -> str:
    return rating_url("", survey.pk, rating).lstrip("/")


def test_a_link_rates_at_once_and_again_changes_nothing(survey, surveys_on):
    first = get(path_of(survey, 5), surveys_on)
    assert first.status_code == 200
    assert b"You rated case" in first.content
    assert b"5 out of 5" in first.content
    assert b"<textarea" in first.content  # the comment box
    survey.refresh_from_db()
    assert (survey.rating, survey.rated_via) == (5, "link")
    again = get(path_of(survey, 5), surveys_on)
    assert b"already recorded: nothing changed" in again.content
    other = get(path_of(survey, 1), surveys_on)
    assert b"this link changed nothing" in other.content
    survey.refresh_from_db()
    assert survey.rating == 5
    assert not survey.case.messages.filter(body__startswith="Low rating").exists()


def test_a_forged_or_expired_link_changes_nothing_and_says_so(survey, surveys_on, monkeypatch):
    token = path_of(survey, 5).split("/")[1]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = get(f"feedback/{forged}/", surveys_on)
    assert response.status_code == 400
    assert b"nothing was changed" in response.content
    other_survey = make_token(survey.pk + 1, 5).split(":")  # a valid signature for another value, spliced
    spliced = ":".join([token.split(":")[0], *other_survey[1:]])
    assert get(f"feedback/{spliced}/", surveys_on).status_code == 400
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 31 * 24 * 3600)
    old = make_token(survey.pk, 5)
    monkeypatch.setattr(time, "time", real_time)
    expired = get(f"feedback/{old}/", surveys_on)
    assert expired.status_code == 410
    assert b"expired" in expired.content
    assert b"nothing was changed" in expired.content
    survey.refresh_from_db()
    assert survey.rating is None


def test_a_low_rating_flags_the_case_and_the_comment_is_kept_once(survey, surveys_on):
    get(path_of(survey, 2), surveys_on)
    case = SupportCase.objects.get(pk=survey.case_id)
    note = case.messages.filter(is_internal=True).last()
    assert note.body == "Low rating: the customer rated this case 2 out of 5. Please follow up."
    assert case.status == CaseStatus.RESOLVED  # the default action is a note
    assert post(path_of(survey, 2), surveys_on, {"comment": "Took too long."}).status_code == 200
    repeated = post(path_of(survey, 2), surveys_on, {"comment": "Something else."})
    assert b"already have your comment" in repeated.content
    survey.refresh_from_db()
    assert survey.comment == "Took too long."


def test_a_low_rating_can_reopen_the_case(surveys_on, use_settings, django_capture_on_commit_callbacks):
    reopen = use_settings(survey_enabled=True, survey_low_rating_action="reopen")
    case = resolved_case(reopen)
    scan(reopen, case.resolved_at + datetime.timedelta(days=2), django_capture_on_commit_callbacks)
    assert rate(CaseSurvey.objects.get(case=case), 1, timezone.now(), reopen.settings, "link") is Rated.RECORDED
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_rating_from_the_storefront_before_a_survey_and_bad_ratings(surveys_on):
    case = resolved_case(surveys_on)
    with pytest.raises(CaseError, match="1 to 5"):
        rate(survey_for_rating(case, timezone.now()), 6, timezone.now(), surveys_on.settings, "api")
    survey = survey_for_rating(case, timezone.now())
    assert rate(survey, 4, timezone.now(), surveys_on.settings, "api", "Quick, thanks") is Rated.RECORDED
    assert rate(survey, 4, timezone.now(), surveys_on.settings, "api") is Rated.ALREADY_THIS
    survey.refresh_from_db()
    assert (survey.status, survey.rating, survey.comment) == (SurveyStatus.SKIPPED, 4, "Quick, thanks")
    assert add_comment(survey, "More", timezone.now()) is False
    open_one = open_customer_case(surveys_on.settings, subject="Still open", body="Hello")
    with pytest.raises(CaseError, match="resolved or closed"):
        survey_for_rating(open_one, timezone.now())


def test_the_report_has_csat_score_and_response_rate(surveys_on, django_capture_on_commit_callbacks):
    cases = [resolved_case(surveys_on, email=f"c{n}@example.com") for n in range(4)]
    scan(surveys_on, timezone.now() + datetime.timedelta(days=2), django_capture_on_commit_callbacks)
    for case, stars in zip(cases[:3], (5, 4, 2), strict=True):
        rate(CaseSurvey.objects.get(case=case), stars, timezone.now(), surveys_on.settings, "link")
    now = timezone.now()
    period = Period(now - datetime.timedelta(days=1), now + datetime.timedelta(days=3))
    report = support_report(period, "channel", SupportCase.objects.all(), "UTC", rating_figures)
    assert (report.total.ratings, report.total.good_ratings, report.total.surveys_sent) == (3, 2, 4)
    assert report.total.csat_score == pytest.approx(2 / 3, abs=1e-4)
    assert report.total.csat_response_rate == 0.75
    email_only = filter_cases(SupportCase.objects.all(), CaseFilter(channels=("email",)), now)
    assert support_report(period, "channel", email_only, "UTC", rating_figures).total.ratings == 0
