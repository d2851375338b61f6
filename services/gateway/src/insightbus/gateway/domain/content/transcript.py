"""JSON transcripts: a list of ``{speaker, text, timestamp}`` -> one block per entry.

``timestamp`` is seconds (a number), a clock string (``HH:MM:SS(.mmm)``, ``MM:SS``) or
null. An optional ``end`` is read the same way. Other keys are ignored, so exports from
tools that add fields (confidence, ids) are accepted as they are.
"""

from __future__ import annotations

import json
import math
from typing import Any, NoReturn

from insightbus.common.events.sessions import ContentBlock
from insightbus.gateway.domain.content.errors import MalformedContent
from insightbus.gateway.domain.content.timestamps import parse_clock

_MAX_REPORTED_ERRORS = 20
_SCHEMA_HINT = 'a JSON transcript must be a list of {"speaker", "text", "timestamp"} objects'


class _EntryError(ValueError):
    pass


def _reject_constant(name: str) -> NoReturn:
    # json.loads accepts NaN and Infinity by default; they are not JSON, nor a time.
    raise ValueError(f"{name} is not allowed in JSON")


def parse_json_transcript(text: str) -> list[ContentBlock]:
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise MalformedContent(
            f"the file is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            {"line": exc.lineno, "column": exc.colno},
        ) from None
    except ValueError as exc:
        raise MalformedContent(f"the file is not valid JSON: {exc}") from None
    if not isinstance(data, list):
        raise MalformedContent(f"{_SCHEMA_HINT}, not a JSON {_json_type(data)}")
    if not data:
        raise MalformedContent(f"the transcript has no entries; {_SCHEMA_HINT}")

    blocks: list[ContentBlock] = []
    errors: list[dict[str, Any]] = []
    for index, entry in enumerate(data):
        try:
            blocks.append(_entry(entry))
        except _EntryError as exc:
            errors.append({"entry": index, "error": str(exc)})
    if errors:
        first = errors[0]
        raise MalformedContent(
            f"the transcript has invalid entries ({len(errors)}); entry {first['entry']}: "
            f"{first['error']} ({_SCHEMA_HINT})",
            errors[:_MAX_REPORTED_ERRORS],
        )
    return blocks


def _entry(entry: object) -> ContentBlock:
    if not isinstance(entry, dict):
        raise _EntryError(f"must be an object, not a JSON {_json_type(entry)}")
    text = entry.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _EntryError("'text' must be a non-empty string")
    speaker = entry.get("speaker")
    if speaker is not None and not isinstance(speaker, str):
        raise _EntryError("'speaker' must be a string or null")
    start = _seconds(entry.get("timestamp"), "timestamp")
    end = _seconds(entry.get("end"), "end")
    if start is not None and end is not None and end < start:
        raise _EntryError("'end' is before 'timestamp'")
    return ContentBlock(
        text=" ".join(text.split()),
        speaker=(speaker.strip() or None) if speaker else None,
        start=start,
        end=end,
    )


def _seconds(value: object, key: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return parse_clock(value)
        except ValueError as exc:
            raise _EntryError(f"'{key}': {exc}") from None
    # bool is an int in Python, but true is not a time.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _EntryError(f"'{key}' must be seconds, a 'HH:MM:SS(.mmm)' string or null")
    if not math.isfinite(value) or value < 0:
        raise _EntryError(f"'{key}' must be a finite number of seconds >= 0")
    return float(value)


def _json_type(value: object) -> str:
    match value:
        case dict():
            return "object"
        case list():
            return "array"
        case str():
            return "string"
        case bool():
            return "boolean"
        case int() | float():
            return "number"
        case _:
            return "null"
