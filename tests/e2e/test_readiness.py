"""``/livez``, ``/health`` and ``/readyz`` of ``insightbus up``: the stack serves only once its
model workers are warm, and says so; a model that cannot load is named, not hidden."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.conftest import RunningStack, StackFactory


def test_the_stack_is_ready_as_soon_as_it_serves(stack: RunningStack) -> None:
    # start_stack returned at the first /health 200: the workers were warm before that.
    ready = httpx.get(f"{stack.base_url}/readyz", timeout=5)
    assert ready.status_code == 200, ready.text
    checks = ready.json()["data"]["checks"]
    assert checks["service:analysis"] == "ok" and checks["service:classifier"] == "ok"
    assert checks["bus"] == "ok" and checks["store:gateway"] == "ok"
    assert checks["graph"] == "ok" and "degraded" not in ready.json()["data"]
    assert httpx.get(f"{stack.base_url}/livez", timeout=5).json()["data"]["status"] == "alive"
    assert "insightbus: up on http://" in stack.logs()


def test_a_model_that_cannot_load_makes_the_stack_unready_with_the_reason(
    stack_factory: StackFactory, tmp_path: Path
) -> None:
    stack = stack_factory(env={"INSIGHTBUS_CLASSIFIER_MODEL_PATH": str(tmp_path / "no-such-model")})
    ready = httpx.get(f"{stack.base_url}/readyz", timeout=5)
    assert ready.status_code == 503
    body = ready.json()
    assert body["success"] is False and body["error"] == "not ready"
    checks = body["details"]["checks"]
    assert checks["service:classifier"].startswith("unavailable: ")
    assert checks["service:analysis"] == "ok"
    # The process and its dependencies are fine: only the classifier cannot work.
    assert httpx.get(f"{stack.base_url}/health", timeout=5).status_code == 200
    assert httpx.get(f"{stack.base_url}/livez", timeout=5).status_code == 200
