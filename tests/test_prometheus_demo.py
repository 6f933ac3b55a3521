"""The demo served like a cluster: kube-state-metrics and cAdvisor series, per-node endpoints, history."""

from __future__ import annotations

import urllib.request
from datetime import datetime
from zoneinfo import ZoneInfo

from prometheus_client.parser import text_string_to_metric_families

from carbon_kepler_mcp.demo import default_cluster
from carbon_kepler_mcp.demo.cluster_state import PAUSE_CPU_CORES, render_cadvisor, render_kube_state_metrics
from carbon_kepler_mcp.demo.history import CRON_NAME, history_cluster, history_instants, openmetrics_lines
from carbon_kepler_mcp.demo.multi import JOB_CADVISOR, JOB_KEPLER, JOB_KSM, DemoEndpoints, renderers

EPOCH = 1_700_000_000.0
NOW = EPOCH + 3_600.0


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_kube_state_metrics_names_each_pods_owner_chain_and_cpu_request() -> None:
    samples = _samples(render_kube_state_metrics(default_cluster(EPOCH), NOW))
    owners = {
        dict(k)["pod"]: (dict(k)["owner_kind"], dict(k)["owner_name"]) for (n, k) in samples if n == "kube_pod_owner"
    }
    assert owners["web-app-7d9f8b6c5-kx2vq"] == ("ReplicaSet", "web-app-7d9f8b6c5")
    assert owners["nightly-report-29113920-q7w4z"] == ("Job", "nightly-report-29113920")
    assert owners["node-exporter-4wz8k"] == ("DaemonSet", "node-exporter")
    replicasets = {dict(k)["replicaset"]: dict(k)["owner_name"] for (n, k) in samples if n == "kube_replicaset_owner"}
    assert replicasets == {"web-app-7d9f8b6c5": "web-app", "api-gateway-5c8b7d4f9": "api-gateway"}
    jobs = {dict(k)["job_name"]: dict(k)["owner_name"] for (n, k) in samples if n == "kube_job_owner"}
    assert jobs == {"nightly-report-29113920": "nightly-report", "nightly-report-29112480": "nightly-report"}
    requests = {dict(k)["pod"]: v for (n, k), v in samples.items() if n == "kube_pod_container_resource_requests"}
    assert requests["jupyter-lab-0"] == 4.0
    capacity = {dict(k)["node"]: v for (n, k), v in samples.items() if n == "kube_node_status_capacity"}
    assert capacity == {"kr-seoul-cpu-1": 64.0, "kr-seoul-cpu-2": 64.0, "kr-seoul-gpu-1": 96.0}


def test_cadvisor_counts_cpu_seconds_since_the_pod_started_and_exports_the_cgroups_that_must_be_filtered() -> None:
    samples = _samples(render_cadvisor(default_cluster(EPOCH), NOW))
    lab = {dict(k)["container"]: v for (_, k), v in samples.items() if dict(k)["pod"] == "jupyter-lab-0"}
    seconds = 86_400 + 3_600  # started a day before the epoch, read an hour after it
    assert lab["jupyter-lab"] == 0.6 * seconds
    assert lab["POD"] == PAUSE_CPU_CORES * seconds
    assert lab[""] == lab["jupyter-lab"] + lab["POD"]  # the pod cgroup double counts without a filter
    assert not any(dict(k)["pod"] == "nightly-report-29112480-b5n8d" for (_, k) in samples)  # finished pods: none


def test_each_node_gets_its_own_kepler_endpoint_and_prometheus_can_scrape_them_all() -> None:
    cluster = default_cluster(EPOCH)
    with DemoEndpoints(cluster, clock=lambda: NOW) as endpoints:
        jobs = sorted((e.job, e.name) for e in endpoints.endpoints)
        assert jobs == sorted(
            [(JOB_KEPLER, n.name) for n in cluster.nodes] + [(JOB_KSM, JOB_KSM), (JOB_CADVISOR, JOB_CADVISOR)]
        )
        gpu = next(e for e in endpoints.endpoints if e.name == "kr-seoul-gpu-1")
        with urllib.request.urlopen(gpu.url, timeout=5) as response:
            text = response.read().decode()
        pods = {dict(k)["pod_name"] for (n, k) in _samples(text) if n == "kepler_pod_cpu_joules_total"}
        assert pods == {"ml-training-job-x7k2p", "ml-training-job-r9t4m", "node-exporter-c6vjq", "kepler-v5gzq"}
        config = endpoints.prometheus_config("1s")
        assert config.count("- job_name:") == 3 and gpu.target in config


def test_the_history_cluster_runs_its_cronjob_daily_at_the_local_hour() -> None:
    end = datetime(2026, 4, 15, 12, 0, tzinfo=ZoneInfo("Asia/Seoul")).timestamp()
    cluster = history_cluster(end, 3, cron_hour_local=1, run_minutes=90)
    runs = sorted((p for p in cluster.pods if p.workload == CRON_NAME), key=lambda p: p.started_offset_seconds)
    starts = [datetime.fromtimestamp(cluster.epoch + p.started_offset_seconds, ZoneInfo("Asia/Seoul")) for p in runs]
    assert {s.hour for s in starts} == {1} and {s.minute for s in starts} == {0}
    assert all((p.ended_offset_seconds or 0) - p.started_offset_seconds == 5_400 for p in runs)
    assert [s.day for s in starts] == [13, 14, 15, 16, 17]  # from the first day of history to two days ahead


def test_history_lines_carry_the_scrape_labels_and_timestamps() -> None:
    cluster = default_cluster(EPOCH)
    instances = {key: f"127.0.0.1:{9000 + i}" for i, key in enumerate(renderers(cluster))}
    lines = list(openmetrics_lines(cluster, instances, [int(NOW)]))
    assert lines[-1] == "# EOF"
    ksm = next(line for line in lines if line.startswith("kube_node_status_capacity{"))
    assert ksm.startswith('kube_node_status_capacity{job="kube-state-metrics",instance="127.0.0.1:') and ksm.endswith(
        f" {int(NOW)}"
    )
    assert history_instants(0, 7_200, coarse_step=600, fine_step=60, fine_seconds=600)[:3] == [0, 600, 1200]
    assert history_instants(0, 7_200, coarse_step=600, fine_step=60, fine_seconds=600)[-2:] == [7_140, 7_200]
