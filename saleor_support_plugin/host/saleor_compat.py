"""The few Saleor helpers the plugin's shared code uses, with a no-op outside Saleor."""

from __future__ import annotations

import contextlib
from typing import Any

try:
    from saleor.core.db.connection import allow_writer as _saleor_allow_writer
except ImportError:  # outside Saleor nothing restricts the writer connection
    _saleor_allow_writer = None


class _WriterAllowed(contextlib.ContextDecorator):
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def allow_writer() -> Any:
    """Saleor's `allow_writer()`: Celery tasks that write must say so (Saleor's tests raise otherwise)."""
    return _saleor_allow_writer() if _saleor_allow_writer is not None else _WriterAllowed()


__all__: list[str] = ["allow_writer"]
