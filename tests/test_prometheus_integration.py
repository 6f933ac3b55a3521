"""The Prometheus source against a real Prometheus (the Debian binary) scraping the demo cluster.

The fixture serves the demo the way a cluster exposes itself (one Kepler endpoint per node, kube-state-
metrics, cAdvisor), backfills three days of the same cluster's history with ``promtool tsdb
create-blocks-from openmetrics``, and starts Prometheus scraping every endpoint every second. A second,
scrape-less Prometheus holds hand-made faults (a Kepler restart, a node that stopped reporting, a legacy
Kepler) evaluated at a pinned instant.

Hand-computed inputs, from the demo cluster's table: web-app = 3 pods × (11 + 2) W on kr-seoul-cpu-1 (2) and
kr-seoul-cpu-2 (1); ml-training-job = 2 × (165 + 28) W on kr-seoul-gpu-1; jupyter-lab requests 4 cores and
uses 0.6, on kr-seoul-cpu-2 whose idle draw is 78 + 9 W over 64 cores; nightly-report runs daily at 01:00
KST for 90 minutes at 38 + 6 W.
"""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.demo.cluster import DemoCluster
from carbon_kepler_mcp.demo.history import history_cluster, history_instants, write_openmetrics
from carbon_kepler_mcp.demo.multi import JOB_KEPLER, DemoEndpoints, node_cluster, renderers
from carbon_kepler_mcp.domain.names import escape_promql_string
from carbon_kepler_mcp.errors import InvalidNameError, UnknownNamespaceError
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.kepler import KeplerSource
from carbon_kepler_mcp.sources.prometheus import PrometheusSource
from tests.prometheus_server import (
    PrometheusProcess,
    backfill,
    backfilled_prometheus,
    binaries,
    start_prometheus,
    wait_for,
)
from tests.tools import tools

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

HISTORY_DAYS = 3
WEB_WATTS = 3 * (11 + 2)
TRAINING_WATTS = 2 * (165 + 28 + 240)  # CPU package + dram + GPU (kepler_pod_gpu_joules_total) of both pods
CRON_WATTS = 38 + 6
KOREA_FACTOR = 417.3
CPU2_IDLE_WATTS_PER_CORE = (78 + 9) / 64

# Why 2 %: the demo's power is constant, so the direct scrape's instant watts are exact, while Prometheus
# computes energy / window from samples. Inside a 1 h window the backfilled samples are 60 s apart and the live
# scrapes 1 s apart; increase() extrapolates to the window's start only when the first sample is within 1.1
# average intervals of it, and otherwise by half an interval, so up to one backfill step (60 s of 3,600 s =
# 1.7 %) of energy can be missing at the start, plus a fraction of a second at the end. Scrape alignment (the
# scrape happens up to 1 s before the evaluation instant) adds < 0.03 %. Nothing else differs: the same pods,
# zones (package + dram) and counters.
AGREEMENT_TOLERANCE = 0.02


@dataclass
class LiveDemo:
    prometheus: PrometheusProcess
    cluster: DemoCluster
    endpoints: DemoEndpoints


@pytest.fixture(scope="module")
def live_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDemo]:
    prometheus_bin, promtool = binaries()
    workdir = tmp_path_factory.mktemp("prometheus")
    data = workdir / "data"
    data.mkdir()
    end = float(int(time.time()))
    cluster = history_cluster(end, HISTORY_DAYS, cron_hour_local=1)
    with DemoEndpoints(cluster) as endpoints:
        instances = {(e.job, e.name): e.target for e in endpoints.endpoints}
        history = workdir / "history.om"
        write_openmetrics(history, cluster, instances, history_instants(end - HISTORY_DAYS * 86_400, end))
        backfill(promtool, history, data)
        running = start_prometheus(prometheus_bin, endpoints.prometheus_config("1s"), data, workdir)
        try:
            # Wait until every endpoint has been scraped live at least twice.
            wait_for(running, "count_over_time(kepler_node_cpu_joules_total{zone='package'}[30s] ) > 2", minimum=3)
            wait_for(running, "count_over_time(kube_pod_owner[30s]) > 2", minimum=10)
            wait_for(running, "count_over_time(container_cpu_usage_seconds_total[30s]) > 2", minimum=10)
            yield LiveDemo(running, cluster, endpoints)
        finally:
            running.stop()


