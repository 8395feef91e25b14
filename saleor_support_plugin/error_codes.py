"""Error codes of the support API (the GraphQL `SupportErrorCode` enum is built from this)."""

from enum import Enum


class SupportErrorCode(Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    CASE_CLOSED = "case_closed"
    RATE_LIMITED = "rate_limited"
    PLUGIN_INACTIVE = "plugin_inactive"
    # Returns (issue 11)
    RETURNS_DISABLED = "returns_disabled"
    NOT_RETURNABLE = "not_returnable"
    WINDOW_CLOSED = "window_closed"
    QUANTITY_EXCEEDED = "quantity_exceeded"
    ALREADY_REQUESTED = "already_requested"
    RESOLUTION_NOT_OFFERED = "resolution_not_offered"
    INVALID_STATUS = "invalid_status"
    RETURN_FAILED = "return_failed"
