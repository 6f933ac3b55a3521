"""Exploring power on the demo cluster against figures written out by hand from its table (demo/cluster.py).

Running pods (package + dram W, node):
  cpu-1: web-app kx2vq 13, p8wlr 13, api-gateway t6gbn 21, postgres-0 33, prometheus-0 18, node-exporter 1.5,
         kepler 3 (and the terminated nightly-report run)                         → 102.5 W; node 189.5 W
  cpu-2: jupyter-lab-0 8, web-app m4nzt 13, api-gateway h2jxs 21, nightly-report 44, node-exporter 1.5,
         kepler 3                                                                   →  90.5 W; node 177.5 W
  gpu-1: ml-training-job 2 × 193, node-exporter 1.5, kepler 3                        → 390.5 W; node 514.5 W
         + GPU: each ml-training pod draws 240 W of GPU (kepler_pod_gpu_watts), the node's two GPUs 55 W idle
         each: pods 390.5 + 2 × 240 = 870.5 W; node 514.5 + 2 × (55 + 240) = 1104.5 W
Facility PUE: cpu nodes 1.25, gpu node 1.6. Korean grid factor 417.3 gCO2eq/kWh; 730 h per month.
"""

from __future__ import annotations

import math
import re
from collections.abc import AsyncIterator

import httpx2
import pytest

from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.latency import estimate_latency
from carbon_kepler_mcp.errors import (
    AmbiguousWorkloadError,
    InvalidArgumentError,
    NotFoundError,
    SourceUnavailableError,
    UnknownNamespaceError,
)
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.sources.detail import scrape_detail
from tests.tools import tools

pytestmark = pytest.mark.anyio

KOREA_FACTOR = 417.3
HOURS_PER_MONTH = 730
TRAINING = 2 * (165 + 28 + 240)  # 866 W: CPU package + dram + GPU of both pods
CPU1_PODS, CPU2_PODS, GPU1_PODS = 102.5, 90.5, 390.5 + 2 * 240
CPU1_NODE, CPU2_NODE, GPU1_NODE = 189.5, 177.5, 514.5 + 2 * (55 + 240)
CLUSTER_PODS = CPU1_PODS + CPU2_PODS + GPU1_PODS  # 1063.5
WORKLOAD_WATTS = {
    "ml-training-job": float(TRAINING),
    "nightly-report": 44.0,
    "api-gateway": 42.0,
    "web-app": 39.0,
    "postgres": 33.0,
    "prometheus": 18.0,
    "kepler": 9.0,
    "jupyter-lab": 8.0,
    "node-exporter": 4.5,
}


@pytest.fixture
async def explorer(demo_service: AppContext) -> AsyncIterator[AppContext]:
    yield demo_service


# --- top consumers -----------------------------------------------------------------------------------------


async def test_the_top_consumer_by_power_is_the_workload_with_the_highest_summed_pod_power(
    explorer: AppContext,
) -> None:
    result = await tools(explorer).top_consumers(limit=20)
    assert [c.name for c in result.consumers] == sorted(WORKLOAD_WATTS, key=lambda w: -WORKLOAD_WATTS[w])
    assert [c.power_watts for c in result.consumers] == sorted(WORKLOAD_WATTS.values(), reverse=True)
    top = result.consumers[0]
    assert (top.namespace, top.name, top.kind, top.rank) == ("ai-team", "ml-training-job", "Job", 1)
    # A Job seen in an instant scrape: no duty cycle was observed, so no month is projected.
    assert top.monthly_emissions_kgCO2eq is None and top.monthly_basis == "not_projected"
    service = next(c for c in result.consumers if c.kind not in ("Job", "CronJob"))
    assert service.monthly_basis == "continuous_at_current_power"
    assert service.monthly_emissions_kgCO2eq == pytest.approx(service.emissions_gCO2eq_hour * 0.73, abs=2e-3)
    assert top.status == "NON_COMPLIANT"
    assert top.share_of_scope_percent == pytest.approx(TRAINING / CLUSTER_PODS * 100, abs=0.01)


async def test_consumer_powers_add_up_to_the_scope_power(explorer: AppContext) -> None:
    result = await tools(explorer).top_consumers(limit=200)
    assert result.total_count == len(WORKLOAD_WATTS) and result.omitted_count == 0
    assert result.scope_power_watts == pytest.approx(CLUSTER_PODS)
    assert sum(c.power_watts for c in result.consumers) == pytest.approx(CLUSTER_PODS)
    pods = await tools(explorer).top_consumers(level="pod", limit=200)
    assert pods.total_count == 18  # 17 running pods and the terminated nightly-report run
    assert sum(c.power_watts for c in pods.consumers) == pytest.approx(CLUSTER_PODS)


