"""Reading Saleor's Relay global IDs (`base64("<Type>:<pk>")`), for the API and the Dashboard pages alike: an ID
of the wrong type, or no ID at all, reads as None (never a server error). Decoded as graphene does."""

from __future__ import annotations

import base64
import binascii
import uuid

from saleor_support_plugin.core.text import whole_number


def decode_id(global_id: str | None, type_name: str) -> str | None:
    if not global_id:
        return None
    try:
        found_type, _, pk = base64.b64decode(global_id).decode("utf-8").partition(":")
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
