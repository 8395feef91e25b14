from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the part of Saleor's GraphQL schema the support plugin adds (graphql/schema.graphql)."

    def handle(self, *args: Any, **options: Any) -> None:
        from saleor.graphql.api import schema

        from saleor_support_plugin.graphql.contract import support_sdl

        self.stdout.write(support_sdl(schema), ending="")
