"""The one shape every grid-intensity provider answers in, and what the providers share.

Each provider (Electricity Maps, WattTime, the Carbon Aware SDK WebAPI, the operator's own file) turns its
answer into an :class:`IntensitySeries`: points in UTC with their own duration, all from one provider, one zone,
one signal (``average`` or ``marginal``) and one basis. A series is never spliced from two providers, so a
total built from it never mixes bases; a fallback chain (:mod:`.chain`) returns one provider's series and says
which providers it skipped and why.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from carbon_kepler_mcp.errors import ConfigError, IntensityProviderError

__all__ = [
    "HOUR",
    "FallbackStep",
    "IntensityProvider",
    "IntensitySample",
    "IntensitySeries",
    "SeriesCache",
    "SeriesKind",
    "Signal",
    "secret",
]

Signal = Literal["average", "marginal"]
SeriesKind = Literal["latest", "history", "forecast"]
HOUR = timedelta(hours=1)
_HOUR_S = 3600


@dataclass(frozen=True, slots=True)
class IntensitySample:
    """The grid intensity over ``[start, start + duration_seconds)``; ``start`` is aware and in UTC."""

    start: datetime
    duration_seconds: int
    intensity_g_per_kwh: float
    estimated: bool = False

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.duration_seconds)


@dataclass(frozen=True, slots=True)
class FallbackStep:
    """A provider of the chain that was asked and did not answer, and why (``reason`` of the error)."""

    provider: str
    reason: str
    message: str


@dataclass(frozen=True)
class IntensitySeries:
    """One provider's answer for one zone: what it measures (signal, basis) and the points, oldest first."""

    provider: str
    zone: str
    signal: Signal
    basis: str
    """``lifecycle`` or ``direct`` (Electricity Maps), ``co2_moer``/``co2_aoer`` (WattTime), or as declared."""
    kind: SeriesKind
    points: tuple[IntensitySample, ...]
    fetched_at: datetime
    source: str
    """Where it came from, without credentials (a URL without query, or a file path)."""
    generated_at: datetime | None = None
    """When the provider computed the data (Electricity Maps ``updatedAt``, WattTime ``generated_at``)."""
    skipped: tuple[FallbackStep, ...] = field(default=())
    """Providers earlier in the chain that failed before this one answered."""

    @property
    def newest(self) -> IntensitySample | None:
        return self.points[-1] if self.points else None

    def staleness_seconds(self, now: datetime) -> float | None:
        """How old the newest point's end is at ``now`` (0 when it reaches into the future)."""
        newest = self.newest
        return None if newest is None else max(0.0, (now - newest.end).total_seconds())

    def mean_over(self, start: datetime, end: datetime) -> float | None:
        """The time-weighted mean intensity over ``[start, end)``; None unless the points cover all of it."""
        span = (end - start).total_seconds()
        if span <= 0:
            return None
        covered = weighted = 0.0
        for point in self.points:
            overlap = (min(end, point.end) - max(start, point.start)).total_seconds()
            if overlap > 0:
                covered += overlap
                weighted += overlap * point.intensity_g_per_kwh
        return weighted / covered if math.isclose(covered, span, abs_tol=1e-6) else None

    def hourly(self) -> dict[datetime, float]:
        """The time-weighted mean of every whole UTC hour the points cover completely.

        An hour with any uncovered second is left out (never filled from another basis or a default), so a
        caller can tell exactly which hours it has.
        """
        covered: dict[datetime, float] = {}
        weighted: dict[datetime, float] = {}
        for point in self.points:
            cursor, end = point.start, point.end
            while cursor < end:
                hour = cursor.replace(minute=0, second=0, microsecond=0)
                upto = min(end, hour + HOUR)
                seconds = (upto - cursor).total_seconds()
                covered[hour] = covered.get(hour, 0.0) + seconds
                weighted[hour] = weighted.get(hour, 0.0) + seconds * point.intensity_g_per_kwh
                cursor = upto
        return {
            hour: weighted[hour] / seconds
            for hour, seconds in sorted(covered.items())
            if math.isclose(seconds, _HOUR_S, abs_tol=1e-6)
        }


