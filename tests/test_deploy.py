"""The Kubernetes manifests (deploy/k8s), as ``kubectl kustomize`` renders every overlay: valid against the
Kubernetes schemas, consistent with the server's settings, the package's data and the container image, and
no wider than the code needs (RBAC, Pod Security, NetworkPolicy).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from carbon_kepler_mcp import __version__
from carbon_kepler_mcp.settings import Settings
from tests.external_tools import REPO, executable

K8S = REPO / "deploy" / "k8s"
OVERLAYS = sorted(path.name for path in (K8S / "overlays").iterdir())
NAMESPACE = "carbon-mcp"
DATA_FILES = ("regions.toml", "standards.toml", "profiles.toml")
SERVER_LABELS = {"app.kubernetes.io/name": "carbon-kepler-mcp", "app.kubernetes.io/component": "server"}
# Kubernetes releases to validate against: the oldest our manifests support (Pod Security Admission is GA
# since 1.25) and the newest kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.25", kubernetes_validate.latest_version())

Doc = dict[str, Any]

KEPLER_PODS_SERVICE = "carbon-kepler-mcp-kepler-pods"
# What Kepler's installers create by default, as read in their sources (deploy/README.md cites the files):
# the Helm chart (manifests/helm/kepler: values.yaml, templates/_helpers.tpl, daemonset.yaml, service.yaml; the
# README installs release "kepler" into namespace "kepler") and kepler-operator (internal/controller/
# power_monitor.go: namespace power-monitor; pkg/components/power-monitor/deployment.go: headless Service
# power-monitor, port 28282 "http", pod labels below).
KEPLER_INSTALLS: dict[str, dict[str, Any]] = {
    "kepler": {
        "namespace": "kepler",
        "pod_labels": {"app.kubernetes.io/name": "kepler", "app.kubernetes.io/instance": "kepler"},
        "port": 28282,
    },
    "kepler-operator": {
        "namespace": "power-monitor",
        "pod_labels": {
            "app.kubernetes.io/name": "power-monitor-exporter",
            "app.kubernetes.io/component": "exporter",
            "app.kubernetes.io/part-of": "power-monitor",
            "app.kubernetes.io/managed-by": "kepler-operator",
            "operator.sustainable-computing.io/internal": "power-monitor",
        },
        "port": 28282,
    },
}


def _kubectl() -> str:
    """kubectl, with the kustomize 5 these manifests need (Debian bookworm's kubernetes-client 1.20 is too old)."""
    kubectl = executable("kubectl", "install kubectl >= 1.27 (.ci/run installs Debian's when none is there)")
    done = subprocess.run([kubectl, "version", "--client", "-o", "json"], capture_output=True, text=True)
    kustomize = str(json.loads(done.stdout or "{}").get("kustomizeVersion", "unknown"))
    assert re.fullmatch(r"v([5-9]|\d{2,})\..*", kustomize), (
        f"kubectl embeds kustomize {kustomize}; need kubectl >= 1.27"
    )
    return kubectl


def _render(directory: Path) -> list[Doc]:
    done = subprocess.run([_kubectl(), "kustomize", str(directory)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Doc]]:
    """Every overlay rendered, plus the kepler overlay with the optional NodePort component."""
    out = {name: _render(K8S / "overlays" / name) for name in OVERLAYS}
    combo = tmp_path_factory.mktemp("nodeport")
    overlay = os.path.relpath(K8S / "overlays" / "kepler", combo)
    component = os.path.relpath(K8S / "components" / "nodeport", combo)
    (combo / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        f"resources: [{overlay}]\ncomponents: [{component}]\n"
    )
    out["kepler+nodeport"] = _render(combo)
    return out


def _all(rendered: dict[str, list[Doc]]) -> Iterator[tuple[str, Doc]]:
    for variant, docs in rendered.items():
        for doc in docs:
            yield variant, doc


def _one(docs: list[Doc], kind: str, name: str | None = None) -> Doc:
    """The one object of ``kind`` (named ``name``; a name ending in "-" is a generated name's prefix)."""

    def named(doc: Doc) -> bool:
        actual: str = doc["metadata"]["name"]
        return name is None or actual == name or (name.endswith("-") and actual.startswith(name))

    (found,) = [d for d in docs if d["kind"] == kind and named(d)]
    return found


def _container(docs: list[Doc]) -> Doc:
    (container,) = _one(docs, "Deployment")["spec"]["template"]["spec"]["containers"]
    return container


def test_the_variants_rendered_are_the_kepler_and_prometheus_overlays() -> None:
    assert OVERLAYS == ["kepler", "kepler-operator", "prometheus"]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_rendered_object_validates_strictly_against_the_kubernetes_schemas(
    rendered: dict[str, list[Doc]], version: str
) -> None:
    kinds: set[str] = set()
    for variant, doc in _all(rendered):
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except (kubernetes_validate.ValidationError, kubernetes_validate.SchemaNotFoundError) as exc:
            pytest.fail(f"{variant}: {doc['kind']}/{doc['metadata']['name']} is not valid Kubernetes {version}: {exc}")
        kinds.add(doc["kind"])
    assert kinds == {"Namespace", "ServiceAccount", "ConfigMap", "Deployment", "Service", "NetworkPolicy"}


def test_the_validator_rejects_a_misspelt_field_so_the_check_above_can_fail() -> None:
    bad = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"}, "spec": {"ports": [{"prot": 80}]}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, KUBERNETES_VERSIONS[-1], strict=True)


def test_every_namespaced_object_lives_in_carbon_mcp_and_carries_the_part_of_label(
    rendered: dict[str, list[Doc]],
) -> None:
    for variant, doc in _all(rendered):
        metadata = doc["metadata"]
        assert metadata["labels"]["app.kubernetes.io/part-of"] == "carbon-kepler-mcp", (variant, metadata["name"])
        if doc["kind"] == "Namespace":
            assert metadata["name"] == NAMESPACE
        elif (doc["kind"], metadata["name"]) == ("Service", KEPLER_PODS_SERVICE):
            # the one object in Kepler's namespace: a Service selects pods of its own namespace only
            assert metadata.get("namespace") == KEPLER_INSTALLS[variant.split("+")[0]]["namespace"], variant
        else:
            assert metadata.get("namespace") == NAMESPACE, (variant, doc["kind"], metadata["name"])


def _setting_env_names() -> frozenset[str]:
    """Every environment name the settings accept."""
    return Settings.environment_names()


def _pod_env(docs: list[Doc]) -> dict[str, str | None]:
    """The server container's environment: ConfigMap keys through envFrom, then env (None = from a Secret)."""
    container = _container(docs)
    env: dict[str, str | None] = {}
    for source in container.get("envFrom", []):
        env.update(_one(docs, "ConfigMap", source["configMapRef"]["name"])["data"])
    for var in container.get("env", []):
        env[var["name"]] = var.get("value")
    return env


@pytest.mark.parametrize("variant", OVERLAYS)
def test_every_env_var_in_the_manifests_is_a_setting_of_the_server_and_its_value_is_valid(
    rendered: dict[str, list[Doc]], variant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _pod_env(rendered[variant])
    accepted = _setting_env_names()
    for name in env:
        assert name in accepted, f"{name} is not a setting of the server"
        assert name.startswith("CARBON_KEPLER_"), f"{name}: use the documented CARBON_KEPLER_ name"
    # The pod's environment, as the server would parse it (a Secret's value stands in as a placeholder).
    for name in os.environ:
        if name.upper() in accepted:
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, "placeholder-secret" if value is None else value)
    settings = Settings()
    assert settings.metrics.source == variant.split("-")[0]
    # No Service links: the Service carbon-kepler-mcp would inject CARBON_KEPLER_MCP_* variables into the pod.
    assert _one(rendered[variant], "Deployment")["spec"]["template"]["spec"]["enableServiceLinks"] is False
    assert settings.server.api_token is not None
    assert settings.accounting.data_dir == Path("/etc/carbon-kepler-mcp/data")
    assert "carbon-kepler-mcp.carbon-mcp.svc:*" in settings.server.allowed_hosts


def test_the_api_token_comes_from_a_secret_reference_never_a_literal(rendered: dict[str, list[Doc]]) -> None:
    (token,) = [
        var for var in _container(rendered["kepler"]).get("env", []) if var["name"] == "CARBON_KEPLER_API_TOKEN"
    ]
    assert token["valueFrom"]["secretKeyRef"] == {"name": "carbon-kepler-mcp-api-token", "key": "token"}
    assert not any(doc["kind"] == "Secret" for _, doc in _all(rendered))  # no token value is ever committed


def test_the_data_configmap_holds_exactly_the_data_files_the_package_ships(rendered: dict[str, list[Doc]]) -> None:
    shipped = resources.files("carbon_kepler_mcp") / "data"
    for variant, docs in rendered.items():
        data = _one(docs, "ConfigMap", "carbon-kepler-mcp-data-")["data"]
        assert sorted(data) == sorted(DATA_FILES), variant
        for name in DATA_FILES:
            assert data[name] == (shipped / name).read_text(encoding="utf-8"), f"{variant}: {name} differs"
    for name in DATA_FILES:
        copy = K8S / "base" / "data" / name
        assert copy.read_bytes() == (shipped / name).read_bytes(), (
            f"{copy} is stale: cp src/carbon_kepler_mcp/data/*.toml deploy/k8s/base/data/"
        )


def test_the_data_dir_setting_points_at_the_configmap_mount(rendered: dict[str, list[Doc]]) -> None:
    docs = rendered["kepler"]
    pod = _one(docs, "Deployment")["spec"]["template"]["spec"]
    (mount,) = [m for m in _container(docs)["volumeMounts"] if m["name"] == "data"]
    (volume,) = [v for v in pod["volumes"] if v["name"] == "data"]
    assert volume["configMap"]["name"].startswith("carbon-kepler-mcp-data-")
    assert mount["readOnly"] is True
    assert _pod_env(docs)["CARBON_KEPLER_DATA_DIR"] == mount["mountPath"]


# --- least privilege ----------------------------------------------------------------------------------

KUBERNETES_API_USE = re.compile(
    r"""^\s*(?:import|from)\s+(?:kubernetes|kubernetes_asyncio|lightkube|kr8s|pykube)\b"""
    r"""|/api/v1/(?:namespaces|pods|nodes|services|endpoints|configmaps|secrets|events)\b"""
    r"""|/apis/[a-z0-9.-]+/v\d"""
    r"""|KUBERNETES_SERVICE_HOST|kubernetes\.default\.svc|/var/run/secrets/kubernetes\.io/serviceaccount""",
    re.MULTILINE,
)


def _kubernetes_api_calls() -> list[str]:
    """Where the server's code talks to the Kubernetes API (client libraries, API paths, in-cluster config)."""
    return [
        f"{path.relative_to(REPO)}: {match.group(0).strip()}"
        for path in sorted((REPO / "src").rglob("*.py"))
        for match in KUBERNETES_API_USE.finditer(path.read_text(encoding="utf-8"))
    ]


def test_the_kubernetes_api_scan_finds_client_imports_and_api_paths_but_not_prometheus_queries() -> None:
    assert KUBERNETES_API_USE.search("from kubernetes import client")
    assert KUBERNETES_API_USE.search('url = "/api/v1/namespaces/ai-team/pods"')
    assert KUBERNETES_API_USE.search('"/apis/apps/v1/deployments"')
    assert not KUBERNETES_API_USE.search('f"{base}/api/v1/query_range"')
    assert not KUBERNETES_API_USE.search('"/api/v1/query"')


def test_rbac_is_exactly_as_wide_as_the_code_needs_which_is_nothing(rendered: dict[str, list[Doc]]) -> None:
    # The sources read Kepler and Prometheus over HTTP; if this ever lists a call, add a Role with exactly
    # the rules those calls need, mount the token, and write the expected rules here.
    assert _kubernetes_api_calls() == []
    for variant, docs in rendered.items():
        rbac = [d for d in docs if d["apiVersion"].startswith("rbac.authorization.k8s.io/")]
        assert rbac == [], variant
        account = _one(docs, "ServiceAccount")
        assert account["automountServiceAccountToken"] is False
        pod = _one(docs, "Deployment")["spec"]["template"]["spec"]
        assert pod["serviceAccountName"] == account["metadata"]["name"]
        assert pod["automountServiceAccountToken"] is False
        assert not any("projected" in volume for volume in pod.get("volumes", []))


def test_the_pod_meets_the_restricted_pod_security_standard(rendered: dict[str, list[Doc]]) -> None:
    for variant, docs in rendered.items():
        namespace = _one(docs, "Namespace")["metadata"]["labels"]
        assert namespace["pod-security.kubernetes.io/enforce"] == "restricted"
        pod = _one(docs, "Deployment")["spec"]["template"]["spec"]
        assert not any(pod.get(key) for key in ("hostNetwork", "hostPID", "hostIPC"))
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] > 0
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        allowed_volumes = {
            "configMap",
            "csi",
            "downwardAPI",
            "emptyDir",
            "ephemeral",
            "persistentVolumeClaim",
            "secret",
        }
        for volume in pod["volumes"]:
            assert set(volume) - {"name"} <= allowed_volumes, (variant, volume)
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["readOnlyRootFilesystem"] is True
            assert context["capabilities"] == {"drop": ["ALL"]}
            assert not context.get("privileged")
            assert not any("hostPort" in port for port in container["ports"])


