"""The ``insightbus`` command, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from insightbus.common.events import REGISTRY, SUPERSEDED

CLI = Path(sys.executable).parent / "insightbus"
ROOT = Path(__file__).resolve().parents[1]
ANALYSIS = ROOT / "services" / "analysis"
GOEMOTIONS = ANALYSIS / "data" / "goemotions"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, timeout=120)


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("up", "schemas", "asyncapi", "analysis"):
        assert command in result.stdout


def test_up_rejects_a_bad_port() -> None:
    result = run("up", "--port", "70000")
    assert result.returncode == 2
    assert "port must be between" in result.stderr


def test_up_refuses_bad_settings_in_one_line_each() -> None:
    result = subprocess.run(
        [str(CLI), "up", "--port", "8123"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "INSIGHTBUS_CORS_ORIGINS": '["*"]'},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("insightbus up: INSIGHTBUS_CORS_ORIGINS: ")
    assert "'*' is not an origin" in result.stderr and "Traceback" not in result.stderr


def test_serve_runs_only_the_four_services() -> None:
    result = run("serve", "billing")
    assert result.returncode == 2
    assert "invalid choice: 'billing'" in result.stderr
    for name in ("analysis", "classifier", "gateway", "notifier"):
        assert name in result.stderr


def test_serve_refuses_services_apart_without_a_shared_token_secret() -> None:
    # Each process would otherwise generate its own secret: the notifier would reject every
    # token the gateway issued. The analysis verifies no token, so it may start without.
    env = {k: v for k, v in os.environ.items() if k != "INSIGHTBUS_JWT_SECRET"}
    for name in ("gateway", "notifier"):
        result = subprocess.run(
            [str(CLI), "serve", name],
            capture_output=True,
            text=True,
            timeout=60,
            env={**env, "INSIGHTBUS_BUS": "kafka"},
        )
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(
            f"insightbus serve {name}: INSIGHTBUS_JWT_SECRET: must be set"
        )
        assert "Traceback" not in result.stderr


def test_serve_reports_bad_settings_in_one_line_each() -> None:
    result = subprocess.run(
        [str(CLI), "serve", "classifier"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "INSIGHTBUS_CLASSIFIER_WORKERS": "-1"},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("insightbus serve classifier: INSIGHTBUS_CLASSIFIER_WORKERS: ")
    assert "Traceback" not in result.stderr


def test_schemas_prints_every_event_type() -> None:
    result = run("schemas")
    assert result.returncode == 0
    schemas = json.loads(result.stdout)
    assert set(schemas) == {f"{t}.v{v}" for t, v in [*REGISTRY, *SUPERSEDED]}
    assert schemas["content.uploaded.v1"]["x-topic"] == "insightbus.sessions.v1"


def test_asyncapi_prints_the_published_document() -> None:
    result = run("asyncapi")
    assert result.returncode == 0, result.stderr
    published = ROOT / "libs" / "common" / "schemas" / "asyncapi.json"
    assert result.stdout == published.read_text()  # the file is this command's output


def test_schemas_release_writes_each_version_once(tmp_path: Path) -> None:
    result = run("schemas", "--release", str(tmp_path))
    assert result.returncode == 0, result.stderr
    released = {p.name for p in tmp_path.iterdir()}
    assert released == {f"{t}.v{v}.json" for t, v in [*REGISTRY, *SUPERSEDED]}
    assert run("schemas", "--release", str(tmp_path)).stderr == ""  # nothing rewritten


def test_analysis_evaluate_scores_a_labelled_file(tmp_path: Path) -> None:
    data = tmp_path / "eval.csv"
    data.write_text(
        "text,labels\n"
        "Thank you so much for your help!,gratitude\n"
        "I am so angry right now,anger\n"
        "This is terrifying and I am scared,fear\n"
        "What a lovely surprise,surprise|joy\n"
    )
    result = run("analysis", "evaluate", "--data", str(data))
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["n"] == 4 and scores["model"] == "minilm-l6-goemotions+tfidf"
    assert 0.0 <= scores["macro_f1"] <= 1.0 and scores["micro_f1"] > 0.3


def test_the_shipped_emotion_model_beats_tfidf_alone_on_the_dev_split(tmp_path: Path) -> None:
    # GoEmotions dev: never seen in training or tuning. TF-IDF alone: 0.4817 macro-F1 (27
    # labels + neutral); the fused model 0.5195 (bench/RESULTS.md; the 0.52 goal is not met).
    data = tmp_path / "dev.csv"
    converted = subprocess.run(
        [
            sys.executable,
            str(ANALYSIS / "scripts" / "goemotions_to_csv.py"),
            str(GOEMOTIONS / "dev.tsv"),
            str(GOEMOTIONS / "labels.txt"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    data.write_text(converted.stdout)
    result = run("analysis", "evaluate", "--data", str(data))
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert scores["n"] == 5426 and scores["model"] == "minilm-l6-goemotions+tfidf"
    assert scores["macro_f1"] >= 0.515, scores


def test_analysis_evaluate_reports_a_missing_file(tmp_path: Path) -> None:
    result = run("analysis", "evaluate", "--data", str(tmp_path / "nope.csv"))
    assert result.returncode == 2
    assert "nope.csv" in result.stderr
