"""Which protocol servers the tests talk to: the ones named in the environment, else their
stand-ins started on loopback (tansu for Kafka, SecantusDB for MongoDB).

Every fixture that needs a server asks here, so one switch moves every suite (the adapter
contracts and the end-to-end tests alike) onto real servers: ``make test-containers`` sets
these variables to the Kafka, MongoDB and Neo4j containers it started, and anyone may set
them to servers of their own.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

KAFKA_ENV = "INSIGHTBUS_TEST_KAFKA_BOOTSTRAP"  # host:port[,host:port...]
MONGO_ENV = "INSIGHTBUS_TEST_MONGO_URL"  # mongodb://[user:password@]host:port/...
#: bolt://user:password@host:port, for the graph port's contract suite (its own branch).
GRAPH_ENV = "INSIGHTBUS_TEST_GRAPH_URL"


def external_kafka() -> str | None:
    return os.environ.get(KAFKA_ENV) or None


def external_mongo() -> str | None:
    return os.environ.get(MONGO_ENV) or None


@contextlib.contextmanager
def kafka_server() -> Iterator[str]:
    """A Kafka bootstrap address: the external one, else a fresh tansu broker (stopped on
    exit). Raises ``TansuUnavailable`` when neither can be had."""
    external = external_kafka()
    if external is not None:
        yield external
        return
    from insightbus.common.testing.tansu import run_tansu

    with run_tansu() as bootstrap:
        yield bootstrap


@contextlib.contextmanager
def mongo_server() -> Iterator[str]:
    """A MongoDB URL: the external one, else a fresh SecantusDB server (stopped on exit)."""
    external = external_mongo()
    if external is not None:
        yield external
        return
    from insightbus.common.testing.secantus import run_secantus

    with run_secantus() as url:
        yield url


def kafka_timeouts() -> dict[str, int]:
    """Consumer group timeouts for the broker in use (``KafkaBus`` keyword arguments)."""
    if external_kafka() is not None:
        # A real Kafka refuses sessions under group.min.session.timeout.ms (6 s by default).
        return {"session_timeout_ms": 6_000, "heartbeat_interval_ms": 1_000}
    # tansu answers a JoinGroup after about half the session timeout: keep it short.
    return {"session_timeout_ms": 2_000, "heartbeat_interval_ms": 300}


def kafka_env() -> dict[str, str]:
    """The same timeouts as ``INSIGHTBUS_*`` settings, for a service started as a process."""
    timeouts = kafka_timeouts()
    return {
        "INSIGHTBUS_KAFKA_SESSION_TIMEOUT_MS": str(timeouts["session_timeout_ms"]),
        "INSIGHTBUS_KAFKA_HEARTBEAT_INTERVAL_MS": str(timeouts["heartbeat_interval_ms"]),
    }
