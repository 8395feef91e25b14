"""The MANAGE_SUPPORT permission, registered in Saleor's permission list.

Saleor only counts permissions listed in `saleor.permission.enums.PERMISSIONS_ENUMS`: they feed the
Dashboard's permission-group editor and GraphQL's `PermissionEnum`, which is fixed when
`saleor.graphql.core.enums` is first imported (an app's ready() already does). The app registers ours while
Django loads the models (`SupportConfig.import_models`; no module changes Saleor when imported), and
`apps.ready()` checks that it did.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet

from saleor_support_plugin.core.constants import APP_LABEL, MANAGE_SUPPORT_CODENAME

MANAGE_SUPPORT = f"{APP_LABEL}.{MANAGE_SUPPORT_CODENAME}"

SupportPermissions: Any = None


def register_saleor_permission() -> None:
    global SupportPermissions  # built once, only where Saleor is installed
    try:
        from saleor.permission.enums import PERMISSIONS_ENUMS, BasePermissionEnum
    except ImportError:  # outside Saleor
        return
    if SupportPermissions is None:
        SupportPermissions = BasePermissionEnum("SupportPermissions", {"MANAGE_SUPPORT": MANAGE_SUPPORT})
    if SupportPermissions not in PERMISSIONS_ENUMS:
        PERMISSIONS_ENUMS.append(SupportPermissions)


def check_permission_registered() -> None:
    """Fail loudly if Saleor's GraphQL PermissionEnum was built before our permission joined the list."""
    if "saleor.graphql.core.enums" not in sys.modules:
        return
    from saleor.graphql.core.enums import PermissionEnum

    if not hasattr(PermissionEnum, "MANAGE_SUPPORT"):
        raise ImproperlyConfigured(
            "saleor.graphql.core.enums was imported before saleor_support_plugin's models: the MANAGE_SUPPORT "
            "permission is missing from PermissionEnum. Load the plugin's app before Saleor's GraphQL modules."
        )


# Staff need MANAGE_SUPPORT, or MANAGE_ORDERS, which support agents already hold in most shops.
def staff_permissions() -> list[Any]:
    from saleor.permission.enums import OrderPermissions

    return [SupportPermissions.MANAGE_SUPPORT, OrderPermissions.MANAGE_ORDERS]


def support_staff() -> QuerySet[Any]:
    """Who may be assigned a case: active staff holding MANAGE_SUPPORT or MANAGE_ORDERS among their effective
    permissions (their own, a group's, or as superuser), the same test Saleor applies to their requests."""
    from saleor.account.models import User
    from saleor.permission.models import Permission

    wanted = Q(pk__in=[])
    for permission in staff_permissions():
        app_label, codename = permission.value.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    permissions = Permission.objects.filter(wanted)
    holders = Q(is_superuser=True) | Q(user_permissions__in=permissions) | Q(groups__permissions__in=permissions)
    return User.objects.filter(holders, is_staff=True, is_active=True).distinct()
