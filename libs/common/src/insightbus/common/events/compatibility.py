"""Does a new version of an event keep the promises of the version before it?

The rules, as sentry-kafka-schemas keeps them: a new version only adds fields, and only
optional ones; no field is removed, changes type, becomes required or stops being required.
Then a subscriber's reader of one version reads the next one too (ignoring the new fields),
and a reader of the new version reads what was published before.

Checked on the published JSON schemas (``catalog.json_schemas()``), field by field: a nested
object's fields (``tickets[].row``, ``action_item.status``) are fields too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Schema = dict[str, Any]

#: What only documents a schema: a change to these changes no reader.
_ANNOTATIONS = frozenset({"title", "description", "default", "examples"})


@dataclass(frozen=True)
class _Field:
    shape: Any  # the field's schema without annotations, nested objects as "object"
    required: bool
    parent: str  # the path of the object it belongs to ("" at the top)


def breaking_changes(old: Schema, new: Schema) -> list[str]:
    """What ``new`` breaks of ``old``, one sentence each; empty when it is compatible."""
    problems = []
    if old.get("x-topic") != new.get("x-topic"):
        problems.append(f"moved from topic {old.get('x-topic')} to {new.get('x-topic')}")
    before, after = _fields(old), _fields(new)
    for path, was in before.items():
        now = after.get(path)
        if now is None:
            problems.append(f"field '{path}' was removed")
        elif now.shape != was.shape:
            problems.append(f"field '{path}' changed type: {was.shape} -> {now.shape}")
        elif now.required and not was.required:
            problems.append(f"field '{path}' is now required")
        elif was.required and not now.required:
            problems.append(f"field '{path}' is no longer required")
    for path, now in after.items():
        # Inside a new object only the object itself counts: it is new, and optional or not.
        if path not in before and now.required and (now.parent in before or not now.parent):
            problems.append(f"added field '{path}' is required")
    return problems


def _fields(schema: Schema) -> dict[str, _Field]:
    defs = schema.get("$defs", {})
    found: dict[str, _Field] = {}

    def walk(obj: Schema, prefix: str, parent: str) -> None:
        required = set(obj.get("required", ()))
        for name, prop in obj.get("properties", {}).items():
            path = f"{prefix}{name}"
            found[path] = _Field(_shape(prop, defs), name in required, parent)
            for nested, suffix in _objects_in(prop, defs):
                walk(nested, f"{path}{suffix}", path)

    walk(schema, "", "")
    return found


def _resolve(schema: Schema, defs: Schema) -> Schema:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    resolved: Schema = defs[ref.removeprefix("#/$defs/")]
    return resolved


def _objects_in(schema: Schema, defs: Schema) -> list[tuple[Schema, str]]:
    """The objects with fields a property holds: itself, its items, a member of a union."""
    schema = _resolve(schema, defs)
    if "properties" in schema:
        return [(schema, ".")]
    found: list[tuple[Schema, str]] = []
    if isinstance(schema.get("items"), dict):
        found += [(o, "[]" + s) for o, s in _objects_in(schema["items"], defs)]
    if isinstance(schema.get("additionalProperties"), dict):
        found += [(o, "{}" + s) for o, s in _objects_in(schema["additionalProperties"], defs)]
    for member in schema.get("anyOf", ()):
        found += _objects_in(member, defs)
    return found


def _shape(schema: Any, defs: Schema) -> Any:
    """``schema`` as readers see it: without annotations, an object with fields as "object"
    (its fields are compared one by one)."""
    if isinstance(schema, list):
        return [_shape(s, defs) for s in schema]
    if not isinstance(schema, dict):
        return schema
    schema = _resolve(schema, defs)
    if "properties" in schema:
        return "object"
    return {k: _shape(v, defs) for k, v in sorted(schema.items()) if k not in _ANNOTATIONS}
