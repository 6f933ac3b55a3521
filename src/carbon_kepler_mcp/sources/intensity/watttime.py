"""WattTime (API v3): the marginal operating emissions rate (``co2_moer``) of a grid region.

Checked against docs.watttime.org (the v3 OpenAPI page, 2026-12): ``GET /login`` with HTTP Basic auth returns
``{"token": …}``, valid for 30 minutes, sent as ``Authorization: Bearer``; a data call answering 401 means log in
again. ``/v3/historical`` (``region, start, end, signal_type``) and ``/v3/forecast`` (``region, signal_type,
horizon_hours`` 0–72) answer ``{"data": [{"point_time", "value"}], "meta": {"units": "lbs_co2_per_mwh",
"data_point_period_seconds", "generated_at", …}}``; historical and forecast data need a subscription (free
accounts see CAISO_NORTH only); at most 3,000 requests per 5 minutes and 100 logins per 5 minutes, beyond which
the API answers 429. ``co2_moer`` is a *marginal* signal: never added to an average-factor total.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Final, Literal, cast

import httpx2

from carbon_kepler_mcp.domain.units import lbs_per_mwh_to_g_per_kwh
from carbon_kepler_mcp.errors import IntensityProviderError
from carbon_kepler_mcp.sources.intensity._client import JsonClient
from carbon_kepler_mcp.sources.intensity.base import (
    IntensitySeries,
    SeriesCache,
    SeriesKind,
    Signal,
    parse_instant,
    parse_value,
    with_durations,
)

__all__ = ["DEFAULT_URL", "WattTimeProvider"]

DEFAULT_URL: Final = "https://api.watttime.org"
NAME: Final = "watttime"
TOKEN_REUSE_SECONDS: Final = 25 * 60.0
"""A token lives 30 minutes; it is renewed 5 minutes early so no call carries an expiring one."""
DATA_TTL_SECONDS: Final = 300.0
"""WattTime's points are 5 minutes apart: asking more often returns the same data."""
HISTORY_TTL_SECONDS: Final = 3600.0
_TO_G_PER_KWH: Final[Mapping[str, Callable[[float], float]]] = {
    "lbs_co2_per_mwh": lbs_per_mwh_to_g_per_kwh,
    "g_co2_per_kwh": lambda value: value,
    "kg_co2_per_mwh": lambda value: value,
}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class WattTimeProvider:
    """WattTime v3 for one account."""

    name = NAME

    def __init__(
        self,
        username: Callable[[], str | None],
        password: Callable[[], str | None],
        *,
        base_url: str = DEFAULT_URL,
        signal_type: Literal["co2_moer", "co2_aoer"] = "co2_moer",
        timeout_seconds: float = 10.0,
        transport: httpx2.AsyncBaseTransport | None = None,
        verify: ssl.SSLContext | bool = True,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
        cache: SeriesCache | None = None,
    ) -> None:
        self._username = username
        self._password = password
        self._http = JsonClient(NAME, base_url, timeout_seconds=timeout_seconds, transport=transport, verify=verify)
        self._signal_type = signal_type
        self.signal: Signal = "marginal" if signal_type == "co2_moer" else "average"
        self._clock = clock
        self._monotonic = monotonic
        self._cache = cache or SeriesCache(monotonic)
        self._token: tuple[str, float] | None = None
        self.logins = 0

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _login(self) -> str:
        user, password = self._username(), self._password()
        if not user or not password:
            raise self._http.error(
                "no credentials: set WATTTIME_USERNAME and WATTTIME_PASSWORD (or WATTTIME_PASSWORD_FILE)",
                "not_configured",
            )
        self.logins += 1
        body = await self._http.get("/login", {}, {}, auth=(user, password))
        token = cast(dict[str, Any], body).get("token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise self._http.error("the login answer holds no token", "bad_answer")
        self._token = (token, self._monotonic() + TOKEN_REUSE_SECONDS)
        return token

    async def _get(self, path: str, params: Mapping[str, str]) -> dict[str, Any]:
        token = self._token[0] if self._token and self._token[1] > self._monotonic() else await self._login()
        try:
            body = await self._http.get(path, params, {"Authorization": f"Bearer {token}"})
        except IntensityProviderError as exc:
            if exc.reason != "unauthorised":
                raise
            token = await self._login()  # expired or revoked early: one fresh login, then the error stands
            body = await self._http.get(path, params, {"Authorization": f"Bearer {token}"})
        if not isinstance(body, dict):
            raise self._http.error("the answer is not a JSON object", "bad_answer")
        return cast(dict[str, Any], body)

    def _series(self, zone: str, kind: SeriesKind, body: Mapping[str, Any], path: str) -> IntensitySeries:
        meta_raw = body.get("meta")
        meta = cast(dict[str, Any], meta_raw) if isinstance(meta_raw, dict) else {}
        units = str(meta.get("units") or "lbs_co2_per_mwh")
        convert = _TO_G_PER_KWH.get(units)
        if convert is None:
            raise self._http.error(f"sent values in {units[:40]!r}, which this server cannot convert", "bad_answer")
        region = meta.get("region")
        if region is not None and str(region) != zone:
            raise self._http.error(f"answered for region {str(region)[:40]!r} instead of {zone!r}", "bad_answer")
        period = meta.get("data_point_period_seconds")
        seconds = (
            int(period) if isinstance(period, int | float) and not isinstance(period, bool) and period > 0 else 300
        )
        rows = body.get("data")
        if not isinstance(rows, list):
            raise self._http.error("the answer holds no data list", "bad_answer")
        starts: list[tuple[datetime, float, bool]] = []
        for raw in cast(list[object], rows):
            if not isinstance(raw, dict):
                raise self._http.error("a data point is not an object", "bad_answer")
            row = cast(dict[str, Any], raw)
            if row.get("value") is None:
                continue
            start = parse_instant(row.get("point_time"), NAME, "a point_time")
            starts.append((start, convert(parse_value(row.get("value"), NAME, "a value")), False))
        generated = meta.get("generated_at")
        return IntensitySeries(
            provider=NAME,
            zone=zone,
            signal=self.signal,
            basis=self._signal_type,
            kind=kind,
            points=with_durations(starts, seconds, NAME),
            fetched_at=self._clock(),
            source=self._http.shown + path,
            generated_at=None if generated is None else parse_instant(generated, NAME, "generated_at"),
        )

    async def latest(self, zone: str) -> IntensitySeries:
        key = ("latest", zone)
        if (hit := self._cache.get(key)) is not None:
            return hit
        path = "/v3/forecast"  # horizon 0: the point now
        body = await self._get(path, {"region": zone, "signal_type": self._signal_type, "horizon_hours": "0"})
        return self._cache.put(key, self._series(zone, "latest", body, path), DATA_TTL_SECONDS)

    async def history(self, zone: str, start: datetime, end: datetime) -> IntensitySeries:
        key = ("history", zone, start, end)
        if (hit := self._cache.get(key)) is not None:
            return hit
        path = "/v3/historical"
        body = await self._get(
            path, {"region": zone, "start": _iso(start), "end": _iso(end), "signal_type": self._signal_type}
        )
        series = self._series(zone, "history", body, path)
        return self._cache.put(key, series, HISTORY_TTL_SECONDS)

    async def forecast(self, zone: str, hours: int) -> IntensitySeries:
        key = ("forecast", zone, hours)
        if (hit := self._cache.get(key)) is not None:
            return hit
        path = "/v3/forecast"
        body = await self._get(
            path, {"region": zone, "signal_type": self._signal_type, "horizon_hours": str(min(max(hours, 0), 72))}
        )
        return self._cache.put(key, self._series(zone, "forecast", body, path), DATA_TTL_SECONDS)
