"""The JSON envelope every HTTP response uses, and the errors that map onto it.

success: ``{"status": "success", "success": true, "data": ...}``
error:   ``{"status": "error", "success": false, "error": "<message>", "details": ...}``
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from fastapi import status
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic_core import to_json

T = TypeVar("T")


class Success(BaseModel, Generic[T]):
    status: Literal["success"] = "success"
    success: Literal[True] = True
    data: T


class ErrorBody(BaseModel):
    status: Literal["error"] = "error"
    success: Literal[False] = False
    error: str
    details: Any = None


class FastJSONResponse(JSONResponse):
    """Serialised by pydantic-core in one pass (datetimes, models and all), instead of
    ``jsonable_encoder`` walking the data first and ``json.dumps`` a second time."""

    def render(self, content: Any) -> bytes:
        return to_json(content, serialize_unknown=True)


def ok(
    data: Any, status_code: int = status.HTTP_200_OK, headers: dict[str, str] | None = None
) -> JSONResponse:
    return FastJSONResponse(
        {"status": "success", "success": True, "data": data},
        status_code=status_code,
        headers=headers,
    )


def error_response(
    status_code: int, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {
        "status": "error",
        "success": False,
        "error": message,
        "details": jsonable_encoder(details),
    }
    return JSONResponse(body, status_code=status_code, headers=headers)


class ApiError(Exception):
    """Raise anywhere in a request: the handler turns it into the error envelope."""

    def __init__(
        self,
        status_code: int,
        message: str,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.details = details
        self.headers = headers


def bad_request(message: str, details: Any = None) -> ApiError:
    return ApiError(status.HTTP_400_BAD_REQUEST, message, details)


def unauthorized(message: str = "authentication required") -> ApiError:
    return ApiError(status.HTTP_401_UNAUTHORIZED, message, headers={"WWW-Authenticate": "Bearer"})


def forbidden(message: str = "forbidden") -> ApiError:
    return ApiError(status.HTTP_403_FORBIDDEN, message)


def not_found(what: str = "resource") -> ApiError:
    return ApiError(status.HTTP_404_NOT_FOUND, f"{what} not found")


def conflict(message: str) -> ApiError:
    return ApiError(status.HTTP_409_CONFLICT, message)


_ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "bad request",
    401: "missing, invalid or expired credentials",
    403: "not allowed",
    404: "not found (another user's is as missing as none)",
    409: "conflict with the current state",
    413: "too large",
    415: "unsupported media type or file format",
    422: "the request is invalid (details say where)",
    429: "too many requests: wait Retry-After seconds",
    503: "a dependency is unavailable or the service is starting",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route (or router) that answers these error statuses: each
    documented with the error envelope, ``ErrorBody``."""
    return {
        code: {"model": ErrorBody, "description": _ERROR_DESCRIPTIONS.get(code, "error")}
        for code in codes
    }
