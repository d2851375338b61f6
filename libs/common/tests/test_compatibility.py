"""The compatibility checker on small schemas: what it lets through and what it catches."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from insightbus.common.events.compatibility import breaking_changes


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    row: int
    label: str | None = None


class V1(BaseModel):
    model_config = ConfigDict(extra="forbid")
    session_id: str
    score: float = Field(ge=0, le=1)
    note: str | None = None
    items: tuple[Item, ...] = ()


def schema(model: type[BaseModel]) -> dict[str, Any]:
    return {**model.model_json_schema(), "x-topic": "insightbus.test.v1"}


def test_an_added_optional_field_and_new_words_are_compatible() -> None:
    class V2(BaseModel):
        model_config = ConfigDict(extra="forbid")
        session_id: str = Field(description="now documented")
        score: float = Field(ge=0, le=1)
        note: str | None = None
        items: tuple[Item, ...] = ()
        model: str = "tfidf-logreg"

    assert breaking_changes(schema(V1), schema(V2)) == []
    assert breaking_changes(schema(V1), schema(V1)) == []


def test_a_removed_field_is_caught() -> None:
    class V2(BaseModel):
        model_config = ConfigDict(extra="forbid")
        session_id: str
        score: float = Field(ge=0, le=1)
        items: tuple[Item, ...] = ()

    assert breaking_changes(schema(V1), schema(V2)) == ["field 'note' was removed"]


def test_a_retyped_field_is_caught_with_its_constraints() -> None:
    class V2(BaseModel):
        model_config = ConfigDict(extra="forbid")
        session_id: int
        score: float = Field(ge=0, le=100)  # same type, another range: old readers break
        note: str | None = None
        items: tuple[Item, ...] = ()

    assert breaking_changes(schema(V1), schema(V2)) == [
        "field 'session_id' changed type: {'type': 'string'} -> {'type': 'integer'}",
        "field 'score' changed type: {'maximum': 1, 'minimum': 0, 'type': 'number'}"
        " -> {'maximum': 100, 'minimum': 0, 'type': 'number'}",
    ]


def test_a_newly_required_field_is_caught_whether_added_or_made_so() -> None:
    class V2(BaseModel):
        model_config = ConfigDict(extra="forbid")
        session_id: str
        score: float = Field(ge=0, le=1)
        note: str | None  # required now, though it may still be null
        items: tuple[Item, ...] = ()
        model: str  # what a v1 envelope does not have

    assert breaking_changes(schema(V1), schema(V2)) == [
        "field 'note' is now required",
        "added field 'model' is required",
    ]


def test_a_field_no_longer_required_is_caught() -> None:
    # A reader of v1 counts on session_id being there.
    class V2(BaseModel):
        model_config = ConfigDict(extra="forbid")
        session_id: str = "unknown"
        score: float = Field(ge=0, le=1)
        note: str | None = None
        items: tuple[Item, ...] = ()

    assert breaking_changes(schema(V1), schema(V2)) == ["field 'session_id' is no longer required"]


def test_nested_fields_follow_the_same_rules() -> None:
    class Item2(BaseModel):
        model_config = ConfigDict(extra="forbid")
        row: str
        reason: str

    class V2(BaseModel):
        model_config = ConfigDict(extra="forbid")
        session_id: str
        score: float = Field(ge=0, le=1)
        note: str | None = None
        items: tuple[Item2, ...] = ()

    assert breaking_changes(schema(V1), schema(V2)) == [
        "field 'items[].row' changed type: {'type': 'integer'} -> {'type': 'string'}",
        "field 'items[].label' was removed",
        "added field 'items[].reason' is required",
    ]


def test_a_new_optional_object_may_have_required_fields_of_its_own() -> None:
    class Extra(BaseModel):
        model_config = ConfigDict(extra="forbid")
        name: str

    class V2(BaseModel):
        model_config = ConfigDict(extra="forbid")
        session_id: str
        score: float = Field(ge=0, le=1)
        note: str | None = None
        items: tuple[Item, ...] = ()
        extra: Extra | None = None

    assert breaking_changes(schema(V1), schema(V2)) == []


def test_moving_to_another_topic_is_caught() -> None:
    moved = {**schema(V1), "x-topic": "insightbus.other.v1"}
    assert breaking_changes(schema(V1), moved) == [
        "moved from topic insightbus.test.v1 to insightbus.other.v1"
    ]
