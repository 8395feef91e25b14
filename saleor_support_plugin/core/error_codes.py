"""Error codes of the support API, raised by the case service as they are (the GraphQL `SupportErrorCode` enum is
built from this)."""

from enum import StrEnum


class SupportErrorCode(StrEnum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    CASE_CLOSED = "case_closed"
    RATE_LIMITED = "rate_limited"
    PLUGIN_INACTIVE = "plugin_inactive"
    ALREADY_RATED = "already_rated"  # feedback: a case is rated once
    # Returns (issue 11)
    RETURNS_DISABLED = "returns_disabled"
    NOT_RETURNABLE = "not_returnable"
    WINDOW_CLOSED = "window_closed"
    QUANTITY_EXCEEDED = "quantity_exceeded"
    ALREADY_REQUESTED = "already_requested"
    RESOLUTION_NOT_OFFERED = "resolution_not_offered"
    INVALID_STATUS = "invalid_status"
    RETURN_FAILED = "return_failed"