@pytest.fixture
async def prometheus_service(live_demo: LiveDemo) -> AsyncIterator[AppContext]:
    source = PrometheusSource(live_demo.prometheus.url, cache_ttl_seconds=0)
    service = AppContext(source, load_reference_data(), AppConfig())
    try:
        yield service
    finally:
        await service.aclose()


def _instant(url: str, query: str) -> list[tuple[dict[str, str], str]]:
    """An instant query straight to Prometheus's API: (labels, value) per series."""
    with urllib.request.urlopen(f"{url}/api/v1/query?" + urllib.parse.urlencode({"query": query}), timeout=10) as r:
        body = json.loads(r.read())
    assert body["status"] == "success", body
    return [(dict(row["metric"]), str(row["value"][1])) for row in body["data"]["result"]]


async def test_direct_scrape_and_prometheus_agree_on_constant_workloads_within_two_percent(
    live_demo: LiveDemo, prometheus_service: AppContext
) -> None:
    kepler_urls = [e.url for e in live_demo.endpoints.endpoints if e.job == JOB_KEPLER]
    direct = AppContext(KeplerSource(kepler_urls, cache_ttl_seconds=0), load_reference_data(), AppConfig())
    try:
        for workload, namespace, watts in (
            ("web-app", "production", WEB_WATTS),
            ("ml-training-job", "ai-team", TRAINING_WATTS),
        ):
            instant = await tools(direct).assess(workload, namespace)
            windowed = await tools(prometheus_service).assess(workload, namespace)
            assert instant.current_power_watts == pytest.approx(watts)
            assert windowed.current_power_watts == pytest.approx(instant.current_power_watts, rel=AGREEMENT_TOLERANCE)
            assert windowed.current_power_watts <= watts * 1.001  # extrapolation can only lose energy here
    finally:
        await direct.aclose()


async def test_a_windowed_answer_reports_its_window_nodes_pods_and_the_promql_behind_it(
    live_demo: LiveDemo, prometheus_service: AppContext
) -> None:
    result = await tools(prometheus_service).assess("web-app", "production", window="30m")
    assert result.window_seconds == 1800
    assert result.node_count == 2  # kr-seoul-cpu-1 and kr-seoul-cpu-2
    assert result.pod_count == 3
    assert result.coverage is not None and result.coverage.promql is not None
    assert result.data_source.kind == "prometheus" and result.data_source.window_seconds == 1800
    assert any("increase(kepler_pod_cpu_joules_total" in q for q in result.data_source.queries)
    # The query shown in the answer, pasted into Prometheus, gives the answer's window energy.
    coverage = result.coverage
    ((_, value),) = _instant(live_demo.prometheus.url, coverage.promql)
    assert coverage.window_energy_joules is not None
    # (Live 1 s samples keep arriving: the answer may predate the newest sample at window_end by its ingestion.)
    assert float(value) == pytest.approx(coverage.window_energy_joules, abs=2 * WEB_WATTS)
    # web-app's three pods ran the whole 30 min at a constant WEB_WATTS. Each pod is counted from its first sample
    # visible in the window: backfilled samples are 60 s apart and the subquery steps 15 s, so up to 75 s of the
    # window's start can go uncounted (its energy and its time alike); the end is the latest live 1 s sample.
    assert coverage.covered_seconds is not None and 1800 - 75 <= coverage.covered_seconds <= 1800
    assert WEB_WATTS * (1800 - 75) <= coverage.window_energy_joules <= WEB_WATTS * 1800
    assert coverage.average_power_watts == pytest.approx(WEB_WATTS, rel=75 / 1800)
    assert result.current_power_watts == pytest.approx(WEB_WATTS, rel=1e-3)


