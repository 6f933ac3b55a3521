"""The intensity providers against local stand-ins of their documented APIs (tests/intensity_standins.py), the
operator's file, and the fallback chain: shapes, units, signal and basis, every failure a provider can answer
with, caching, and that no credential reaches a message or a log line."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from carbon_kepler_mcp.errors import ConfigError, IntensityProviderError
from carbon_kepler_mcp.sources import _http
from carbon_kepler_mcp.sources.intensity.base import IntensitySeries, SeriesCache, secret
from carbon_kepler_mcp.sources.intensity.casdk import CarbonAwareSdkProvider
from carbon_kepler_mcp.sources.intensity.chain import ChainError, IntensityChain
from carbon_kepler_mcp.sources.intensity.electricitymaps import ElectricityMapsProvider
from carbon_kepler_mcp.sources.intensity.file import FileProvider, parse_series
from carbon_kepler_mcp.sources.intensity.watttime import WattTimeProvider
from tests.conftest import fixture_text
from tests.intensity_standins import (
    CarbonAwareSdkStandIn,
    ElectricityMapsStandIn,
    Reply,
    WattTimeStandIn,
    every,
    hourly,
)

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
DAY_AGO = NOW - timedelta(hours=24)
EM_TOKEN = "em-secret-token-0123456789"
WT_USER, WT_PASSWORD = "kepler-ops", "wt-secret-password-0123456789"
# 24 past hours 400, 401, ... 423 g/kWh, and 24 forecast hours 300 + 5 × |h - 12|.
HISTORY = hourly(DAY_AGO, [400.0 + h for h in range(24)])
FORECAST = hourly(NOW, [300.0 + 5 * abs(h - 12) for h in range(24)])


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pauses retrying() takes, recorded instead of slept."""
    taken: list[float] = []

    async def record(seconds: float) -> None:
        taken.append(seconds)

    monkeypatch.setattr(_http, "_sleep", record)
    return taken


@pytest.fixture
def em() -> Iterator[ElectricityMapsStandIn]:
    with ElectricityMapsStandIn(EM_TOKEN, "KR", HISTORY, FORECAST, NOW).running() as server:
        assert isinstance(server, ElectricityMapsStandIn)
        yield server