async def test_paging_through_consumers_never_loses_or_repeats_an_item(explorer: AppContext) -> None:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = await tools(explorer).top_consumers(limit=2, level="pod", cursor=cursor)
        seen += [f"{c.namespace}/{c.name}" for c in page.consumers]
        assert page.omitted_count == page.total_count - len(seen)
        assert [c.rank for c in page.consumers] == list(range(len(seen) - len(page.consumers) + 1, len(seen) + 1))
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 18


async def test_a_cursor_from_a_query_with_other_arguments_is_refused(explorer: AppContext) -> None:
    first = await tools(explorer).top_consumers(limit=2, sort_by="power")
    assert first.next_cursor is not None
    with pytest.raises(InvalidArgumentError, match="other arguments"):
        await tools(explorer).top_consumers(limit=2, sort_by="emissions", cursor=first.next_cursor)


@pytest.mark.parametrize("cursor", ["abc", "2", "djIuMy4wMTIzNDU2Nzg5LjE", "!!!!", "x" * 65, "djEuLTEuYWJjLjA"])
async def test_malformed_cursors_are_refused(explorer: AppContext, cursor: str) -> None:
    with pytest.raises(InvalidArgumentError, match="not a cursor this server returned"):
        await tools(explorer).top_consumers(cursor=cursor)


async def test_efficiency_is_the_node_overhead_behind_each_attributed_watt_weighted_by_power(
    explorer: AppContext,
) -> None:
    result = await tools(explorer).top_consumers(namespace="production", limit=10)
    web = next(c for c in result.consumers if c.name == "web-app")
    cpu1 = (CPU1_NODE - CPU1_PODS) / CPU1_PODS  # 87 W unattributed per 102.5 W attributed
    cpu2 = (CPU2_NODE - CPU2_PODS) / CPU2_PODS
    expected = (2 * 13 * cpu1 + 13 * cpu2) / 39  # two pods on cpu-1, one on cpu-2
    assert web.efficiency.node_overhead_watts_per_watt == pytest.approx(expected, abs=1e-4)
    assert web.efficiency.idle_inclusive_power_watts == pytest.approx(39 * (1 + expected), abs=1e-2)
    assert web.efficiency.unavailable_reason is None


async def test_sorting_by_efficiency_puts_consumers_of_the_least_attributed_node_first(
    explorer: AppContext,
) -> None:
    result = await tools(explorer).top_consumers(sort_by="efficiency", limit=20)
    overheads = [c.efficiency.node_overhead_watts_per_watt for c in result.consumers]
    assert all(o is not None for o in overheads)
    assert overheads == sorted(overheads, key=lambda o: -(o or 0.0))
    # cpu-2 has the least attributed power per node watt; nightly-report (44 W) ranks before jupyter-lab (8 W)
    assert [c.name for c in result.consumers[:2]] == ["nightly-report", "jupyter-lab"]
    assert overheads[0] == pytest.approx((CPU2_NODE - CPU2_PODS) / CPU2_PODS, abs=1e-4)
    assert result.consumers[-1].name == "ml-training-job"
    assert overheads[-1] == pytest.approx((GPU1_NODE - GPU1_PODS) / GPU1_PODS, abs=1e-4)


async def test_the_terminated_pod_has_no_efficiency_and_says_why(explorer: AppContext) -> None:
    result = await tools(explorer).top_consumers(namespace="batch", level="pod", sort_by="efficiency")
    finished = next(c for c in result.consumers if c.name == "nightly-report-29112480-b5n8d")
    assert finished.power_watts == 0
    assert finished.efficiency.node_overhead_watts_per_watt is None
    assert finished.efficiency.unavailable_reason == "no running pod draws power"
    assert result.consumers[-1] is finished  # unknown efficiency sorts last


async def test_sorting_by_emissions_weighs_power_by_the_pue_of_each_node(explorer: AppContext) -> None:
    result = await tools(explorer).top_consumers(sort_by="emissions", limit=20)
    emissions = [c.emissions_gCO2eq_hour for c in result.consumers]
    assert emissions == sorted(emissions, reverse=True)
    nightly = next(c for c in result.consumers if c.name == "nightly-report")
    assert nightly.emissions_gCO2eq_hour == pytest.approx(44 / 1000 * 1.25 * KOREA_FACTOR, abs=1e-3)


# --- hotspots ------------------------------------------------------------------------------------------------


async def test_hotspots_are_exactly_the_workloads_drawing_at_least_the_threshold(explorer: AppContext) -> None:
    result = await tools(explorer).hotspots(power_threshold_watts=40.0, include_compliance_check=False)
    assert [h.name for h in result.hotspots] == ["ml-training-job", "nightly-report", "api-gateway"]
    assert result.hotspot_power_watts == pytest.approx(TRAINING + 44 + 42)
    assert result.scope_power_watts == pytest.approx(CLUSTER_PODS)
    assert all(h.status is None for h in result.hotspots)  # no compliance check asked


