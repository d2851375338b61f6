"""Domain errors as GraphQL errors: the message the REST API gives, and a ``code`` in the
error's ``extensions`` (``NOT_FOUND``, ``UNAUTHENTICATED``, ...) in place of a status."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from graphql import GraphQLError
from pydantic import ValidationError

from insightbus.common import errors

_CODES: Final[tuple[tuple[type[errors.DomainError], str], ...]] = (
    (errors.NotFound, "NOT_FOUND"),
    (errors.Unauthenticated, "UNAUTHENTICATED"),
    (errors.Forbidden, "FORBIDDEN"),
    (errors.Conflict, "CONFLICT"),
    (errors.Invalid, "BAD_USER_INPUT"),
    (errors.BadRequest, "BAD_REQUEST"),
    (errors.TooLarge, "TOO_LARGE"),
    (errors.Unsupported, "UNSUPPORTED"),
    (errors.Unavailable, "UNAVAILABLE"),
)


def code_of(exc: errors.DomainError) -> str:
    return next((code for kind, code in _CODES if isinstance(exc, kind)), "BAD_REQUEST")


def graphql_error(exc: errors.DomainError) -> GraphQLError:
    extensions: dict[str, Any] = {"code": code_of(exc)}
    if exc.details is not None:
        extensions["details"] = exc.details
    return GraphQLError(exc.message, extensions=extensions)


@contextmanager
def answered() -> Iterator[None]:
    """Around a resolver's use case: its refusals become GraphQL errors with a code, and an
    input the REST request models reject is ``BAD_USER_INPUT`` with the same details."""
    try:
        yield
    except errors.DomainError as exc:
        raise graphql_error(exc) from exc
    except ValidationError as exc:
        details = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        raise GraphQLError(
            "invalid input", extensions={"code": "BAD_USER_INPUT", "details": details}
        ) from exc