def test_the_server_has_its_probes_and_the_agreed_requests_and_limits(rendered: dict[str, list[Doc]]) -> None:
    container = _container(rendered["kepler"])
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert container["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    assert container["resources"] == {
        "requests": {"cpu": "100m", "memory": "128Mi"},
        "limits": {"cpu": "500m", "memory": "512Mi"},
    }


def test_the_deployment_runs_the_images_command_from_the_image_of_the_package_version(
    rendered: dict[str, list[Doc]],
) -> None:
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    (cmd,) = re.findall(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    for variant, docs in rendered.items():
        container = _container(docs)
        assert container["image"] == f"carbon-kepler-mcp:{__version__}", variant
        assert container["args"] == json.loads(cmd), variant
        pod = _one(docs, "Deployment")["spec"]["template"]
        assert pod["metadata"]["labels"].items() >= SERVER_LABELS.items()
        assert _one(docs, "Service", "carbon-kepler-mcp")["spec"]["selector"] == SERVER_LABELS


def test_the_service_is_cluster_internal_on_8000_and_the_nodeport_component_adds_30800(
    rendered: dict[str, list[Doc]],
) -> None:
    services = {
        d["metadata"]["name"]: d["spec"]
        for d in rendered["kepler"]
        if d["kind"] == "Service" and d["metadata"]["namespace"] == NAMESPACE
    }
    assert list(services) == ["carbon-kepler-mcp"]
    assert services["carbon-kepler-mcp"]["type"] == "ClusterIP"
    assert services["carbon-kepler-mcp"]["ports"] == [
        {"name": "http", "port": 8000, "targetPort": "http", "protocol": "TCP"}
    ]
    nodeport = _one(rendered["kepler+nodeport"], "Service", "carbon-kepler-mcp-nodeport")["spec"]
    assert (nodeport["type"], nodeport["ports"][0]["nodePort"], nodeport["selector"]) == (
        "NodePort",
        30800,
        SERVER_LABELS,
    )


# --- network ------------------------------------------------------------------------------------------

Peer = tuple[str, tuple[tuple[str, str], ...], int, str]  # namespace, pod labels, port, protocol


def _rules(docs: list[Doc], direction: str) -> set[Peer]:
    """The server pods' allowed peers in one direction, over every NetworkPolicy that selects them."""
    peers: set[Peer] = set()
    for policy in (d for d in docs if d["kind"] == "NetworkPolicy"):
        spec = policy["spec"]
        assert spec["podSelector"] == {"matchLabels": SERVER_LABELS}, policy["metadata"]["name"]
        for rule in spec.get(direction, []):
            targets = rule.get("to" if direction == "egress" else "from", [{}])
            for target in targets:
                assert "ipBlock" not in target
                namespace_labels = target.get("namespaceSelector", {}).get("matchLabels", {})
                namespace = (
                    namespace_labels.get("kubernetes.io/metadata.name")
                    or ",".join(f"{k}={v}" for k, v in sorted(namespace_labels.items()))
                    or "*"
                )
                pods = tuple(sorted(target.get("podSelector", {}).get("matchLabels", {}).items()))
                peers.update((namespace, pods, port["port"], port["protocol"]) for port in rule["ports"])
    return peers


DNS: set[Peer] = {
    ("kube-system", (("k8s-app", "kube-dns"),), 53, "UDP"),
    ("kube-system", (("k8s-app", "kube-dns"),), 53, "TCP"),
}


def test_egress_is_dns_plus_the_overlays_metrics_source_and_nothing_else(rendered: dict[str, list[Doc]]) -> None:
    assert _rules(rendered["kepler"], "egress") == DNS | {("kepler", (), 28282, "TCP")}
    assert _rules(rendered["kepler-operator"], "egress") == DNS | {("power-monitor", (), 28282, "TCP")}
    assert _rules(rendered["prometheus"], "egress") == DNS | {("monitoring", (), 9090, "TCP")}
    for variant, docs in rendered.items():
        policies = [d["spec"] for d in docs if d["kind"] == "NetworkPolicy"]
        assert any(set(p["policyTypes"]) == {"Ingress", "Egress"} for p in policies), variant  # default deny


@pytest.mark.parametrize(
    ("variant", "setting"),
    [
        ("kepler", "CARBON_KEPLER_KEPLER_DISCOVER_URL"),
        ("kepler-operator", "CARBON_KEPLER_KEPLER_DISCOVER_URL"),
        ("prometheus", "CARBON_KEPLER_PROMETHEUS_URL"),
    ],
)
def test_the_metrics_source_the_settings_name_is_one_the_egress_policy_admits(
    rendered: dict[str, list[Doc]], variant: str, setting: str
) -> None:
    egress = _rules(rendered[variant], "egress")
    urls = (_pod_env(rendered[variant])[setting] or "").split(",")
    for url in urls:
        parts = urlsplit(url)
        host = parts.hostname or ""
        assert host.endswith(".svc"), url  # a Service name, so a namespace selector can admit it
        namespace = host.split(".")[1]
        assert any(peer[0] == namespace and peer[2] == parts.port for peer in egress), url


def test_ingress_admits_only_the_mcp_port_from_client_namespaces_unless_the_nodeport_is_added(
    rendered: dict[str, list[Doc]],
) -> None:
    clients = {("carbon-kepler-mcp/client=true", (), 8000, "TCP")}
    for variant in OVERLAYS:
        assert _rules(rendered[variant], "ingress") == clients
    assert _rules(rendered["kepler+nodeport"], "ingress") == clients | {("*", (), 8000, "TCP")}


# --- scripts/deploy -----------------------------------------------------------------------------------


def test_scripts_deploy_dry_run_prints_the_overlay_with_the_chosen_image_and_needs_no_cluster(
    rendered: dict[str, list[Doc]], tmp_path: Path
) -> None:
    _kubectl()
    env = {**os.environ, "KUBECONFIG": str(tmp_path / "no-such-kubeconfig")}
    done = subprocess.run(
        [str(REPO / "scripts" / "deploy"), "prometheus", "--dry-run", "--image", "registry.example:5000/ckm:1.2.3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    docs = [doc for doc in yaml.safe_load_all(done.stdout) if doc]
    assert _container(docs)["image"] == "registry.example:5000/ckm:1.2.3"
    _container(docs)["image"] = _container(rendered["prometheus"])["image"]
    assert docs == rendered["prometheus"]  # otherwise exactly the overlay
    assert "# would run:\nkubectl apply -f manifests.yaml" in done.stderr
    assert "rollout status deployment/carbon-kepler-mcp" in done.stderr


def test_scripts_deploy_refuses_an_unknown_overlay_and_an_image_without_a_tag() -> None:
    unknown = subprocess.run([str(REPO / "scripts" / "deploy"), "nope", "--dry-run"], capture_output=True, text=True)
    assert unknown.returncode == 2 and "kepler kepler-operator prometheus" in unknown.stderr
    untagged = subprocess.run(
        [str(REPO / "scripts" / "deploy"), "kepler", "--dry-run", "--image", "ckm"], capture_output=True, text=True
    )
    assert untagged.returncode == 2 and "NAME:TAG" in untagged.stderr


# --- Kepler as its installers install it, every node scraped ----------------------------------------


@pytest.mark.parametrize("variant", ["kepler", "kepler-operator"])
def test_the_headless_service_selects_every_kepler_pod_the_installer_makes_and_the_server_resolves_it(
    rendered: dict[str, list[Doc]], variant: str
) -> None:
    install = KEPLER_INSTALLS[variant]
    service = _one(rendered[variant], "Service", KEPLER_PODS_SERVICE)
    spec = service["spec"]
    assert service["metadata"]["namespace"] == install["namespace"]
    assert spec["clusterIP"] == "None"  # one DNS record per pod, not one address for a random node
    assert spec["publishNotReadyAddresses"] is True  # a Kepler pod that is not ready is named, not dropped
    assert spec["selector"].items() <= install["pod_labels"].items()
    assert [(p["port"], p["targetPort"]) for p in spec["ports"]] == [(install["port"], install["port"])]
    url = urlsplit(_pod_env(rendered[variant])["CARBON_KEPLER_KEPLER_DISCOVER_URL"] or "")
    assert url.hostname == f"{KEPLER_PODS_SERVICE}.{install['namespace']}.svc"
    assert (url.port, url.path) == (install["port"], "/metrics")
    assert "CARBON_KEPLER_KEPLER_ENDPOINTS" not in _pod_env(rendered[variant])


def _with_components(tmp_path: Path, overlay: str, *components: str) -> list[Doc]:
    combo = tmp_path / "combo"
    combo.mkdir()
    resources_line = os.path.relpath(K8S / "overlays" / overlay, combo)
    listed = ", ".join(os.path.relpath(K8S / "components" / c, combo) for c in components)
    (combo / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        f"resources: [{resources_line}]\ncomponents: [{listed}]\n"
    )
    return _render(combo)


def test_the_monitoring_component_adds_the_rules_and_a_servicemonitor_that_can_scrape_the_server(
    tmp_path: Path,
) -> None:
    docs = _with_components(tmp_path, "prometheus", "monitoring")
    rule = _one(docs, "PrometheusRule", "carbon-kepler-mcp-rules")
    assert rule["metadata"]["namespace"] == NAMESPACE
    assert {g["name"] for g in rule["spec"]["groups"]} == {"carbon-kepler.power", "carbon-kepler.windows"}
    monitor = _one(docs, "ServiceMonitor", "carbon-kepler-mcp")
    service = _one(docs, "Service", "carbon-kepler-mcp")
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] in {p["name"] for p in service["spec"]["ports"]}
    assert endpoint["path"] == "/metrics"
    (token,) = [v for v in _container(docs)["env"] if v["name"] == "CARBON_KEPLER_API_TOKEN"]
    credentials = endpoint["authorization"]["credentials"]
    assert credentials == token["valueFrom"]["secretKeyRef"]  # /metrics needs the same token as every route
    assert ("monitoring", (), 8000, "TCP") in _rules(docs, "ingress")
    for doc in docs:
        if doc["kind"] in {"NetworkPolicy", "Service", "Deployment"}:
            kubernetes_validate.validate(doc, KUBERNETES_VERSIONS[-1], strict=True)


def test_the_kepler_servicemonitor_scrapes_the_charts_service_by_its_port_name(tmp_path: Path) -> None:
    docs = _with_components(tmp_path, "kepler", "kepler-servicemonitor")
    monitor = _one(docs, "ServiceMonitor", "carbon-kepler-mcp-kepler")
    install = KEPLER_INSTALLS["kepler"]
    assert monitor["spec"]["namespaceSelector"] == {"matchNames": [install["namespace"]]}
    # the chart's Service carries kepler.labels, which include the selector labels (name=kepler, instance)
    assert monitor["spec"]["selector"]["matchLabels"].items() <= install["pod_labels"].items()
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == "http"  # the chart's Service port name (templates/service.yaml)
    # our own headless Service must not be scraped a second time
    headless = _one(docs, "Service", KEPLER_PODS_SERVICE)
    assert not monitor["spec"]["selector"]["matchLabels"].items() <= headless["metadata"]["labels"].items()


# --- the image, built and run in CI -------------------------------------------------------------------


def test_ci_builds_and_runs_the_image_before_the_suite_and_the_build_cannot_be_skipped() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.index("./scripts/image-check") < ci.index("./scripts/test")
    script = (REPO / "scripts" / "image-check").read_text(encoding="utf-8")
    assert "set -euo pipefail" in script
    assert "--storage-driver vfs" in script and "--isolation chroot" in script
    assert "--build-arg PYTHON_IMAGE=" in script  # the Dockerfile's base is an argument
    assert "skip" not in script.replace("never skips", "")  # a missing tool or a failed build fails CI
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.\d+\.\d+-slim-\w+@sha256:[0-9a-f]{64}$", dockerfile, re.MULTILINE)
