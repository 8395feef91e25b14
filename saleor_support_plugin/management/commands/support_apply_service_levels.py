from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from saleor_support_plugin.cases.service import reapply_service_levels
from saleor_support_plugin.core.runtime import load_runtime


class Command(BaseCommand):
    help = (
        "Apply the service-level policies now configured to open cases: their targets are counted again from "
        "their opening (targets are otherwise stamped when a case opens, so a policy change moves no open case)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--case", type=int, action="append", dest="cases", help="Only this case (repeatable).")

    def handle(self, *args: Any, cases: list[int] | None = None, **options: Any) -> None:
        changed = reapply_service_levels(load_runtime().settings, cases)
        self.stdout.write(f"Open cases with new targets: {changed}.")
