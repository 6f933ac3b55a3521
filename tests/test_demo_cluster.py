"""The demo cluster renders consistent Kepler (≥0.10) metrics and serves them over real HTTP."""

from __future__ import annotations

import dataclasses
import re
import socket
import urllib.error
import urllib.request
from collections import defaultdict

import pytest
from prometheus_client.parser import text_string_to_metric_families

from carbon_kepler_mcp.demo import DemoCluster, DemoExporter, DemoPod, default_cluster, large_cluster
from carbon_kepler_mcp.demo.cluster import K8S_SUFFIX_ALPHABET, POD_ZONES, PROCESS_JOULES, PROCESS_WATTS
from carbon_kepler_mcp.errors import ConfigError, InvalidArgumentError
from carbon_kepler_mcp.kepler import schema

EPOCH = 1_700_000_000.0
NOW = EPOCH + 3_600.0

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]

POD_LABELS = {"pod_id", "pod_name", "pod_namespace", "state", "zone", "node_name"}
NODE_ZONE_LABELS = {"zone", "path", "node_name"}
PROCESS_LABELS = {"pid", "comm", "exe", "type", "container_id", "vm_id", "state", "zone", "node_name"}
CONTAINER_LABELS = {"container_id", "container_name", "pod_id", "runtime", "state", "zone", "node_name"}
DETAIL_FAMILIES = {schema.CONTAINER_JOULES, schema.CONTAINER_WATTS, PROCESS_JOULES, PROCESS_WATTS}
POD_GPU_LABELS = {"pod_id", "pod_name", "pod_namespace", "state", "node_name"}
NODE_GPU_LABELS = {"gpu", "gpu_uuid", "gpu_name", "vendor", "node_name"}
GPU_NODE_FAMILIES = {
    schema.NODE_GPU_INFO,
    schema.NODE_GPU_JOULES,
    schema.NODE_GPU_ACTIVE_JOULES,
    schema.NODE_GPU_IDLE_JOULES,
    schema.NODE_GPU_WATTS,
    schema.NODE_GPU_ACTIVE_WATTS,
    schema.NODE_GPU_IDLE_WATTS,
}
CONTAINER_GPU_LABELS = {"container_id", "container_name", "runtime", "state", "pod_id", "node_name"}
GPU_FAMILIES = {
    schema.POD_GPU_JOULES,
    schema.POD_GPU_WATTS,
    schema.CONTAINER_GPU_JOULES,
    schema.CONTAINER_GPU_WATTS,
    *GPU_NODE_FAMILIES,
}
EXPECTED_LABELS: dict[str, set[str]] = {
    schema.POD_JOULES: POD_LABELS,
    schema.POD_WATTS: POD_LABELS,
    schema.NODE_JOULES: NODE_ZONE_LABELS,
    schema.NODE_WATTS: NODE_ZONE_LABELS,
    schema.NODE_ACTIVE_JOULES: NODE_ZONE_LABELS,
    schema.NODE_ACTIVE_WATTS: NODE_ZONE_LABELS,
    schema.NODE_IDLE_JOULES: NODE_ZONE_LABELS,
    schema.NODE_IDLE_WATTS: NODE_ZONE_LABELS,
    schema.NODE_USAGE_RATIO: {"node_name"},
    schema.BUILD_INFO: {"version", "revision", "branch", "goversion", "arch"},
    schema.NODE_CPU_INFO: {"processor", "vendor_id", "model_name", "physical_id", "core_id", "node_name"},
    PROCESS_JOULES: PROCESS_LABELS,
    PROCESS_WATTS: PROCESS_LABELS,
    schema.CONTAINER_JOULES: CONTAINER_LABELS,
    schema.CONTAINER_WATTS: CONTAINER_LABELS,
    # GPU series, labels as Kepler v0.11.4 docs/user/metrics.md lists them (pod: no zone; node: one set per device)
    schema.POD_GPU_JOULES: POD_GPU_LABELS,
    schema.POD_GPU_WATTS: POD_GPU_LABELS,
    **dict.fromkeys(GPU_NODE_FAMILIES, NODE_GPU_LABELS),
    schema.CONTAINER_GPU_JOULES: CONTAINER_GPU_LABELS,
    schema.CONTAINER_GPU_WATTS: CONTAINER_GPU_LABELS,
}

