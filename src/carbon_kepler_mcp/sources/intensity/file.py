"""The operator's own hourly (or finer) intensity series, from a file or an http(s) URL.

Two formats, told apart by the first non-blank character:

CSV (``#`` lines are comments)::

    timestamp,intensity_g_per_kwh[,duration_seconds][,zone]
    2026-12-01T00:00:00+09:00,431.2,3600

JSON, a list of points or an object with what the series measures::

    {"zone": "KR", "signal": "average", "basis": "KPX hourly, direct", "unit": "gCO2eq/kWh",
     "data": [{"timestamp": "2026-12-01T00:00:00+09:00", "value": 431.2, "duration_seconds": 3600}]}

Every timestamp needs a UTC offset (a KPX export in Korean time says ``+09:00``); units ``gCO2eq/kWh``,
``kgCO2eq/kWh``, ``tCO2eq/MWh`` and ``lbs/MWh`` are converted to g/kWh. Anything else is refused with the line
or item that is wrong. The file is read again when it changes; a URL is asked again after 5 minutes.
"""

from __future__ import annotations

import csv
import io
import json
import ssl
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final, cast

import httpx2

from carbon_kepler_mcp.domain.units import lbs_per_mwh_to_g_per_kwh
from carbon_kepler_mcp.errors import IntensityProviderError
from carbon_kepler_mcp.sources.intensity._client import MAX_BYTES, JsonClient
from carbon_kepler_mcp.sources.intensity.base import IntensitySeries, SeriesCache, Signal, with_durations

__all__ = ["FileProvider", "parse_series"]

NAME: Final = "file"
URL_TTL_SECONDS: Final = 300.0
_UNITS: Final[Mapping[str, Callable[[float], float]]] = {
    "gco2eq/kwh": lambda v: v,
    "gco2/kwh": lambda v: v,
    "kgco2eq/kwh": lambda v: v * 1000,
    "tco2eq/mwh": lambda v: v * 1000,
    "lbs/mwh": lbs_per_mwh_to_g_per_kwh,
}
_TIME_KEYS: Final = ("timestamp", "datetime", "start", "time")
_VALUE_KEYS: Final = ("intensity_g_per_kwh", "gco2eq_per_kwh", "value", "intensity")


def _bad(where: str, what: str) -> IntensityProviderError:
    return IntensityProviderError(f"intensity file {where}: {what}", provider=NAME, reason="bad_answer")


