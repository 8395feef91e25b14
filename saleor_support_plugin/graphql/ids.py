"""Reading Relay global IDs: an ID of the wrong type, or no ID at all, reads as None (never a server error)."""

from __future__ import annotations

import binascii
import uuid

import graphene

from saleor_support_plugin.core.text import whole_number


def decode_id(global_id: str | None, type_name: str) -> str | None:
    if not global_id:
        return None
    try:
        found_type, pk = graphene.Node.from_global_id(global_id)
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error):
        return None
    return pk if found_type == type_name else None


def int_id(global_id: str | None, type_name: str) -> int | None:
    pk = decode_id(global_id, type_name)
    return whole_number(pk) if pk else None


def uuid_id(global_id: str | None, type_name: str) -> uuid.UUID | None:
    pk = decode_id(global_id, type_name)
    try:
        return uuid.UUID(pk) if pk else None
    except ValueError:
        return None
