"""Real protocol servers for the adapter contract suites and every test that needs one: one
of each per test session, shared by all the test folders."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """A tansu broker on loopback, or the broker named by INSIGHTBUS_TEST_KAFKA_BOOTSTRAP
    (a real Kafka, e.g. from testcontainers where a Docker engine exists).

    No tansu is a failure, not a skip: CI must prove the Kafka adapter.
    """
    external = os.environ.get("INSIGHTBUS_TEST_KAFKA_BOOTSTRAP")
    if external:
        yield external
        return
    from insightbus.common.testing.tansu import TansuUnavailable, run_tansu

    with contextlib.ExitStack() as stack:
        try:
            bootstrap = stack.enter_context(run_tansu())
        except TansuUnavailable as exc:
            pytest.fail(f"cannot run the Kafka contract tests: {exc}", pytrace=False)
        yield bootstrap


@pytest.fixture(scope="session")
def mongo_url() -> Iterator[str]:
    """A SecantusDB server on loopback, or the MongoDB named by INSIGHTBUS_TEST_MONGO_URL."""
    external = os.environ.get("INSIGHTBUS_TEST_MONGO_URL")
    if external:
        yield external
        return
    from insightbus.common.testing.secantus import run_secantus

    with run_secantus() as url:
        yield url
