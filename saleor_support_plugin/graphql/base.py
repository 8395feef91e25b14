"""Base classes of the support schema's types. Each files its subclasses under the Support docs category unless
they say otherwise, as Saleor's `ModelMutation` fills in `doc_category` from its model."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from operator import attrgetter
from typing import Any

import graphene
from django.db.models import Model, QuerySet
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.types import BaseInputObjectType, BaseObjectType, ModelObjectType

from saleor_support_plugin.graphql.access import Viewer, get_viewer
from saleor_support_plugin.graphql.doc import DOC_CATEGORY_SUPPORT


def support_enum(values: list[str], name: str, description: str) -> type[graphene.Enum]:
    """A support enum of string values; each member is its value in capitals."""
    members = Enum(name, [(value.upper(), value) for value in values])  # type: ignore[misc]
    enum = graphene.Enum.from_enum(members, description=description)
    enum.doc_category = DOC_CATEGORY_SUPPORT
    return enum


def global_id_resolver(type_name: str, path: str) -> Callable[[Any, ResolveInfo], str]:
    """The resolver of an ID field: the Relay ID of the `type_name` whose id is at `path` (dotted) on the root."""
    get_id = attrgetter(path)
    return lambda root, _info: graphene.Node.to_global_id(type_name, get_id(root))


class SupportDocs:
    """Mixin of a graphene base: `doc_category` defaults to Support."""

    @classmethod
    def __init_subclass_with_meta__(cls, **options: Any) -> None:
        options.setdefault("doc_category", DOC_CATEGORY_SUPPORT)
        super().__init_subclass_with_meta__(**options)  # type: ignore[misc]


class SupportObjectType(SupportDocs, BaseObjectType):
    class Meta:
        abstract = True


class SupportInputObjectType(SupportDocs, BaseInputObjectType):
    class Meta:
        abstract = True


class SupportNode[M: Model](SupportDocs, ModelObjectType[M]):
    """A support object with a global ID. `node(id:)` and mutations resolve it through `get_node`: only those the
    requester may see (`visible`), so an ID someone may not see answers like a missing one."""

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, **options: Any) -> None:
        options.setdefault("interfaces", [graphene.relay.Node])
        super().__init_subclass_with_meta__(**options)

    @staticmethod
    def visible(viewer: Viewer) -> QuerySet[Any]:
        raise NotImplementedError

    @classmethod
    def get_node(cls, info: ResolveInfo, id: Any) -> M | None:
        return cls.visible(get_viewer(info)).filter(pk=id).first()
