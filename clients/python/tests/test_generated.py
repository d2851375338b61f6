"""The SDK's generated layer matches what the platform's OpenAPI document generates today:
a route changed without ``make sdk`` fails here."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools" / "generate.py"
_spec = importlib.util.spec_from_file_location("sdk_generate", TOOLS)
assert _spec is not None and _spec.loader is not None
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_the_checked_in_document_is_the_platforms() -> None:
    current = generate.render(generate.document())
    checked_in = generate.DOCUMENT.read_text()
    assert json.loads(checked_in) == json.loads(current), "run `make sdk`"
    assert checked_in == current, "run `make sdk`"


def test_the_generated_package_is_what_the_document_generates(tmp_path: Path) -> None:
    out = tmp_path / "_generated"
    generate.generate(generate.DOCUMENT, out)
    fresh, checked_in = _tree(out), _tree(generate.PACKAGE)
    assert fresh.keys() == checked_in.keys(), "run `make sdk`"
    changed = [name for name in fresh if fresh[name] != checked_in[name]]
    assert not changed, f"run `make sdk`: {changed}"


@pytest.mark.parametrize("model", ["ContentAcceptedOut", "TicketJobAcceptedOut", "ErrorBody"])
def test_every_model_is_generated(model: str) -> None:
    from insightbus_client import models

    assert hasattr(models, model)