async def test_the_compliance_check_adds_non_compliant_workloads_below_the_threshold(explorer: AppContext) -> None:
    # 900 W: above every workload (the training job draws 866 W with its GPUs)
    without = await tools(explorer).hotspots(power_threshold_watts=900.0, include_compliance_check=False)
    assert without.total_count == 0 and without.preventive_actions == []
    with_check = await tools(explorer).hotspots(power_threshold_watts=900.0, include_compliance_check=True)
    # Pods on the PUE 1.6 hall: 417.3 × 1.6 = 667.7 > 584.22. The training job runs there, and so do one pod of
    # each DaemonSet (judged per pod, not on their power-weighted 1.367), highest power first: 866 (with its GPUs), 9, 4.5 W.
    assert [h.name for h in with_check.hotspots] == ["ml-training-job", "kepler", "node-exporter"]
    # The Green DC certification scores PUE (70 points at 1.6) rather than failing it: one reason, not two.
    assert len(with_check.hotspots[0].reasons) == 1
    assert with_check.hotspots[0].status == "NON_COMPLIANT"
    assert with_check.hotspots[0].pue_status == "NOT_ASSESSED"


async def test_hotspot_actions_are_quantified_with_the_recommendation_formulas(
    explorer: AppContext, demo_service: AppContext
) -> None:
    result = await tools(explorer).hotspots(namespace="ai-team", power_threshold_watts=100.0)
    actions = {a.type: a for a in result.preventive_actions if a.resource == "ai-team/ml-training-job"}
    emissions = TRAINING / 1000 * 1.6 * KOREA_FACTOR
    pue = actions["pue_improvement"]
    assert pue.estimated_reduction_percent == pytest.approx((1 - 1.4 / 1.6) * 100, abs=0.01)
    assert pue.estimated_savings_gCO2eq_hour == pytest.approx(emissions * (1 - 1.4 / 1.6), abs=1e-3)
    assert pue.estimated_savings_kgCO2eq_month is None  # a Job with no observed runs: no month projected
    assert pue.estimated_savings_watts == pytest.approx(TRAINING * (1.6 - 1.4), abs=1e-3)  # facility watts
    assert pue.priority == "high" and pue.changes_compliance_status
    regions = demo_service.reference.regions
    seoul, stockholm = regions["ap-northeast-2"], regions["eu-north-1"]
    fraction = 1 - stockholm.comparison_intensity.value / seoul.comparison_intensity.value
    migration = actions["regional_migration"]
    assert migration.estimated_savings_gCO2eq_hour == pytest.approx(emissions * fraction, abs=1e-3)
    assert migration.estimated_savings_kgCO2eq_month is None
    assert migration.estimated_savings_watts == 0  # the same energy, on a cleaner grid
    rightsizing = actions["resource_rightsizing"]
    assert not rightsizing.quantified and rightsizing.estimated_savings_kgCO2eq_month is None
    alert = actions["alert"]
    assert alert.estimated_savings_kgCO2eq_month == 0 and alert.priority == "high"
    order = [{"high": 0, "medium": 1, "low": 2}[a.priority] for a in result.preventive_actions]
    assert order == sorted(order)


async def test_temporal_shift_is_offered_only_for_batch_workloads(explorer: AppContext) -> None:
    # node-exporter and kepler pods are named like Job pods, but one per node on every node: DaemonSets
    result = await tools(explorer).hotspots(limit=200)
    shifted = {a.resource for a in result.preventive_actions if a.type == "temporal_shift"}
    assert shifted == {"ai-team/ml-training-job", "batch/nightly-report"}
    cron = next(
        a for a in result.preventive_actions if a.type == "temporal_shift" and a.resource == "batch/nightly-report"
    )
    assert "spec.timeZone to Asia/Seoul" in cron.implementation_steps[0]
    assert cron.estimated_savings_watts == 0


async def test_the_alert_rule_escapes_its_values_and_matches_exactly_the_workloads_pods(
    explorer: AppContext,
) -> None:
    result = await tools(explorer).hotspots(namespace="production", power_threshold_watts=35.0)
    alert = next(a for a in result.preventive_actions if a.type == "alert" and a.resource == "production/api-gateway")
    expr = alert.implementation_steps[0]
    assert 'pod_namespace="production"' in expr and 'zone=~"package|dram"' in expr and 'state="running"' in expr
    assert f"> {round(42 * 1.2, 1):g}" in expr  # 20 % above the current 42 W
    regex = re.search(r'pod_name=~"([^"]+)"', expr)
    assert regex is not None
    pattern = re.compile(regex.group(1))
    assert pattern.fullmatch("api-gateway-5c8b7d4f9-h2jxs") and pattern.fullmatch("api-gateway-5c8b7d4f9-t6gbn")
    assert not pattern.fullmatch("api-gateway-v2-5c8b7d4f9-h2jxs")


