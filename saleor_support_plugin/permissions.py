"""The MANAGE_SUPPORT permission, registered in Saleor's permission list.

Saleor only counts permissions listed in `saleor.permission.enums.PERMISSIONS_ENUMS`: they feed the
Dashboard's permission-group editor and GraphQL's `PermissionEnum`, which is fixed when
`saleor.graphql.core.enums` is first imported. `models.py` registers ours while Django loads the models,
before that happens; `apps.ready()` checks that it did.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ImproperlyConfigured

APP_LABEL = "saleor_support_plugin"
MANAGE_SUPPORT_CODENAME = "manage_support"
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
