"""Domain errors as GraphQL errors: the message the REST API gives, and a ``code`` in the
error's ``extensions`` (``NOT_FOUND``, ``UNAUTHENTICATED``, ...) in place of a status."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from graphql import GraphQLError
from pydantic import ValidationError

from insightbus.common import errors
from insightbus.common.web.errors import status_of

#: The code of each status the REST API answers a domain error with (``status_of``): one
#: mapping of error kinds, whichever the entrypoint.
_CODE_OF_STATUS: Final[dict[int, str]] = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    413: "TOO_LARGE",
    415: "UNSUPPORTED",
    422: "BAD_USER_INPUT",
    503: "UNAVAILABLE",
}


def code_of(exc: errors.DomainError) -> str:
    return _CODE_OF_STATUS.get(status_of(exc), "BAD_REQUEST")


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