@pytest.mark.parametrize("threshold", [-1.0, math.nan, math.inf, 2_000_000.0])
async def test_out_of_range_thresholds_are_refused(explorer: AppContext, threshold: float) -> None:
    with pytest.raises(InvalidArgumentError, match="power_threshold_watts"):
        await tools(explorer).hotspots(power_threshold_watts=threshold)


# --- summary -------------------------------------------------------------------------------------------------


async def test_the_cluster_summary_adds_up_and_counts_compliance(explorer: AppContext) -> None:
    result = await tools(explorer).summary()
    assert result.workload_count == 9 and result.running_pod_count == 17 and result.pod_series_count == 18
    assert result.total_power_watts == pytest.approx(CLUSTER_PODS)
    assert result.average_power_watts_per_workload == pytest.approx(CLUSTER_PODS / 9, abs=1e-3)
    assert result.average_power_watts_per_running_pod == pytest.approx(CLUSTER_PODS / 17, abs=1e-3)
    # DaemonSets span both halls; their pods are judged one by one, so the pod on the PUE 1.6 hall (667.7 >
    # 584.22) fails kepler and node-exporter as it fails the training job: 6 within, 3 over.
    assert (result.compliant_count, result.non_compliant_count) == (6, 3)
    assert result.compliance_rate_percent == pytest.approx(6 / 9 * 100, abs=0.01)
    assert [c.name for c in result.top_consumers] == ["ml-training-job", "nightly-report", "api-gateway"]
    assert result.node_count == result.cluster_node_count == 3


async def test_the_summary_shows_the_node_power_no_pod_accounts_for(explorer: AppContext) -> None:
    result = await tools(explorer).summary()
    node_total = CPU1_NODE + CPU2_NODE + GPU1_NODE
    assert result.node_power_watts == pytest.approx(node_total)
    assert result.attributed_power_watts == pytest.approx(CLUSTER_PODS)
    assert result.unattributed_power_watts == pytest.approx(node_total - CLUSTER_PODS)  # 298 W CPU + 110 W GPU idle
    assert result.unattributed_percent == pytest.approx((node_total - CLUSTER_PODS) / node_total * 100, abs=0.01)
    by_node = {n.node: n for n in result.nodes}
    # the GPU node's idle: CPU package 110 + dram 14, and its two GPUs' 2 × 55
    assert by_node["kr-seoul-gpu-1"].unattributed_power_watts == pytest.approx(110 + 14 + 2 * 55)
    assert by_node["kr-seoul-cpu-1"].unattributed_power_watts == pytest.approx(78 + 9)
    for share in result.nodes:  # the demo's active power is exactly its pods': nothing outside pods
        assert share.idle_power_watts == pytest.approx(share.unattributed_power_watts)
        assert share.active_unattributed_watts == pytest.approx(0.0, abs=1e-9)
    assert result.nodes[0].node == "kr-seoul-gpu-1"  # most unattributed power first
    assert "idle" in result.unattributed_explanation


async def test_a_namespace_summary_counts_only_the_nodes_its_pods_run_on(explorer: AppContext) -> None:
    result = await tools(explorer).summary("ai-team")
    assert result.node_count == 2  # gpu-1 (training) and cpu-2 (jupyter)
    assert result.total_power_watts == pytest.approx(TRAINING + 8)
    assert result.node_power_watts == pytest.approx(GPU1_NODE + CPU2_NODE)
    assert result.unattributed_power_watts == pytest.approx(GPU1_NODE + CPU2_NODE - GPU1_PODS - CPU2_PODS)
    assert {n.node: n.scope_power_watts for n in result.nodes} == {
        "kr-seoul-gpu-1": float(TRAINING),
        "kr-seoul-cpu-2": 8.0,
    }


async def test_summary_node_pages_never_lose_or_repeat_a_node(explorer: AppContext) -> None:
    first = await tools(explorer).summary(limit=2)
    assert len(first.nodes) == 2 and first.omitted_count == 1 and first.next_cursor
    second = await tools(explorer).summary(limit=2, cursor=first.next_cursor)
    names = [n.node for n in first.nodes + second.nodes]
    assert sorted(names) == ["kr-seoul-cpu-1", "kr-seoul-cpu-2", "kr-seoul-gpu-1"]
    assert second.next_cursor is None and second.omitted_count == 0


