"""The pages a survey's links open, served at the plugin's URL (`/plugins/global/saleor.support/feedback/…`).

GET `feedback/<token>/` records the rating the link stands for at once (no login: the signature is the proof)
and shows a comment box; POST `feedback/<token>/` keeps the comment. A link whose signature does not match,
or that has expired, changes nothing and says so (400 / 410). Opening a link again changes nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import escape

from saleor_support_plugin.cases.service import CaseError
from saleor_support_plugin.core.runtime import SupportRuntime
from saleor_support_plugin.core.signed_links import (
    CHECK_IN_PATH,
    FEEDBACK_PATH,
    LinkError,
    read_check_in_token,
    read_token,
)
from saleor_support_plugin.feedback.check_ins import Answered, answer, opt_out
from saleor_support_plugin.feedback.surveys import Rated, add_comment, rate
from saleor_support_plugin.models import CaseSurvey, OrderCheckIn

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{title}</title>
<style>
body {{ font-family: -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif; max-width: 520px;
       margin: 40px auto; padding: 0 16px; color: #1f2933; background: #fff; line-height: 1.5; }}
@media (prefers-color-scheme: dark) {{ body {{ color: #e4e7eb; background: #1f2933; }}
  textarea {{ background: #323f4b; color: #e4e7eb; }} }}
textarea {{ width: 100%; min-height: 120px; font: inherit; }}
button {{ font: inherit; padding: 8px 16px; margin-top: 8px; }}
</style></head><body><h1>{title}</h1>{body}</body></html>"""


def handle_feedback_request(request: Any, path: str, runtime: SupportRuntime) -> HttpResponse:
    token = path.strip("/").removeprefix(FEEDBACK_PATH).strip("/")
    if not runtime.active:
        return _page("Not available", "<p>Customer support is not enabled in this shop.</p>", 404)
    if request.method not in ("GET", "POST"):
        return _page("Not allowed", "<p>Use the link from the email.</p>", 405)
    if token.startswith(CHECK_IN_PATH + "/"):
        return _check_in(request, token.removeprefix(CHECK_IN_PATH + "/").strip("/"), runtime)
    try:
        choice = read_token(token, datetime.timedelta(days=runtime.settings.survey_link_days))
    except LinkError as error:
        if error.kind == "expired":
            return _page(
                "This link has expired", "<p>It is too late to rate with this link: nothing was changed.</p>", 410
            )
        return _page("This link is not valid", "<p>It was changed or is incomplete: nothing was changed.</p>", 400)
    survey = CaseSurvey.objects.select_related("case").filter(pk=choice.survey_id).first()
    if survey is None:
        return _page("This link is not valid", "<p>The survey no longer exists: nothing was changed.</p>", 404)
    if request.method == "POST":
        return _comment(request, survey, token)
    outcome = rate(survey, choice.rating, timezone.now(), runtime.settings, via="link")
    survey.refresh_from_db()
    if outcome is Rated.RECORDED:
        message = f"<p>Thank you! You rated case #{survey.case_id} {survey.rating} out of 5.</p>"
    elif outcome is Rated.ALREADY_THIS:
        message = f"<p>Your rating of {survey.rating} out of 5 was already recorded: nothing changed.</p>"
    else:
        message = (
            f"<p>You already rated case #{survey.case_id} {survey.rating} out of 5; a case is rated once, so "
            "this link changed nothing.</p>"
        )
    return _page("Thank you for your feedback", message + _comment_box(survey, token))


def _comment_box(survey: CaseSurvey, token: str) -> str:
    if survey.comment:
        return f"<p>Your comment: {escape(survey.comment)}</p>"
    return (
        '<form method="post" action=""><label for="comment">Anything you want to tell us?</label>'
        '<textarea id="comment" name="comment" maxlength="2000"></textarea><button type="submit">Send</button></form>'
    )


def _comment(request: Any, survey: CaseSurvey, token: str) -> HttpResponse:
    try:
        kept = add_comment(survey, request.POST.get("comment", ""), timezone.now())
    except CaseError as refusal:
        return _page("Your comment was not sent", f"<p>{escape(str(refusal))}</p>{_comment_box(survey, token)}", 400)
    if not kept:
        return _page("Thank you", "<p>We already have your comment: nothing changed.</p>")
    return _page("Thank you", "<p>We received your comment.</p>")


CHECK_IN_LINK_DAYS = 60


def _check_in(request: Any, token: str, runtime: SupportRuntime) -> HttpResponse:
    """`check-in/<token>/`: "all good" and the opt-out are recorded at once; "something is wrong" asks what
    (GET) and opens a case with the customer's words (POST)."""
    try:
        choice = read_check_in_token(token, datetime.timedelta(days=CHECK_IN_LINK_DAYS))
    except LinkError as error:
        if error.kind == "expired":
            return _page("This link has expired", "<p>Nothing was changed.</p>", 410)
        return _page("This link is not valid", "<p>It was changed or is incomplete: nothing was changed.</p>", 400)
    check_in = OrderCheckIn.objects.filter(pk=choice.check_in_id).first()
    if check_in is None:
        return _page("This link is not valid", "<p>Nothing was changed.</p>", 404)
    if choice.choice == "optout":
        opt_out(check_in.recipient)
        return _page("You will not get these emails again", "<p>We will not ask about your orders again.</p>")
    if choice.choice == "problem" and request.method == "GET" and not check_in.answer:
        return _page(f"What is wrong with order #{check_in.order_number}?", _problem_form())
    try:
        outcome = answer(check_in, choice.choice, runtime.settings, request.POST.get("message", ""))
    except CaseError as refusal:
        return _page("Please tell us what is wrong", f"<p>{escape(str(refusal))}</p>{_problem_form()}", 400)
    if outcome is Answered.ALREADY:
        return _page("Thank you", "<p>We already have your answer: nothing changed.</p>")
    if outcome is Answered.CASE_OPENED:
        check_in.refresh_from_db()
        return _page(
            "We are on it", f"<p>Your message is now support case #{check_in.case_id}. We will reply by email.</p>"
        )
    return _page("Thank you", "<p>Glad to hear it. Enjoy your order!</p>")


def _problem_form() -> str:
    return (
        '<form method="post" action=""><label for="message">Tell us what is wrong, and we will help.</label>'
        '<textarea id="message" name="message" maxlength="10000" required></textarea>'
        '<button type="submit">Send</button></form>'
    )


def _page(title: str, body: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(PAGE.format(title=escape(title), body=body), status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to other sites
    return response