async def test_owner_references_from_kube_state_metrics_name_the_real_controllers(
    prometheus_service: AppContext,
) -> None:
    listing = await tools(prometheus_service).list_workloads("monitoring")
    kinds = {w.workload: w.kind for w in listing.workloads}
    # By pod name alone node-exporter-4wz8k looks like a Job's pod; kube_pod_owner says DaemonSet.
    assert kinds == {"node-exporter": "DaemonSet", "prometheus": "StatefulSet"}
    assert "kube-state-metrics" in listing.notes[0]
    web = await tools(prometheus_service).assess("web-app", "production")
    assert web.workload_kind == "Deployment"
    assert "3 pods attributed to Deployment 'web-app' by owner metadata" in web.resolution


async def test_right_sizing_compares_real_requests_with_real_usage(prometheus_service: AppContext) -> None:
    result = await tools(prometheus_service).assess("jupyter-lab", "ai-team")
    detail = result.rightsizing
    assert detail is not None and detail.quantified
    (pod,) = detail.pods
    assert pod.request_cores == 4.0
    assert pod.usage_p95_cores == pytest.approx(0.6, rel=0.02)
    # recommended = 0.6 × 1.15 = 0.69 cores; freed = 4 − 0.69 = 3.31 cores.
    assert pod.recommended_cores == pytest.approx(0.69, abs=0.015)
    assert pod.freed_cores == pytest.approx(3.31, abs=0.015)
    assert pod.idle_watts_per_core == pytest.approx(CPU2_IDLE_WATTS_PER_CORE, rel=AGREEMENT_TOLERANCE)
    # released = 3.31 × 1.359375 = 4.4995 W; footprint = 8 W + 4 × 1.359375 = 13.4375 W → 33.5 %.
    assert detail.released_idle_watts == pytest.approx(4.4995, rel=0.03)
    sizing = next(o for o in result.optimizations if o.type == "resource_rightsizing")
    assert sizing.quantified
    assert sizing.estimated_reduction_percent == pytest.approx(33.48, abs=1.0)


async def test_compare_and_assess_value_the_same_right_sizing_the_same(prometheus_service: AppContext) -> None:
    assessed = await tools(prometheus_service).assess("jupyter-lab", "ai-team")
    sizing = next(o for o in assessed.optimizations if o.type == "resource_rightsizing")
    compared = await tools(prometheus_service).compare("jupyter-lab", "ai-team", ["resource_rightsizing"])
    (impact,) = compared.impacts
    # Both give the released node idle power × PUE × grid (4.4995 W × 1.25 × 417.3 ≈ 2.35 g/h) as the saving.
    assert sizing.estimated_savings_gCO2eq_hour is not None
    assert impact.parameters["node_idle_saving_gCO2eq_hour"] == pytest.approx(
        sizing.estimated_savings_gCO2eq_hour, abs=0.01
    )
    # Without an idle allocation that idle power is in no workload's figure: the workload's own 8 W still run, so
    # its emissions do not fall below what they are (no optimised figure below what the unchanged part emits).
    assert compared.optimized_emissions_gCO2eq_hour == compared.current_emissions_gCO2eq_hour
    assert compared.estimated_cost_savings_usd_month > 0  # the node's energy is saved all the same
    # With the idle power shared by CPU request, the jupyter pod's figure holds its share of kr-seoul-cpu-2's idle
    # power, which covers the 4.5 W released: its emissions fall by exactly the node saving.
    shared = await tools(prometheus_service).compare(
        "jupyter-lab", "ai-team", ["resource_rightsizing"], idle_allocation="cpu_request"
    )
    saved = shared.current_emissions_gCO2eq_hour - shared.optimized_emissions_gCO2eq_hour
    assert saved == pytest.approx(sizing.estimated_savings_gCO2eq_hour, abs=0.01)
    assert shared.optimized_emissions_gCO2eq_hour >= 8 / 1000 * 1.25 * 417.3  # never below its active 8 W