def _instant(text: str, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise _bad(where, f"{text.strip()[:40]!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise _bad(where, f"{text.strip()[:40]!r} has no UTC offset; add one (e.g. +09:00 for Korean time)")
    return moment.astimezone(UTC)


def _number(text: object, where: str, what: str) -> float:
    try:
        value = float(cast(Any, text))
    except (TypeError, ValueError):
        raise _bad(where, f"{what} {str(text)[:40]!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")) or value < 0:
        raise _bad(where, f"{what} {value} must be a finite number >= 0")
    return value


def _pick(row: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in row and row[key] not in (None, ""):
            return row[key]
    return None


def parse_series(
    text: str, *, source: str, signal: Signal, basis: str, fetched_at: datetime
) -> tuple[IntensitySeries, str | None]:
    """The series a file holds and the zone it names (None when it names none).

    Raises:
        IntensityProviderError: ``bad_answer`` with the line or item that is wrong.
    """
    body = text.lstrip("\ufeff").strip()
    if not body:
        raise _bad("", "the file is empty")
    rows: list[tuple[str, Mapping[str, Any]]] = []
    zone: str | None = None
    unit = "gco2eq/kwh"
    if body[0] in "[{":
        try:
            parsed: object = json.loads(body)
        except json.JSONDecodeError as exc:
            raise _bad(f"line {exc.lineno}", f"not valid JSON ({exc.msg})") from None
        items: object = parsed
        if isinstance(parsed, dict):
            meta = cast(dict[str, Any], parsed)
            zone = None if meta.get("zone") is None else str(meta["zone"])
            signal_raw = meta.get("signal", signal)
            if signal_raw not in ("average", "marginal"):
                raise _bad("signal", f"{str(signal_raw)[:20]!r} must be 'average' or 'marginal'")
            signal = signal_raw
            basis = str(meta.get("basis") or basis)
            unit = str(meta.get("unit") or unit).lower().replace(" ", "")
            items = meta.get("data")
        if not isinstance(items, list):
            raise _bad("data", "needs a list of points")
        for index, item in enumerate(cast(list[object], items)):
            if not isinstance(item, dict):
                raise _bad(f"item {index}", "is not an object")
            rows.append((f"item {index}", cast(dict[str, Any], item)))
    else:
        lines = [line for line in body.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        reader = csv.DictReader(io.StringIO("\n".join(lines)))
        header = [h.strip().lower() for h in reader.fieldnames or []]
        reader.fieldnames = header
        if not any(k in header for k in _TIME_KEYS) or not any(k in header for k in _VALUE_KEYS):
            raise _bad("line 1", "the header needs a 'timestamp' and an 'intensity_g_per_kwh' column")
        for number, row in enumerate(reader, start=2):
            rows.append((f"line {number}", row))
    convert = _UNITS.get(unit)
    if convert is None:
        raise _bad("unit", f"{unit[:30]!r} is not one of {', '.join(sorted(_UNITS))}")
    starts: list[tuple[datetime, float, bool]] = []
    durations: set[int] = set()
    for where, row in rows:
        when, value = _pick(row, _TIME_KEYS), _pick(row, _VALUE_KEYS)
        if when is None or value is None:
            raise _bad(where, "needs a timestamp and an intensity")
        starts.append((_instant(str(when), where), convert(_number(value, where, "intensity")), False))
        if (duration := row.get("duration_seconds")) not in (None, ""):
            seconds = _number(duration, where, "duration_seconds")
            if not 60 <= seconds <= 86_400:
                raise _bad(where, f"duration_seconds {seconds:g} must be 60 to 86400")
            durations.add(int(seconds))
        if (row_zone := row.get("zone")) not in (None, ""):
            if zone is not None and str(row_zone) != zone:
                raise _bad(where, f"zone {str(row_zone)[:20]!r} differs from {zone!r}: one file, one zone")
            zone = str(row_zone)
    if not starts:
        raise _bad("", "holds no data points")
    if len(durations) > 1:
        raise _bad("duration_seconds", "must be the same for every point")
    points = with_durations(starts, min(durations) if durations else None, NAME)
    series = IntensitySeries(
        provider=NAME,
        zone=zone or "",
        signal=signal,
        basis=basis,
        kind="history",
        points=points,
        fetched_at=fetched_at,
        source=source,
    )
    return series, zone


class FileProvider:
    """The operator's series for one zone, history and forecast from the same points.

    A file that names no zone is the series of ``default_zone`` (the default region's), never of every region.
    """

    name = NAME

    def __init__(
        self,
        location: str,
        *,
        signal: Signal = "average",
        basis: str = "operator-supplied series",
        default_zone: str | None = None,
        timeout_seconds: float = 10.0,
        transport: httpx2.AsyncBaseTransport | None = None,
        verify: ssl.SSLContext | bool = True,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        cache: SeriesCache | None = None,
    ) -> None:
        self._location = location
        self._remote = location.startswith(("http://", "https://"))
        self._http = (
            JsonClient(NAME, location, timeout_seconds=timeout_seconds, transport=transport, verify=verify)
            if self._remote
            else None
        )
        self.signal: Signal = signal
        self._basis = basis
        self._default_zone = default_zone
        self._clock = clock
        self._cache = cache or SeriesCache()
        self._read: tuple[float, IntensitySeries, str | None] | None = None

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    async def _load(self) -> tuple[IntensitySeries, str | None]:
        if self._http is not None:
            hit = self._cache.get(("url",))
            if hit is not None:
                return hit, hit.zone or None
            raw = await self._http.get_bytes("", {}, {"Accept": "text/csv, application/json"})
            series, zone = self._parse(raw, self._http.shown)
            self._cache.put(("url",), series, URL_TTL_SECONDS)
            return series, zone
        path = Path(self._location)
        try:
            mtime = path.stat().st_mtime
            if self._read is not None and self._read[0] == mtime:
                return self._read[1], self._read[2]
            if path.stat().st_size > MAX_BYTES:
                raise _bad(str(path), f"is larger than {MAX_BYTES} bytes")
            raw = path.read_bytes()
        except OSError as exc:
            raise IntensityProviderError(
                f"cannot read the intensity file {str(path)!r} (CARBON_KEPLER_INTENSITY_FILE): {exc.strerror}",
                provider=NAME,
                reason="unavailable",
            ) from exc
        series, zone = self._parse(raw, str(path))
        self._read = (mtime, series, zone)
        return series, zone

    def _parse(self, raw: bytes, source: str) -> tuple[IntensitySeries, str | None]:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _bad(source, "is not UTF-8 text") from None
        return parse_series(text, source=source, signal=self.signal, basis=self._basis, fetched_at=self._clock())

    async def _for(self, zone: str) -> IntensitySeries:
        series, named = await self._load()
        named = named or self._default_zone  # a file naming no zone is the default region's series
        if named is not None and named != zone:
            raise IntensityProviderError(
                f"the intensity file holds zone {named!r}, not {zone!r}", provider=NAME, reason="no_data"
            )
        return replace(series, zone=zone)

    async def latest(self, zone: str) -> IntensitySeries:
        series = await self._for(zone)
        now = self._clock()
        past = tuple(p for p in series.points if p.start <= now)
        return replace(series, kind="latest", points=past[-1:])

    async def history(self, zone: str, start: datetime, end: datetime) -> IntensitySeries:
        series = await self._for(zone)
        return replace(series, points=tuple(p for p in series.points if p.end > start and p.start < end))

    async def forecast(self, zone: str, hours: int) -> IntensitySeries:
        series = await self._for(zone)
        now = self._clock()
        horizon = now + timedelta(hours=hours)
        return replace(
            series, kind="forecast", points=tuple(p for p in series.points if p.end > now and p.start < horizon)
        )
