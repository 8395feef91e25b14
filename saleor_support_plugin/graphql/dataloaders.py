"""Batch loading of a page of cases' relations: one query per relation, whatever the page size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from saleor.graphql.core.dataloaders import DataLoader

from saleor_support_plugin.models import CaseChange, CaseMessage, DelayNotice


class _ByCaseIdLoader[R](DataLoader[int, list[R]]):
    model: Any

    def batch_load(self, keys: Iterable[int]) -> list[list[R]]:
        keys = list(keys)
        grouped: dict[int, list[R]] = defaultdict(list)
        rows = self.model.objects.using(self.database_connection_name).filter(case_id__in=keys)
        for row in rows.order_by("created_at", "pk"):
            grouped[row.case_id].append(row)
        return [grouped.get(key, []) for key in keys]


class MessagesByCaseIdLoader(_ByCaseIdLoader[CaseMessage]):
    context_key = "support_messages_by_case_id"
    model = CaseMessage


class ChangesByCaseIdLoader(_ByCaseIdLoader[CaseChange]):
    context_key = "support_changes_by_case_id"
    model = CaseChange


class DelayNoticesByCaseIdLoader(_ByCaseIdLoader[DelayNotice]):
    context_key = "support_delay_notices_by_case_id"
    model = DelayNotice
