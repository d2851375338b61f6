"""The published GraphQL schema (``libs/common/schemas/schema.graphql``) is the one served:
regenerate it with ``make graphql-schema`` after changing the schema."""

from __future__ import annotations

from pathlib import Path

from insightbus.gateway.entrypoints.graphql.__main__ import sdl

PUBLISHED = Path(__file__).resolve().parents[3] / "libs/common/schemas/schema.graphql"


def test_the_published_schema_is_the_served_one() -> None:
    assert PUBLISHED.read_text() == sdl(), (
        "libs/common/schemas/schema.graphql is out of date: run `make graphql-schema`"
    )
    for declared in ("type Query", "type Mutation", "type Subscription", "sessionEvents("):
        assert declared in PUBLISHED.read_text()
