"""The sentiment model: loading it (shipped, from a folder, or failing clearly) and what it says."""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import pytest

from insightbus.classifier.domain.sentiment import (
    LABELS,
    SHIPPED,
    SentimentModel,
    SentimentModelError,
)


@pytest.fixture(scope="module")
def model() -> SentimentModel:
    return SentimentModel.load()


def test_the_shipped_model_loads_with_its_three_labels_and_provenance(
    model: SentimentModel,
) -> None:
    assert sorted(model.labels) == sorted(LABELS)
    meta = json.loads((SHIPPED / "model.json").read_text())
    assert "GoEmotions" in meta["data"] and meta["n_test"] > 1000
    assert (SHIPPED / "model.joblib").stat().st_size < 10_000_000


def test_a_saved_model_loads_back_from_its_folder(model: SentimentModel, tmp_path: Path) -> None:
    model.save(tmp_path / "copy", note="test")
    again = SentimentModel.load(tmp_path / "copy")
    texts = ["thank you so much", "this is awful"]
    assert again.predict(texts) == model.predict(texts)
    assert json.loads((tmp_path / "copy" / "model.json").read_text())["note"] == "test"


def test_loading_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no sentiment model"):
        SentimentModel.load(tmp_path / "missing")
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "model.joblib").write_bytes(b"\x00 definitely not a pickle")
    with pytest.raises(SentimentModelError, match="not a sentiment model"):
        SentimentModel.load(garbage)
    other = tmp_path / "other"
    other.mkdir()
    joblib.dump({"pipeline": "a string, not a pipeline"}, other / "model.joblib")
    with pytest.raises(SentimentModelError):
        SentimentModel.load(other)


def test_clearly_angry_and_clearly_happy_requests(model: SentimentModel) -> None:
    angry = [
        "This is outrageous. I am furious, your app lost my money and nobody answers!",
        "Terrible service, I hate this bank. Worst experience ever, I'm disgusted.",
    ]
    happy = [
        "Thank you so much, the new card works perfectly. Great service, I love it!",
        "Thanks a lot for the quick help, really appreciate it, you are amazing.",
    ]
    assert [p.label for p in model.predict(angry)] == ["negative", "negative"]
    assert [p.label for p in model.predict(happy)] == ["positive", "positive"]
    for p in model.predict(angry + happy):
        assert 1 / 3 < p.confidence <= 1


def test_an_empty_batch_predicts_nothing(model: SentimentModel) -> None:
    assert model.predict([]) == []
