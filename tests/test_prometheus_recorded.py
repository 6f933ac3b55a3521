"""The Prometheus source reads the recording rules' pod counter when the rules cover the window, and says so.

A real Prometheus holds 15 minutes of Kepler >= 0.10 and 0.7 counters and of what the rules record from them
(``carbon_kepler:pod_zone_energy_joules_total``, the ``carbon_kepler:rules_info`` marker), written the way the
rule computes them (tests/rules/ checks the rule itself). A 10-minute window is covered: the recorded series
are read. A 20-minute window starts before the rules did: the raw counters are read and the answer says why.
Both give the same power.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.sources import recorded
from carbon_kepler_mcp.sources.base import Snapshot
from carbon_kepler_mcp.sources.prometheus import PrometheusSource
from tests.prometheus_server import PrometheusProcess, backfill, binaries, start_prometheus

pytestmark = pytest.mark.anyio

STEP = 15
SPAN = 15 * 60
# (namespace, pod, node, {zone: watts}); core is inside package and is not recorded
PODS = (
    ("shop", "web", "node-a", {"package": 10.0, "core": 6.0, "dram": 2.0}),
    ("shop", "db", "node-b", {"package": 20.0, "dram": 1.0}),
)


def _history(path: Path, end: int) -> None:
    stamps = range(end - SPAN, end + 1, STEP)
    lines: list[str] = []
    for family in (schema.POD_JOULES, recorded.POD_ZONE_JOULES):
        for namespace, pod, node, zones in PODS:
            for zone, watts in zones.items():
                if family == recorded.POD_ZONE_JOULES and zone in ("core", "uncore"):
                    continue
                pod_id = f',pod_id="{pod}-uid"' if family == schema.POD_JOULES else ""
                labels = (
                    f'pod_namespace="{namespace}",pod_name="{pod}",node_name="{node}",state="running",zone="{zone}"'
                )
                lines += [f"{family}{{{labels}{pod_id}}} {watts * (t - stamps[0]):.1f} {t}" for t in stamps]
    legacy = 'instance="10.0.0.9:9102",container_namespace="batch",pod_name="report",container_id="c1",mode="dynamic"'
    lines += [f"{schema.LEGACY_CONTAINER_PACKAGE_JOULES}{{{legacy}}} {15.0 * (t - stamps[0]):.1f} {t}" for t in stamps]
    lines += [f'{recorded.RULES_INFO}{{version="1"}} 1 {t}' for t in stamps]
    path.write_text("\n".join([*lines, "# EOF"]) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PrometheusProcess, int]]:
    prometheus_bin, promtool = binaries()
    workdir = tmp_path_factory.mktemp("recorded")
    data = workdir / "data"
    data.mkdir()
    end = int(time.time()) - 30
    _history(workdir / "history.om", end)
    backfill(promtool, workdir / "history.om", data)
    running = start_prometheus(prometheus_bin, "global:\n  scrape_interval: 1m\nscrape_configs: []\n", data, workdir)
    try:
        yield running, end
    finally:
        running.stop()


@pytest.fixture
async def source(loaded: tuple[PrometheusProcess, int]) -> AsyncIterator[PrometheusSource]:
    running, end = loaded
    at = datetime.fromtimestamp(end, UTC)  # read at the last sample, however long the fixture took
    source = PrometheusSource(running.url, cache_ttl_seconds=0, wall_clock=lambda: at)
    try:
        yield source
    finally:
        await source.aclose()


def _power(snapshot: Snapshot) -> dict[str, float]:
    return {pod.name: round(pod.power_watts, 6) for pod in snapshot.pods}


async def test_a_window_the_rules_cover_is_read_from_the_recorded_series_and_says_so(source: PrometheusSource) -> None:
    snapshot = await source.window_snapshot(None, 600)
    assert recorded.POD_ZONE_JOULES in snapshot.power_method
    assert any(f"{recorded.POD_ZONE_JOULES}{{" in q for q in snapshot.queries)
    assert not any(f"{schema.POD_JOULES}{{" in q for q in snapshot.queries)
    # web 10 W package + 2 W dram (its 6 W core is inside package); db 20 + 1 W; report (Kepler 0.7, raw) 15 W
    assert _power(snapshot) == {"web": 12.0, "db": 21.0, "report": 15.0}
    web = next(pod for pod in snapshot.pods if pod.name == "web")
    assert web.span is not None
    # samples every 15 s, one exactly at at − 600 s (Prometheus 2.42's ranges include their start): 600 s × 12 W
    assert web.span[1] - web.span[0] == pytest.approx(600.0)
    assert web.energy_joules == pytest.approx(7200.0)
    assert not any("recording rules" in w for w in snapshot.warnings)


async def test_a_window_longer_than_the_rules_have_run_reads_the_raw_counters_and_says_why(
    source: PrometheusSource,
) -> None:
    snapshot = await source.window_snapshot(None, 1200)
    assert recorded.POD_ZONE_JOULES not in snapshot.power_method
    assert any(f"{schema.POD_JOULES}{{" in q for q in snapshot.queries)
    # 15 minutes of rules, give or take the 30 s step the marker is looked at with (aligned to the clock)
    assert any(
        re.search(r"recording rules have run for 1[45]m(\d+s)? only, less than the 20m window", w)
        for w in snapshot.warnings
    ), snapshot.warnings
    assert _power(snapshot) == {"web": 12.0, "db": 21.0, "report": 15.0}  # the same power either way
    web = next(pod for pod in snapshot.pods if pod.name == "web")
    assert web.zone_power_watts["core"] == pytest.approx(6.0)  # the raw counter still has core


async def test_rules_that_stopped_recording_leave_the_raw_counters_in_use(
    loaded: tuple[PrometheusProcess, int],
) -> None:
    running, end = loaded
    later = datetime.fromtimestamp(end + 3 * recorded.RULE_INTERVAL_SECONDS, UTC)  # the marker is 90 s old then
    source = PrometheusSource(running.url, cache_ttl_seconds=0, wall_clock=lambda: later)
    try:
        snapshot = await source.window_snapshot(None, 300)
    finally:
        await source.aclose()
    assert recorded.POD_ZONE_JOULES not in snapshot.power_method
    assert any("the recording rules stopped at" in w for w in snapshot.warnings)
