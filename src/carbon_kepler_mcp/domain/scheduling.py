"""Carbon-aware time windows with the semantics of the GSF Carbon Aware SDK (CASDK).

This module copies the forecast post-processing of the Green Software Foundation Carbon Aware SDK
(carbon-aware-sdk @ ``e6de58da``; research note ``carbon.md`` §3.2 and §10.4) as pure functions:

* ``src/CarbonAware/src/Extensions/EmissionsDataExtensions.cs``:
  ``RollingAverage`` → :func:`rolling_average` and ``AverageOverPeriod`` → :func:`average_over_period`;
* ``src/GSF.CarbonAware/src/Handlers/ForecastHandler.cs`` (``ProcessAndValidateForecast``): the defaults
  and validation of ``dataStartAt``/``dataEndAt`` (``EmissionsForecast.Validate``) and the choice of the
  optimum with ``CarbonAwareOptimalEmission.GetOptimalEmissions`` → :func:`optimal_windows`.

Nothing here reads a clock, the environment or a file. Every datetime must be timezone-aware. Time
arithmetic is done on absolute instants (UTC microseconds), never on wall-clock time, so series that
cross a daylight-saving change stay continuous.

Where this module deliberately differs from the CASDK code (each difference only shows up in corner
cases the CASDK does not exercise):

* The CASDK loop stops as soon as it has consumed the last data point, so with a ``tickSize`` shorter
  than a point some fully covered windows near the end are never emitted. Here **every** window that
  starts at ``data_start + k·tick`` and ends no later than ``data_end`` is emitted. With the default
  tick (one point's duration) and uniform points the output is identical.
* The CASDK checks ``dataEndAt`` only from the second window on; here the first window is held to
  ``data_end`` too.
* When ``window`` is zero the CASDK returns the points kept by ``IntervalHelper.FilterByDuration``,
  which also keeps a point that merely touches ``dataStartAt``/``dataEndAt``; here only points that
  overlap ``[data_start, data_end]`` by a positive amount are kept.
* Ties in :func:`optimal_windows` are compared after rounding to :data:`TIE_DECIMALS` decimals rather
  than with raw ``==``, so float noise from the weighting does not split a tie.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from carbon_kepler_mcp.errors import InsufficientDataError, InvalidArgumentError

__all__ = [
    "TIE_DECIMALS",
    "IntensityPoint",
    "Window",
    "average_over_period",
    "hourly_points",
    "optimal_windows",
    "rolling_average",
]

TIE_DECIMALS = 9
"""Averages are rounded to this many decimals before :func:`optimal_windows` compares them for equality."""

_HOURS_PER_DAY = 24
_ONE_HOUR = timedelta(hours=1)
_MICROSECOND = timedelta(microseconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class IntensityPoint:
    """One forecast or measurement interval: the grid intensity over ``[start, start + duration)``.

    The CASDK ``EmissionsData`` record (``Time``, ``Duration``, ``Rating``). ``start`` must be
    timezone-aware and ``duration`` positive; the functions of this module check both.
    """

    start: datetime
    duration: timedelta
    intensity_g_per_kwh: float

    @property
    def end(self) -> datetime:
        """The instant the interval ends (``start + duration``, computed on absolute time)."""
        return _shift(self.start, self.duration)


@dataclass(frozen=True, slots=True)
class Window:
    """A candidate run window: the time-weighted average intensity over ``[start, start + duration)``.

    The element type of the CASDK ``forecastData`` after ``RollingAverage``: ``start`` is the window
    start and ``duration`` the window length (not the resolution of the underlying points).
    """

    start: datetime
    duration: timedelta
    average_intensity_g_per_kwh: float

    @property
    def end(self) -> datetime:
        """The instant the window ends (``start + duration``, computed on absolute time)."""
        return _shift(self.start, self.duration)


@dataclass(frozen=True, slots=True)
class _Span:
    """A validated point on the absolute time line, in microseconds since the Unix epoch."""

    start_us: int
    end_us: int
    intensity: float


def rolling_average(
    points: Sequence[IntensityPoint],
    window: timedelta | None,
    *,
    data_start: datetime | None = None,
    data_end: datetime | None = None,
    tick: timedelta | None = None,
) -> list[Window]:
    """Project the points as a time-weighted rolling average over ``window`` (CASDK ``RollingAverage``).

    Semantics of ``EmissionsDataExtensions.RollingAverage`` together with the clipping and validation
    in ``ForecastHandler.ProcessAndValidateForecast`` / ``EmissionsForecast.Validate``:

    * ``points`` must be chronological and continuous (each starts exactly where the previous one
      ends), with positive durations and timezone-aware starts.
    * ``data_start`` defaults to the first point's start and ``data_end`` to the last point's end. Both
      must lie inside the data and ``data_start`` must be earlier than ``data_end``.
    * The first window starts at ``data_start``; each next one starts ``tick`` later. ``tick`` defaults
      to the duration of the first point.
    * Each window's value is :func:`average_over_period` over ``[start, start + window)``: every point
      is weighted by the length of its overlap with the window, so partial points count in proportion.
    * A window is emitted only if it ends no later than ``data_end`` (the data then covers it fully);
      windows running past the end are dropped, so a job is never scheduled to finish beyond the data.
    * If ``window`` is ``None`` or zero, the points overlapping ``[data_start, data_end]`` pass through
      unchanged, each as a window of its own duration.

    The CASDK worked examples (5-minute points, 10-minute window): ``[10, 20, 30, 40, 5]`` becomes
    ``[15, 25, 35, 22.5]``; ``[5, 55, 10, 10, 10]`` becomes ``[30, 32.5, 10, 10]``; ``[12, 11, 10, 12, 13]``
    becomes ``[11.5, 10.5, 11, 12.5]``.

    Windows are returned in time order; their ``start`` is expressed in the timezone of ``data_start``.

    Raises:
        InvalidArgumentError: the points are not continuous, chronological, positive-length and
            timezone-aware; a bound is naive, outside the data or not before the other; ``window`` is
            negative or ``tick`` is not positive.
        InsufficientDataError: there are no points, or not even one window fits between ``data_start``
            and ``data_end`` (the message gives both lengths).
    """
    spans = _validate_points(points)
    first_us, last_us = spans[0].start_us, spans[-1].end_us
    start_dt = points[0].start if data_start is None else data_start
    end_dt = points[-1].end if data_end is None else data_end
    start_us = _bound_us(start_dt, "data_start")
    end_us = _bound_us(end_dt, "data_end")
    _check_bounds(start_us, end_us, first_us, last_us, points[0].start, points[-1].end)
    out_tz = start_dt.tzinfo

    if window is not None and window < timedelta(0):
        raise InvalidArgumentError(f"window must not be negative, got {window}.")
    if window is None or window == timedelta(0):
        return [
            Window(p.start, p.duration, p.intensity_g_per_kwh)
            for p, s in zip(points, spans, strict=True)
            if s.end_us > start_us and s.start_us < end_us
        ]

    tick_td = points[0].duration if tick is None else tick
    if tick_td <= timedelta(0):
        raise InvalidArgumentError(f"tick must be positive, got {tick_td}.")
    window_us = _td_us(window)
    tick_us = _td_us(tick_td)

    if start_us + window_us > end_us:
        covered = _fmt_duration((end_us - start_us) * _MICROSECOND)
        raise InsufficientDataError(
            f"The intensity data from {start_dt.isoformat()} to {end_dt.isoformat()} covers "
            f"{covered}, but the window is {_fmt_duration(window)} long, so no "
            f"window fits. Shorten the window or supply data covering at least {_fmt_duration(window)}."
        )

    starts = [s.start_us for s in spans]
    windows: list[Window] = []
    window_start_us = start_us
    while window_start_us + window_us <= end_us:
        average = _average_us(spans, starts, window_start_us, window_start_us + window_us)
        windows.append(Window(_from_us(window_start_us, out_tz), window, average))
        window_start_us += tick_us
    return windows


def optimal_windows(windows: Sequence[Window]) -> list[Window]:
    """Every window whose average equals the minimum, in time order (CASDK ``GetOptimalEmissions``).

    ``CarbonAwareOptimalEmission.GetOptimalEmissions`` (called from ``ForecastHandler.cs``) takes
    ``MinBy`` on the rating and then keeps every element whose rating equals it, so tied windows are all
    returned. Here the averages are first rounded to :data:`TIE_DECIMALS` (9) decimals and then compared
    with exact equality, so two windows whose true averages are equal but whose float sums differ in the
    last bits still tie. An empty input gives an empty list.
    """
    if not windows:
        return []
    best = min(round(w.average_intensity_g_per_kwh, TIE_DECIMALS) for w in windows)
    tied = [w for w in windows if round(w.average_intensity_g_per_kwh, TIE_DECIMALS) == best]
    return sorted(tied, key=lambda w: w.start.astimezone(UTC))


def average_over_period(points: Sequence[IntensityPoint], start: datetime, end: datetime) -> float:
    """The time-weighted average intensity over ``[start, end)`` (CASDK ``AverageOverPeriod``).

    Each point contributes ``intensity × overlap / (end − start)``, where ``overlap`` is the part of the
    point inside the period; for example hourly points (01:00, 30), (02:00, 100), (03:00, 50) averaged over
    01:30–03:30 give 30·¼ + 100·½ + 50·¼ = 70. As in ``EmissionsDataExtensions.AverageOverPeriod`` the
    whole series must be continuous and chronological, and the data must cover both ends of the period.

    Raises:
        InvalidArgumentError: the points are malformed (see :func:`rolling_average`), a bound is naive,
            or ``start`` is not earlier than ``end``.
        InsufficientDataError: there are no points, or they do not cover ``[start, end]``.
    """
    spans = _validate_points(points)
    start_us = _bound_us(start, "start")
    end_us = _bound_us(end, "end")
    if start_us >= end_us:
        raise InvalidArgumentError(f"start ({start.isoformat()}) must be earlier than end ({end.isoformat()}).")
    if start_us < spans[0].start_us or end_us > spans[-1].end_us:
        raise InsufficientDataError(
            f"The intensity data covers {points[0].start.isoformat()} to {points[-1].end.isoformat()}, "
            f"which does not include the whole period {start.isoformat()} to {end.isoformat()}."
        )
    return _average_us(spans, [s.start_us for s in spans], start_us, end_us)


def hourly_points(start: datetime, values: Sequence[float], hours: int) -> list[IntensityPoint]:
    """Hourly points from a 24-value diurnal profile, for ``hours`` consecutive hours from ``start``.

    The point starting at instant *t* gets ``values[h]``, where *h* is the local hour of *t* in
    ``start``'s timezone; passing midnight wraps round to ``values[0]``. Hours advance on absolute time,
    so across a daylight-saving change a local hour is skipped or repeated, and the points stay
    continuous. Each point's ``start`` is expressed in ``start``'s timezone.

    Raises:
        InvalidArgumentError: ``start`` is naive or not on a whole local hour, ``values`` does not hold
            exactly 24 finite numbers, or ``hours`` is not positive.
    """
    tz = _require_aware(start, "start")
    if (start.minute, start.second, start.microsecond) != (0, 0, 0):
        raise InvalidArgumentError(
            f"start must be on a whole hour (minute, second and microsecond zero), got {start.isoformat()}."
        )
    if len(values) != _HOURS_PER_DAY:
        raise InvalidArgumentError(f"values must hold 24 hourly values (local hours 0-23), got {len(values)}.")
    bad = [i for i, v in enumerate(values) if not math.isfinite(v)]
    if bad:
        raise InvalidArgumentError(f"values must be finite numbers; local hour(s) {bad} are not.")
    if hours <= 0:
        raise InvalidArgumentError(f"hours must be a positive number of hours, got {hours}.")
    start_utc = start.astimezone(UTC)
    points: list[IntensityPoint] = []
    for i in range(hours):
        local = (start_utc + i * _ONE_HOUR).astimezone(tz)
        points.append(IntensityPoint(local, _ONE_HOUR, float(values[local.hour])))
    return points


# --- internals -------------------------------------------------------------------------------------


def _require_aware(value: datetime, name: str) -> tzinfo:
    """The tzinfo of ``value``; raise if it is naive."""
    tz = value.tzinfo
    if tz is None or tz.utcoffset(value) is None:
        raise InvalidArgumentError(
            f"{name} must be a timezone-aware datetime, got the naive {value.isoformat()}; attach a tzinfo."
        )
    return tz


def _shift(value: datetime, delta: timedelta) -> datetime:
    """``value + delta`` on absolute time, kept in ``value``'s timezone (naive values: plain addition)."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value + delta
    return (value.astimezone(UTC) + delta).astimezone(value.tzinfo)


