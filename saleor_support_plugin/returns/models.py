"""The returns capability's tables, defined with the app's other models in `saleor_support_plugin.models`."""

from saleor_support_plugin.models import (
    ReturnEmail,
    ReturnEmailKind,
    ReturnPhoto,
    ReturnRequest,
    ReturnRequestLine,
    ReturnResolution,
    ReturnStatus,
)

__all__ = [
    "ReturnEmail",
    "ReturnEmailKind",
    "ReturnPhoto",
    "ReturnRequest",
    "ReturnRequestLine",
    "ReturnResolution",
    "ReturnStatus",
]
