"""Batch loading of a page of cases' relations: one query per relation, whatever the page size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, cast

from saleor.graphql.core.dataloaders import DataLoader

from saleor_support_plugin.models import CaseChange, CaseMessage, CaseSurvey, DelayNotice


class _ByCaseIdLoader[R](DataLoader[int, list[R]]):
    model: Any

    def batch_load(self, keys: Iterable[int]) -> list[list[R]]:
        keys = list(keys)
        grouped: dict[int, list[R]] = defaultdict(list)
        rows = self.model.objects.using(self.database_connection_name).filter(case_id__in=keys)
        for row in rows.order_by("created_at", "pk"):
            grouped[row.case_id].append(row)
        return [grouped.get(key, []) for key in keys]


def _by_case_id[R](model: type[R]) -> type[_ByCaseIdLoader[R]]:
    """The loader of a case's rows of `model`, oldest first; Saleor keeps one per request under `context_key`."""
    attributes = {"model": model, "context_key": f"support_{model.__name__.lower()}s_by_case_id"}
    return cast(type[_ByCaseIdLoader[R]], type(f"{model.__name__}sByCaseIdLoader", (_ByCaseIdLoader,), attributes))


MessagesByCaseIdLoader = _by_case_id(CaseMessage)
ChangesByCaseIdLoader = _by_case_id(CaseChange)
DelayNoticesByCaseIdLoader = _by_case_id(DelayNotice)
SurveysByCaseIdLoader = _by_case_id(CaseSurvey)  # feedback: a case's survey (at most one), with its rating