@pytest.fixture
def wt() -> Iterator[WattTimeStandIn]:
    five_min = every(300)(DAY_AGO, 24 * 12, lambda i: 200.0 + (i // 12))  # 5-min points, hourly steps 200..223
    ahead = every(300)(NOW, 24 * 12, lambda i: 250.0 - (i // 12))
    with WattTimeStandIn(WT_USER, WT_PASSWORD, "CAISO_NORTH", five_min, ahead, NOW).running() as server:
        assert isinstance(server, WattTimeStandIn)
        yield server


def em_provider(url: str, token: str | None = EM_TOKEN, timeout: float = 5.0) -> ElectricityMapsProvider:
    return ElectricityMapsProvider(lambda: token, base_url=url + "/v3", timeout_seconds=timeout, clock=lambda: NOW)


def wt_provider(url: str, password: str = WT_PASSWORD) -> WattTimeProvider:
    return WattTimeProvider(lambda: WT_USER, lambda: password, base_url=url, timeout_seconds=5.0, clock=lambda: NOW)


# --- Electricity Maps ---------------------------------------------------------------------------------


async def test_electricity_maps_latest_reads_the_published_example() -> None:
    example = json.loads(fixture_text("intensity/electricitymaps_latest.json"))
    with ElectricityMapsStandIn(EM_TOKEN, "DE", [], [], NOW).running() as server:
        server.fail(Reply(body=example))
        provider = em_provider(server.url)
        series = await provider.latest("DE")
        await provider.aclose()
        assert server.seen[0].headers["auth-token"] == EM_TOKEN
        assert server.seen[0].query["zone"] == "DE"
        assert server.seen[0].query["emissionFactorType"] == "lifecycle"
    assert (series.provider, series.signal, series.basis, series.zone) == (
        "electricitymaps",
        "average",
        "lifecycle",
        "DE",
    )
    (point,) = series.points
    assert point.intensity_g_per_kwh == 322.0
    assert point.start == datetime(2019, 5, 21, tzinfo=UTC)
    assert point.duration_seconds == 3600  # temporalGranularity hourly
    assert series.generated_at == datetime(2022, 4, 7, 15, 32, 21, 2000, tzinfo=UTC)


async def test_electricity_maps_past_range_and_forecast(em: ElectricityMapsStandIn) -> None:
    provider = em_provider(em.url)
    past = await provider.history("KR", DAY_AGO, NOW)
    ahead = await provider.forecast("KR", 24)
    await provider.aclose()
    hours = past.hourly()
    assert len(hours) == 24
    assert hours[DAY_AGO] == 400.0 and hours[NOW - timedelta(hours=1)] == 423.0
    assert [p.intensity_g_per_kwh for p in ahead.points[:3]] == [360.0, 355.0, 350.0]  # 300 + 5 × (12, 11, 10)
    assert em.seen[0].query["start"] == "2026-11-30T12:00:00Z" and em.seen[0].query["end"] == "2026-12-01T12:00:00Z"
    assert em.seen[1].query["horizonHours"] == "24"


async def test_electricity_maps_asks_a_long_range_in_ten_day_pieces(em: ElectricityMapsStandIn) -> None:
    provider = em_provider(em.url)
    await provider.history("KR", NOW - timedelta(days=25), NOW)
    await provider.aclose()
    # 25 days = 10 + 10 + 5: three requests, none longer than the documented 10-day limit.
    assert [(s.query["start"][:10], s.query["end"][:10]) for s in em.seen] == [
        ("2026-11-06", "2026-11-16"),
        ("2026-11-16", "2026-11-26"),
        ("2026-11-26", "2026-12-01"),
    ]


async def test_electricity_maps_refuses_an_answer_for_another_zone(em: ElectricityMapsStandIn) -> None:
    em.fail(Reply(body={"zone": "JP-TK", "carbonIntensity": 500, "datetime": "2026-12-01T11:00:00Z"}))
    provider = em_provider(em.url)
    with pytest.raises(IntensityProviderError, match="instead of 'KR'") as caught:
        await provider.latest("KR")
    await provider.aclose()
    assert caught.value.reason == "bad_answer"


@pytest.mark.parametrize(
    ("status", "reason"),
    [(401, "unauthorised"), (403, "forbidden"), (500, "unavailable"), (504, "unavailable")],
)
async def test_electricity_maps_statuses_that_are_not_retried(
    em: ElectricityMapsStandIn, pauses: list[float], status: int, reason: str
) -> None:
    em.fail(Reply(status, {"message": "no"}))
    provider = em_provider(em.url)
    with pytest.raises(IntensityProviderError) as caught:
        await provider.latest("KR")
    await provider.aclose()
    assert caught.value.reason == reason
    assert f"HTTP {status}" in str(caught.value)
    assert EM_TOKEN not in str(caught.value)
    assert len(em.seen) == 1 and pauses == []


async def test_a_wrong_token_is_unauthorised_and_never_shown(
    em: ElectricityMapsStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    provider = em_provider(em.url, token="wrong-token-abcdef")
    with pytest.raises(IntensityProviderError) as caught:
        await provider.latest("KR")
    await provider.aclose()
    assert caught.value.reason == "unauthorised"
    assert "wrong-token-abcdef" not in str(caught.value) and "wrong-token-abcdef" not in caplog.text


async def test_no_token_is_a_configuration_answer_without_a_request(em: ElectricityMapsStandIn) -> None:
    provider = em_provider(em.url, token=None)
    with pytest.raises(IntensityProviderError, match="ELECTRICITYMAPS_API_TOKEN") as caught:
        await provider.latest("KR")
    await provider.aclose()
    assert caught.value.reason == "not_configured" and em.seen == []


async def test_429_is_asked_again_after_the_retry_after_it_names(
    em: ElectricityMapsStandIn, pauses: list[float]
) -> None:
    em.fail(Reply(429, {"message": "slow down"}, {"Retry-After": "2"}))
    provider = em_provider(em.url)
    series = await provider.latest("KR")
    await provider.aclose()
    assert pauses == [2.0]  # the server's Retry-After, not the 0.25 s backoff
    assert len(em.seen) == 2 and series.points[0].intensity_g_per_kwh == 423.0


async def test_a_retry_after_past_the_timeout_is_not_waited_for(
    em: ElectricityMapsStandIn, pauses: list[float]
) -> None:
    em.fail(Reply(429, {"message": "quota"}, {"Retry-After": "3600"}))
    provider = em_provider(em.url, timeout=5.0)
    with pytest.raises(IntensityProviderError, match="asks to wait 3600") as caught:
        await provider.latest("KR")
    await provider.aclose()
    assert caught.value.reason == "rate_limited"
    assert pauses == [] and len(em.seen) == 1


async def test_502_and_503_are_retried_at_most_three_times(em: ElectricityMapsStandIn, pauses: list[float]) -> None:
    em.fail(Reply(502), Reply(503), Reply(503))
    provider = em_provider(em.url)
    with pytest.raises(IntensityProviderError, match="HTTP 503") as caught:
        await provider.latest("KR")
    await provider.aclose()
    assert caught.value.reason == "unavailable"
    assert len(em.seen) == 3 and pauses == [0.25, 0.5]


async def test_a_slow_answer_past_the_timeout_is_a_timeout(em: ElectricityMapsStandIn) -> None:
    em.fail(Reply(delay_seconds=3.0, body={"zone": "KR"}))
    provider = em_provider(em.url, timeout=0.5)
    with pytest.raises(IntensityProviderError, match=r"no answer within 0.5 s") as caught:
        await provider.latest("KR")
    await provider.aclose()
    assert caught.value.reason == "timeout"


async def test_gaps_in_a_range_are_left_out_not_filled(em: ElectricityMapsStandIn) -> None:
    em.history = [(t, None if i in (3, 4) else v) for i, (t, v) in enumerate(HISTORY)]
    provider = em_provider(em.url)
    past = await provider.history("KR", DAY_AGO, NOW)
    await provider.aclose()
    hours = past.hourly()
    assert len(hours) == 22
    assert DAY_AGO + timedelta(hours=3) not in hours and DAY_AGO + timedelta(hours=4) not in hours


async def test_answers_are_cached_for_the_data_interval(em: ElectricityMapsStandIn) -> None:
    ticks = [0.0]
    provider = ElectricityMapsProvider(
        lambda: EM_TOKEN, base_url=em.url + "/v3", clock=lambda: NOW, cache=SeriesCache(lambda: ticks[0])
    )
    await provider.latest("KR")
    ticks[0] = 299.0
    await provider.latest("KR")
    assert len(em.seen) == 1  # within 5 minutes: the same answer
    ticks[0] = 301.0
    await provider.latest("KR")
    await provider.aclose()
    assert len(em.seen) == 2


# --- WattTime -----------------------------------------------------------------------------------------


async def test_watttime_reads_the_published_example_as_marginal_g_per_kwh() -> None:
    example = json.loads(fixture_text("intensity/watttime_historical.json"))
    with WattTimeStandIn(WT_USER, WT_PASSWORD, "CAISO_NORTH", [], [], NOW).running() as server:
        provider = wt_provider(server.url)
        await provider.latest("CAISO_NORTH")  # logs in
        server.fail(Reply(body=example))
        series = await provider.history(
            "CAISO_NORTH", datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 4, 2, tzinfo=UTC)
        )
        await provider.aclose()
    (point,) = series.points
    # 412.5 lbs/MWh × 0.45359237 = 187.1068526 g/kWh; data_point_period_seconds 300.
    assert point.intensity_g_per_kwh == pytest.approx(187.1068526)
    assert point.duration_seconds == 300
    assert (series.signal, series.basis, series.provider) == ("marginal", "co2_moer", "watttime")


async def test_watttime_logs_in_once_and_again_when_the_token_is_refused(wt: WattTimeStandIn) -> None:
    provider = wt_provider(wt.url)
    past = await provider.history("CAISO_NORTH", DAY_AGO, NOW)
    await provider.forecast("CAISO_NORTH", 24)
    assert provider.logins == 1
    assert wt.seen[0].path == "/login" and wt.seen[1].headers["authorization"] == "Bearer jwt-1"
    # 12 five-minute points of 200 + h per hour: the hourly means are 200 ... 223 (after the lbs round trip).
    hours = past.hourly()
    assert len(hours) == 24 and hours[DAY_AGO] == pytest.approx(200.0)
    wt.tokens.append("rotated-server-side")  # the token is revoked early: the next call gets 401 once
    await provider.forecast("CAISO_NORTH", 12)
    await provider.aclose()
    assert provider.logins == 2


async def test_watttime_wrong_password_is_unauthorised_and_never_shown(
    wt: WattTimeStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    provider = wt_provider(wt.url, password="not-the-password-xyz")
    with pytest.raises(IntensityProviderError) as caught:
        await provider.latest("CAISO_NORTH")
    await provider.aclose()
    assert caught.value.reason == "unauthorised"
    assert "not-the-password-xyz" not in str(caught.value) and "not-the-password-xyz" not in caplog.text
    assert WT_USER not in str(caught.value)


async def test_watttime_region_outside_the_plan_is_forbidden(wt: WattTimeStandIn) -> None:
    provider = wt_provider(wt.url)
    with pytest.raises(IntensityProviderError, match="HTTP 403") as caught:
        await provider.latest("KOR")
    await provider.aclose()
    assert caught.value.reason == "forbidden"


async def test_watttime_rate_limit_after_login_is_retried(wt: WattTimeStandIn, pauses: list[float]) -> None:
    provider = wt_provider(wt.url)
    await provider.latest("CAISO_NORTH")
    wt.fail(Reply(429, {"error": "3000 requests per 5 minutes"}, {"Retry-After": "1"}))
    series = await provider.forecast("CAISO_NORTH", 24)
    await provider.aclose()
    assert pauses == [1.0] and len(series.points) == 24 * 12


# --- Carbon Aware SDK ---------------------------------------------------------------------------------


async def test_casdk_reads_the_published_forecast_example() -> None:
    example = json.loads(fixture_text("intensity/casdk_forecast_current.json"))
    now = datetime(2022, 7, 19, 13, 37, tzinfo=UTC)
    with CarbonAwareSdkStandIn("northeurope", [], [], now).running() as server:
        server.fail(Reply(body=example))
        provider = CarbonAwareSdkProvider(server.url, signal="marginal", clock=lambda: now)
        series = await provider.forecast("northeurope", 24)
        await provider.aclose()
    # The second point (04:25 next day) is past the 24 h horizon? No: 13:37 + 24 h = 13:37 next day, so both stay.
    assert [p.intensity_g_per_kwh for p in series.points] == [532.02293146, 535.7318741001667]
    assert series.points[0].duration_seconds == 600  # "duration": 10 (minutes)
    assert series.signal == "marginal" and "as configured" in series.basis


async def test_casdk_reads_the_published_emissions_example_and_timespan_durations() -> None:
    example = json.loads(fixture_text("intensity/casdk_bylocation.json"))
    example[0]["duration"] = "00:05:00"
    with CarbonAwareSdkStandIn("eastus", [], [], NOW).running() as server:
        server.fail(Reply(body=example))
        provider = CarbonAwareSdkProvider(server.url, signal="average", clock=lambda: NOW)
        series = await provider.history("eastus", datetime(2022, 5, 17, tzinfo=UTC), datetime(2022, 5, 18, tzinfo=UTC))
        await provider.aclose()
        assert server.seen[0].query == {
            "location": "eastus",
            "time": "2022-05-17T00:00:00Z",
            "toTime": "2022-05-18T00:00:00Z",
        }
    (point,) = series.points
    assert (point.intensity_g_per_kwh, point.duration_seconds, series.signal) == (70.0, 300, "average")


async def test_casdk_server_error_is_unavailable() -> None:
    with CarbonAwareSdkStandIn("koreacentral", HISTORY, FORECAST, NOW).running() as server:
        server.fail(Reply(500, {"title": "Internal Server Error"}))
        provider = CarbonAwareSdkProvider(server.url, signal="marginal", clock=lambda: NOW)
        with pytest.raises(IntensityProviderError, match="HTTP 500") as caught:
            await provider.forecast("koreacentral", 24)
        await provider.aclose()
    assert caught.value.reason == "unavailable"


# --- the operator's file ------------------------------------------------------------------------------


def _parse(text: str) -> IntensitySeries:
    return parse_series(text, source="test", signal="average", basis="operator", fetched_at=NOW)[0]


def test_a_csv_in_korean_time_is_read_in_utc() -> None:
    series = _parse(
        "# KPX export\ntimestamp,intensity_g_per_kwh\n"
        "2026-12-01T09:00:00+09:00,431.5\n2026-12-01T10:00:00+09:00,420\n2026-12-01T11:00:00+09:00,410\n"
    )
    assert [p.start.hour for p in series.points] == [0, 1, 2]  # 09:00 KST = 00:00 UTC
    assert [p.duration_seconds for p in series.points] == [3600, 3600, 3600]
    assert series.hourly()[datetime(2026, 12, 1, 1, tzinfo=UTC)] == 420.0


def test_a_json_series_states_its_signal_basis_zone_and_unit() -> None:
    series, zone = parse_series(
        json.dumps(
            {
                "zone": "KR",
                "signal": "average",
                "basis": "KPX hourly, direct",
                "unit": "tCO2eq/MWh",
                "data": [{"timestamp": "2026-12-01T00:00:00Z", "value": 0.4173, "duration_seconds": 3600}],
            }
        ),
        source="test",
        signal="marginal",
        basis="unused",
        fetched_at=NOW,
    )
    assert zone == "KR" and series.basis == "KPX hourly, direct" and series.signal == "average"
    assert series.points[0].intensity_g_per_kwh == pytest.approx(417.3)  # 0.4173 t/MWh × 1000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("when,what\n2026-12-01T00:00:00Z,1\n", "header needs"),
        ("timestamp,intensity_g_per_kwh\n2026-12-01T00:00:00,400\n", "line 2: .* has no UTC offset"),
        (
            "timestamp,intensity_g_per_kwh\n2026-12-01T00:00:00Z,400\n2026-12-01T01:00:00Z,abc\n",
            "line 3: intensity 'abc'",
        ),
        ("timestamp,intensity_g_per_kwh\n2026-12-01T00:00:00Z,-1\n", ">= 0"),
        ('{"unit": "kWh", "data": [{"timestamp": "2026-12-01T00:00:00Z", "value": 1}]}', "'kwh' is not one of"),
        ('{"data": [{"timestamp": "2026-12-01T00:00:00Z"}]}', "item 0: needs a timestamp and an intensity"),
        ('{"data": [1, 2]', "not valid JSON"),
        ('{"signal": "mixed", "data": []}', "'mixed' must be"),
    ],
)
def test_a_bad_file_is_refused_with_where_and_what(text: str, message: str) -> None:
    with pytest.raises(IntensityProviderError, match=message) as caught:
        _parse(text)
    assert caught.value.reason == "bad_answer"


async def test_the_file_is_only_its_own_zone_and_is_read_again_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "kr.csv"
    path.write_text("timestamp,intensity_g_per_kwh\n2026-12-01T10:00:00Z,400\n2026-12-01T11:00:00Z,410\n")
    provider = FileProvider(str(path), default_zone="KR", clock=lambda: NOW)
    assert (await provider.latest("KR")).points[0].intensity_g_per_kwh == 410.0
    with pytest.raises(IntensityProviderError, match="holds zone 'KR', not 'JP-TK'"):
        await provider.latest("JP-TK")
    path.write_text("timestamp,intensity_g_per_kwh\n2026-12-01T10:00:00Z,400\n2026-12-01T11:00:00Z,390\n")
    import os

    os.utime(path, (1, 1))  # a different mtime, whatever the file system's resolution
    assert (await provider.latest("KR")).points[0].intensity_g_per_kwh == 390.0
    missing = FileProvider(str(tmp_path / "missing.csv"), default_zone="KR")
    with pytest.raises(IntensityProviderError, match="CARBON_KEPLER_INTENSITY_FILE") as caught:
        await missing.latest("KR")
    assert caught.value.reason == "unavailable"


def test_a_secret_file_is_read_on_every_use(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text("first\n")
    read = secret(None, path, "ELECTRICITYMAPS_API_TOKEN")
    assert read() == "first"
    path.write_text("second")
    assert read() == "second"
    path.unlink()
    with pytest.raises(ConfigError, match="ELECTRICITYMAPS_API_TOKEN file") as caught:
        read()
    assert "second" not in str(caught.value)


# --- the chain ----------------------------------------------------------------------------------------


async def test_the_chain_falls_back_and_says_why(
    em: ElectricityMapsStandIn, wt: WattTimeStandIn, pauses: list[float]
) -> None:
    em.fail(Reply(429, {"message": "quota"}, {"Retry-After": "3600"}))
    chain = IntensityChain([em_provider(em.url), wt_provider(wt.url)])
    series = await chain.history({"electricitymaps": "KR", "watttime": "CAISO_NORTH"}, DAY_AGO, NOW)
    await chain.aclose()
    assert series.provider == "watttime" and series.signal == "marginal"
    (step,) = series.skipped
    assert (step.provider, step.reason) == ("electricitymaps", "rate_limited")


async def test_the_chain_prefers_a_complete_answer_to_a_partial_one(em: ElectricityMapsStandIn, tmp_path: Path) -> None:
    em.history = list(HISTORY[:20])  # the last 4 hours missing
    path = tmp_path / "kr.csv"
    path.write_text("timestamp,intensity_g_per_kwh\n" + "".join(f"{t.isoformat()},{v}\n" for t, v in HISTORY))
    chain = IntensityChain([em_provider(em.url), FileProvider(str(path), default_zone="KR", clock=lambda: NOW)])
    series = await chain.history({"electricitymaps": "KR", "file": "KR"}, DAY_AGO, NOW)
    assert series.provider == "file"
    assert [(s.provider, s.reason) for s in series.skipped] == [("electricitymaps", "partial")]
    assert "4 hour(s)" in series.skipped[0].message
    # Alone, the partial answer is returned as it is, for the caller to report its coverage.
    alone = await IntensityChain([em_provider(em.url)]).history({"electricitymaps": "KR"}, DAY_AGO, NOW)
    await chain.aclose()
    assert alone.provider == "electricitymaps" and len(alone.hourly()) == 20


async def test_a_chain_with_no_answer_lists_every_failure(em: ElectricityMapsStandIn, wt: WattTimeStandIn) -> None:
    em.fail(Reply(403, {"message": "plan"}))
    chain = IntensityChain([em_provider(em.url), wt_provider(wt.url)])
    with pytest.raises(ChainError) as caught:
        await chain.latest({"electricitymaps": "KR"})  # no WattTime region mapped
    await chain.aclose()
    assert [(s.provider, s.reason) for s in caught.value.steps] == [
        ("electricitymaps", "forbidden"),
        ("watttime", "not_configured"),
    ]


async def test_an_empty_range_is_no_data_and_the_chain_moves_on(
    em: ElectricityMapsStandIn, wt: WattTimeStandIn
) -> None:
    em.history = []
    chain = IntensityChain([em_provider(em.url), wt_provider(wt.url)])
    series = await chain.history({"electricitymaps": "KR", "watttime": "CAISO_NORTH"}, DAY_AGO, NOW)
    await chain.aclose()
    assert series.provider == "watttime"
    assert [(s.provider, s.reason) for s in series.skipped] == [("electricitymaps", "no_data")]


def test_a_chain_refuses_a_provider_twice() -> None:
    provider = FileProvider("/nonexistent")
    with pytest.raises(ConfigError, match="twice"):
        IntensityChain([provider, provider])


# --- settings and the composition root ----------------------------------------------------------------


async def test_the_settings_build_the_chain_with_credentials_from_mounted_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, em: ElectricityMapsStandIn, wt: WattTimeStandIn
) -> None:
    from carbon_kepler_mcp.bootstrap import build_intensity
    from carbon_kepler_mcp.settings import Settings

    (tmp_path / "em").write_text(EM_TOKEN + "\n")
    (tmp_path / "wt").write_text(WT_PASSWORD)
    monkeypatch.setenv("CARBON_KEPLER_INTENSITY_PROVIDER", "ElectricityMaps, watttime")
    monkeypatch.setenv("CARBON_KEPLER_ELECTRICITYMAPS_URL", em.url + "/v3/")
    monkeypatch.setenv("ELECTRICITYMAPS_API_TOKEN_FILE", str(tmp_path / "em"))
    monkeypatch.setenv("CARBON_KEPLER_WATTTIME_URL", wt.url)
    monkeypatch.setenv("WATTTIME_USERNAME", WT_USER)
    monkeypatch.setenv("WATTTIME_PASSWORD_FILE", str(tmp_path / "wt"))
    monkeypatch.setenv("CARBON_KEPLER_INTENSITY_ZONES", '{"ap-northeast-2": {"watttime": "CAISO_NORTH"}}')
    settings = Settings()
    assert settings.intensity.zones == {"ap-northeast-2": {"watttime": "CAISO_NORTH"}}
    chain = build_intensity(settings)
    assert chain is not None and chain.names == ("electricitymaps", "watttime")
    latest = await chain.latest({"electricitymaps": "KR", "watttime": "CAISO_NORTH"})
    em.fail(Reply(401, {"message": "no"}))
    fallback = await chain.latest({"electricitymaps": "KR", "watttime": "CAISO_NORTH"})  # cached: no request
    assert fallback == latest and len(em.seen) == 1
    em.failures.clear()
    await chain.aclose()
    assert latest.provider == "electricitymaps" and em.seen[0].headers["auth-token"] == EM_TOKEN
    assert EM_TOKEN not in repr(settings) and WT_PASSWORD not in repr(settings)


def test_no_provider_is_the_offline_default() -> None:
    from carbon_kepler_mcp.bootstrap import build_intensity
    from carbon_kepler_mcp.settings import Settings

    assert build_intensity(Settings()) is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"intensity_provider": "electricitymap"}, "'electricitymap' is not one of"),
        ({"intensity_provider": "file,file", "intensity_file": "/x.csv"}, "names a provider twice"),
        ({"intensity_provider": "casdk"}, "needs casdk_url"),
        ({"intensity_provider": "file"}, "needs intensity_file"),
        ({"electricitymaps_url": "api.electricitymaps.com"}, "must start with http"),
        ({"electricitymaps_api_token": "a", "electricitymaps_api_token_file": "/t"}, "not both"),
        ({"watttime_password": "a", "watttime_password_file": "/t"}, "not both"),
    ],
)
def test_bad_intensity_settings_are_refused(values: dict[str, str], message: str) -> None:
    from pydantic import ValidationError

    from carbon_kepler_mcp.settings import Settings

    with pytest.raises(ValidationError, match=message):
        Settings(**values)
