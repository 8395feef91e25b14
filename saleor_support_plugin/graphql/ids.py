"""Reading Relay global IDs: an ID of the wrong type, or no ID at all, reads as None (never a server error)."""

from __future__ import annotations

import binascii
import uuid

import graphene


def decode_id(global_id: str | None, type_name: str) -> str | None:
    if not global_id:
        return None
    try:
        found_type, pk = graphene.Node.from_global_id(global_id)
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error):
        return None
    return pk if found_type == type_name else None


# Database ids are PostgreSQL integers at most 8 bytes wide; a larger number is nobody's id.
MAX_INT_ID = 2**63 - 1


def int_id(global_id: str | None, type_name: str) -> int | None:
    pk = decode_id(global_id, type_name)
    if not pk or not (pk.isascii() and pk.isdigit()):  # str.isdigit() accepts digits int() refuses
        return None
    return int(pk) if int(pk) <= MAX_INT_ID else None


def uuid_id(global_id: str | None, type_name: str) -> uuid.UUID | None:
    pk = decode_id(global_id, type_name)
    try:
        return uuid.UUID(pk) if pk else None
    except ValueError:
        return None
