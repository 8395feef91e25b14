"""Feedback in real Saleor: the scan task emails one survey after a case is resolved; its one-click link,
served at the plugin's URL by Saleor's plugin routing, rates the case once; a forged link changes nothing;
storefronts rate with `supportCaseRate`; a low rating flags the case; the report shows the CSAT."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time
from saleor.graphql.tests.utils import get_graphql_content

from saleor_support_plugin.models import CaseEmailKind, CaseSurvey, SupportCase
from saleor_support_plugin.tasks import scan_delays_task

from . import graphql_operations as ops

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"]+/plugins/global/saleor\.support/(feedback/[^/\s\"]+/)")


@pytest.fixture
def shop(support_plugin, support_staff_api_client):
    return support_plugin(survey_enabled="true", survey_delay_hours="24", survey_low_rating="2")


def resolve(staff, case_id: str) -> None:
    reply = staff.post_graphql(ops.REPLY, {"id": case_id, "body": "A new one is on its way."})
    assert get_graphql_content(reply)["data"]["supportCaseReply"]["errors"] == []
    update = staff.post_graphql(ops.UPDATE, {"id": case_id, "input": {"status": "RESOLVED"}})
    assert get_graphql_content(update)["data"]["supportCaseUpdate"]["errors"] == []


def run_scan(capture, at: datetime.datetime) -> None:
    with freeze_time(at), capture(execute=True):
        scan_delays_task()  # run here: an exception is not swallowed by eager mode


def test_a_survey_link_rates_the_case_once_and_a_forged_one_changes_nothing(
    shop, customer_case, support_staff_api_client, user_api_client, client, django_capture_on_commit_callbacks
):
    resolve(support_staff_api_client, customer_case["id"])
    mail.outbox.clear()
    later = timezone.now() + datetime.timedelta(hours=25)
    run_scan(django_capture_on_commit_callbacks, later)
    run_scan(django_capture_on_commit_callbacks, later + datetime.timedelta(hours=1))
    (survey_email,) = [message for message in mail.outbox if message.tags[-1] == CaseEmailKind.SURVEY]
    links = LINK.findall(survey_email.body)
    assert len(links) == 5  # five stars first, one star last
    five_stars, one_star = links[0], links[-1]

    forged = five_stars[:-3] + ("x" if five_stars[-3] != "x" else "y") + five_stars[-2:]
    response = client.get(f"/plugins/global/saleor.support/{forged}")
    assert response.status_code == 400
    assert b"nothing was changed" in response.content
    assert CaseSurvey.objects.get().rating is None

    response = client.get(f"/plugins/global/saleor.support/{five_stars}")
    assert response.status_code == 200
    assert b"5 out of 5" in response.content
    again = client.get(f"/plugins/global/saleor.support/{one_star}")
    assert b"changed nothing" in again.content
    survey = CaseSurvey.objects.get()
    assert (survey.rating, survey.rated_via) == (5, "link")

    comment = client.post(f"/plugins/global/saleor.support/{five_stars}", {"comment": "Quick and kind."})
    assert comment.status_code == 200
    seen = get_graphql_content(user_api_client.post_graphql(ops.RATE, {"id": customer_case["id"], "rating": 1}))
    assert seen["data"]["supportCaseRate"]["errors"][0]["code"] == "ALREADY_RATED"
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (5, "Quick and kind.")


def test_the_storefront_rates_with_support_case_rate_and_a_low_rating_flags_the_case(
    shop, customer_case, support_staff_api_client, user_api_client
):
    case_id = customer_case["id"]
    refused = get_graphql_content(user_api_client.post_graphql(ops.RATE, {"id": case_id, "rating": 2}))
    assert refused["data"]["supportCaseRate"]["errors"][0]["code"] == "INVALID"  # not resolved yet
    resolve(support_staff_api_client, case_id)
    bad = get_graphql_content(user_api_client.post_graphql(ops.RATE, {"id": case_id, "rating": 9}))
    assert bad["data"]["supportCaseRate"]["errors"][0]["field"] == "rating"
    assert not CaseSurvey.objects.exists()  # a refused rating leaves nothing behind
    rated = get_graphql_content(
        user_api_client.post_graphql(ops.RATE, {"id": case_id, "rating": 2, "comment": "Slow."})
    )["data"]["supportCaseRate"]
    assert rated["errors"] == []
    assert rated["case"]["rating"] == {"rating": 2, "comment": "Slow."}
    note = SupportCase.objects.get().messages.filter(is_internal=True).last()
    assert note.body == 'Low rating: the customer rated this case 2 out of 5. They wrote: "Slow." Please follow up.'
    now = timezone.now()
    period = {
        "gte": (now - datetime.timedelta(days=1)).isoformat(),
        "lt": (now + datetime.timedelta(days=1)).isoformat(),
    }
    report = get_graphql_content(
        support_staff_api_client.post_graphql(ops.REPORT, {"period": period, "groupBy": "CHANNEL"})
    )["data"]["supportReport"]
    assert report["total"]["csatScore"] == 0.0
    assert report["total"]["csatResponseRate"] is None  # no survey was emailed
