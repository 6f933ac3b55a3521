"""Electricity Maps (API v3): the latest, past-range and forecast carbon intensity of a zone.

Checked against the public API reference (app.electricitymaps.com/developer-hub/api/reference and
docs.electricitymaps.com, 2026-12): header ``auth-token``; ``zone`` (e.g. ``KR``); ``emissionFactorType`` =
``lifecycle`` (the default) or ``direct``; ``temporalGranularity`` (default hourly); ``past-range`` is limited
to 10 days at hourly granularity, so longer ranges are asked in 10-day pieces; when no zone matches, the API
falls back to the caller's IP location unless told not to, so both documented switches are sent and the zone of
the answer is checked. The values are an *average* (attributional) signal in gCO2eq/kWh.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal, cast

import httpx2

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

__all__ = ["DEFAULT_URL", "ElectricityMapsProvider"]

DEFAULT_URL: Final = "https://api.electricitymaps.com/v3"
NAME: Final = "electricitymaps"
MAX_RANGE: Final = timedelta(days=10)
_GRANULARITY_SECONDS: Final[Mapping[str, int]] = {"5_minutes": 300, "15_minutes": 900, "hourly": 3600}
LATEST_TTL_SECONDS: Final = 300.0
"""The latest value and the forecast are re-asked at most every 5 minutes (estimates are revised within the hour)."""
HISTORY_TTL_SECONDS: Final = 3600.0


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ElectricityMapsProvider:
    """Electricity Maps v3 carbon-intensity endpoints for one account."""

    name = NAME
    signal: Signal = "average"

    def __init__(
        self,
        token: Callable[[], str | None],
        *,
        base_url: str = DEFAULT_URL,
        emission_factor_type: Literal["lifecycle", "direct"] = "lifecycle",
        timeout_seconds: float = 10.0,
        transport: httpx2.AsyncBaseTransport | None = None,
        verify: ssl.SSLContext | bool = True,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        cache: SeriesCache | None = None,
    ) -> None:
        self._token = token
        self._http = JsonClient(NAME, base_url, timeout_seconds=timeout_seconds, transport=transport, verify=verify)
        self._factor = emission_factor_type
        self._clock = clock
        self._cache = cache or SeriesCache()

    async def aclose(self) -> None:
        await self._http.aclose()

    def _headers(self) -> dict[str, str]:
        token = self._token()
        if not token:
            raise self._http.error(
                "no API token: set ELECTRICITYMAPS_API_TOKEN or ELECTRICITYMAPS_API_TOKEN_FILE", "not_configured"
            )
        return {"auth-token": token}

    def _params(self, zone: str, **extra: str) -> dict[str, str]:
        return {
            "zone": zone,
            "emissionFactorType": self._factor,
            "disableCallerLookup": "true",
            "shouldUseFallbackCallerLookup": "false",
            **extra,
        }

    async def _get(self, path: str, params: Mapping[str, str]) -> dict[str, Any]:
        body = await self._http.get(path, params, self._headers())
        if not isinstance(body, dict):
            raise self._http.error("the answer is not a JSON object", "bad_answer")
        body = cast(dict[str, Any], body)
        zone = body.get("zone")
        if zone is not None and str(zone).upper() != params["zone"].upper():
            raise self._http.error(f"answered for zone {str(zone)[:20]!r} instead of {params['zone']!r}", "bad_answer")
        return body

    def _series(
        self, zone: str, kind: SeriesKind, rows: list[object], granularity: object, updated: object, path: str
    ) -> IntensitySeries:
        seconds = _GRANULARITY_SECONDS.get(str(granularity or "hourly"), 3600)
        starts: list[tuple[datetime, float, bool]] = []
        basis = self._factor
        for raw in rows:
            if not isinstance(raw, dict):
                raise self._http.error("a data point is not an object", "bad_answer")
            row = cast(dict[str, Any], raw)
            if row.get("carbonIntensity") is None:  # a gap in the provider's data: left out, never filled
                continue
            start = parse_instant(row.get("datetime"), NAME, "a datetime")
            value = parse_value(row.get("carbonIntensity"), NAME, "a carbonIntensity")
            starts.append((start, value, bool(row.get("isEstimated", False))))
            basis = str(row.get("emissionFactorType") or basis)
        return IntensitySeries(
            provider=NAME,
            zone=zone,
            signal="average",
            basis=basis,
            kind=kind,
            points=with_durations(starts, seconds, NAME),
            fetched_at=self._clock(),
            source=self._http.shown + path,
            generated_at=None if updated is None else parse_instant(updated, NAME, "updatedAt"),
        )

    async def latest(self, zone: str) -> IntensitySeries:
        key = ("latest", zone)
        if (hit := self._cache.get(key)) is not None:
            return hit
        path = "/carbon-intensity/latest"
        body = await self._get(path, self._params(zone))
        series = self._series(zone, "latest", [body], body.get("temporalGranularity"), body.get("updatedAt"), path)
        return self._cache.put(key, series, LATEST_TTL_SECONDS)

    async def history(self, zone: str, start: datetime, end: datetime) -> IntensitySeries:
        key = ("history", zone, start, end)
        if (hit := self._cache.get(key)) is not None:
            return hit
        path = "/carbon-intensity/past-range"
        rows: list[object] = []
        granularity: object = "hourly"
        piece = start
        while piece < end:
            upto = min(end, piece + MAX_RANGE)
            body = await self._get(
                path, self._params(zone, start=_iso(piece), end=_iso(upto), temporalGranularity="hourly")
            )
            data = body.get("data")
            if data is None:
                data = body.get("history", [])
            if not isinstance(data, list):
                raise self._http.error("past-range sent no data list", "bad_answer")
            rows.extend(cast(list[object], data))
            granularity = body.get("temporalGranularity") or granularity
            piece = upto
        series = self._series(zone, "history", rows, granularity, None, path)
        inside = tuple(p for p in series.points if p.end > start and p.start < end)
        series = replace(series, points=inside)
        return self._cache.put(key, series, HISTORY_TTL_SECONDS)

    async def forecast(self, zone: str, hours: int) -> IntensitySeries:
        key = ("forecast", zone, hours)
        if (hit := self._cache.get(key)) is not None:
            return hit
        path = "/carbon-intensity/forecast"
        body = await self._get(path, self._params(zone, horizonHours=str(hours)))
        rows = body.get("forecast")
        if not isinstance(rows, list):
            raise IntensityProviderError(
                f"{NAME} at {self._http.shown}: the forecast answer holds no forecast list",
                provider=NAME,
                reason="bad_answer",
            )
        series = self._series(
            zone, "forecast", cast(list[object], rows), body.get("temporalGranularity"), body.get("updatedAt"), path
        )
        return self._cache.put(key, series, LATEST_TTL_SECONDS)