async def test_the_observed_schedule_is_when_the_cronjob_actually_ran(prometheus_service: AppContext) -> None:
    result = await tools(prometheus_service).schedule("nightly-report", "batch", duration_hours=1.5)
    observed = result.observed_schedule
    assert observed is not None
    assert result.current_window_basis == "observed"
    assert observed.typical_start_local == "01:00"
    assert observed.runs_observed >= HISTORY_DAYS - 1
    assert observed.average_run_hours == pytest.approx(1.5, abs=0.1)
    assert observed.power_while_running_watts == pytest.approx(CRON_WATTS, rel=AGREEMENT_TOLERANCE)
    assert datetime.fromisoformat(result.current_window_start).hour == 1
    assert result.power_watts == pytest.approx(CRON_WATTS, rel=AGREEMENT_TOLERANCE)
    assert "query_range" not in observed.query and "nightly-report" in observed.query


async def test_hostile_label_values_stay_inside_their_string_literal_on_a_real_prometheus(
    live_demo: LiveDemo, prometheus_service: AppContext
) -> None:
    for hostile in ('"} or vector(1) #', 'a"}) or vector(1', "\\", 'x\\"}', "{}{", "prod\n} or vector(1)"):
        query = f"count(kepler_pod_cpu_joules_total{{pod_namespace={escape_promql_string(hostile)}}}) or vector(0)"
        ((_, value),) = _instant(live_demo.prometheus.url, query)
        assert value == "0"  # matched nothing, injected nothing
        with pytest.raises(InvalidNameError):
            await tools(prometheus_service).assess("web-app", hostile)
        with pytest.raises(InvalidNameError):
            await tools(prometheus_service).assess(hostile, "production")


async def test_an_unknown_namespace_lists_the_namespaces_prometheus_has(prometheus_service: AppContext) -> None:
    with pytest.raises(UnknownNamespaceError, match="production") as caught:
        await tools(prometheus_service).list_workloads("productoin")
    assert "production" in caught.value.suggestions


# --- faults, on a Prometheus holding hand-made history (no scraping), evaluated at a pinned instant ------------

FAULT_END = 1_790_000_000  # 2026-09-21 14:13:20 UTC, a whole minute
RESTART_AT = FAULT_END - 1_800  # kr-seoul-cpu-1's Kepler restarts 30 min before the end
STOPPED_AT = FAULT_END - 1_200  # kr-seoul-gpu-1's Kepler stops reporting 20 min before the end
LEGACY_INSTANCE = "10.0.0.9:9102"


def _fault_history(path: Path) -> None:
    """Two hours of the default demo's per-node Kepler series with a restart, a stopped node and a legacy node."""
    from carbon_kepler_mcp.demo import default_cluster

    booted = default_cluster(float(FAULT_END - 86_400))
    restarted = default_cluster(float(RESTART_AT))
    renders = {key: r for key, r in renderers(booted).items() if key[0] == JOB_KEPLER}
    lines: list[str] = []
    for stamp in range(FAULT_END - 7_200, FAULT_END + 1, 30):
        for (job, node), render in renders.items():
            if node == "kr-seoul-gpu-1" and stamp > STOPPED_AT:
                continue
            if node == "kr-seoul-cpu-1" and stamp >= RESTART_AT:
                render = node_cluster(restarted, node).render
            head = f'job="{job}",instance="{node}:28282"'
            for line in render(float(stamp)).splitlines():
                if line and not line.startswith("#"):
                    brace, close = line.find("{"), line.rfind("}")
                    lines.append(f"{line[:brace]}{{{head},{line[brace + 1 : close]}}}{line[close + 1 :]} {stamp}")
        # A Kepler 0.7 node: one pod, 10 W package + 2 W dram (dynamic), plus idle-mode counters to ignore.
        seconds = stamp - (FAULT_END - 86_400)
        legacy = f'job="kepler-legacy",instance="{LEGACY_INSTANCE}",container_namespace="legacy-apps",pod_name="cache-0",container_name="redis"'
        lines.append(f'kepler_container_package_joules_total{{{legacy},mode="dynamic"}} {10.0 * seconds} {stamp}')
        lines.append(f'kepler_container_package_joules_total{{{legacy},mode="idle"}} {50.0 * seconds} {stamp}')
        lines.append(f'kepler_container_dram_joules_total{{{legacy},mode="dynamic"}} {2.0 * seconds} {stamp}')
        lines.append(f'kepler_container_gpu_joules_total{{{legacy},mode="dynamic"}} {4.0 * seconds} {stamp}')
        lines.append(
            f'kepler_node_package_joules_total{{job="kepler-legacy",instance="{LEGACY_INSTANCE}"}} {60.0 * seconds} {stamp}'
        )
    lines.append("# EOF")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def fault_prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusProcess]:
    with backfilled_prometheus(tmp_path_factory, "prometheus-faults", _fault_history) as running:
        yield running