async def test_an_unknown_namespace_is_refused_with_suggestions(explorer: AppContext) -> None:
    with pytest.raises(UnknownNamespaceError, match="production"):
        await tools(explorer).summary("producton")


# --- resource power ------------------------------------------------------------------------------------------


async def test_a_pods_power_by_zone_lists_its_containers_and_its_node(explorer: AppContext) -> None:
    result = await tools(explorer).resource_power("pod", "web-app-7d9f8b6c5-kx2vq", "production")
    assert result.zone_power_watts == {"core": 7.7, "dram": 2.0, "package": 11.0, "uncore": 1.1}
    assert result.power_watts == 13.0  # package + dram, not all four zones
    assert [(p.kind, p.name, p.power_watts) for p in result.parents] == [("node", "kr-seoul-cpu-1", CPU1_NODE)]
    assert result.share_of_parent_percent == pytest.approx(13 / CPU1_NODE * 100, abs=0.01)
    assert result.children_kind == "container"
    assert [(c.name, c.power_watts) for c in result.children] == [("web", 9.75), ("envoy", 3.25)]
    assert sum(c.power_watts for c in result.children) == pytest.approx(result.power_watts)
    assert result.emissions_gCO2eq_hour == pytest.approx(13 / 1000 * 1.25 * KOREA_FACTOR, abs=1e-3)


async def test_a_containers_power_splits_into_processes_and_chains_up_to_the_node(explorer: AppContext) -> None:
    result = await tools(explorer).resource_power("container", "postgres-0/postgres", "production")
    assert result.power_watts == pytest.approx(0.875 * 33)
    assert [p.kind for p in result.parents] == ["pod", "node"]
    assert result.parents[0].name == "postgres-0" and result.share_of_parent_percent == pytest.approx(87.5)
    assert result.children_kind == "process" and len(result.children) == 2
    assert sum(c.power_watts for c in result.children) == pytest.approx(result.power_watts)
    by_id = await tools(explorer).resource_power("container", result.identifiers["container_id"][:16])
    assert (by_id.name, by_id.namespace, by_id.power_watts) == ("postgres", "production", result.power_watts)


async def test_a_container_name_shared_by_several_pods_is_ambiguous(explorer: AppContext) -> None:
    with pytest.raises(AmbiguousWorkloadError, match="matches 5 containers") as caught:
        await tools(explorer).resource_power("container", "envoy", "production")
    assert "web-app-7d9f8b6c5-kx2vq/envoy" in caught.value.suggestions


async def test_a_process_chains_to_its_container_pod_and_node(explorer: AppContext) -> None:
    container = await tools(explorer).resource_power("container", "ml-training-job-x7k2p/trainer", "ai-team")
    assert container.power_watts == pytest.approx(193 + 240)  # CPU+DRAM and its GPU line
    biggest = container.children[0]
    assert biggest.power_watts == pytest.approx(0.75 * 193)  # python3 draws 3/4 of the trainer
    assert biggest.id is not None
    result = await tools(explorer).resource_power("process", f"kr-seoul-gpu-1/{biggest.id}")
    assert [(p.kind, p.name) for p in result.parents] == [
        ("container", "trainer"),
        ("pod", "ml-training-job-x7k2p"),
        ("node", "kr-seoul-gpu-1"),
    ]
    assert result.namespace == "ai-team" and result.identifiers["comm"] == "python3"
    assert result.zone_power_watts["package"] == pytest.approx(0.75 * 165)
    # of the trainer's 193 W CPU+DRAM + 240 W GPU (kepler_container_gpu_watts): 144.75 / 433 (processes: CPU only)
    assert result.share_of_parent_percent == pytest.approx(0.75 * 193 / (193 + 240) * 100, abs=0.01)
    assert result.children_kind is None and result.children == []


async def test_a_nodes_power_has_zone_totals_and_its_pods_as_children(explorer: AppContext) -> None:
    result = await tools(explorer).resource_power("node", "kr-seoul-cpu-1", limit=3)
    pods_package = 11 + 11 + 18 + 24 + 14 + 1.2 + 2.5  # running pods of cpu-1
    assert result.zone_power_watts["package"] == pytest.approx(78 + pods_package)
    assert result.zone_power_watts["dram"] == pytest.approx(9 + 2 + 2 + 3 + 9 + 4 + 0.3 + 0.5)
    assert result.power_watts == pytest.approx(CPU1_NODE)
    assert result.children_total_count == 8  # 7 running pods and the terminated nightly-report run
    assert [c.name for c in result.children] == ["postgres-0", "api-gateway-5c8b7d4f9-t6gbn", "prometheus-0"]
    assert result.omitted_count == 5 and result.next_cursor is not None
    assert result.node_breakdown is not None
    assert result.node_breakdown.unattributed_power_watts == pytest.approx(CPU1_NODE - CPU1_PODS)


