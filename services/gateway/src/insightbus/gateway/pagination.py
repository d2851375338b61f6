"""Limit/offset pagination: the same query parameters and page shape on every list route."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query

MAX_OFFSET = 1_000_000


# The dependencies are async def only to keep FastAPI from running them in a thread.
@dataclass(frozen=True, slots=True)
class PageParams:
    limit: int
    offset: int


async def _sessions_page(
    limit: Annotated[int, Query(ge=1, le=100, description="page size")] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> PageParams:
    return PageParams(limit, offset)


async def _results_page(
    limit: Annotated[int, Query(ge=1, le=500, description="page size")] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> PageParams:
    return PageParams(limit, offset)


SessionsPage = Annotated[PageParams, Depends(_sessions_page)]
ResultsPage = Annotated[PageParams, Depends(_results_page)]


def page(items: Sequence[Any], total: int, params: PageParams) -> dict[str, Any]:
    return {"items": list(items), "total": total, "limit": params.limit, "offset": params.offset}
