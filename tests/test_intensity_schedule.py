"""The schedule tool over a provider's forecast (local stand-ins): the Carbon Aware SDK search runs on the
forecast, the saving is quantified only from it, a marginal signal never becomes a window total, and every
fallback is said."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.app.results import ScheduleResult
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.demo import DemoSource
from carbon_kepler_mcp.sources.intensity.base import IntensityProvider
from carbon_kepler_mcp.sources.intensity.chain import IntensityChain
from carbon_kepler_mcp.sources.intensity.electricitymaps import ElectricityMapsProvider
from carbon_kepler_mcp.sources.intensity.file import FileProvider
from carbon_kepler_mcp.sources.intensity.watttime import WattTimeProvider
from tests.conftest import SPRING_EVENING_KST
from tests.intensity_standins import ElectricityMapsStandIn, Reply, WattTimeStandIn, every, hourly
from tests.tools import tools

pytestmark = pytest.mark.anyio

NOW = SPRING_EVENING_KST  # 2026-04-14 11:00 UTC = 20:00 KST
TOKEN = "em-token-for-schedule-tests"
# 27 forecast hours of 400 g/kWh except hours +5 and +6 (01:00 and 02:00 KST) at 200.
FORECAST = hourly(NOW, [200.0 if h in (5, 6) else 400.0 for h in range(27)])


@pytest.fixture
def em() -> Iterator[ElectricityMapsStandIn]:
    with ElectricityMapsStandIn(TOKEN, "KR", [], FORECAST, NOW).running() as server:
        assert isinstance(server, ElectricityMapsStandIn)
        yield server


def _context(*providers: IntensityProvider) -> AppContext:
    chain = IntensityChain(list(providers))
    return AppContext(DemoSource(), load_reference_data(), AppConfig(), clock=lambda: NOW, intensity=chain)


@pytest.fixture
async def em_service(em: ElectricityMapsStandIn) -> AsyncIterator[AppContext]:
    ctx = _context(ElectricityMapsProvider(lambda: TOKEN, base_url=em.url + "/v3", clock=lambda: NOW))
    try:
        yield ctx
    finally:
        await ctx.aclose()


async def test_the_search_runs_on_the_forecast_and_quantifies_the_saving(em_service: AppContext) -> None:
    result = await tools(em_service).schedule("nightly-report", "batch", duration_hours=2)
    assert isinstance(result, ScheduleResult)
    assert result.quantified and result.not_quantified_reason is None
    # Now: 400 for 2 h; the window at +5 h covers the two 200 hours: average 200, 50% lower.
    assert result.current_carbon_intensity == 400.0 and result.optimal_carbon_intensity == 200.0
    assert result.optimal_window_start == "2026-04-15T01:00:00+09:00"
    assert result.reduction_percent == 50.0
    assert [w.start for w in result.tied_optimal_windows] == ["2026-04-15T01:00:00+09:00"]
    # Saving = run energy × (400 − 200): power (W) / 1000 × PUE × 2 h × 200 g/kWh.
    energy_kwh = result.power_watts / 1000 * result.pue * 2
    assert result.shift_saving_gCO2eq == pytest.approx(energy_kwh * 200, rel=1e-3)
    assert result.optimal_window.emissions_gCO2eq == pytest.approx(energy_kwh * 200, rel=1e-3)
    assert result.shift_saving_signal == "average"
    info = result.intensity_provider
    assert info is not None
    assert (info.provider, info.zone, info.signal, info.basis, info.kind) == (
        "electricitymaps",
        "KR",
        "average",
        "lifecycle",
        "forecast",
    )
    assert info.skipped == [] and info.staleness_seconds == 0.0
    assert "forecast_intensity" in result.provenance and "hourly_profile" not in result.provenance
    assert len(result.intensity_series) == 24 and result.intensity_series[5].grid_intensity_gCO2eq_kWh == 200.0
    assert any("Quantified from the electricitymaps forecast" in n for n in result.notes)


async def test_korean_answers_name_the_provider_and_signal(em_service: AppContext) -> None:
    result = await tools(em_service).schedule("nightly-report", "batch", duration_hours=2, language="ko")
    assert isinstance(result, ScheduleResult)
    assert any("electricitymaps(구역 KR, 평균(average) 신호" in n for n in result.notes)
    assert any("실행 1회당" in n for n in result.notes)
    assert "예측에 Carbon Aware SDK 방식 적용" in result.method


async def test_a_marginal_forecast_quantifies_the_avoided_emissions_but_no_window_total() -> None:
    five_min = every(300)(NOW, 27 * 12, lambda i: 200.0 if 5 <= i // 12 <= 6 else 400.0)
    with WattTimeStandIn("u", "p", "KR_TEST", [], five_min, NOW).running() as server:
        provider = WattTimeProvider(lambda: "u", lambda: "p", base_url=server.url, clock=lambda: NOW)
        ctx = _context(provider)
        ctx = AppContext(
            ctx.source,
            ctx.reference,
            AppConfig(intensity_zones={"ap-northeast-2": {"watttime": "KR_TEST"}}),
            clock=lambda: NOW,
            intensity=ctx.intensity,
        )
        result = await tools(ctx).schedule("nightly-report", "batch", duration_hours=2)
        await ctx.aclose()
    assert isinstance(result, ScheduleResult)
    assert result.intensity_provider is not None and result.intensity_provider.signal == "marginal"
    assert result.optimal_carbon_intensity == pytest.approx(200.0)
    assert result.shift_saving_signal == "marginal" and result.shift_saving_gCO2eq is not None
    # Marginal: the saving of the shift, never a window's emissions.
    assert result.current_window.emissions_gCO2eq is None and result.optimal_window.emissions_gCO2eq is None
    assert result.provenance["forecast_intensity"].not_for_reporting
    assert any("marginal signal measures the emissions a shift avoids" in n for n in result.notes)


async def test_a_rate_limited_provider_falls_back_along_the_chain_and_says_so(
    em: ElectricityMapsStandIn, tmp_path: Path
) -> None:
    em.fail(Reply(429, {"message": "quota"}, {"Retry-After": "3600"}))
    path = tmp_path / "kr.csv"
    path.write_text("timestamp,intensity_g_per_kwh\n" + "".join(f"{t.isoformat()},{v}\n" for t, v in FORECAST))
    ctx = _context(
        ElectricityMapsProvider(lambda: TOKEN, base_url=em.url + "/v3", clock=lambda: NOW),
        FileProvider(str(path), default_zone="KR", clock=lambda: NOW),
    )
    result = await tools(ctx).schedule("nightly-report", "batch", duration_hours=2)
    await ctx.aclose()
    assert isinstance(result, ScheduleResult)
    assert result.intensity_provider is not None and result.intensity_provider.provider == "file"
    assert result.optimal_carbon_intensity == 200.0 and result.quantified
    assert any("electricitymaps was skipped (rate-limited)" in n for n in result.notes)
    assert any("after falling back along the chain" in n for n in result.notes)


async def test_a_forecast_too_short_for_the_run_falls_back_to_the_unquantified_hint(em: ElectricityMapsStandIn) -> None:
    em.forecast_points = FORECAST[:1]  # one hour ahead; the run is 2 h
    ctx = _context(ElectricityMapsProvider(lambda: TOKEN, base_url=em.url + "/v3", clock=lambda: NOW))
    result = await tools(ctx).schedule("nightly-report", "batch", duration_hours=2)
    await ctx.aclose()
    assert isinstance(result, ScheduleResult)
    assert not result.quantified and result.shift_saving_gCO2eq is None and result.intensity_provider is None
    assert any("cannot place this run" in n for n in result.notes)


async def test_every_provider_down_keeps_the_shipped_data_and_says_why(em: ElectricityMapsStandIn) -> None:
    em.fail(Reply(503), Reply(503), Reply(503))
    ctx = _context(
        ElectricityMapsProvider(lambda: TOKEN, base_url=em.url + "/v3", clock=lambda: NOW, timeout_seconds=5)
    )
    result = await tools(ctx).schedule("nightly-report", "batch", duration_hours=2, language="ko")
    await ctx.aclose()
    assert isinstance(result, ScheduleResult)
    assert not result.quantified and result.intensity_provider is None
    assert any("electricitymaps을(를) 건너뛰었습니다(응답 불가)" in n for n in result.notes)
    assert any("내장된 시간대별 데이터로 찾습니다" in n for n in result.notes)


def test_forecast_fixture_arithmetic() -> None:
    # The forecast the tests use: +5 h and +6 h at 200, all others 400.
    assert [v for t, v in FORECAST if t - NOW in (timedelta(hours=5), timedelta(hours=6))] == [200.0, 200.0]