@pytest.mark.parametrize(
    ("kind", "name", "namespace", "error"),
    [
        ("disk", "sda", None, InvalidArgumentError),
        ("pod", "web-app-7d9f8b6c5-kx2vq", None, InvalidArgumentError),
        ("pod", 'x"}) or vector(1', "production", InvalidArgumentError),
        ("container", 'web-app-7d9f8b6c5-kx2vq/we"b', "production", InvalidArgumentError),
        ("container", "web", None, InvalidArgumentError),
        ("process", "12; rm -rf /", None, InvalidArgumentError),
        ("process", "Node/12", None, InvalidArgumentError),
        ("node", "kr-seoul-cpu-9", None, NotFoundError),
        ("pod", "web-app", "production", NotFoundError),
        ("process", "kr-seoul-cpu-1/1", None, NotFoundError),
    ],
)
async def test_unknown_kinds_and_malformed_or_unknown_names_give_clear_errors(
    explorer: AppContext, kind: str, name: str, namespace: str | None, error: type[Exception]
) -> None:
    with pytest.raises(error):
        await tools(explorer).resource_power(kind, name, namespace)  # type: ignore[arg-type]


# --- search --------------------------------------------------------------------------------------------------


async def test_search_filters_by_pattern_power_range_and_status(explorer: AppContext) -> None:
    by_pattern = await tools(explorer).search("pod", name_pattern="web-app-*")
    assert sorted(h.name for h in by_pattern.hits) == [
        "web-app-7d9f8b6c5-kx2vq",
        "web-app-7d9f8b6c5-m4nzt",
        "web-app-7d9f8b6c5-p8wlr",
    ]
    assert {h.workload for h in by_pattern.hits} == {"web-app"}
    in_range = await tools(explorer).search("workload", min_power_watts=20, max_power_watts=40)
    assert [h.name for h in in_range.hits] == ["web-app", "postgres"]  # 39 W and 33 W; 42 and 18 fall outside
    assert in_range.matched_power_watts == pytest.approx(39 + 33)
    failing = await tools(explorer).search("pod", status="NON_COMPLIANT")
    # every pod on the PUE 1.6 GPU node fails KR_CARBON_2050
    assert sorted(h.name for h in failing.hits) == [
        "kepler-v5gzq",
        "ml-training-job-r9t4m",
        "ml-training-job-x7k2p",
        "node-exporter-c6vjq",
    ]


async def test_search_finds_sidecar_containers_by_glob(explorer: AppContext) -> None:
    result = await tools(explorer).search("container", namespace="production", name_pattern="env?y")
    assert len(result.hits) == 5 and {h.name for h in result.hits} == {"envoy"}
    assert result.matched_power_watts == pytest.approx(2 * 0.25 * 21 + 3 * 0.25 * 13)
    assert result.hits[0].pod is not None and result.hits[0].pod.startswith("api-gateway-")


async def test_search_pages_never_lose_or_repeat_a_container(explorer: AppContext) -> None:
    seen: list[str] = []
    cursor: str | None = None
    total = 0
    while True:
        page = await tools(explorer).search("container", limit=4, cursor=cursor)
        total = page.total_count
        seen += [h.container_id or "" for h in page.hits]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == total == 25  # 18 pods; 7 have a sidecar (web-app ×3, api ×2, pg, prom)


@pytest.mark.parametrize(
    "pattern", [".*|x", "a|b", 'x"}', "[a-z]*", "web\\-app", "ＷＥＢ", "a" * 254, "", "web app", "(?i)web"]
)
async def test_hostile_name_patterns_are_refused(explorer: AppContext, pattern: str) -> None:
    with pytest.raises(InvalidArgumentError, match="name pattern"):
        await tools(explorer).search("workload", name_pattern=pattern)


async def test_a_pattern_of_many_wildcards_matches_without_backtracking_blowup(explorer: AppContext) -> None:
    result = await tools(explorer).search("pod", name_pattern="*a*a*a*a*a*a*a*a*a*a*a*a*b")
    assert result.hits == []


@pytest.mark.parametrize(("low", "high"), [(50.0, 10.0), (-1.0, None), (None, math.nan)])
async def test_inverted_or_invalid_power_ranges_are_refused(
    explorer: AppContext, low: float | None, high: float | None
) -> None:
    with pytest.raises(InvalidArgumentError, match="power_watts"):
        await tools(explorer).search("workload", min_power_watts=low, max_power_watts=high)


