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


def _sign(record_id: int, choice: int | str, salt: str) -> str:
    return signing.dumps([record_id, choice], salt=salt, compress=False)


def _read(token: str, salt: str, max_age: datetime.timedelta) -> tuple[object, object]:
    """The (record id, choice) a token signed with `salt` names; LinkError if it is forged or too old."""
    try:
        record_id, choice = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkError("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkError("forged") from None
    return record_id, choice


def make_token(survey_id: int, rating: int) -> str:
    return _sign(survey_id, rating, SALT)


def read_token(token: str, max_age: datetime.timedelta) -> SurveyChoice:
    survey_id, rating = _read(token, SALT, max_age)
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
    return f"{base_url.rstrip('/')}/{FEEDBACK_PATH}/{CHECK_IN_PATH}/{_sign(check_in_id, choice, CHECK_IN_SALT)}/"


def read_check_in_token(token: str, max_age: datetime.timedelta) -> CheckInChoice:
    check_in_id, choice = _read(token, CHECK_IN_SALT, max_age)
    if not isinstance(check_in_id, int) or not isinstance(choice, str) or choice not in CHECK_IN_CHOICES:
        raise LinkError("forged")
    return CheckInChoice(check_in_id, choice)
