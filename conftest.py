"""Real protocol servers for the adapter contract suites and every test that needs one: one
of each per test session, shared by all the test folders. Which servers: see
``insightbus.common.testing.servers`` (the environment's, else stand-ins on loopback)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from insightbus.common.testing import servers

if TYPE_CHECKING:
    from insightbus.common.graph.bolt import BoltConfig


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """A tansu broker on loopback, or the broker named by INSIGHTBUS_TEST_KAFKA_BOOTSTRAP
    (a real Kafka, e.g. from ``make test-containers``).

    No tansu is a failure, not a skip: CI must prove the Kafka adapter.
    """
    from insightbus.common.testing.tansu import TansuUnavailable

    try:
        with servers.kafka_server() as bootstrap:
            yield bootstrap
    except TansuUnavailable as exc:
        pytest.fail(f"cannot run the Kafka contract tests: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def mongo_url() -> Iterator[str]:
    """A SecantusDB server on loopback, or the MongoDB named by INSIGHTBUS_TEST_MONGO_URL."""
    with servers.mongo_server() as url:
        yield url


@pytest.fixture(scope="session")
def graph_server() -> Iterator[BoltConfig]:
    """A FalkorDB on loopback, or the Bolt server named by INSIGHTBUS_TEST_GRAPH_URL (a real
    Neo4j, e.g. from testcontainers), with INSIGHTBUS_TEST_GRAPH_USER, _PASSWORD and
    _DATABASE. Tests share it: each works with ids of its own, so that it also runs on a
    server with one database (Neo4j Community)."""
    from insightbus.common.graph.bolt import BoltConfig

    external = os.environ.get("INSIGHTBUS_TEST_GRAPH_URL")
    if external:
        yield BoltConfig(
            external,
            user=os.environ.get("INSIGHTBUS_TEST_GRAPH_USER", "neo4j"),
            password=os.environ.get("INSIGHTBUS_TEST_GRAPH_PASSWORD"),
            database=os.environ.get("INSIGHTBUS_TEST_GRAPH_DATABASE"),
        )
        return
    from insightbus.common.testing.falkordb import run_falkordb

    with run_falkordb() as url:
        yield BoltConfig(url, database="insightbus-test")
