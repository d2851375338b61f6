"""``deploy/k8s`` as ``kubectl apply -k`` would send it: every overlay renders, every object is
valid against Kubernetes' own schemas (strict: an unknown or misspelt field fails), offline,
and the policies the README promises hold in what is rendered, not only in the files.

kubectl renders (``kubectl kustomize``): without it the test fails, it does not skip, so that
CI never passes without having looked at the manifests.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import SchemaNotFoundError, ValidationError

from insightbus.common.topology import ServiceTopology

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("base", "overlays/dev", "overlays/production")
#: The oldest Kubernetes the manifests need (the preStop sleep action) and the newest schemas.
VERSIONS = ("1.30.0", kubernetes_validate.utils.latest_version())
SERVICES = ("gateway", "analysis", "classifier", "notifier")
NAMESPACE = "insightbus"
#: Resident memory once warm, measured (bench/RESULTS.md): per model worker, and the process.
WORKER_BYTES = {"analysis": 366_000_000, "classifier": 238_000_000}
PROCESS_BYTES = 112_000_000
#: Custom resources: no schema in kubernetes-validate, so only in the optional components.
CUSTOM_KINDS = {"ScaledObject", "ServiceMonitor"}
PRIVATE_V4 = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"}

Obj = dict[str, Any]


def kubectl() -> str:
    found = os.environ.get("KUBECTL") or shutil.which("kubectl")
    if not found:
        pytest.fail(
            "kubectl is needed to render deploy/k8s (kubectl kustomize): install it "
            "(Debian: the kubectl package of Kubernetes' or Google Cloud's apt repository) "
            "or point KUBECTL at one",
            pytrace=False,
        )
    return found


def render(directory: Path) -> list[Obj]:
    result = subprocess.run(
        [kubectl(), "kustomize", str(directory)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"kubectl kustomize {directory}:\n{result.stderr}"
    return [obj for obj in yaml.safe_load_all(result.stdout) if obj]


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request: pytest.FixtureRequest) -> list[Obj]:
    return render(K8S / request.param)


@pytest.fixture(scope="module")
def with_components(tmp_path_factory: pytest.TempPathFactory) -> list[Obj]:
    """Production with both optional components, as the README says to add them."""
    where = tmp_path_factory.mktemp("kustomize")
    up = Path(os.path.relpath(K8S, where))  # kustomize takes relative paths only
    (where / "kustomization.yaml").write_text(
        yaml.safe_dump(
            {
                "apiVersion": "kustomize.config.k8s.io/v1beta1",
                "kind": "Kustomization",
                "namespace": NAMESPACE,
                "resources": [str(up / "overlays/production")],
                "components": [str(up / "components/keda"), str(up / "components/servicemonitor")],
            }
        )
    )
    return render(where)


def of_kind(objects: list[Obj], kind: str) -> dict[str, Obj]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def validate_strictly(objects: list[Obj]) -> None:
    for obj in objects:
        name = f"{obj['kind']}/{obj['metadata']['name']}"
        for version in VERSIONS:
            try:
                kubernetes_validate.validate(obj, version, strict=True)
            except ValidationError as exc:
                path = ".".join(str(p) for p in exc.path)
                pytest.fail(f"{name} (Kubernetes {version}): {path}: {exc.message}", pytrace=False)
            except SchemaNotFoundError:
                pytest.fail(
                    f"{name}: no schema for {obj['apiVersion']} (a custom resource belongs in "
                    "an optional component: deploy/k8s/components/)",
                    pytrace=False,
                )


def test_every_object_is_valid_kubernetes(rendered: list[Obj]) -> None:
    kinds = {o["kind"] for o in rendered}
    assert {"Namespace", "Deployment", "Service", "NetworkPolicy", "PodDisruptionBudget"} <= kinds
    assert not kinds & CUSTOM_KINDS
    validate_strictly(rendered)


def test_everything_lives_in_a_restricted_namespace(rendered: list[Obj]) -> None:
    namespace = of_kind(rendered, "Namespace")[NAMESPACE]
    labels = namespace["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    for obj in rendered:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == NAMESPACE, obj["metadata"]["name"]


def containers(deployment: Obj) -> Iterator[Obj]:
    yield from deployment["spec"]["template"]["spec"]["containers"]


def test_every_pod_runs_restricted_without_api_access(rendered: list[Obj]) -> None:
    deployments = of_kind(rendered, "Deployment")
    assert set(deployments) == set(SERVICES)
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["automountServiceAccountToken"] is False, name
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert not {"hostNetwork", "hostPID", "hostIPC"} & set(pod), name
        volumes = {v["name"]: v for v in pod["volumes"]}
        # Scratch space, and (the gateway and the notifier) the signing-key ring's Secret.
        kinds = {next(iter(set(v) - {"name"})) for v in volumes.values()}
        assert kinds <= {"emptyDir", "secret"} and all(len(v) == 2 for v in volumes.values())
        for container in containers(deployment):
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, name
            assert security["readOnlyRootFilesystem"] is True, name
            assert security["capabilities"] == {"drop": ["ALL"]}, name
            assert security.get("privileged") is not True, name
            # The one writable place, and what the settings point the data dir at.
            tmp = [m for m in container["volumeMounts"] if m["mountPath"] == "/tmp"]
            assert len(tmp) == 1 and "emptyDir" in volumes[tmp[0]["name"]], name
            secrets = [m for m in container["volumeMounts"] if "secret" in volumes[m["name"]]]
            assert all(m.get("readOnly") is True and "subPath" not in m for m in secrets), name


def test_the_token_services_read_the_key_ring_from_its_secret(rendered: list[Obj]) -> None:
    # A rotation (README: Rotating the signing keys) reaches every replica that issues or
    # verifies tokens, without a restart: a whole-directory mount of an optional Secret.
    for name, deployment in of_kind(rendered, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        (container,) = containers(deployment)
        env = {e["name"]: e.get("value") for e in container.get("env", [])}
        keys_file = env.get("INSIGHTBUS_JWT_KEYS_FILE")
        if name not in ("gateway", "notifier"):
            assert keys_file is None, name
            continue
        assert keys_file is not None, name
        (mount,) = [m for m in container["volumeMounts"] if keys_file.startswith(m["mountPath"])]
        volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
        assert volume["secret"] == {"secretName": "insightbus-jwt-keys", "optional": True}


def test_every_service_runs_its_own_command_with_its_probes(rendered: list[Obj]) -> None:
    config = of_kind(rendered, "ConfigMap")["insightbus-config"]["data"]
    assert config["INSIGHTBUS_DATA_DIR"].startswith("/tmp/")
    assert config["INSIGHTBUS_BUS"] == "kafka" and config["INSIGHTBUS_STORE"] == "mongo"
    images = set()
    for name, deployment in of_kind(rendered, "Deployment").items():
        (container,) = containers(deployment)
        assert container["args"] == ["serve", name]
        images.add(container["image"])
        assert {e["configMapRef"]["name"] for e in container["envFrom"] if "configMapRef" in e} == {
            "insightbus-config"
        }
        assert {e["secretRef"]["name"] for e in container["envFrom"] if "secretRef" in e} == {
            "insightbus-secrets"
        }
        assert {p["name"]: p["containerPort"] for p in container["ports"]} == {"http": 8000}
        probes = {
            kind: (container[kind]["httpGet"]["path"], container[kind]["httpGet"]["port"])
            for kind in ("startupProbe", "livenessProbe", "readinessProbe")
        }
        assert probes == {
            "startupProbe": ("/livez", "http"),
            "livenessProbe": ("/livez", "http"),
            "readinessProbe": ("/readyz", "http"),
        }, name
        # The server listens once its workers are warm (up to runtime.WARM_UP_TIMEOUT_S).
        startup = container["startupProbe"]
        assert startup["periodSeconds"] * startup["failureThreshold"] > 120, name
        spread = deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
        assert {c["topologyKey"] for c in spread} == {
            "kubernetes.io/hostname",
            "topology.kubernetes.io/zone",
        }
        for constraint in spread:
            assert constraint["labelSelector"]["matchLabels"] == {"app.kubernetes.io/name": name}
    assert len(images) == 1 and not images.pop().endswith(":latest")


def memory_bytes(quantity: str) -> int:
    match = re.fullmatch(r"(\d+)(Ki|Mi|Gi|K|M|G)?", quantity)
    assert match, quantity
    unit = {None: 1, "K": 10**3, "M": 10**6, "G": 10**9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    return int(match[1]) * unit[match[2]]


def test_model_pods_ask_for_the_memory_their_workers_hold(rendered: list[Obj]) -> None:
    deployments = of_kind(rendered, "Deployment")
    for name, per_worker in WORKER_BYTES.items():
        (container,) = containers(deployments[name])
        env = {e["name"]: e["value"] for e in container.get("env", [])}
        workers = int(env[f"INSIGHTBUS_{name.upper()}_WORKERS"])
        needed = workers * per_worker + PROCESS_BYTES
        requests, limits = container["resources"]["requests"], container["resources"]["limits"]
        assert memory_bytes(requests["memory"]) >= needed, (name, requests)
        assert memory_bytes(limits["memory"]) >= memory_bytes(requests["memory"]) * 1.25, name
    (analysis,) = containers(deployments["analysis"])
    if analysis["env"][0]["value"] == "2":  # the base and production: as measured
        assert analysis["resources"]["requests"]["memory"] == "1Gi"
        assert analysis["resources"]["limits"]["memory"] == "1536Mi"
    for name, deployment in deployments.items():
        (container,) = containers(deployment)
        assert "memory" in container["resources"]["limits"], name
        assert "cpu" in container["resources"]["requests"], name  # the HPA needs it


#: Scaled on CPU by an HPA, which owns the replica count (the others: fixed, or KEDA's).
AUTOSCALED = ("gateway", "notifier")


def test_disruptions_and_scaling(rendered: list[Obj]) -> None:
    deployments = of_kind(rendered, "Deployment")
    budgets = of_kind(rendered, "PodDisruptionBudget")
    autoscalers = of_kind(rendered, "HorizontalPodAutoscaler")
    assert set(autoscalers) == set(AUTOSCALED)
    for name in SERVICES:
        budget = budgets[name]["spec"]
        assert budget["selector"]["matchLabels"] == {"app.kubernetes.io/name": name}
        if name == "notifier":
            # A drain never takes the last replica (some replica always serves the sockets),
            # and never blocks either: the HPA keeps more than that.
            assert budget.get("minAvailable") == 1 and "maxUnavailable" not in budget
            assert autoscalers[name]["spec"]["minReplicas"] > budget["minAvailable"]
        else:
            # A drain may always take one pod: a single replica never blocks it.
            assert budget.get("maxUnavailable") == 1, name
    for name in AUTOSCALED:
        spec = autoscalers[name]["spec"]
        assert spec["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        (metric,) = spec["metrics"]
        assert metric["type"] == "Resource" and metric["resource"]["name"] == "cpu", name
        assert 1 <= spec["minReplicas"] <= spec["maxReplicas"], name
        assert "replicas" not in deployments[name]["spec"], name  # the HPA owns the count
        assert deployments[name]["spec"]["strategy"] == {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
        }, name

    # The notifier runs as replicas (a socket on any of them), two at least everywhere, rolled
    # one pod at a time: a new one is ready before an old one stops, whose clients reconnect to
    # another replica with last_event_id.
    notifier = deployments["notifier"]
    scaling = autoscalers["notifier"]["spec"]
    assert scaling["minReplicas"] >= 2
    # Scaling down closes a pod's sockets: one pod at a time, never all at once.
    down = scaling["behavior"]["scaleDown"]
    assert down.get("selectPolicy", "Max") != "Disabled"
    assert down["policies"] and all(
        p["type"] == "Pods" and p["value"] == 1 for p in down["policies"]
    )
    assert down["stabilizationWindowSeconds"] >= 300
    # The pause lets the ingress controller stop routing upgrades here before the sockets close.
    (container,) = containers(notifier)
    pause = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    grace = notifier["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert 5 <= pause < grace
    # Spread over nodes and zones, counting only the current revision's pods (a rollout's
    # surge must not skew where the new ones go).
    spread = notifier["spec"]["template"]["spec"]["topologySpreadConstraints"]
    assert all(c["matchLabelKeys"] == ["pod-template-hash"] for c in spread)


def test_production_runs_more_notifiers_than_the_base() -> None:
    def bounds(directory: str) -> tuple[int, int]:
        spec = of_kind(render(K8S / directory), "HorizontalPodAutoscaler")["notifier"]["spec"]
        return spec["minReplicas"], spec["maxReplicas"]

    base, production = bounds("base"), bounds("overlays/production")
    assert base[0] == 2
    assert production[0] >= 3 and production[0] > base[0]  # one per zone
    assert production[1] > base[1]


def selects(selector: Obj, labels: dict[str, str]) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "In", expression  # all this test understands
        if labels.get(expression["key"]) not in expression["values"]:
            return False
    return True


def peer(rule_peer: Obj) -> str:
    """Where a NetworkPolicy peer points, in words the assertions compare."""
    if "ipBlock" in rule_peer:
        return f"ipBlock {rule_peer['ipBlock']['cidr']}"
    if "namespaceSelector" not in rule_peer:  # pods of the policy's own namespace
        namespace = "."
    else:
        namespace = rule_peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
    pods = rule_peer.get("podSelector", {}).get("matchLabels", {})
    return f"{namespace}/{','.join(f'{k}={v}' for k, v in sorted(pods.items())) or '*'}"


def ports(rule: Obj) -> set[int]:
    return {p["port"] for p in rule["ports"]}


def test_network_policies_let_through_only_what_the_platform_needs(rendered: list[Obj]) -> None:
    policies = list(of_kind(rendered, "NetworkPolicy").values())
    pods = {
        name: d["spec"]["template"]["metadata"]["labels"]
        for name, d in of_kind(rendered, "Deployment").items()
    }
    deny = [
        p["spec"]
        for p in policies
        if p["spec"]["podSelector"] == {}
        and set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"}
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
    ]
    assert deny, "no default-deny policy"

    ingress: dict[str, set[tuple[str, int]]] = {name: set() for name in pods}
    egress: dict[str, set[tuple[str, int]]] = {name: set() for name in pods}
    for policy in policies:
        spec = policy["spec"]
        for name, labels in pods.items():
            if not selects(spec["podSelector"], labels):
                continue
            for rule in spec.get("ingress", []):
                assert rule.get("from") and rule.get("ports"), policy["metadata"]["name"]
                ingress[name] |= {(peer(p), port) for p in rule["from"] for port in ports(rule)}
            for rule in spec.get("egress", []):
                assert rule.get("to") and rule.get("ports"), policy["metadata"]["name"]
                egress[name] |= {(peer(p), port) for p in rule["to"] for port in ports(rule)}

    controller = "ingress-nginx/app.kubernetes.io/name=ingress-nginx"
    prometheus = "monitoring/app.kubernetes.io/name=prometheus"
    for name in pods:
        expected_in = {(prometheus, 8000)}
        if name in ("gateway", "notifier"):
            expected_in.add((controller, 8000))
        if name == "notifier":  # the gateway's GraphQL subscriptions read its sockets
            expected_in.add(("./app.kubernetes.io/name=gateway", 8000))
        assert ingress[name] == expected_in, name
        expected_out = {
            ("kube-system/k8s-app=kube-dns", 53),
            ("kafka/*", 9092),
            ("mongo/*", 27017),
            ("neo4j/*", 7687),
        }
        if name == "gateway":
            expected_out.add(("./app.kubernetes.io/name=notifier", 8000))
        if name == "notifier":  # webhooks and callbacks to the receivers' public addresses
            expected_out |= {
                (block, port)
                for block in ("ipBlock 0.0.0.0/0", "ipBlock ::/0")
                for port in (80, 443)
            }
        assert egress[name] == expected_out, name

    for policy in policies:
        for rule in policy["spec"].get("egress", []):
            for to in rule["to"]:
                if to.get("ipBlock", {}).get("cidr") == "0.0.0.0/0":
                    assert set(to["ipBlock"]["except"]) >= PRIVATE_V4


def test_the_ingress_routes_only_to_the_gateway_and_the_notifier(rendered: list[Obj]) -> None:
    (ingress,) = of_kind(rendered, "Ingress").values()
    backends = {
        path["path"]: path["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert set(backends.values()) == {"gateway", "notifier"}
    assert backends["/api/v1/ws"] == backends["/api/v1/webhooks"] == "notifier"
    assert backends["/api/v1/sessions/[^/]+/events"] == "notifier"
    assert backends["/"] == "gateway"
    # Any notifier replica serves any socket and any webhook call, so nothing pins a client to
    # one: a reconnecting client goes to whichever replica is ready.
    annotations = ingress["metadata"].get("annotations", {})
    pinning = ("affinity", "session-cookie", "upstream-hash-by")
    assert not [a for a in annotations if any(word in a for word in pinning)], annotations
    # Sockets stay open longer than nginx's default minute without traffic.
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    services = of_kind(rendered, "Service")
    for name in SERVICES:
        assert services[name]["spec"]["selector"] == {"app.kubernetes.io/name": name}
        assert [p["name"] for p in services[name]["spec"]["ports"]] == ["http"]
        assert services[name]["spec"].get("sessionAffinity", "None") == "None", name


def consumer_groups(service: str) -> set[tuple[str, str]]:
    module = __import__(f"insightbus.{service}.entrypoints.bus", fromlist=["TOPOLOGY"])
    topology: ServiceTopology[Any] = module.TOPOLOGY
    return {(c.group, c.topic) for c in topology.consumers}


def test_the_optional_components_scale_on_lag_and_scrape_metrics(
    with_components: list[Obj],
) -> None:
    # What kubernetes-validate knows is checked as strictly as ever; the rest is shaped here.
    custom = [o for o in with_components if o["kind"] in CUSTOM_KINDS]
    validate_strictly([o for o in with_components if o["kind"] not in CUSTOM_KINDS])
    assert {o["kind"] for o in custom} == CUSTOM_KINDS
    config = of_kind(with_components, "ConfigMap")["insightbus-config"]["data"]
    deployments = of_kind(with_components, "Deployment")
    scaled = of_kind(with_components, "ScaledObject")
    assert set(scaled) == {"analysis", "classifier"}
    for name, obj in scaled.items():
        assert obj["apiVersion"] == "keda.sh/v1alpha1"
        assert obj["metadata"]["namespace"] == NAMESPACE
        spec = obj["spec"]
        assert spec["scaleTargetRef"] == {"name": name}
        assert "replicas" not in deployments[name]["spec"]  # KEDA's HPA owns the count
        assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"]
        assert spec["maxReplicaCount"] <= int(config["INSIGHTBUS_BUS_PARTITIONS"])
        (trigger,) = spec["triggers"]
        assert trigger["type"] == "kafka"
        metadata = trigger["metadata"]
        assert metadata["bootstrapServers"] == config["INSIGHTBUS_KAFKA_BOOTSTRAP_SERVERS"]
        # The lag of a group the service really consumes with (its topology table): the one
        # that does its model work (the analysis' graph projector, analysis-graph, waits on
        # the graph server, which more pods would not make faster).
        assert (metadata["consumerGroup"], metadata["topic"]) in consumer_groups(name)
        assert metadata["consumerGroup"] == name
        assert int(metadata["lagThreshold"]) > 0
    assert not set(scaled) & set(of_kind(with_components, "HorizontalPodAutoscaler"))

    (monitor,) = of_kind(with_components, "ServiceMonitor").values()
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["metadata"]["namespace"] == NAMESPACE
    assert monitor["spec"]["endpoints"] == [{"port": "http", "path": "/metrics", "interval": "30s"}]
    for name, service in of_kind(with_components, "Service").items():
        assert selects(monitor["spec"]["selector"], service["metadata"]["labels"]), name