@pytest.fixture
async def fault_service(fault_prometheus: PrometheusProcess) -> AsyncIterator[AppContext]:
    source = PrometheusSource(
        fault_prometheus.url, cache_ttl_seconds=0, wall_clock=lambda: datetime.fromtimestamp(FAULT_END, UTC)
    )
    service = AppContext(source, load_reference_data(), AppConfig())
    try:
        yield service
    finally:
        await service.aclose()


async def test_energy_is_counted_across_a_kepler_restart_and_the_restart_is_flagged(
    fault_service: AppContext,
) -> None:
    # postgres-0 (24 + 9 W) runs on kr-seoul-cpu-1, whose counters restart from 0 mid-window: increase()
    # counts across the reset; only the 30 s between the last sample before it and the restart are lost.
    result = await tools(fault_service).assess("postgres", "production")
    assert result.current_power_watts == pytest.approx(33.0, rel=30 / 3600 + 0.001)
    assert any("kr-seoul-cpu-1" in w and "reset" in w for w in result.data_source.warnings)


async def test_a_node_that_stopped_reporting_is_named_with_its_pods(fault_service: AppContext) -> None:
    # The training pods' node stopped 20 min before the end: nothing reports now, so there is no power now; the
    # window holds the 40 min it did report, at the full TRAINING_WATTS (never diluted to 40/60 of it).
    result = await tools(fault_service).assess("ml-training-job", "ai-team")
    assert result.current_power_watts == 0.0
    coverage = result.coverage
    assert coverage is not None and coverage.covered_seconds is not None
    assert 2400 - 30 - 15 <= coverage.covered_seconds <= 2400  # 30 s samples, first seen within one 15 s step
    assert coverage.average_power_watts == pytest.approx(TRAINING_WATTS, rel=1e-3)
    assert coverage.window_energy_joules == pytest.approx(TRAINING_WATTS * coverage.covered_seconds, rel=1e-3)
    warning = next(w for w in result.data_source.warnings if "stopped reporting" in w)
    assert "kr-seoul-gpu-1" in warning and "ml-training-job-x7k2p" in warning
    assert all(p.state == "terminated" for p in result.pods)  # no fresh running series at the end


async def test_legacy_kepler_counters_work_through_prometheus(fault_service: AppContext) -> None:
    result = await tools(fault_service).assess("cache", "legacy-apps")
    assert result.data_source.kepler_generation == "legacy"
    # 10 W package + 2 W dram + 4 W GPU (kepler_container_gpu_joules_total, its own line); idle mode ignored
    assert result.current_power_watts == pytest.approx(16.0, rel=1e-3)
    breakdown = result.coverage.power_breakdown if result.coverage else None
    assert breakdown is not None and breakdown.gpu_watts == pytest.approx(4.0, rel=1e-3)
    assert breakdown.cpu_dram_watts == pytest.approx(12.0, rel=1e-3)
    assert result.pods[0].node == LEGACY_INSTANCE


