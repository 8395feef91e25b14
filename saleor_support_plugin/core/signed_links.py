"""Signed one-click survey links: `<plugin URL>/feedback/<token>/`, the token naming the survey and the choice.

Django's `TimestampSigner` signs them (salted for this use, so no other signed value of the deployment passes
for one) and says when they were made, so they expire. A changed or made-up token fails the signature."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core import signing

SALT = "saleor-support.feedback.survey"
FEEDBACK_PATH = "feedback"


class LinkError(ValueError):
    """`kind`: "forged" (the signature does not match) or "expired"."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class SurveyChoice:
    survey_id: int
    rating: int


def make_token(survey_id: int, rating: int) -> str:
    return signing.dumps([survey_id, rating], salt=SALT, compress=False)


def read_token(token: str, max_age: datetime.timedelta) -> SurveyChoice:
    try:
        survey_id, rating = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkError("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkError("forged") from None
    if not isinstance(survey_id, int) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise LinkError("forged")
    return SurveyChoice(survey_id, rating)


def rating_url(base_url: str, survey_id: int, rating: int) -> str:
    return f"{base_url.rstrip('/')}/{FEEDBACK_PATH}/{make_token(survey_id, rating)}/"


# --- The check-in after delivery: `feedback/check-in/<token>/`, the token naming the check-in and the answer.
CHECK_IN_SALT = "saleor-support.feedback.check-in"
CHECK_IN_PATH = "check-in"
CHECK_IN_CHOICES = ("good", "problem", "optout")


@dataclass(frozen=True)
class CheckInChoice:
    check_in_id: int
    choice: str


def check_in_url(base_url: str, check_in_id: int, choice: str) -> str:
    token = signing.dumps([check_in_id, choice], salt=CHECK_IN_SALT, compress=False)
    return f"{base_url.rstrip('/')}/{FEEDBACK_PATH}/{CHECK_IN_PATH}/{token}/"


def read_check_in_token(token: str, max_age: datetime.timedelta) -> CheckInChoice:
    try:
        check_in_id, choice = signing.loads(token, salt=CHECK_IN_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkError("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkError("forged") from None
    if not isinstance(check_in_id, int) or choice not in CHECK_IN_CHOICES:
        raise LinkError("forged")
    return CheckInChoice(check_in_id, choice)
