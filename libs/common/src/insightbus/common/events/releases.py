"""Released schemas: one file per event type and version (``libs/common/schemas/released/``),
written once, when the version is released, and never edited or removed afterwards.

``events.v1.json`` is the catalog as it is now; these files are what was promised. The tests
hold the models to them, and each file to its first committed content.
"""

from __future__ import annotations

import json
from pathlib import Path

from insightbus.common.events.catalog import json_schemas


def file_name(name: str) -> str:
    """``analysis.completed.v2`` -> ``analysis.completed.v2.json``."""
    return f"{name}.json"


def release_new(directory: Path) -> list[Path]:
    """Write the schema of every version that has no file yet; never touch one that has."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = directory / file_name(name)
        if path.exists():
            continue
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written
