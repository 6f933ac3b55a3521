"""The carbon-intensity resources with a provider: the latest value with its own timestamps and staleness, beside
the annual compliance factor, in English and Korean; past and future hours from history and forecast."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.app.resources import ResourceViews
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.demo import DemoSource
from carbon_kepler_mcp.sources.intensity.chain import IntensityChain
from carbon_kepler_mcp.sources.intensity.electricitymaps import ElectricityMapsProvider
from tests.intensity_standins import ElectricityMapsStandIn, Reply, hourly

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 12, 1, 12, 30, tzinfo=UTC)  # 21:30 KST
TOKEN = "em-token-resources"
HISTORY = hourly(datetime(2026, 11, 30, 12, tzinfo=UTC), [400.0 + h for h in range(24)])  # 12:00 … 11:00 UTC
FORECAST = hourly(datetime(2026, 12, 1, 12, tzinfo=UTC), [300.0 + h for h in range(24)])


@pytest.fixture
def em() -> Iterator[ElectricityMapsStandIn]:
    with ElectricityMapsStandIn(TOKEN, "KR", HISTORY, FORECAST, NOW).running() as server:
        assert isinstance(server, ElectricityMapsStandIn)
        yield server


def _views(url: str) -> tuple[ResourceViews, AppContext]:
    chain = IntensityChain([ElectricityMapsProvider(lambda: TOKEN, base_url=url + "/v3", clock=lambda: NOW)])
    ctx = AppContext(DemoSource(), load_reference_data(), AppConfig(), clock=lambda: NOW, intensity=chain)
    return ResourceViews(ctx), ctx


async def test_the_latest_value_comes_with_its_own_time_and_age_beside_the_compliance_factor(
    em: ElectricityMapsStandIn,
) -> None:
    views, ctx = _views(em.url)
    document = await views.live_intensity("ap-northeast-2", now=NOW)
    await ctx.aclose()
    live = document["live"]
    # The newest past-hour point: 11:00-12:00 UTC (20:00-21:00 KST) at 400 + 23 = 423 g/kWh, 30 min old at 12:30.
    assert live["latest"] == {
        "start": "2026-12-01T20:00:00+09:00",
        "end": "2026-12-01T21:00:00+09:00",
        "grid_intensity_gCO2eq_kWh": 423.0,
        "estimated": False,
    }
    assert live["staleness_seconds"] == 1800.0
    assert live["provider"]["provider"] == "electricitymaps" and live["provider"]["signal"] == "average"
    assert document["compliance_intensity_gCO2eq_kWh"] == 417.3  # unchanged: the compliance basis
    assert "417.3" in live["compliance_note"] and "423.0" in live["compliance_note"]
    assert "준수 평가는 계속 연간 배출계수를 사용합니다" in live["compliance_note_ko"]
    assert live["notes"] and live["notes_ko"]


async def test_a_past_and_a_future_hour_are_read_from_history_and_forecast(em: ElectricityMapsStandIn) -> None:
    views, ctx = _views(em.url)
    past = await views.live_intensity_at("ap-northeast-2", "2026-12-01T05:15:00Z", now=NOW)
    ahead = await views.live_intensity_at("ap-northeast-2", "2026-12-01T15:45:00Z", now=NOW)
    await ctx.aclose()
    # 05:00 UTC is hour 17 of the history (from 12:00 the day before): 417; 15:00 UTC is forecast hour 3: 303.
    assert past["live"]["point"]["grid_intensity_gCO2eq_kWh"] == 417.0
    assert ahead["live"]["point"]["grid_intensity_gCO2eq_kWh"] == 303.0
    assert past["annual_intensity_gCO2eq_kWh"] == 417.3


async def test_a_provider_failure_is_said_and_the_annual_document_still_served(em: ElectricityMapsStandIn) -> None:
    em.fail(Reply(401, {"message": "bad token"}))
    views, ctx = _views(em.url)
    document = await views.live_intensity("ap-northeast-2", now=NOW)
    await ctx.aclose()
    assert document["compliance_intensity_gCO2eq_kWh"] == 417.3
    assert "provider" not in document["live"]
    assert any("unauthorised" in n for n in document["live"]["notes"])
    assert any("인증 실패" in n for n in document["live"]["notes_ko"])
    assert TOKEN not in str(document)


async def test_without_a_provider_there_is_no_live_section() -> None:
    ctx = AppContext(DemoSource(), load_reference_data(), AppConfig(), clock=lambda: NOW)
    document = await ResourceViews(ctx).live_intensity("ap-northeast-2", now=NOW + timedelta(0))
    await ctx.aclose()
    assert document["live"] is None and document["compliance_intensity_gCO2eq_kWh"] == 417.3
