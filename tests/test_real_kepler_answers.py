"""What the server answers over real Kepler output (issue 14): stale counters, the rate interval, pseudo-pods,
kinds, unknown zones, failed endpoints named in "not found" answers."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import httpx2
import pytest

from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.errors import SourceUnavailableError, UnknownNamespaceError, UnknownWorkloadError
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.parser import parse_exposition
from carbon_kepler_mcp.kepler.readings import PodReading, current_readings
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.base import Snapshot
from carbon_kepler_mcp.sources.kepler import KeplerSource
from tests.conftest import SPRING_EVENING_KST, fixture_text
from tests.real_kepler import KIND, Replay
from tests.tools import tools

pytestmark = pytest.mark.anyio

APISERVER = "kube-apiserver-kind-fms-control-plane"


def replay_source(replay: Replay, **kwargs: object) -> KeplerSource:
    return KeplerSource(
        ["http://kind-fms:9102/metrics"],
        transport=replay.transport(),
        clock=replay.clock,
        wall_clock=replay.wall_clock,
        sleep=replay.sleep,
        **kwargs,  # type: ignore[arg-type]
    )


# --- item 2: stale counters, the interval used -----------------------------------------------------------


async def test_identical_legacy_scrapes_answer_that_kepler_has_not_updated_not_0_w() -> None:
    # Scrapes 5 and 6 (3 s apart) hold identical counters; the source keeps looking, every second, for 15 s (3 × the
    # 5 s rate interval) and then says since when nothing moved: 1702462683 = 2023-12-13T10:18:03Z.
    replay = Replay(KIND[5:7])
    source = replay_source(replay)
    with pytest.raises(SourceUnavailableError, match=r"has not updated since 2023-12-13T10:18:03\+00:00"):
        await source.snapshot()
    assert replay.now - 1702462683 == pytest.approx(15.0)  # waited 15 × 1 s (fake clock)
    assert len(replay.served) == 16
    await source.aclose()


async def test_the_legacy_rate_spans_counter_changes_and_says_which_interval_it_used() -> None:
    replay = Replay(KIND)
    source = replay_source(replay, cache_ttl_seconds=60.0)
    first = await source.snapshot()
    # Scrape 0 is served every second from 599 to 613 (unchanged: Kepler's update period is at least 14 s), scrape 1
    # at 614: a 42 s interval (3 × 14 s) is not reached within the 15 s it may wait, so the rate spans 599 → 614
    # (15 s) and says that interval is short. The apiserver then draws the hand-computed 3.4708 W of pair 0→1.
    assert replay.served == [1702462599] * 15 + [1702462614]
    assert next(p for p in first.pods if p.name == APISERVER).cpu_dram_power_watts == pytest.approx(3.4708, abs=5e-5)
    assert "over 15.0 s" in first.power_method and first.rate_interval_seconds == 15.0
    assert any("at least 14.0 s" in w and "shorter than the rate interval" in w for w in first.warnings)

    replay.now = 1702462683.0  # a later call, after the cache expired: scrape 5 is the latest
    later = await source.snapshot()
    # From the first sight of scrape 1 (614) to scrape 5 (683): 69 s. By hand from SOURCES.md,
    # E5 - E1 = 2.8421 W × 84 s - 3.4708 W × 15 s = 238.7364 - 52.062 = 186.6744 J → 186.6744 / 69 = 2.70542 W
    # (the hand figures are rounded to 4 decimals: ±0.00005 W × 99 s over 69 s, below 1e-4 W).
    assert next(p for p in later.pods if p.name == APISERVER).cpu_dram_power_watts == pytest.approx(2.70542, abs=1e-4)
    assert later.rate_interval_seconds == 69.0 and "over 69.0 s" in later.power_method
    assert not any("shorter than the rate interval" in w for w in later.warnings)
    await source.aclose()


async def test_current_gauges_whose_counters_did_not_move_are_answered_with_their_age() -> None:
    now = [1000.0]
    source = KeplerSource(
        ["http://kepler.test:28282/metrics"],
        transport=httpx2.MockTransport(lambda request: httpx2.Response(200, text=fixture_text("kepler_current.prom"))),
        clock=lambda: now[0],
    )
    fresh = await source.snapshot()
    now[0] += 61  # the cache expired; the same counters 61 s later
    assert not any("has not updated" in w for w in fresh.warnings)
    stale = await source.snapshot()
    (warning,) = [w for w in stale.warnings if "has not updated since" in w]
    assert "unchanged over 61.0 s" in warning and "last values it computed" in warning
    assert sum(p.power_watts for p in stale.pods) == sum(p.power_watts for p in fresh.pods) > 0
    await source.aclose()


# --- items 4 and 5 over the kind capture: pseudo-pods, kinds ------------------------------------------------


async def _kind_context(replay: Replay) -> AppContext:
    return AppContext(replay_source(replay), load_reference_data(), AppConfig(), clock=lambda: SPRING_EVENING_KST)


async def test_pseudo_pods_are_node_overhead_never_workloads_with_a_verdict() -> None:
    ctx = await _kind_context(Replay(KIND[:2]))
    snapshot = await ctx.read(None)
    assert "system" not in snapshot.namespaces
    assert [(p.namespace, p.name) for p in snapshot.overhead_pods] == [("system", "system_processes")]
    with pytest.raises(UnknownNamespaceError, match=r"pseudo-pod system_processes .*node overhead.*no compliance"):
        await tools(ctx).list_workloads("system")
    listing = await tools(ctx).list_workloads("kube-system")
    assert all("system_processes" not in w.workload for w in listing.workloads)
    assert any("pseudo-pods (system/system_processes" in n and "no compliance verdict" in n for n in listing.notes)
    korean = await tools(ctx).list_workloads("kube-system", language="ko")
    assert any("의사 파드(system/system_processes" in n for n in korean.notes)
    await ctx.aclose()


async def test_kind_daemonsets_are_daemonsets_and_no_pod_is_an_implausible_cronjob() -> None:
    ctx = await _kind_context(Replay(KIND[:2]))
    listing = await tools(ctx).list_workloads("kube-system")
    kinds = {w.workload: w.kind for w in listing.workloads}
    # kindnet-4xnkx and kube-proxy-42tpx: <name>-<5 random characters>, one running pod on the only node
    assert kinds["kindnet"] == "DaemonSet" and kinds["kube-proxy"] == "DaemonSet"
    assert kinds["coredns"] == "Deployment"
    result = await tools(ctx).assess("kindnet", "kube-system")
    assert result.workload_kind == "DaemonSet" and "kind confidence: low" in result.resolution
    await ctx.aclose()


# --- item 6: unknown zones -----------------------------------------------------------------------------------

UNKNOWN_ZONE = """\
kepler_node_cpu_watts{node_name="n1",path="/sys/class/powercap/intel-rapl:0",zone="package"} 40
kepler_node_cpu_watts{node_name="n1",path="/sys/class/hwmon/hwmon3",zone="power1"} 12.5
kepler_pod_cpu_watts{node_name="n1",pod_id="u1",pod_name="web-0",pod_namespace="prod",state="running",zone="package"} 4
kepler_pod_cpu_watts{node_name="n1",pod_id="u1",pod_name="web-0",pod_namespace="prod",state="running",zone="power1"} 1.25
"""


def test_unknown_zones_are_listed_in_the_warnings_with_their_power() -> None:
    readings = current_readings(parse_exposition(UNKNOWN_ZONE, schema.ALL_FAMILIES), "n1")
    assert readings.nodes[0].power_watts == 40  # the unknown zone is not added to the IT total
    assert readings.pods[0].power_watts == 4
    assert any("nodes report zone(s)" in w and "'power1' 12.50 W" in w for w in readings.warnings)
    assert any("pods report zone(s)" in w and "'power1' 1.25 W" in w for w in readings.warnings)


# --- item 7: a failed endpoint is named in "not found" answers ----------------------------------------------


def _three_endpoints() -> AppContext:
    current = fixture_text("kepler_current.prom")

    def answer(request: httpx2.Request) -> httpx2.Response:
        if request.url.host == "node-c":
            return httpx2.Response(404, text="not here")
        return httpx2.Response(200, text=current.replace("worker-1", request.url.host or ""))

    source = KeplerSource([f"http://node-{x}:28282/metrics" for x in "abc"], transport=httpx2.MockTransport(answer))
    return AppContext(source, load_reference_data(), AppConfig(), clock=lambda: SPRING_EVENING_KST)


async def test_an_unknown_workload_answer_names_the_endpoint_that_failed() -> None:
    ctx = _three_endpoints()
    with pytest.raises(UnknownWorkloadError) as info:
        await tools(ctx).assess("ml-training-job", "production")
    message = str(info.value)
    assert "not found on the endpoints that answered; 1 of 3 endpoints failed:" in message
    assert "node-c" in message and "HTTP 404" in message
    await ctx.aclose()


async def test_an_unknown_namespace_answer_names_the_endpoint_that_failed() -> None:
    ctx = _three_endpoints()
    with pytest.raises(UnknownNamespaceError, match=r"1 of 3 endpoints failed: .*node-c"):
        await tools(ctx).list_workloads("nowhere")
    await ctx.aclose()


def test_every_source_keeps_pseudo_pods_out_of_the_workloads() -> None:
    # A windowed source (Prometheus) hands its pods to Snapshot as they come; the snapshot sets the pseudo-pods aside.
    def reading(namespace: str, name: str, watts: float) -> PodReading:
        return PodReading(namespace, name, "", "n1", "running", watts, 0.0, {"package": watts}, {}, "prom")

    snapshot = Snapshot(
        taken_at=datetime(2026, 1, 1, tzinfo=UTC),
        source_kind="prometheus",
        generation="legacy",
        pods=[reading("kernel", "kernel_processes", 2.5), reading("prod", "web-0", 4.0)],
        nodes=[],
        endpoints=[],
        power_method="test",
        is_demo=False,
    )
    assert [p.name for p in snapshot.pods] == ["web-0"] and snapshot.namespaces == ("prod",)
    assert [p.name for p in snapshot.overhead_pods] == ["kernel_processes"]


class _SteppingKepler:
    """A legacy exporter whose counters move only when Kepler updates: every 3 s, at 0.3 s past (3k) seconds.

    The pod draws 10 W, so at each update its package counter is 10 W × the update time.
    """

    def __init__(self, start: float) -> None:
        self.now = start

    async def sleep(self, seconds: float) -> None:
        self.now += seconds

    def body(self) -> str:
        update = math.floor((self.now - 0.3) / 3) * 3 + 0.3  # the last update at or before now
        labels = 'container_id="c1",container_name="app",container_namespace="prod",mode="dynamic",pod_name="web-0"'
        return f"kepler_container_package_joules_total{{{labels}}} {10 * update:.6f}\n"


async def test_the_legacy_rate_dates_counter_changes_so_a_staircase_gives_the_true_power() -> None:
    kepler = _SteppingKepler(100.0)
    source = KeplerSource(
        ["http://stepping:9102/metrics"],
        transport=httpx2.MockTransport(lambda request: httpx2.Response(200, text=kepler.body())),
        clock=lambda: kepler.now,
        sleep=kepler.sleep,
    )
    snapshot = await source.snapshot()
    # Polled every second from 100: the values change at 103, 106, 109 (updates at 102.3, 105.3, 108.3); unchanged
    # for 2 s at 100-102, so the interval must be at least max(5, 3 × 2) = 6 s: 103 → 109, counters 1023 → 1083 J,
    # 60 J / 6 s = 10 W exactly. (One pair 5 s apart, 100 → 105, would read 993 → 1023 J: 30 J / 5 s = 6 W.)
    (web,) = snapshot.pods
    assert web.power_watts == pytest.approx(10.0, abs=1e-9)
    assert snapshot.rate_interval_seconds == 6.0 and kepler.now == 109.0
    await source.aclose()


async def test_a_stale_legacy_endpoint_is_named_and_the_others_still_answer() -> None:
    replay = Replay(KIND[5:7])  # identical counters from 683 on
    current = fixture_text("kepler_current.prom")

    def answer(request: httpx2.Request) -> httpx2.Response:
        if request.url.host == "stuck":
            return replay.transport().handle_request(request)
        return httpx2.Response(200, text=current)

    source = KeplerSource(
        ["http://fresh:28282/metrics", "http://stuck:9102/metrics"],
        transport=httpx2.MockTransport(answer),
        clock=replay.clock,
        wall_clock=replay.wall_clock,
        sleep=replay.sleep,
    )
    snapshot = await source.snapshot()
    assert snapshot.endpoints == ("http://fresh:28282/metrics",)
    (failed,) = snapshot.failed_endpoints
    assert "http://stuck:9102/metrics has not updated since 2023-12-13T10:18:03+00:00" in failed
    assert any("has not updated since" in w and "missing from this answer" in w for w in snapshot.warnings)
    await source.aclose()
