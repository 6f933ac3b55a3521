"""The Green Software Foundation Carbon Aware SDK WebAPI, for teams that already run it.

Checked against the WebAPI README (Green-Software-Foundation/carbon-aware-sdk,
``src/CarbonAware.WebApi/src/README.md``): ``GET /emissions/bylocation?location=&time=&toTime=`` answers an
array of ``{location, time, rating, duration}`` (rating in g/kWh); ``GET /emissions/forecasts/current?location=
&dataStartAt=&dataEndAt=&windowSize=`` answers one forecast per location with ``forecastData`` points
``{location, timestamp, duration (minutes), value}`` and the SDK's own optimum. The SDK does not say in its
answer whether its data source gives a marginal (WattTime) or an average (Electricity Maps) signal, so the
operator states it (``CARBON_KEPLER_CASDK_SIGNAL``) and every answer repeats it. Locations are the SDK's
(cloud region names such as ``koreacentral``).
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final, cast

import httpx2

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

__all__ = ["CarbonAwareSdkProvider"]

NAME: Final = "casdk"
DATA_TTL_SECONDS: Final = 300.0
HISTORY_TTL_SECONDS: Final = 3600.0
_TIMESPAN = re.compile(r"^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?$")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _duration_seconds(raw: object, *, minutes: bool) -> int | None:
    """A point's duration: minutes (forecasts) or a .NET TimeSpan ``[d.]hh:mm:ss`` (emissions)."""
    if isinstance(raw, int | float) and not isinstance(raw, bool) and raw > 0:
        return int(raw * 60) if minutes else int(raw)
    if isinstance(raw, str) and (match := _TIMESPAN.match(raw.strip())):
        days, hours, mins, secs = (int(part or 0) for part in match.groups())
        total = ((days * 24 + hours) * 60 + mins) * 60 + secs
        return total or None
    return None


class CarbonAwareSdkProvider:
    """A Carbon Aware SDK WebAPI the operator runs."""

    name = NAME

    def __init__(
        self,
        base_url: str,
        *,
        signal: Signal,
        timeout_seconds: float = 10.0,
        transport: httpx2.AsyncBaseTransport | None = None,
        verify: ssl.SSLContext | bool = True,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        cache: SeriesCache | None = None,
    ) -> None:
        self._http = JsonClient(NAME, base_url, timeout_seconds=timeout_seconds, transport=transport, verify=verify)
        self.signal: Signal = signal
        self._clock = clock
        self._cache = cache or SeriesCache()

    async def aclose(self) -> None:
        await self._http.aclose()

    def _series(
        self, zone: str, kind: SeriesKind, rows: list[object], keys: tuple[str, str, str], path: str, generated: object
    ) -> IntensitySeries:
        time_key, value_key, _ = keys
        starts: list[tuple[datetime, float, bool]] = []
        seconds: int | None = None
        for raw in rows:
            if not isinstance(raw, dict):
                raise self._http.error("a data point is not an object", "bad_answer")
            row = cast(dict[str, Any], raw)
            if row.get(value_key) is None:
                continue
            starts.append(
                (
                    parse_instant(row.get(time_key), NAME, f"a {time_key}"),
                    parse_value(row.get(value_key), NAME, f"a {value_key}"),
                    False,
                )
            )
            seconds = seconds or _duration_seconds(row.get("duration"), minutes=kind == "forecast")
        return IntensitySeries(
            provider=NAME,
            zone=zone,
            signal=self.signal,
            basis=f"Carbon Aware SDK data source ({self.signal}, as configured)",
            kind=kind,
            points=with_durations(starts, seconds, NAME),
            fetched_at=self._clock(),
            source=self._http.shown + path,
            generated_at=None if generated is None else parse_instant(generated, NAME, "generatedAt"),
        )

    async def _emissions(self, zone: str, start: datetime, end: datetime, kind: SeriesKind) -> IntensitySeries:
        path = "/emissions/bylocation"
        body = await self._http.get(path, {"location": zone, "time": _iso(start), "toTime": _iso(end)}, {})
        if not isinstance(body, list):
            raise self._http.error("emissions/bylocation did not answer a list", "bad_answer")
        return self._series(zone, kind, cast(list[object], body), ("time", "rating", "duration"), path, None)

    async def latest(self, zone: str) -> IntensitySeries:
        key = ("latest", zone)
        if (hit := self._cache.get(key)) is not None:
            return hit
        now = self._clock()
        series = await self._emissions(zone, now - timedelta(hours=2), now, "latest")
        series = replace(series, points=series.points[-1:])
        return self._cache.put(key, series, DATA_TTL_SECONDS)

    async def history(self, zone: str, start: datetime, end: datetime) -> IntensitySeries:
        key = ("history", zone, start, end)
        if (hit := self._cache.get(key)) is not None:
            return hit
        return self._cache.put(key, await self._emissions(zone, start, end, "history"), HISTORY_TTL_SECONDS)

    async def forecast(self, zone: str, hours: int) -> IntensitySeries:
        key = ("forecast", zone, hours)
        if (hit := self._cache.get(key)) is not None:
            return hit
        path = "/emissions/forecasts/current"
        # No dataStartAt/dataEndAt: the SDK refuses bounds outside its forecast, so the whole forecast is taken
        # and cut to the horizon here.
        params: Mapping[str, str] = {"location": zone}
        body = await self._http.get(path, params, {})
        forecasts = cast(list[object], body) if isinstance(body, list) else []
        first = forecasts[0] if forecasts else None
        if not isinstance(first, dict):
            raise self._http.error("emissions/forecasts/current answered no forecast", "no_data")
        forecast = cast(dict[str, Any], first)
        rows = forecast.get("forecastData")
        if not isinstance(rows, list):
            raise self._http.error("the forecast holds no forecastData list", "bad_answer")
        series = self._series(
            zone,
            "forecast",
            cast(list[object], rows),
            ("timestamp", "value", "duration"),
            path,
            forecast.get("generatedAt"),
        )
        horizon = self._clock() + timedelta(hours=hours)
        series = replace(series, points=tuple(p for p in series.points if p.start < horizon))
        return self._cache.put(key, series, DATA_TTL_SECONDS)