def _dt_us(value: datetime) -> int:
    """Microseconds since the Unix epoch of an aware datetime (absolute time, not wall-clock time)."""
    return (value.astimezone(UTC) - _EPOCH) // _MICROSECOND


def _td_us(value: timedelta) -> int:
    return value // _MICROSECOND


def _from_us(value_us: int, tz: tzinfo | None) -> datetime:
    return (_EPOCH + value_us * _MICROSECOND).astimezone(tz)


def _bound_us(value: datetime, name: str) -> int:
    _require_aware(value, name)
    return _dt_us(value)


def _validate_points(points: Sequence[IntensityPoint]) -> list[_Span]:
    """Check the CASDK preconditions and map the points to absolute microseconds."""
    if not points:
        raise InsufficientDataError("No intensity points were given; at least one is needed.")
    spans: list[_Span] = []
    for i, p in enumerate(points):
        _require_aware(p.start, f"point {i} start")
        if p.duration <= timedelta(0):
            raise InvalidArgumentError(f"Point {i} (starting {p.start.isoformat()}) has non-positive duration.")
        if not math.isfinite(p.intensity_g_per_kwh):
            raise InvalidArgumentError(
                f"Point {i} (starting {p.start.isoformat()}) has a non-finite intensity {p.intensity_g_per_kwh}."
            )
        start_us = _dt_us(p.start)
        span = _Span(start_us, start_us + _td_us(p.duration), float(p.intensity_g_per_kwh))
        if spans and span.start_us != spans[-1].end_us:
            prev = points[i - 1]
            kind = "a gap after" if span.start_us > spans[-1].end_us else "an overlap with or is earlier than"
            raise InvalidArgumentError(
                "Intensity points must be continuous and chronological (each starting where the previous "
                f"ends). Point {i - 1} covers {prev.start.isoformat()} to {prev.end.isoformat()}, but point {i} "
                f"starts at {p.start.isoformat()}, leaving {kind} it."
            )
        spans.append(span)
    return spans