@pytest.mark.parametrize("limit", [0, -5, 201, 10_000])
async def test_page_sizes_out_of_range_are_refused_by_every_list(explorer: AppContext, limit: int) -> None:
    for call in (
        tools(explorer).top_consumers(limit=limit),
        tools(explorer).hotspots(limit=limit),
        tools(explorer).summary(limit=limit),
        tools(explorer).search(limit=limit),
        tools(explorer).resource_power("node", "kr-seoul-cpu-1", limit=limit),
        tools(explorer).migration("web-app", "production", limit=limit),
    ):
        with pytest.raises(InvalidArgumentError, match="limit"):
            await call


# --- migration -----------------------------------------------------------------------------------------------


async def test_migration_ranks_regions_by_savings_with_residency_and_latency(
    explorer: AppContext, demo_service: AppContext
) -> None:
    result = await tools(explorer).migration("web-app", "production", limit=50)
    regions = {r.code: r for r in demo_service.reference.cloud_regions()}  # on-premises sites are no destination
    assert result.total_count == len(regions) - 1
    savings = [c.savings_percent for c in result.candidates]
    assert savings == sorted(savings, reverse=True)
    best = result.candidates[0]
    cleanest = min(regions.values(), key=lambda r: r.comparison_intensity.value)
    assert result.best_region == best.region == cleanest.code
    seoul = regions["ap-northeast-2"]
    # The current row is the workload's footprint (compliance grid); a move scales it by the comparison-basis ratio.
    current = 39 / 1000 * 1.25 * demo_service.grid(seoul).value
    per_hour = current * (1 - cleanest.comparison_intensity.value / seoul.comparison_intensity.value)
    assert best.savings_gCO2eq_hour == pytest.approx(per_hour, abs=1e-2)
    assert best.savings_kgCO2eq_month == pytest.approx(per_hour * 0.73, abs=1e-2)
    assert best.crosses_border and "PIPA" in best.data_residency[0]
    assert not all(c.recommended for c in result.candidates)  # Tokyo's grid is dirtier on this basis
    osaka = next(c for c in result.candidates if c.region == "ap-northeast-3")
    # Seoul (37.57, 126.98) to Osaka (34.69, 135.50), haversine on the mean Earth radius, written out here
    p1, p2 = math.radians(37.57), math.radians(34.69)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(135.50 - 126.98) / 2) ** 2
    km = 2 * 6371.0088 * math.asin(math.sqrt(h))
    assert osaka.latency.distance_km == pytest.approx(km, abs=1)
    assert osaka.latency.indicative_min_rtt_ms == pytest.approx(2 * km / 200, abs=0.1)
    assert osaka.latency.latency_class == "regional" and "Not a measurement" in osaka.latency.basis


async def test_migration_pages_never_lose_or_repeat_a_region(explorer: AppContext) -> None:
    first = await tools(explorer).migration("web-app", "production", limit=20)
    second = await tools(explorer).migration("web-app", "production", limit=20, cursor=first.next_cursor)
    regions = [c.region for c in first.candidates + second.candidates]
    assert len(regions) == len(set(regions)) == first.total_count
    assert first.omitted_count == first.total_count - 20 and second.next_cursor is None


def test_a_region_without_coordinates_gets_no_latency_figure() -> None:
    estimate = estimate_latency("ap-northeast-2", "xx-nowhere-1")
    assert estimate.latency_class == "unknown"
    assert estimate.distance_km is None and estimate.indicative_min_rtt_ms is None


# --- language ------------------------------------------------------------------------------------------------


async def test_korean_answers_translate_the_sentences_not_the_figures(explorer: AppContext) -> None:
    english = await tools(explorer).hotspots(namespace="ai-team", power_threshold_watts=100.0)
    korean = await tools(explorer).hotspots(namespace="ai-team", power_threshold_watts=100.0, language="ko")
    assert "핫스팟" in korean.summary and korean.language == "ko"
    assert [h.power_watts for h in korean.hotspots] == [h.power_watts for h in english.hotspots]
    assert [a.estimated_savings_kgCO2eq_month for a in korean.preventive_actions] == [
        a.estimated_savings_kgCO2eq_month for a in english.preventive_actions
    ]


# --- detail scrape -------------------------------------------------------------------------------------------


class _TwoEndpoints:
    """A source with two endpoints, for the detail scrape's own HTTP handling."""

    kind = "kepler"
    endpoints = ("http://node-a:28282/metrics", "http://node-b:28282/metrics")


_CONTAINER_LINE = (
    'kepler_container_cpu_watts{container_id="abc",container_name="app",node_name="node-a",pod_id="u1",'
    'runtime="containerd",state="running",zone="package"} 5\n'
    'kepler_container_cpu_watts{container_id="abc",container_name="app",node_name="node-a",pod_id="u1",'
    'runtime="containerd",state="running",zone="core"} 4\n'
    'kepler_container_cpu_watts{container_id="abc",container_name="app",node_name="node-a",pod_id="u1",'
    'runtime="containerd",state="running",zone="dram"} 1\n'
)


