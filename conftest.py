"""Real protocol servers for the adapter contract suites and every test that needs one: one
of each per test session, shared by all the test folders. Which servers: see
``insightbus.common.testing.servers`` (the environment's, else stand-ins on loopback)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from insightbus.common.testing import servers


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