def _check_bounds(start_us: int, end_us: int, first_us: int, last_us: int, first: datetime, last: datetime) -> None:
    """``EmissionsForecast.Validate``: both bounds inside the data and ``start < end``."""
    problems: list[str] = []
    if start_us >= end_us:
        problems.append("data_start must be earlier than data_end")
    if not first_us <= start_us <= last_us:
        problems.append("data_start must lie within the data")
    if not first_us <= end_us <= last_us:
        problems.append("data_end must lie within the data")
    if problems:
        raise InvalidArgumentError(
            f"{'; '.join(problems)} (the data runs from {first.isoformat()} to {last.isoformat()})."
        )


def _average_us(spans: Sequence[_Span], starts: Sequence[int], start_us: int, end_us: int) -> float:
    """Time-weighted average over ``[start_us, end_us)``, which the spans must cover."""
    i = max(bisect_right(starts, start_us) - 1, 0)
    terms: list[float] = []
    while i < len(spans) and spans[i].start_us < end_us:
        span = spans[i]
        overlap = min(end_us, span.end_us) - max(start_us, span.start_us)
        if overlap > 0:
            terms.append(span.intensity * overlap)
        i += 1
    return math.fsum(terms) / (end_us - start_us)


def _fmt_duration(value: timedelta) -> str:
    """A short human duration such as ``2 h 5 min`` or ``45 s``."""
    total_us = _td_us(value)
    seconds, micro = divmod(total_us, 1_000_000)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts: list[str] = []
    if hours:
        parts.append(f"{hours} h")
    if minutes:
        parts.append(f"{minutes} min")
    if secs or micro:
        parts.append(f"{secs + micro / 1_000_000:g} s")
    return " ".join(parts) or "0 s"
