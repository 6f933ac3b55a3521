"""Accounting over time on a real Prometheus: a fresh install holding 30 s of a 1 h window, and a rollout 10 min in.

A scrape-less Prometheus holds hand-made Kepler (≥ 0.10) series, backfilled with promtool and read at a pinned
instant ``END``. Every pod draws 40 W package + 10 W dram = 50 W; samples are 5 s apart.

* ``fresh/probe-7f9c8d6b5-bcdfg`` has samples only in the last 30 s: 7 samples, 30 s between first and last.
* ``shop/web-6d8f7c9b4-b4nzt`` runs from END − 3595 s to END − 3000 s, then ``shop/web-6d8f7c9b4-q7w4z``
  (the rollout's new pod, the same Deployment) from END − 2995 s to END; each starts its counters at 0.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.policy import FunctionalUnit, Policy
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.prometheus import PrometheusSource
from tests.prometheus_server import PrometheusProcess, backfilled_prometheus
from tests.tools import tools

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

END = 1_796_000_000  # 2026-11-29 00:53:20 UTC, a whole multiple of 5 s
STEP = 5
PACKAGE_WATTS, DRAM_WATTS = 40.0, 10.0
WATTS = PACKAGE_WATTS + DRAM_WATTS
NODE = "kr-seoul-cpu-1"


def _pod_lines(namespace: str, pod: str, uid: str, first: int, last: int) -> list[str]:
    lines: list[str] = []
    for stamp in range(first, last + 1, STEP):
        seconds = stamp - first  # counters start at 0 when the pod appears
        for zone, watts in (("package", PACKAGE_WATTS), ("dram", DRAM_WATTS)):
            labels = (
                f'job="kepler",instance="{NODE}:28282",node_name="{NODE}",pod_id="{uid}",pod_name="{pod}",'
                f'pod_namespace="{namespace}",state="running",zone="{zone}"'
            )
            lines.append(f"kepler_pod_cpu_joules_total{{{labels}}} {watts * seconds} {stamp}")
    return lines


def _history(path: Path) -> None:
    lines: list[str] = []
    for stamp in range(END - 7_200, END + 1, STEP):
        head = f'job="kepler",instance="{NODE}:28282",node_name="{NODE}"'
        seconds = stamp - (END - 7_200)
        lines.append(
            f'kepler_node_cpu_joules_total{{{head},path="/sys/class/powercap/intel-rapl:0",zone="package"}} '
            f"{200.0 * seconds} {stamp}"
        )
        lines.append(
            f'kepler_node_cpu_joules_total{{{head},path="/sys/class/powercap/intel-rapl:0:2",zone="dram"}} '
            f"{20.0 * seconds} {stamp}"
        )
    # The shop serves 20 requests a second, all the time.
    lines.extend(
        f'http_requests_total{{job="shop",namespace="shop"}} {20.0 * (stamp - END + 7_200)} {stamp}'
        for stamp in range(END - 7_200, END + 1, STEP)
    )
    lines += _pod_lines("fresh", "probe-7f9c8d6b5-bcdfg", "00000000-0000-0000-0000-00000000000a", END - 30, END)
    lines += _pod_lines("shop", "web-6d8f7c9b4-b4nzt", "00000000-0000-0000-0000-0000000000b1", END - 3595, END - 3000)
    lines += _pod_lines("shop", "web-6d8f7c9b4-q7w4z", "00000000-0000-0000-0000-0000000000b2", END - 2995, END)
    lines.sort(key=lambda line: int(line.rsplit(" ", 1)[1]))
    lines.append("# EOF")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def coverage_prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusProcess]:
    with backfilled_prometheus(tmp_path_factory, "prometheus-coverage", _history) as running:
        yield running


SHOP_REQUESTS = FunctionalUnit(
    namespace="shop", unit="request", rate_query='sum(rate(http_requests_total{namespace="shop"}[5m]))'
)
NOTHING = FunctionalUnit(namespace="fresh", unit="probe", rate_query='sum(rate(no_such_metric{namespace="fresh"}[5m]))')


@pytest.fixture
async def service(coverage_prometheus: PrometheusProcess) -> AsyncIterator[AppContext]:
    at = datetime.fromtimestamp(END, UTC)
    source = PrometheusSource(coverage_prometheus.url, cache_ttl_seconds=0, wall_clock=lambda: at)
    # An operator PUE, so that coverage (not a default PUE) is what decides the verdict.
    policy = Policy(functional_units=(SHOP_REQUESTS, NOTHING))
    ctx = AppContext(source, load_reference_data(), AppConfig(pue=1.3), clock=lambda: at, policy=policy)
    try:
        yield ctx
    finally:
        await ctx.aclose()


async def test_thirty_seconds_of_an_hour_give_todays_power_and_no_verdict(service: AppContext) -> None:
    result = await tools(service).assess("probe", "fresh")
    coverage = result.coverage
    assert coverage is not None
    # Power now: the energy between the first and last sample of the last 5 min ÷ their spacing = 50 W, not the
    # 50 × 30 / 3600 = 0.42 W an hour's increase would give.
    assert result.current_power_watts == pytest.approx(WATTS, rel=1e-6)
    assert coverage.covered_seconds == pytest.approx(30.0)
    assert coverage.window_energy_joules == pytest.approx(WATTS * 30)  # 1,500 J
    assert coverage.average_power_watts == pytest.approx(WATTS)
    # 1,500 J × 1.3 × 417.3 g/kWh / 3.6e6 J/kWh = 0.226038 g
    assert result.window_emissions_gCO2eq == pytest.approx(WATTS * 30 / 3.6e6 * 1.3 * 417.3, abs=1e-3)
    assert (result.status, result.status_reason) == ("NOT_ASSESSED", "insufficient_coverage")
    assert result.monthly_basis == "continuous_at_current_power"


async def test_a_rollout_ten_minutes_in_counts_both_pods_once(service: AppContext) -> None:
    result = await tools(service).assess("web", "shop")
    coverage = result.coverage
    assert coverage is not None
    assert sorted(p.pod for p in result.pods) == ["web-6d8f7c9b4-b4nzt", "web-6d8f7c9b4-q7w4z"]
    # old: 595 s × 50 W = 29,750 J; new: 2,995 s × 50 W = 149,750 J; union of spans 595 + 2,995 = 3,590 s.
    assert coverage.window_energy_joules == pytest.approx(WATTS * (595 + 2995))
    assert coverage.covered_seconds == pytest.approx(595 + 2995)
    assert coverage.average_power_watts == pytest.approx(WATTS)
    assert result.current_power_watts == pytest.approx(WATTS, rel=1e-6)  # only the new pod runs now
    # 3,590 / 3,600 ≥ 50 %: judged, at 417.3 × 1.3 = 542.49 ≤ 584.22.
    assert (result.status, result.status_reason) == ("COMPLIANT", "within_limit")


async def test_sci_per_request_is_window_emissions_over_the_requests_served(service: AppContext) -> None:
    result = await tools(service).assess("web", "shop")
    sci = result.sci
    assert sci is not None and sci.functional_units is not None
    # R = 20 requests/s × 3,600 s = 72,000; O = 179,500 J × 1.3 × 417.3 g/kWh / 3.6e6 J/kWh = 27.04856 g.
    operational = WATTS * (595 + 2995) * 1.3 * 417.3 / 3.6e6
    assert sci.functional_units == pytest.approx(72_000, rel=1e-6)
    assert sci.operational_gCO2eq == pytest.approx(operational, rel=1e-6)
    assert sci.sci_gCO2eq_per_unit == pytest.approx(operational / 72_000, rel=1e-6)
    assert sci.query is not None and "avg_over_time" in sci.query and SHOP_REQUESTS.rate_query in sci.query
    assert sci.embodied_gCO2eq is None and "embodied emissions not included" in sci.sentence


async def test_sci_says_so_when_its_rate_query_returns_nothing(service: AppContext) -> None:
    result = await tools(service).assess("probe", "fresh", None, None, "ko")
    assert result.sci is not None and result.sci.sci_gCO2eq_per_unit is None
    assert "rate_query" in result.sci.sentence and "아무 값도" in result.sci.sentence