def test_the_cli_takes_a_prometheus_url_and_a_window(live_demo: LiveDemo, capsys: pytest.CaptureFixture[str]) -> None:
    from carbon_kepler_mcp.main import main

    code = main(
        [
            "assess",
            "web-app",
            "-n",
            "production",
            "--prometheus-url",
            live_demo.prometheus.url,
            "--window",
            "30m",
            "--json",
        ]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["window_seconds"] == 1800 and result["data_source"]["kind"] == "prometheus"
    assert result["current_power_watts"] == pytest.approx(WEB_WATTS, rel=AGREEMENT_TOLERANCE)
    url = live_demo.prometheus.url
    code = main(["report", "-n", "production", "--workload-name", "web-app", "--days", "1", "--csv",
                 "--prometheus-url", url])  # fmt: skip
    assert code == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("row,namespace,workload,start") and lines[-1].startswith("total,production,web-app")
    # A day of web-app: 39 W for the hours Prometheus holds, in the total row's it_energy_joules column.
    hours_with_data = int(lines[-1].split(",")[6])
    assert float(lines[-1].split(",")[7]) == pytest.approx(WEB_WATTS * 3600 * hours_with_data, rel=0.02)


async def test_the_mcp_tools_pass_the_window_through(prometheus_service: AppContext) -> None:
    from mcp import Client

    from carbon_kepler_mcp.adapters.mcp.server import build_server

    async with Client(build_server(prometheus_service, close_context=False)) as client:
        result = await client.call_tool("list_workloads_by_compliance", {"namespace": "production", "window": "2h"})
        assert not result.is_error and result.structured_content is not None
        assert result.structured_content["window_seconds"] == 7200
        assert result.structured_content["pod_count"] == 6  # 3 web-app, 2 api-gateway, postgres-0
        refused = await client.call_tool(
            "assess_workload_compliance", {"workload_name": "web-app", "namespace": "production", "window": "8d"}
        )
        assert refused.is_error


async def test_an_emissions_report_by_day_counts_the_cronjob_s_runs_and_says_what_it_holds(
    live_demo: LiveDemo, prometheus_service: AppContext
) -> None:
    report = await tools(prometheus_service).report(
        namespace="batch", workload_name="nightly-report", days=HISTORY_DAYS, granularity="day"
    )
    assert report.workload == "nightly-report" and report.workload_kind == "CronJob"
    # One 90 min run a day at CRON_WATTS: 44 W × 5,400 s = 237,600 J in every whole local day of the history.
    # Rows are sums of Prometheus's hourly increase(); the backfill samples every 10 min that far back, so the hour
    # in which a run stops extrapolates its last partial interval and up to one 600 s sample gap of the run is lost.
    full_days = [r for r in report.rows if r.hours == 24 and r.hours_with_data == 24]
    assert full_days, report.rows
    for row in full_days:
        assert row.it_energy_joules is not None
        assert CRON_WATTS * (5400 - 600) <= row.it_energy_joules <= CRON_WATTS * 5400 * 1.001
        # kWh × PUE × grid, by hand from the row's own energy.
        assert row.facility_energy_kwh == pytest.approx(row.it_energy_joules / 3.6e6 * report.pue, rel=1e-5)
        assert row.emissions_gCO2eq == pytest.approx(row.facility_energy_kwh * 417.3, rel=1e-5)
    assert report.total_it_energy_joules == pytest.approx(sum(r.it_energy_joules or 0 for r in report.rows), rel=1e-9)
    assert report.hours_in_period == HISTORY_DAYS * 24 and 0 < report.coverage_percent <= 100
    by_hour = await tools(prometheus_service).report(
        namespace="batch", workload_name="nightly-report", days=1, granularity="hour"
    )
    assert len(by_hour.rows) == 24 and all(r.hours == 1 for r in by_hour.rows)


async def test_the_report_is_csv_over_rest_and_refuses_a_reversed_period(
    live_demo: LiveDemo, prometheus_service: AppContext
) -> None:
    from carbon_kepler_mcp.bootstrap import build_web_app
    from carbon_kepler_mcp.errors import InvalidArgumentError
    from tests.web_harness import asgi_client

    async with asgi_client(build_web_app(prometheus_service)) as client:
        body = {"namespace": "batch", "workload_name": "nightly-report", "days": 2}
        answer = await client.post("/tools/get_emissions_report", json=body, headers={"accept": "text/csv"})
        as_json = await client.post("/tools/get_emissions_report", json=body)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    lines = answer.text.strip().splitlines()
    assert lines[0].startswith("row,namespace,workload,start,end,hours,hours_with_data,it_energy_joules")
    assert len(lines) == 1 + len(as_json.json()["rows"]) + 1 and lines[-1].startswith("total,batch,nightly-report")
    assert float(lines[-1].split(",")[7]) == pytest.approx(as_json.json()["total_it_energy_joules"])
    with pytest.raises(InvalidArgumentError, match="not before end"):
        await tools(prometheus_service).report(
            namespace="batch", start="2026-12-02T00:00:00+09:00", end="2026-12-01T00:00:00+09:00"
        )


async def test_a_cronjob_s_month_comes_from_a_day_of_observed_runs_not_from_an_instant(
    prometheus_service: AppContext,
) -> None:
    # nightly-report runs 90 min a day at 44 W. Over a 1 d window: 44 × 5,400 = 237,600 J = 0.066 kWh; × PUE × 417.3
    # is the day's grams, and a 730 h month is 730/24 such days (an instant × 730 h said 16.755 kg).
    result = await tools(prometheus_service).assess("nightly-report", "batch", window="1d")
    assert result.monthly_basis == "observed_window"
    coverage = result.coverage
    assert coverage is not None and coverage.window_energy_joules is not None
    assert coverage.window_energy_joules == pytest.approx(CRON_WATTS * 5400, rel=0.02)
    day_grams = coverage.window_energy_joules / 3.6e6 * result.pue * KOREA_FACTOR
    assert result.window_emissions_gCO2eq == pytest.approx(day_grams, rel=1e-3)
    assert result.monthly_emissions_kgCO2eq == pytest.approx(day_grams * 730 / 24 / 1000, rel=1e-3)
    # Over 1 h (no day observed), a CronJob gets no month at all rather than 730 h of whatever the hour held.
    hourly = await tools(prometheus_service).assess("web-app", "production", window="1h")
    assert hourly.monthly_basis == "continuous_at_current_power"


# --- issue 13: GPU energy, idle allocation and embodied emissions through a real Prometheus -----------------------


async def test_the_gpu_pods_energy_comes_through_prometheus_as_its_own_line(prometheus_service: AppContext) -> None:
    result = await tools(prometheus_service).assess("ml-training-job", "ai-team")
    breakdown = result.coverage.power_breakdown if result.coverage else None
    assert breakdown is not None
    # kepler_pod_gpu_joules_total grows 240 W per pod: 480 W of GPU beside 2 × (165 + 28) = 386 W of CPU+DRAM
    assert breakdown.gpu_watts == pytest.approx(2 * 240, rel=AGREEMENT_TOLERANCE)
    assert breakdown.cpu_dram_watts == pytest.approx(2 * (165 + 28), rel=AGREEMENT_TOLERANCE)
    assert breakdown.total_watts == pytest.approx(breakdown.gpu_watts + breakdown.cpu_dram_watts, abs=0.01)
    assert any("kepler_pod_gpu_joules_total" in q for q in result.data_source.queries)
    # the demo exporter's node paths are RAPL powercap paths, and this source is not flagged as the demo
    assert set(result.data_source.power_measurement.values()) == {"measured"}


async def test_the_report_counts_the_gpu_energy_the_snapshot_counts(prometheus_service: AppContext) -> None:
    report = await tools(prometheus_service).report(
        namespace="ai-team", workload_name="ml-training-job", days=1, granularity="hour"
    )
    # Both training pods run all day: 2 × (165 + 28 + 240) = 866 W, so a whole hour holds 866 × 3,600 = 3,117,600 J
    # (GPU included, as in the window figures). increase() over a backfill of 10 min steps loses at most one step.
    full = [r for r in report.rows if r.hours_with_data == 1 and r.it_energy_joules]
    assert full, report.rows
    for row in full[:-1]:  # the last hour is the live, partly scraped one
        assert row.it_energy_joules is not None
        assert TRAINING_WATTS * (3600 - 600) <= row.it_energy_joules <= TRAINING_WATTS * 3600 * 1.001
    assert "kepler_pod_gpu_joules_total" in report.query


async def test_cpu_request_allocation_makes_each_nodes_pods_add_up_to_the_node(prometheus_service: AppContext) -> None:
    cluster = await prometheus_service.read(None, "1h", "cpu_request")
    assert cluster.idle_allocation == "cpu_request"
    for node in cluster.nodes:
        on_node = [p.power_watts for p in cluster.pods if p.node == node.name and p.running]
        assert sum(on_node) == pytest.approx(node.power_watts, rel=1e-9), node.name
    result = await tools(prometheus_service).assess("ml-training-job", "ai-team", idle_allocation="cpu_request")
    # kr-seoul-gpu-1: node 514.5 + 2 × (55 + 240) = 1104.5 W, pods 870.5 W: 234 W unattributed, shared by requests
    # (training 2 × 16 of 32.2 requested cores) → 866 + 234 × 32 / 32.2 = 1098.55 W
    assert result.current_power_watts == pytest.approx(866 + 234 * 32 / 32.2, rel=AGREEMENT_TOLERANCE)
    assert result.data_source.idle_allocation == "cpu_request"


async def test_embodied_shares_over_a_backfilled_day(live_demo: LiveDemo) -> None:
    from carbon_kepler_mcp.app.embodied import HardwareSpec

    source = PrometheusSource(live_demo.prometheus.url, cache_ttl_seconds=0)
    spec = HardwareSpec(embodied_kgco2eq=2000.0, lifetime_years=4.0, cores=96.0)
    service = AppContext(source, load_reference_data(), AppConfig(node_hardware={"kr-seoul-gpu-1": spec}))
    try:
        result = await tools(service).assess("ml-training-job", "ai-team", window="1d")
    finally:
        await service.aclose()
    coverage = result.coverage
    assert coverage is not None and coverage.embodied is not None and coverage.covered_seconds is not None
    embodied = coverage.embodied
    # each pod requests 16 of 96 cores: 2,000,000 g × (TiR / 4 years) × 16/96, two pods
    # a day: the backfill older than 2 h has a sample every 600 s, seen within one 6-min subquery step
    assert 86_400 - 600 - 360 <= coverage.covered_seconds <= 86_400
    expected_window = 2 * 2_000_000 * coverage.covered_seconds / (4 * 365 * 86_400) * 16 / 96
    assert embodied.window_embodied_gCO2eq == pytest.approx(expected_window, rel=1e-3)  # ≈ 456.6 g a day
    assert embodied.embodied_gCO2eq_hour == pytest.approx(2 * 2_000_000 / (4 * 8760) * 16 / 96, abs=1e-3)  # 19.03
    assert "CPU request / node cores" in embodied.method and not embodied.in_compliance_figure
    # never in the compliance figure: operational emissions stay power × PUE × grid
    assert result.carbon_emissions_gCO2eq_hour == pytest.approx(
        result.current_power_watts / 1000 * result.pue * KOREA_FACTOR, rel=1e-6
    )
