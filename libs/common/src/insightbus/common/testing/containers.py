"""``make test-containers``: the same suites against real Kafka, MongoDB and Neo4j images.

A pytest plugin (``pytest -p insightbus.common.testing.containers ...``). Before the tests
are collected it starts the three containers (testcontainers) and exports the variables
every server fixture honours (``testing/servers.py``): ``INSIGHTBUS_TEST_KAFKA_BOOTSTRAP``,
``INSIGHTBUS_TEST_MONGO_URL`` and ``INSIGHTBUS_TEST_GRAPH_URL`` (for the graph port's contract
suite). The suites are not copied: they are the ones ``make test`` runs against tansu and
SecantusDB. The containers are removed when the run ends (and by testcontainers' reaper if
the run is killed).

Without a Docker engine nothing can run: every test is skipped with the reason, the summary
says so in a banner, and the exit code is 0, since "no engine here" is a fact about the
machine, not a failure of the code (this machine kind has none, and ``make test`` proves the
adapters against the stand-ins). Where the run must not pass without the real servers (a
pipeline with Docker), ``INSIGHTBUS_REQUIRE_DOCKER=1`` makes a missing engine exit 1.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from insightbus.common.testing.servers import GRAPH_ENV, KAFKA_ENV, MONGO_ENV

KAFKA_IMAGE = "confluentinc/cp-kafka:7.8.0"  # KRaft; testcontainers' Kafka module expects it
MONGO_IMAGE = "mongo:8.0"
NEO4J_IMAGE = "neo4j:5.26-community"
REQUIRE_ENV = "INSIGHTBUS_REQUIRE_DOCKER"

_skipped = pytest.StashKey[str]()
_containers = pytest.StashKey[contextlib.ExitStack]()
_servers = pytest.StashKey[dict[str, str]]()


def docker_unavailable() -> str | None:
    """Why no Docker engine can be used here, or None when one answers."""
    try:
        import docker

        client = docker.from_env(timeout=5)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:
        return f"no Docker engine answers ({type(exc).__name__}: {exc})"
    return None


@contextlib.contextmanager
def real_servers() -> Iterator[dict[str, str]]:
    """Kafka (KRaft), MongoDB and Neo4j in containers; yields the ``INSIGHTBUS_TEST_*``
    variables that point at them."""
    from testcontainers.community.kafka import KafkaContainer
    from testcontainers.community.mongodb import MongoDbContainer
    from testcontainers.community.neo4j import Neo4jContainer

    password = secrets.token_hex(12)
    with contextlib.ExitStack() as stack:
        kafka: Any = stack.enter_context(
            # content.uploaded carries the upload: as large as docker-compose.yml allows.
            KafkaContainer(KAFKA_IMAGE).with_kraft().with_env("KAFKA_MESSAGE_MAX_BYTES", "16777216")
        )
        mongo: Any = stack.enter_context(MongoDbContainer(MONGO_IMAGE))
        neo4j: Any = stack.enter_context(Neo4jContainer(NEO4J_IMAGE, password=password))
        yield {
            KAFKA_ENV: kafka.get_bootstrap_server(),
            MONGO_ENV: mongo.get_connection_url(),
            # The graph's credentials travel apart from its URL, as the services take them.
            GRAPH_ENV: neo4j.get_connection_url(),
            f"{GRAPH_ENV.removesuffix('_URL')}_USER": neo4j.username,
            f"{GRAPH_ENV.removesuffix('_URL')}_PASSWORD": password,
        }


def pytest_configure(config: pytest.Config) -> None:
    reason = docker_unavailable()
    if reason is not None:
        config.stash[_skipped] = reason
        return
    stack = contextlib.ExitStack()
    config.stash[_containers] = stack
    variables = stack.enter_context(real_servers())
    config.stash[_servers] = variables
    os.environ.update(variables)  # the fixtures, and the services the e2e tests start, read them


def pytest_sessionstart(session: pytest.Session) -> None:
    reason = session.config.stash.get(_skipped, None)
    if reason is not None and os.environ.get(REQUIRE_ENV) == "1":
        pytest.exit(f"test-containers: {reason}, and {REQUIRE_ENV}=1", returncode=1)


def pytest_report_header(config: pytest.Config) -> list[str]:
    reason = config.stash.get(_skipped, None)
    if reason is not None:
        return [f"test-containers: SKIPPING every test: {reason}"]
    return [f"test-containers: {k}={v}" for k, v in config.stash[_servers].items()]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = config.stash.get(_skipped, None)
    if reason is None:
        return
    marker = pytest.mark.skip(reason=f"test-containers: {reason}")
    for item in items:
        item.add_marker(marker)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    reason = config.stash.get(_skipped, None)
    if reason is not None:
        terminalreporter.write_sep("=", "test-containers: SKIPPED, nothing was run", yellow=True)
        terminalreporter.write_line(f"{reason}.")
        terminalreporter.write_line(
            "Run it where Docker runs; INSIGHTBUS_REQUIRE_DOCKER=1 turns this skip into a failure."
        )


def pytest_unconfigure(config: pytest.Config) -> None:
    stack = config.stash.get(_containers, None)
    if stack is not None:
        for name in (KAFKA_ENV, MONGO_ENV, GRAPH_ENV):
            os.environ.pop(name, None)
        stack.close()
