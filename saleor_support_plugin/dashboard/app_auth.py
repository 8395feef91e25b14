"""Who is asking for a support page: the token the Dashboard hands over, verified in-process.

The Dashboard gives an app page (or widget) a short-lived RS256 JWT signed by Saleor. We check it with Saleor's own
helpers: the signature and expiry, that it is a third-party token of *our* installed app, that the staff user still
exists with the same session key, and that the user's effective permissions (now, not only when the token was
issued) and the app's permissions both include a support permission.
"""

from __future__ import annotations

from dataclasses import dataclass

import graphene
import jwt
from saleor.account.models import User
from saleor.app.models import App
from saleor.core.jwt import (
    APP_KEY_FIELD,
    JWT_OWNER_FIELD,
    JWT_SALEOR_OWNER_NAME,
    JWT_THIRDPARTY_ACCESS_TYPE,
    USER_PERMISSION_FIELD,
    get_user_from_payload,
    jwt_decode,
)
from saleor.permission.enums import get_permission_names

from saleor_support_plugin.dashboard.session import DashboardRefusal, StaffMember
from saleor_support_plugin.host.permissions import staff_permissions, support_staff
from saleor_support_plugin.host.saleor_gateway import installed_support_app

STAFF_LIST_LIMIT = 500


class SaleorStaffAccess:
    """`StaffAccess` backed by Saleor's users and JWT keys."""

    def authenticate(self, token: str) -> StaffMember:
        session = authenticate(token)
        return StaffMember(
            user_id=session.user.pk,
            name=session.user.get_full_name() or session.user.email,
            manages_orders=session.manages_orders,
        )

    def staff(self) -> list[tuple[int, str]]:
        # Only staff who can act on support cases may be assigned one (the same rule as the API's).
        users = support_staff().order_by("first_name", "last_name", "email")
        return [(user.pk, user.get_full_name() or user.email) for user in users[:STAFF_LIST_LIMIT]]


@dataclass(frozen=True)
class DashboardSession:
    user: User
    app: App
    token: str
    manages_orders: bool = False


def authenticate(token: str) -> DashboardSession:
    payload = _decode(token)
    app = installed_support_app()
    if app is None or payload.get(APP_KEY_FIELD) != graphene.Node.to_global_id("App", app.pk):
        raise DashboardRefusal("This token was not issued for the Customer support app.", 403)
    try:
        user = get_user_from_payload(payload)
    except jwt.InvalidTokenError as error:
        raise DashboardRefusal("This session has ended: reload the page in the Dashboard.") from error
    if user is None or not user.is_staff:
        raise DashboardRefusal("Only staff members can use the support pages.", 403)
    if not has_support_permission(payload, user, app):
        raise DashboardRefusal("You need the Manage support or Manage orders permission to use the support pages.", 403)
    return DashboardSession(user=user, app=app, token=token, manages_orders=holds(payload, user, app, "MANAGE_ORDERS"))


def _decode(token: str) -> dict:
    if not token:
        raise DashboardRefusal("Open this page from the Saleor Dashboard.")
    try:
        payload = jwt_decode(token)
    except jwt.ExpiredSignatureError as error:
        raise DashboardRefusal("This session has expired: reload the page in the Dashboard.") from error
    except jwt.PyJWTError as error:
        raise DashboardRefusal("This token is not valid: open the page from the Dashboard.") from error
    if payload.get("type") != JWT_THIRDPARTY_ACCESS_TYPE or payload.get(JWT_OWNER_FIELD) != JWT_SALEOR_OWNER_NAME:
        raise DashboardRefusal("This token is not valid: open the page from the Dashboard.")
    return payload


def has_support_permission(payload: dict, user: User, app: App) -> bool:
    """A support permission the token lists for the user, the user holds now, and the app was granted."""
    in_token = set(payload.get(USER_PERMISSION_FIELD) or [])
    held_now = get_permission_names(user.effective_permissions)
    granted_to_app = get_permission_names(app.permissions.all())
    needed = {permission.name for permission in staff_permissions()}
    return bool(needed & in_token & held_now & granted_to_app)


def holds(payload: dict, user: User, app: App, name: str) -> bool:
    """The permission is in the token, held by the user now, and granted to the app."""
    in_token = set(payload.get(USER_PERMISSION_FIELD) or [])
    return name in in_token & get_permission_names(user.effective_permissions) & get_permission_names(
        app.permissions.all()
    )
