"""The SDK against the real embedded stack (``insightbus up`` as a subprocess)."""

from __future__ import annotations

import signal
import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import TEST_ENV, RunningStack, start_stack

#: Access tokens last 2 s: every flow below outlives a few, so the SDK must refresh
#: in the middle of it (the socket's token, and HTTP calls answered 401 "token expired").
SHORT_TOKENS = {"INSIGHTBUS_ACCESS_TOKEN_TTL_S": "2"}

PASSWORD = "correct horse"

DIARY = """Today was rough. My manager criticized the report in front of the whole team and I felt
humiliated and angry. Later my friend called and we laughed about it; I felt much better and
grateful to have her. I need to finish the budget slides by Friday ... I'm worried about the
deadline but also excited about the new project launch
"""


@pytest.fixture(scope="session")
def sdk_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(
        tmp_path_factory.mktemp("sdk-stack") / "data",
        {**TEST_ENV, **SHORT_TOKENS, "INSIGHTBUS_WEBHOOK_ALLOWED_HOSTS": '["127.0.0.1"]'},
    )
    yield running
    running.stop(signal.SIGKILL)


def new_email() -> str:
    return f"ada-{uuid.uuid4().hex[:8]}@example.com"
