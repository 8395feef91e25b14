"""Who the staff member on a support page is, as the pages need it; `app_auth` fills it from Saleor's token."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class DashboardRefusal(Exception):
    """The request may not see the page; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class StaffMember:
    user_id: int
    name: str
    # Holds MANAGE_ORDERS (token, now, and the app): may approve and refund returns above the staff limit.
    manages_orders: bool = False


class StaffAccess(Protocol):
    def authenticate(self, token: str) -> StaffMember:
        """The staff member the token was issued to; raises `DashboardRefusal`."""
        ...

    def staff(self) -> Sequence[tuple[int, str]]:
        """Active staff, as (user id, name), to assign cases to."""
        ...
