"""Regenerate the SDK's typed models and calls from the platform's OpenAPI document.

    .venv/bin/python clients/python/tools/generate.py   (or: make sdk)

writes ``clients/python/openapi.json`` (the embedded stack's document: every service's routes)
and ``clients/python/src/insightbus_client/_generated/`` with openapi-python-client. Both are
checked in; ``clients/python/tests/test_generated.py`` fails when they drift from the code.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CLIENT = HERE.parent
DOCUMENT = CLIENT / "openapi.json"
PACKAGE = CLIENT / "src" / "insightbus_client" / "_generated"
CONFIG = HERE / "openapi-python-client.yaml"


def document() -> dict[str, Any]:
    from insightbus.cli.embedded import create_embedded_app
    from insightbus.common.settings import Settings

    with tempfile.TemporaryDirectory() as data_dir:
        # Not started: the document depends on the routes alone.
        return create_embedded_app(Settings(data_dir=Path(data_dir))).openapi()


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def generate(doc_path: Path, out: Path) -> None:
    """openapi-python-client's package for ``doc_path`` in ``out`` (replaced)."""
    generator = Path(sys.executable).parent / "openapi-python-client"
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "generated"
        subprocess.run(  # noqa: S603 - our own tool, fixed arguments
            [
                str(generator),
                "generate",
                "--path",
                str(doc_path),
                "--meta",
                "none",
                "--config",
                str(CONFIG),
                "--output-path",
                str(target),
                "--overwrite",
            ],
            check=True,
            capture_output=True,
        )
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(target, out)


def main() -> None:
    DOCUMENT.write_text(render(document()))
    generate(DOCUMENT, PACKAGE)
    print(f"wrote {DOCUMENT.relative_to(CLIENT.parent.parent)} and {PACKAGE.name}/")


if __name__ == "__main__":
    main()
