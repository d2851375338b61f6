"""``docker-compose.yml``, offline: valid against the Compose Specification's JSON schema
(vendored in ``deploy/compose/``, see its README), and the distributed mode it promises:
each service its own container with a health check (the notifier two replicas), Kafka in
KRaft mode, Prometheus scraping every replica of every service."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from insightbus.common.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
SCHEMA = ROOT / "deploy" / "compose" / "compose-spec.json"
SERVICES = ("gateway", "notifier", "analysis", "classifier")


def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA.read_text())
    # It says draft 07 ("$schema" without the trailing '#', which jsonschema would not know).
    assert schema["$schema"].startswith("https://json-schema.org/draft-07/")
    return jsonschema.Draft7Validator(schema)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    # safe_load resolves the anchors and << merges, as Compose does before validating.
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def test_the_file_is_valid_against_the_compose_specification(compose: dict[str, Any]) -> None:
    errors = [
        f"{'.'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
        for error in validator().iter_errors(compose)
    ]
    assert not errors, "\n".join(errors)


def test_a_misspelt_key_would_be_caught(compose: dict[str, Any]) -> None:
    # The schema is strict (no unknown keys), so the test above means something.
    broken = {**compose, "services": {**compose["services"], "gateway": {"imgae": "x"}}}
    assert not validator().is_valid(broken)


def test_each_service_runs_alone_once_its_dependencies_are_healthy(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert {"kafka", "mongo", "neo4j", "prometheus", *SERVICES} == set(services)
    for name, service in services.items():
        assert service["healthcheck"]["test"], f"{name} has no health check"
    for name in SERVICES:
        service = services[name]
        assert service["command"] == ["serve", name]
        assert "/readyz" in " ".join(service["healthcheck"]["test"])
        assert service["depends_on"] == {
            dependency: {"condition": "service_healthy"}
            for dependency in ("kafka", "mongo", "neo4j")
        }
        env = service["environment"]
        assert env["INSIGHTBUS_BUS"] == "kafka" and env["INSIGHTBUS_STORE"] == "mongo"
        assert env["INSIGHTBUS_GRAPH_URL"].startswith("bolt://")
        assert env["INSIGHTBUS_JWT_SECRET"].startswith("${INSIGHTBUS_JWT_SECRET:?")
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"]


def published(port: str) -> tuple[range, int]:
    """``"8001-8002:8000"`` as (the host ports, the container port)."""
    host, container = port.rsplit(":", 1)
    first, _, last = host.rpartition(":")[2].partition("-")
    return range(int(first), int(last or first) + 1), int(container)


def test_the_notifier_runs_as_two_replicas_each_reachable(compose: dict[str, Any]) -> None:
    services = compose["services"]
    notifier = services["notifier"]
    replicas = notifier["deploy"]["replicas"]
    assert replicas == 2
    # Replicas are containers of one service: a fixed name would allow only one.
    assert "container_name" not in notifier
    # One host port each (a single one would be bound by the first replica only).
    ((hosts, container),) = [published(p) for p in notifier["ports"]]
    assert container == 8000 and len(hosts) == replicas
    gateway_hosts, _ = published(services["gateway"]["ports"][0])
    assert not set(hosts) & set(gateway_hosts)
    # Both replicas have the settings every service has: one store (the notifier's database,
    # not one per replica), one bus, and the gateway's JWT secret (a socket's token verifies
    # on either replica).
    assert notifier["environment"] == services["gateway"]["environment"]


def test_kafka_runs_in_kraft_mode_and_takes_the_largest_event(compose: dict[str, Any]) -> None:
    env = compose["services"]["kafka"]["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert not any("ZOOKEEPER" in key for key in env)
    assert int(env["KAFKA_MESSAGE_MAX_BYTES"]) >= Settings().bus_max_message_bytes


def test_prometheus_scrapes_every_service(compose: dict[str, Any]) -> None:
    prometheus = compose["services"]["prometheus"]
    mounted = {v.split(":")[1]: v.split(":")[0] for v in prometheus["volumes"]}
    config_path = ROOT / mounted["/etc/prometheus/prometheus.yml"]
    config = yaml.safe_load(config_path.read_text())
    (job,) = [j for j in config["scrape_configs"] if j["job_name"] == "insightbus"]
    assert job["metrics_path"] == "/metrics"
    # DNS, not fixed targets: Compose answers a service's name with every replica's address,
    # so both notifiers are scraped (and any a scale adds).
    assert "static_configs" not in job
    (discovery,) = job["dns_sd_configs"]
    assert sorted(discovery["names"]) == sorted(SERVICES)
    assert discovery["type"] == "A" and discovery["port"] == 8000
    # Labelled with the service, so that a query sums its replicas (instance tells them apart).
    assert {"source_labels": ["__meta_dns_name"], "target_label": "service"} in job[
        "relabel_configs"
    ]
