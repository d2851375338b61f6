"""Provider verification: every pact in ``contracts/pacts/`` against what we run and publish.

- HTTP pacts (the SDK's): replayed against the embedded stack (``insightbus up``), each
  interaction after its provider state is set up *through the public API* (a user
  registered, a session created): no test-only route exists in the product.
- Message pacts (the downstream consumer's): each expected message is answered with our own
  example of that event type and version (``events/examples.py``) in its envelope, exactly
  as the bus carries it; an event that changes so that a consumer's expectation no longer
  holds fails here.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pact import Verifier

from contracts.pacts_io import PACTS
from insightbus.common.events import topics
from insightbus.common.events.examples import EXAMPLES, example_envelope
from tests.conftest import TEST_ENV, RunningStack, start_stack

pytestmark = pytest.mark.timeout(180)
PASSWORD = "correct horse"


def pacts(kind: str) -> list[Path]:
    """The committed pacts with interactions of ``kind`` (``Synchronous/HTTP``,
    ``Asynchronous/Messages``)."""
    found = []
    for path in sorted(PACTS.glob("*.json")):
        pact = json.loads(path.read_text())
        if any(i.get("type") == kind for i in pact["interactions"]):
            found.append(path)
    return found


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(tmp_path_factory.mktemp("pact-stack") / "data", TEST_ENV)
    yield running
    running.stop(signal.SIGKILL)


class States:
    """The provider states the consumers name, set up through the API."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.token = self.user("pact-provider@example.com")

    def user(self, email: str) -> str:
        """An access token of ``email``'s, registering it when new."""
        self.http.post(
            "/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": "Pact"}
        )
        login = self.http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        login.raise_for_status()
        return str(login.json()["data"]["access_token"])

    def with_session(self) -> None:
        auth = {"Authorization": f"Bearer {self.token}"}
        listed = self.http.get("/api/v1/sessions", headers=auth).json()["data"]
        if not listed["total"]:
            self.http.post(
                "/api/v1/sessions", headers=auth, json={"title": "Pact"}
            ).raise_for_status()

    def handlers(self) -> dict[str, Any]:
        return {
            "a user pact-user@example.com with the password 'correct horse'": lambda: self.user(
                "pact-user@example.com"
            ),
            "": lambda: None,  # Pact's set-up before every interaction
            "an authenticated user": lambda: None,
            "an authenticated user with a session": self.with_session,
        }


def test_the_gateway_honours_every_http_pact(stack: RunningStack) -> None:
    sources = pacts("Synchronous/HTTP")
    assert sources, "no HTTP pact in contracts/pacts"
    states = States(stack.base_url)
    handlers = states.handlers()

    def set_up(state: str, action: str) -> None:
        if action == "setup":
            handlers[state]()  # a state nobody set up fails the interaction

    verifier = (
        Verifier("insightbus-gateway", host="127.0.0.1")
        .add_transport(url=stack.base_url)
        # The consumers record a placeholder token; requests carry a real one.
        .add_custom_header("Authorization", f"Bearer {states.token}")
        .state_handler(set_up, teardown=False)
    )
    for source in sources:
        verifier.add_source(source)
    verifier.verify()


def our_message(name: str, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """Our example of the event the interaction ``name`` expects, as the bus carries it."""
    expected = _expected[name]
    source, _ = EXAMPLES[(expected["type"], expected["version"])]
    envelope = example_envelope(expected["type"], expected["version"])
    return {
        "contents": envelope.to_bytes(),
        "metadata": {"topic": topics.ANALYSIS if source == "analysis" else source},
        "content_type": "application/json",
    }


_expected: dict[str, dict[str, Any]] = {}


def test_our_events_honour_every_message_pact() -> None:
    sources = pacts("Asynchronous/Messages")
    assert sources, "no message pact in contracts/pacts"
    for source in sources:
        for interaction in json.loads(source.read_text())["interactions"]:
            body = interaction["contents"]["content"]
            _expected[interaction["description"]] = {
                "type": body["type"],
                "version": body["version"],
            }
    verifier = Verifier("insightbus-analysis").message_handler(our_message)
    for source in sources:
        verifier.add_source(source)
    verifier.verify()