_S = f"[{K8S_SUFFIX_ALPHABET}]"  # Kubernetes' random-suffix alphabet
NAME_RULES: dict[str, str] = {  # <w> = the workload name
    "Deployment": "^<w>-" + _S + "{1,10}-" + _S + "{5}$",  # <deployment>-<pod-template-hash>-<5>
    "StatefulSet": "^<w>-(0|[1-9][0-9]*)$",  # <statefulset>-<ordinal>
    "DaemonSet": "^<w>-" + _S + "{5}$",  # <daemonset>-<5>
    "Job": "^<w>-" + _S + "{5}$",  # <job>-<5>
    "CronJob": "^<w>-[0-9]{8,}-" + _S + "{5}$",  # <cronjob>-<scheduled minute>-<5>
}
DNS_1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def _samples(text: str) -> Samples:
    out: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return out


def _pod_key(name: str, pod: DemoPod, state: str, zone: str) -> tuple[str, frozenset[tuple[str, str]]]:
    labels = {
        "pod_id": pod.uid,
        "pod_name": pod.name,
        "pod_namespace": pod.namespace,
        "state": state,
        "zone": zone,
        "node_name": pod.node,
    }
    return name, frozenset(labels.items())


def _node_values(samples: Samples, name: str, node: str) -> dict[str, float]:
    return {
        dict(labels)["zone"]: value
        for (sample_name, labels), value in samples.items()
        if sample_name == name and dict(labels)["node_name"] == node
    }


def _check_pod_names(cluster: DemoCluster) -> None:
    for pod in cluster.pods:
        rule = NAME_RULES[pod.workload_kind].replace("<w>", re.escape(pod.workload))
        assert re.fullmatch(rule, pod.name), f"{pod.name} breaks the {pod.workload_kind} naming rule"
        assert DNS_1123_LABEL.fullmatch(pod.name), pod.name
        assert DNS_1123_LABEL.fullmatch(pod.namespace), pod.namespace
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", pod.uid), pod.uid


# --- exposition format and names ------------------------------------------------------------------------


def test_rendered_text_parses_and_uses_exactly_keplers_names_and_labels() -> None:
    text = default_cluster(EPOCH).render(NOW)
    families = list(text_string_to_metric_families(text))
    sample_names = {sample.name for family in families for sample in family.samples}
    assert sample_names == set(schema.CURRENT_FAMILIES) | {schema.NODE_CPU_INFO} | DETAIL_FAMILIES | GPU_FAMILIES
    for family in families:
        expected_type = "counter" if family.name.endswith("_joules") else "gauge"
        assert family.type == expected_type, family.name
        for sample in family.samples:
            assert set(sample.labels) == EXPECTED_LABELS[sample.name], sample.name
            if "zone" in sample.labels:
                assert sample.labels["zone"] in POD_ZONES
            if "state" in sample.labels:
                assert sample.labels["state"] in {schema.STATE_RUNNING, schema.STATE_TERMINATED}