async def test_the_detail_scrape_keeps_what_answers_and_warns_about_what_fails() -> None:
    from carbon_kepler_mcp.kepler.readings import container_readings

    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.host == "node-a":
            return httpx2.Response(200, text=_CONTAINER_LINE + 'kepler_pod_cpu_watts{pod_name="p"} 1\n')
        return httpx2.Response(401, text="no")

    scrape = await scrape_detail(_TwoEndpoints(), schema.CONTAINER_FAMILIES, transport=httpx2.MockTransport(handler))
    assert list(scrape.samples) == ["http://node-a:28282/metrics"]
    assert len(scrape.samples["http://node-a:28282/metrics"]) == 3  # the pod line is not a detail family
    assert len(scrape.warnings) == 1 and "bearer token" in scrape.warnings[0]
    (container,) = container_readings(scrape.samples)
    assert container.power_watts == 6.0  # package 5 + dram 1; core lies inside package


async def test_the_detail_scrape_raises_when_every_endpoint_fails_and_caps_the_body() -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(503, text="down")

    with pytest.raises(SourceUnavailableError, match="HTTP 503"):
        await scrape_detail(_TwoEndpoints(), schema.CONTAINER_FAMILIES, transport=httpx2.MockTransport(refuse))

    def huge(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, text=_CONTAINER_LINE * 100)

    with pytest.raises(Exception, match="more than 1,000 bytes"):
        await scrape_detail(
            _TwoEndpoints(), schema.CONTAINER_FAMILIES, max_bytes=1_000, transport=httpx2.MockTransport(huge)
        )


async def test_a_source_without_kepler_endpoints_cannot_give_container_detail() -> None:
    from carbon_kepler_mcp.errors import InsufficientDataError

    class Remote:
        kind = "prometheus"

    with pytest.raises(InsufficientDataError, match="container or process series"):
        await scrape_detail(Remote(), schema.CONTAINER_FAMILIES)


async def test_container_detail_from_kepler_0_7_is_refused_and_pod_detail_says_why_it_has_no_children() -> None:
    from datetime import UTC, datetime

    from carbon_kepler_mcp.errors import InsufficientDataError
    from carbon_kepler_mcp.kepler.readings import NodeReading, PodReading
    from carbon_kepler_mcp.reference import load_reference_data
    from carbon_kepler_mcp.sources.base import Snapshot

    pod = PodReading(
        namespace="shop",
        name="cart-0",
        uid="",
        node="old-node",
        state="running",
        power_watts=12.0,
        energy_joules=1200.0,
        zone_power_watts={"package": 10.0, "dram": 2.0},
        zone_energy_joules={"package": 1000.0, "dram": 200.0},
        endpoint="http://old-node:9102/metrics",
    )
    node = NodeReading("old-node", 60.0, None, None, None, ("dram", "package"), "http://old-node:9102/metrics")

    class Legacy:
        kind = "kepler"
        description = "http://old-node:9102/metrics"

        async def snapshot(self) -> Snapshot:
            return Snapshot(
                taken_at=datetime(2026, 4, 14, 11, tzinfo=UTC),
                source_kind="kepler",
                generation="legacy",
                pods=[pod],
                nodes=[node],
                endpoints=["http://old-node:9102/metrics"],
                power_method="rate of Kepler 0.7 joule counters",
                is_demo=False,
            )

        async def aclose(self) -> None:
            return None

    service = AppContext(Legacy(), load_reference_data())
    explorer = service
    with pytest.raises(InsufficientDataError, match=r"Kepler 0\.10 or later"):
        await tools(explorer).resource_power("container", "0123456789abcdef")
    result = await tools(explorer).resource_power("pod", "cart-0", "shop")
    assert result.power_watts == 12.0 and result.children == []
    assert any("Kepler 0.10 or later" in note for note in result.notes)
    summary = await tools(explorer).summary()
    assert summary.unattributed_power_watts == pytest.approx(60.0 - 12.0)
    assert summary.nodes[0].idle_power_watts is None  # Kepler 0.7 exports no idle split


async def test_daemonsets_are_recognised_by_placement_in_exploring_tools(explorer: AppContext) -> None:
    result = await tools(explorer).top_consumers(namespace="monitoring", limit=10)
    kinds = {c.name: c.kind for c in result.consumers}
    assert kinds["node-exporter"] == "DaemonSet"  # one pod on each of the three demo nodes
    assert kinds["prometheus"] == "StatefulSet"