@runtime_checkable
class IntensityProvider(Protocol):
    """A grid-intensity provider: the latest value, past values between two instants, the forecast ahead."""

    name: str
    signal: Signal

    async def latest(self, zone: str) -> IntensitySeries: ...

    async def history(self, zone: str, start: datetime, end: datetime) -> IntensitySeries: ...

    async def forecast(self, zone: str, hours: int) -> IntensitySeries: ...

    async def aclose(self) -> None: ...


class SeriesCache:
    """Answers kept for ``ttl`` seconds per key: a provider's data interval, so a conversation's calls share one
    answer and a provider is never asked more often than its data changes."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._items: dict[tuple[object, ...], tuple[float, IntensitySeries]] = {}

    def get(self, key: tuple[object, ...]) -> IntensitySeries | None:
        item = self._items.get(key)
        if item is None or item[0] <= self._clock():
            self._items.pop(key, None)
            return None
        return item[1]

    def put(self, key: tuple[object, ...], series: IntensitySeries, ttl_seconds: float) -> IntensitySeries:
        if ttl_seconds > 0:
            if len(self._items) > 256:  # bounded: drop the oldest entries
                for old in list(self._items)[:64]:
                    del self._items[old]
            self._items[key] = (self._clock() + ttl_seconds, series)
        return series


def secret(value: str | None, file: Path | None, what: str) -> Callable[[], str | None]:
    """A reader of a credential: the value, or the file's content read on every call (mounted secrets rotate).

    Raises (when called):
        ConfigError: the file cannot be read; the message names the setting, never the content.
    """

    def read() -> str | None:
        if file is None:
            return value
        try:
            return file.read_text(encoding="utf-8").strip() or None
        except OSError as exc:
            raise ConfigError(f"cannot read the {what} file {str(file)!r}: {exc.strerror}") from exc

    return read


def parse_instant(text: object, provider: str, what: str) -> datetime:
    """An ISO 8601 instant from a provider's answer, in UTC (a naive one is taken as UTC, as the APIs mean)."""
    if not isinstance(text, str) or len(text) > 64:
        raise IntensityProviderError(
            f"{provider} sent {what} that is not an ISO 8601 time", provider=provider, reason="bad_answer"
        )
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise IntensityProviderError(
            f"{provider} sent {what} {text[:40]!r}, not an ISO 8601 time", provider=provider, reason="bad_answer"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_value(value: object, provider: str, what: str) -> float:
    """A finite, non-negative intensity from a provider's answer."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise IntensityProviderError(
            f"{provider} sent {what} {value!r}, not a finite non-negative intensity",
            provider=provider,
            reason="bad_answer",
        )
    return float(value)


def with_durations(
    starts: Sequence[tuple[datetime, float, bool]], default_seconds: int | None, provider: str
) -> tuple[IntensitySample, ...]:
    """Samples from (start, value, estimated) in time order, each lasting until the next one starts.

    The last one lasts ``default_seconds`` (the provider's stated interval), or the spacing of the points before
    it. Duplicated starts keep the later value (a provider's revision).
    """
    by_start: dict[datetime, tuple[float, bool]] = {}
    for start, value, estimated in starts:
        by_start[start] = (value, estimated)
    ordered = sorted(by_start.items())
    if not ordered:
        return ()
    samples: list[IntensitySample] = []
    spacing: int | None = default_seconds
    for index, (start, (value, estimated)) in enumerate(ordered):
        if index + 1 < len(ordered):
            step = int((ordered[index + 1][0] - start).total_seconds())
            duration = step if default_seconds is None else min(step, default_seconds)
            spacing = spacing or step
        else:
            if spacing is None:
                raise IntensityProviderError(
                    f"{provider} sent one point without its duration", provider=provider, reason="bad_answer"
                )
            duration = spacing
        samples.append(IntensitySample(start, duration, value, estimated))
    return tuple(samples)