def test_every_family_has_one_help_and_one_type_line() -> None:
    text = large_cluster(EPOCH, 50, process_lines_per_pod=1).render(NOW)
    helps = [line.split()[2] for line in text.splitlines() if line.startswith("# HELP ")]
    types = [line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")]
    assert helps == types
    assert len(helps) == len(set(helps))
    # the benchmark cluster has process series but no container series and no GPU
    assert set(helps) == set(EXPECTED_LABELS) - {schema.CONTAINER_JOULES, schema.CONTAINER_WATTS} - GPU_FAMILIES
    default_text = default_cluster(EPOCH).render(NOW)
    default_helps = [line.split()[2] for line in default_text.splitlines() if line.startswith("# HELP ")]
    assert len(default_helps) == len(set(default_helps)) == len(EXPECTED_LABELS)
    assert text.endswith("\n")


def test_label_values_are_escaped() -> None:
    base = default_cluster(EPOCH)
    node = base.nodes[0]
    odd_node = dataclasses.replace(node, cpu_model='Weird "CPU" \\ model\nline two')
    cluster = DemoCluster(nodes=(odd_node, *base.nodes[1:]), pods=base.pods, epoch=EPOCH)
    infos = [
        sample.labels["model_name"]
        for family in text_string_to_metric_families(cluster.render(NOW))
        if family.name == schema.NODE_CPU_INFO
        for sample in family.samples
    ]
    assert 'Weird "CPU" \\ model\nline two' in infos


def test_render_is_a_pure_function_of_now() -> None:
    cluster = default_cluster(EPOCH)
    assert cluster.render(NOW) == cluster.render(NOW) == default_cluster(EPOCH).render(NOW)
    assert cluster.render(NOW) != cluster.render(NOW + 1.0)


# --- power model -----------------------------------------------------------------------------------------


def test_counters_increase_consistently_with_watts() -> None:
    cluster = default_cluster(EPOCH)
    t1, t2 = NOW, NOW + 15.0
    s1, s2 = _samples(cluster.render(t1)), _samples(cluster.render(t2))
    assert set(s1) == set(s2)
    for key, value in s1.items():
        if key[0].endswith("_joules_total"):
            assert s2[key] >= value, key
    running = [pod for pod in cluster.pods if cluster.is_running(pod, t1)]
    assert len(running) == 17
    for pod in running:
        for zone in POD_ZONES:
            joules = _pod_key(schema.POD_JOULES, pod, "running", zone)
            watts = _pod_key(schema.POD_WATTS, pod, "running", zone)
            assert (s2[joules] - s1[joules]) / (t2 - t1) == pytest.approx(s2[watts], rel=1e-9)
            assert s1[watts] == pytest.approx(pod.zone_watts(zone))
            assert s1[joules] == pytest.approx(pod.zone_watts(zone) * (t1 - EPOCH), rel=1e-12)


def test_node_counters_increase_consistently_with_node_watts() -> None:
    cluster = default_cluster(EPOCH)
    t1, t2 = NOW, NOW + 60.0
    s1, s2 = _samples(cluster.render(t1)), _samples(cluster.render(t2))
    pairs = [
        (schema.NODE_JOULES, schema.NODE_WATTS),
        (schema.NODE_ACTIVE_JOULES, schema.NODE_ACTIVE_WATTS),
        (schema.NODE_IDLE_JOULES, schema.NODE_IDLE_WATTS),
    ]
    for node in cluster.nodes:
        for joules_name, watts_name in pairs:
            j1 = _node_values(s1, joules_name, node.name)
            j2 = _node_values(s2, joules_name, node.name)
            w = _node_values(s2, watts_name, node.name)
            for zone in POD_ZONES:
                assert (j2[zone] - j1[zone]) / (t2 - t1) == pytest.approx(w[zone], rel=1e-9)


def test_terminated_pods_report_zero_watts_and_frozen_counters() -> None:
    cluster = default_cluster(EPOCH)
    (done,) = [pod for pod in cluster.pods if pod.state == "terminated"]
    assert done.name.startswith("nightly-report-") and done.ended_offset_seconds == 30.0
    s1, s2 = _samples(cluster.render(NOW)), _samples(cluster.render(NOW + 600.0))
    for zone in POD_ZONES:
        joules = _pod_key(schema.POD_JOULES, done, "terminated", zone)
        watts = _pod_key(schema.POD_WATTS, done, "terminated", zone)
        assert s1[watts] == s2[watts] == 0.0
        assert s1[joules] == s2[joules] == pytest.approx(done.zone_watts(zone) * 30.0)
        assert _pod_key(schema.POD_JOULES, done, "running", zone) not in s1
    # before its end the same pod is still running
    early = _samples(cluster.render(EPOCH + 10.0))
    assert early[_pod_key(schema.POD_WATTS, done, "running", schema.ZONE_PACKAGE)] == done.package_watts


def test_node_active_watts_is_the_sum_of_its_running_pods_and_total_adds_idle() -> None:
    cluster = default_cluster(EPOCH)
    samples = _samples(cluster.render(NOW))
    expected_active = {"kr-seoul-cpu-1": (81.7, 20.8), "kr-seoul-cpu-2": (77.2, 13.3), "kr-seoul-gpu-1": (333.7, 56.8)}
    for node in cluster.nodes:
        active = _node_values(samples, schema.NODE_ACTIVE_WATTS, node.name)
        idle = _node_values(samples, schema.NODE_IDLE_WATTS, node.name)
        total = _node_values(samples, schema.NODE_WATTS, node.name)
        running = [pod for pod in cluster.pods_on(node.name) if cluster.is_running(pod, NOW)]
        for zone in POD_ZONES:
            assert active[zone] == pytest.approx(sum(pod.zone_watts(zone) for pod in running))
            assert idle[zone] == pytest.approx(node.idle_zone_watts(zone))
            assert total[zone] == pytest.approx(active[zone] + idle[zone])
        package, dram = expected_active[node.name]
        assert (active["package"], active["dram"]) == (pytest.approx(package), pytest.approx(dram))
        ratio = samples[(schema.NODE_USAGE_RATIO, frozenset({("node_name", node.name)}))]
        assert ratio == pytest.approx(sum(pod.cpu_usage_cores for pod in running) / node.cores)
        # active energy = the pods' energy on the node (terminated pods included); idle = idle W × uptime
        active_j = _node_values(samples, schema.NODE_ACTIVE_JOULES, node.name)
        idle_j = _node_values(samples, schema.NODE_IDLE_JOULES, node.name)
        total_j = _node_values(samples, schema.NODE_JOULES, node.name)
        for zone in POD_ZONES:
            pods_j = sum(pod.zone_watts(zone) * cluster.run_seconds(pod, NOW) for pod in cluster.pods_on(node.name))
            assert active_j[zone] == pytest.approx(pods_j)
            assert idle_j[zone] == pytest.approx(node.idle_zone_watts(zone) * (NOW - EPOCH))
            assert total_j[zone] == pytest.approx(active_j[zone] + idle_j[zone])


def test_core_and_uncore_lie_inside_package_for_every_pod() -> None:
    samples = _samples(large_cluster(EPOCH, 300, seed=3).render(NOW))
    by_pod: dict[str, dict[str, float]] = defaultdict(dict)
    for (name, labels), value in samples.items():
        if name == schema.POD_WATTS:
            label_map = dict(labels)
            by_pod[label_map["pod_id"]][label_map["zone"]] = value
    assert len(by_pod) == 300
    for zones in by_pod.values():
        assert zones["core"] + zones["uncore"] <= zones["package"] + 1e-12
        assert zones["dram"] >= 0.0


def test_default_cluster_matches_the_documented_workload_power() -> None:
    cluster = default_cluster(EPOCH)
    it_power: dict[tuple[str, str], float] = defaultdict(float)
    for pod in cluster.pods:
        if cluster.is_running(pod, NOW):
            it_power[(pod.namespace, pod.workload)] += pod.it_watts
    assert it_power == pytest.approx(
        {
            ("ai-team", "ml-training-job"): 386.0,
            ("ai-team", "jupyter-lab"): 8.0,
            ("production", "web-app"): 39.0,
            ("production", "api-gateway"): 42.0,
            ("production", "postgres"): 33.0,
            ("batch", "nightly-report"): 44.0,
            ("monitoring", "prometheus"): 18.0,
            ("monitoring", "node-exporter"): 4.5,
            ("kepler-system", "kepler"): 9.0,
        }
    )
    assert sum(it_power.values()) == pytest.approx(583.5)
    pues = {node.name: node.pue for node in cluster.nodes}
    assert pues == {"kr-seoul-cpu-1": 1.25, "kr-seoul-cpu-2": 1.25, "kr-seoul-gpu-1": 1.6}
    assert {pod.node for pod in cluster.pods if pod.workload == "ml-training-job"} == {"kr-seoul-gpu-1"}
    for workload in ("node-exporter", "kepler"):
        assert sorted(pod.node for pod in cluster.pods if pod.workload == workload) == sorted(pues)


# --- names ------------------------------------------------------------------------------------------------


def test_every_demo_pod_name_follows_the_kubernetes_rule_of_its_workload_kind() -> None:
    cluster = default_cluster(EPOCH)
    _check_pod_names(cluster)
    assert {pod.workload_kind for pod in cluster.pods} == set(NAME_RULES)
    cron_runs = {pod.name.split("-")[2] for pod in cluster.pods if pod.workload_kind == "CronJob"}
    assert len(cron_runs) == 2


def test_every_large_cluster_pod_name_follows_the_kubernetes_rule_of_its_workload_kind() -> None:
    cluster = large_cluster(EPOCH, 1000, seed=11)
    _check_pod_names(cluster)
    assert len({(pod.namespace, pod.name) for pod in cluster.pods}) == 1000


# --- container and process detail ---------------------------------------------------------------------------


def _by_family(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    return [(dict(labels), value) for (sample, labels), value in _samples(text).items() if sample == name]


def test_containers_add_up_to_their_pod_in_every_zone_for_watts_and_joules() -> None:
    cluster = default_cluster(EPOCH)
    text = cluster.render(NOW)
    for family, pod_family in (
        (schema.CONTAINER_WATTS, schema.POD_WATTS),
        (schema.CONTAINER_JOULES, schema.POD_JOULES),
    ):
        containers: dict[tuple[str, str], float] = defaultdict(float)
        for labels, value in _by_family(text, family):
            containers[(labels["pod_id"], labels["zone"])] += value
        pods = {(labels["pod_id"], labels["zone"]): value for labels, value in _by_family(text, pod_family)}
        assert containers.keys() == pods.keys()
        for key, value in pods.items():
            assert containers[key] == pytest.approx(value), (family, key)
    web = next(p for p in cluster.pods if p.name == "web-app-7d9f8b6c5-kx2vq")
    shares = {
        labels["container_name"]: value
        for labels, value in _by_family(text, schema.CONTAINER_WATTS)
        if labels["pod_id"] == web.uid and labels["zone"] == "package"
    }
    assert shares == {"web": pytest.approx(0.75 * 11), "envoy": pytest.approx(0.25 * 11)}


def test_processes_add_up_to_their_container_and_carry_keplers_process_labels() -> None:
    text = default_cluster(EPOCH).render(NOW)
    for family, container_family in (
        (PROCESS_WATTS, schema.CONTAINER_WATTS),
        (PROCESS_JOULES, schema.CONTAINER_JOULES),
    ):
        processes: dict[tuple[str, str], float] = defaultdict(float)
        for labels, value in _by_family(text, family):
            assert labels["type"] == "container" and labels["vm_id"] == ""
            processes[(labels["container_id"], labels["zone"])] += value
        containers = {
            (labels["container_id"], labels["zone"]): value for labels, value in _by_family(text, container_family)
        }
        assert processes.keys() == containers.keys()
        for key, value in containers.items():
            assert processes[key] == pytest.approx(value), (family, key)


def test_pids_are_unique_on_each_node_and_container_ids_are_unique() -> None:
    text = default_cluster(EPOCH).render(NOW)
    per_node: dict[str, set[str]] = defaultdict(set)
    owners: dict[tuple[str, str], str] = {}
    for labels, _ in _by_family(text, PROCESS_WATTS):
        key = (labels["node_name"], labels["pid"])
        assert owners.setdefault(key, labels["container_id"]) == labels["container_id"], key
        per_node[labels["node_name"]].add(labels["pid"])
    assert sum(len(pids) for pids in per_node.values()) == len(owners)
    ids = {(labels["container_id"], labels["pod_id"]) for labels, _ in _by_family(text, schema.CONTAINER_WATTS)}
    assert len({container_id for container_id, _ in ids}) == len(ids)
    assert all(re.fullmatch(r"[0-9a-f]{64}", container_id) for container_id, _ in ids)


def test_containers_of_a_terminated_pod_draw_nothing_and_keep_their_energy() -> None:
    cluster = default_cluster(EPOCH)
    finished = next(p for p in cluster.pods if p.state == "terminated")
    text = cluster.render(NOW)
    watts = [
        (labels, value)
        for labels, value in _by_family(text, schema.CONTAINER_WATTS)
        if labels["pod_id"] == finished.uid
    ]
    joules = [
        (labels, value)
        for labels, value in _by_family(text, schema.CONTAINER_JOULES)
        if labels["pod_id"] == finished.uid
    ]
    assert watts and all(labels["state"] == "terminated" and value == 0 for labels, value in watts)
    package = sum(value for labels, value in joules if labels["zone"] == "package")
    assert package == pytest.approx(38.0 * 30)  # 38 W package for the 30 s it ran after Kepler booted
    assert text == cluster.render(NOW)


def test_the_benchmark_cluster_still_renders_no_container_series() -> None:
    text = large_cluster(EPOCH, 20, process_lines_per_pod=1).render(NOW)
    assert schema.CONTAINER_WATTS not in text and schema.CONTAINER_JOULES not in text
    assert sum(1 for line in text.splitlines() if line.startswith(PROCESS_WATTS + "{")) == 20


# --- benchmark cluster -----------------------------------------------------------------------------------


def test_large_cluster_renders_at_least_40000_samples_deterministically() -> None:
    first = large_cluster(EPOCH, pod_count=4000, process_lines_per_pod=2, seed=7)
    text = first.render(NOW)
    samples = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
    assert samples >= 40_000
    assert len(first.pods) == 4000
    assert len({pod.namespace for pod in first.pods}) >= 50
    assert text == large_cluster(EPOCH, pod_count=4000, process_lines_per_pod=2, seed=7).render(NOW)
    assert text != large_cluster(EPOCH, pod_count=4000, process_lines_per_pod=2, seed=8).render(NOW)
    parsed = _samples(text)
    assert len(parsed) == samples


def test_large_cluster_node_count_puts_every_pod_on_that_many_nodes_with_eight_pod_samples_each() -> None:
    cluster = large_cluster(EPOCH, pod_count=250, node_count=3)
    assert [node.name for node in cluster.nodes] == ["bench-node-000", "bench-node-001", "bench-node-002"]
    assert {pod.node for pod in cluster.pods} == {node.name for node in cluster.nodes}
    lines = [line for line in cluster.render(NOW).splitlines() if line and not line.startswith("#")]
    pod_lines = [line for line in lines if line.startswith(("kepler_pod_cpu_watts{", "kepler_pod_cpu_joules_total{"))]
    assert len(pod_lines) == 250 * 2 * 4  # four zones in both families, no process series
    assert not [line for line in lines if line.startswith(("kepler_process_", "kepler_container_"))]
    with pytest.raises(InvalidArgumentError):
        large_cluster(EPOCH, pod_count=10, node_count=0)


# --- HTTP exporter ---------------------------------------------------------------------------------------


def test_demo_exporter_serves_metrics_over_real_http_and_404_elsewhere(capfd: pytest.CaptureFixture[str]) -> None:
    cluster = default_cluster(EPOCH)
    with DemoExporter(cluster, clock=lambda: NOW) as exporter:
        assert re.fullmatch(r"http://127\.0\.0\.1:[0-9]+/metrics", exporter.url)
        assert exporter.port != 0
        with urllib.request.urlopen(exporter.url, timeout=5) as response:
            assert response.status == 200
            assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
            assert response.read().decode("utf-8") == cluster.render(NOW)
        head = urllib.request.Request(exporter.url, method="HEAD")
        with urllib.request.urlopen(head, timeout=5) as response:
            assert response.status == 200
            assert int(response.headers["Content-Length"]) == len(cluster.render(NOW).encode())
            assert response.read() == b""
        root = exporter.url.removesuffix("metrics")
        with urllib.request.urlopen(root, timeout=5) as response:
            assert b"/metrics" in response.read()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(root + "nope", timeout=5)
        assert missing.value.code == 404
        missing.value.close()
    assert capfd.readouterr().err == ""  # no access log line per request


def test_demo_exporter_reports_a_busy_port_as_a_config_error() -> None:
    with DemoExporter(default_cluster(EPOCH)) as first:
        second = DemoExporter(default_cluster(EPOCH), port=first.port)
        with pytest.raises(ConfigError, match="choose another"):
            second.start()


def test_demo_exporter_releases_its_port_after_stop() -> None:
    exporter = DemoExporter(default_cluster(EPOCH), clock=lambda: NOW)
    exporter.start()
    url, port = exporter.url, exporter.port
    with urllib.request.urlopen(url, timeout=5) as response:
        response.read()
    exporter.stop()
    exporter.stop()  # idempotent
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=5)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
        probe.listen()
    with DemoExporter(default_cluster(EPOCH), port=port, clock=lambda: NOW) as again:
        assert again.url == url
