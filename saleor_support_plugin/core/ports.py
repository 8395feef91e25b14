"""The host's side of the domain's ports, installed by the app when Django is ready (apps.py): the loader of the
runtime (settings and orders, `host.saleor_gateway.load_saleor_runtime` inside Saleor) and the queue that sends
recorded emails later (the Celery tasks). The domain calls them and imports neither the host nor the tasks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from saleor_support_plugin.core.runtime import SupportRuntime

RuntimeLoader = Callable[[], "SupportRuntime"]
EmailQueue = Callable[[list[int]], None]
# Returns (issue 11): the shop's side of returns (`returns.port.ReturnsPort`, `host.saleor_returns` in Saleor).
ReturnsPortFactory = Callable[[], Any]


@dataclass
class _Ports:
    runtime_loader: RuntimeLoader | None = None
    case_email_queue: EmailQueue | None = None
    return_email_queue: EmailQueue | None = None
    returns_port_factory: ReturnsPortFactory | None = None


_installed = _Ports()


def install_runtime_loader(loader: RuntimeLoader) -> None:
    _installed.runtime_loader = loader


def install_case_email_queue(queue: EmailQueue) -> None:
    _installed.case_email_queue = queue


def runtime_loader() -> RuntimeLoader:
    if _installed.runtime_loader is None:
        raise ImproperlyConfigured("No support runtime: the saleor_support_plugin app is not ready.")
    return _installed.runtime_loader


def queue_case_emails(email_ids: list[int]) -> None:
    """Queue the sending of recorded case emails (each one is sent at most once, whoever runs it)."""
    if _installed.case_email_queue is None:
        raise ImproperlyConfigured("No queue for case emails: the saleor_support_plugin app is not ready.")
    _installed.case_email_queue(email_ids)


# --- Returns (issue 11) ---


def install_return_email_queue(queue: EmailQueue) -> None:
    _installed.return_email_queue = queue


def install_returns_port(factory: ReturnsPortFactory) -> None:
    _installed.returns_port_factory = factory


def queue_return_emails(email_ids: list[int]) -> None:
    """Queue the sending of recorded return emails (each one is sent at most once, whoever runs it)."""
    if _installed.return_email_queue is None:
        raise ImproperlyConfigured("No queue for return emails: the saleor_support_plugin app is not ready.")
    _installed.return_email_queue(email_ids)


def returns_port_factory() -> ReturnsPortFactory:
    if _installed.returns_port_factory is None:
        raise ImproperlyConfigured("No returns port: the saleor_support_plugin app is not ready inside Saleor.")
    return _installed.returns_port_factory
