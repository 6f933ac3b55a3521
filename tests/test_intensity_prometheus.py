"""Time-resolved emissions on a real Prometheus: 3 backfilled days of the demo's Kepler series and the
operator's hourly intensity series, against a sum computed by hand.

Inputs: web-app is 3 pods × (11 + 2) W = 39 W, constant, for the whole history; the operator's PUE is 1.25;
the intensity of UTC hour k of the 72 (k = 0 at END − 72 h) is 300 + 5 × (k mod 24) + 20 × (k // 24) g/kWh.
Each hour's IT energy is 39 W × 3,600 s = 140,400 J = 0.039 kWh (samples every 600 s, aligned to whole hours,
so increase() over each hour extrapolates a linear counter exactly), so

    Σ I_k = Σ_d (24 × 300 + 5 × (0 + … + 23) + 24 × 20 d) = Σ_d (8,580 + 480 d) = 3 × 8,580 + 480 × 3 = 27,180
    time-resolved = 0.039 kWh × 1.25 × 27,180 g/kWh = 1,325.025 gCO2eq
    annual factor = 0.039 × 1.25 × 72 h × 417.3 = 1,464.723 gCO2eq (the Korean compliance basis)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.app.results import EmissionsReportResult
from carbon_kepler_mcp.demo import default_cluster
from carbon_kepler_mcp.demo.multi import JOB_KEPLER, renderers
from carbon_kepler_mcp.reference import Provenance, load_reference_data
from carbon_kepler_mcp.sources.intensity.chain import IntensityChain
from carbon_kepler_mcp.sources.intensity.file import FileProvider
from carbon_kepler_mcp.sources.prometheus import PrometheusSource
from tests.prometheus_server import PrometheusProcess, backfilled_prometheus
from tests.tools import tools

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

END = 1_790_002_800  # 2026-09-21 15:00:00 UTC, a whole hour
DAYS = 3
STEP = 600
WEB_WATTS = 3 * (11 + 2)
PUE = 1.25
END_AT = datetime.fromtimestamp(END, UTC)
START_AT = END_AT - timedelta(days=DAYS)


def intensity(k: int) -> float:
    return 300.0 + 5 * (k % 24) + 20 * (k // 24)


def _history(path: Path) -> None:
    """The demo's per-node Kepler node and pod series every 600 s from END − 3 days − 1 h to END."""
    cluster = default_cluster(float(END - DAYS * 86_400 - 7_200))
    renders = {key: r for key, r in renderers(cluster).items() if key[0] == JOB_KEPLER}
    lines: list[str] = []
    for stamp in range(END - DAYS * 86_400 - 3_600, END + 1, STEP):
        for (job, node), render in renders.items():
            head = f'job="{job}",instance="{node}:28282"'
            for line in render(float(stamp)).splitlines():
                # Process and container series are not read for a report: left out, the backfill is 3× smaller.
                if line and not line.startswith(("#", "kepler_process_", "kepler_container_")):
                    brace, close = line.find("{"), line.rfind("}")
                    lines.append(f"{line[:brace]}{{{head},{line[brace + 1 : close]}}}{line[close + 1 :]} {stamp}")
    lines.append("# EOF")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusProcess]:
    with backfilled_prometheus(tmp_path_factory, "prometheus-intensity", _history) as running:
        yield running


@pytest.fixture
async def service(prometheus: PrometheusProcess, tmp_path: Path) -> AsyncIterator[AppContext]:
    series = tmp_path / "kr-hourly.csv"
    rows = [f"{(START_AT + timedelta(hours=k)).isoformat()},{intensity(k)}" for k in range(DAYS * 24)]
    series.write_text("timestamp,intensity_g_per_kwh\n" + "\n".join(rows) + "\n", encoding="utf-8")
    source = PrometheusSource(prometheus.url, cache_ttl_seconds=0, wall_clock=lambda: END_AT)
    chain = IntensityChain([FileProvider(str(series), default_zone="KR", clock=lambda: END_AT)])
    ctx = AppContext(source, load_reference_data(), AppConfig(pue=PUE), clock=lambda: END_AT, intensity=chain)
    try:
        yield ctx
    finally:
        await ctx.aclose()


async def test_time_resolved_emissions_over_three_days_match_the_hand_computed_sum(service: AppContext) -> None:
    report = await tools(service).report(
        namespace="production", workload_name="web-app", days=DAYS, granularity="hour", language="en"
    )
    assert isinstance(report, EmissionsReportResult)
    assert report.hours_in_period == 72 and report.hours_with_data == 72 and report.pue == PUE
    assert sum(intensity(k) for k in range(72)) == 27_180
    assert report.time_resolved_emissions_gCO2eq == pytest.approx(0.039 * 1.25 * 27_180, rel=1e-3)  # 1,325.025
    assert report.total_emissions_gCO2eq == pytest.approx(0.039 * 1.25 * 72 * 417.3, rel=1e-3)  # 1,464.723
    assert report.hours_without_intensity == 0
    # Every row: its own facility energy × its own hour's intensity.
    for k, row in enumerate(report.rows):
        assert row.facility_energy_kwh is not None and row.time_resolved_emissions_gCO2eq is not None
        assert row.time_resolved_emissions_gCO2eq == pytest.approx(row.facility_energy_kwh * intensity(k), abs=1e-3)
    info = report.intensity_provider
    assert info is not None and (info.provider, info.signal, info.zone) == ("file", "average", "KR")
    annual = report.provenance["grid_carbon_intensity"]
    assert isinstance(annual, Provenance) and annual.value == 417.3
    assert "time_resolved_intensity" in report.provenance
    assert any("stays the compliance basis in Korea" in n for n in report.notes)
    from carbon_kepler_mcp.app.tools.report import to_csv

    lines = to_csv(report).splitlines()
    assert lines[0].endswith(",emissions_gCO2eq,time_resolved_emissions_gCO2eq")
    assert lines[-1].split(",")[-1] == str(report.time_resolved_emissions_gCO2eq)


