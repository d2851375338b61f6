"""HTTP plumbing shared by the services that serve clients."""

from insightbus.common.web.errors import install_error_handlers
from insightbus.common.web.observability import install_observability, metrics_router
from insightbus.common.web.responses import (
    ApiError,
    ErrorBody,
    Success,
    bad_request,
    conflict,
    error_response,
    error_responses,
    forbidden,
    not_found,
    ok,
    unauthorized,
)

__all__ = [
    "ApiError",
    "ErrorBody",
    "Success",
    "bad_request",
    "conflict",
    "error_response",
    "error_responses",
    "forbidden",
    "install_error_handlers",
    "install_observability",
    "metrics_router",
    "not_found",
    "ok",
    "unauthorized",
]