async def test_by_day_in_korean_and_with_a_gap_no_total_is_made_up(service: AppContext, tmp_path: Path) -> None:
    day = await tools(service).report(
        namespace="production", workload_name="web-app", days=DAYS, granularity="day", language="ko"
    )
    assert isinstance(day, EmissionsReportResult)
    assert day.time_resolved_emissions_gCO2eq == pytest.approx(0.039 * 1.25 * 27_180, rel=1e-3)
    assert any("한국의 준수 평가는 이 연간 배출계수를 기준으로 합니다" in n for n in day.notes)
    gappy = tmp_path / "gappy.csv"
    rows = [f"{(START_AT + timedelta(hours=k)).isoformat()},{intensity(k)},3600" for k in range(72) if k != 30]
    gappy.write_text("timestamp,intensity_g_per_kwh,duration_seconds\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert service.intensity is not None
    await service.intensity.aclose()
    service.intensity = IntensityChain([FileProvider(str(gappy), default_zone="KR", clock=lambda: END_AT)])
    report = await tools(service).report(namespace="production", workload_name="web-app", days=DAYS, granularity="hour")
    assert isinstance(report, EmissionsReportResult)
    assert report.time_resolved_emissions_gCO2eq is None and report.hours_without_intensity == 1
    assert report.rows[30].time_resolved_emissions_gCO2eq is None
    assert report.rows[29].time_resolved_emissions_gCO2eq is not None
    assert any("no hour is filled from another basis" in n for n in report.notes)
    assert report.total_emissions_gCO2eq == pytest.approx(0.039 * 1.25 * 72 * 417.3, rel=1e-3)


async def test_a_window_s_emissions_are_time_resolved_hour_by_hour(service: AppContext) -> None:
    from carbon_kepler_mcp.app.results import AssessmentResult

    result = await tools(service).assess("web-app", "production", window="3h")
    assert isinstance(result, AssessmentResult)
    # The last 3 whole hours are k = 69, 70, 71: 300 + 5 × (21, 22, 23) + 20 × 2 = 445, 450, 455 (sum 1,350).
    assert intensity(69) + intensity(70) + intensity(71) == 1_350
    assert result.time_resolved_window_emissions_gCO2eq == pytest.approx(0.039 * 1.25 * 1_350, rel=1e-2)  # 65.8125
    assert result.window_emissions_gCO2eq == pytest.approx(0.039 * 3 * 1.25 * 417.3, rel=1e-2)  # annual: 61.03
    assert result.status in ("COMPLIANT", "NON_COMPLIANT")  # the verdict still rests on the annual factor
    assert result.intensity_provider is not None and result.intensity_provider.provider == "file"
    short = await tools(service).assess("web-app", "production", window="30m")
    assert isinstance(short, AssessmentResult) and short.window_emissions_gCO2eq is not None
    # Under two hours: the window's energy × its mean intensity, here all in hour 71 (455 g/kWh).
    assert short.time_resolved_window_emissions_gCO2eq == pytest.approx(
        short.window_emissions_gCO2eq / 417.3 * 455, rel=1e-3
    )


async def test_a_window_off_the_hour_weights_its_ragged_edges_by_their_own_intensity(
    prometheus: PrometheusProcess, tmp_path: Path
) -> None:
    from carbon_kepler_mcp.app.results import AssessmentResult

    at = END_AT - timedelta(minutes=20)  # a 3 h window is [END − 3 h 20 min, END − 20 min)
    series = tmp_path / "kr-hourly.csv"
    rows = [f"{(START_AT + timedelta(hours=k)).isoformat()},{intensity(k)}" for k in range(DAYS * 24)]
    series.write_text("timestamp,intensity_g_per_kwh\n" + "\n".join(rows) + "\n", encoding="utf-8")
    source = PrometheusSource(prometheus.url, cache_ttl_seconds=0, wall_clock=lambda: at)
    chain = IntensityChain([FileProvider(str(series), default_zone="KR", clock=lambda: at)])
    ctx = AppContext(source, load_reference_data(), AppConfig(pue=PUE), clock=lambda: at, intensity=chain)
    try:
        result = await tools(ctx).assess("web-app", "production", window="3h")
    finally:
        await ctx.aclose()
    assert isinstance(result, AssessmentResult)
    # Whole hours k = 69, 70 (445, 450) from the hourly history: 0.039 kWh × 1.25 each. The edges, 20 min of
    # k = 68 (440) and 40 min of k = 71 (455), hold the rest of the window's 3 h: 1 h of energy at their
    # duration-weighted mean (20 × 440 + 40 × 455) / 60 = 450. Total 0.04875 × (445 + 450 + 450) = 65.56875 g.
    assert result.time_resolved_window_emissions_gCO2eq == pytest.approx(0.04875 * 1_345, rel=1e-2)
