"""Shifting work in time: the hourly intensity ahead, and the search for the cleanest start.

Candidates start now or on each of the next 24 full hours; the averages are time-weighted over the run
(:mod:`carbon_kepler_mcp.domain.scheduling`, Carbon Aware SDK semantics).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from carbon_kepler_mcp.domain import calculations as calc
from carbon_kepler_mcp.domain.scheduling import (
    TIE_DECIMALS,
    IntensityPoint,
    average_over_period,
    optimal_windows,
    rolling_average,
)
from carbon_kepler_mcp.errors import InsufficientDataError, InvalidArgumentError
from carbon_kepler_mcp.reference import ReferenceData, Region
from carbon_kepler_mcp.sources.intensity.base import IntensitySeries

MAX_DURATION_HOURS = 24.0
MIN_DURATION_HOURS = 0.25
SCHEDULE_HORIZON_HOURS = 24

WindowSearch = tuple[float, list[tuple[datetime, float]], list[tuple[datetime, float]], bool]
"""(current window average, tied optimal windows, hourly series, synthetic?) — see :func:`search_windows`."""


def check_duration(duration_hours: float, name: str = "duration_hours") -> None:
    """Refuse a run length the search cannot place (NaN included)."""
    if not (MIN_DURATION_HOURS <= duration_hours <= MAX_DURATION_HOURS) or math.isnan(duration_hours):
        raise InvalidArgumentError(
            f"{name} {duration_hours} is out of range: use {MIN_DURATION_HOURS} to {MAX_DURATION_HOURS:g} hours "
            f"(the search looks {SCHEDULE_HORIZON_HOURS} h ahead)",
            ko=f"{name} 인수 {duration_hours}이(가) 범위를 벗어났습니다: {MIN_DURATION_HOURS}~{MAX_DURATION_HOURS:g}시간"
            f"이어야 합니다(탐색 범위는 앞으로 {SCHEDULE_HORIZON_HOURS}시간)",
        )


def hourly_series(
    reference: ReferenceData, region: Region, grid: float, first_hour: datetime, hours: int
) -> tuple[list[IntensityPoint], bool]:
    """Hourly intensities from ``first_hour`` for ``hours`` hours, and whether they are synthetic.

    Hours step in absolute time (UTC) and each is looked up by its own local hour and month, so a
    daylight-saving change in the region cannot shift the profile against the clock.
    """
    tz = ZoneInfo(region.timezone)
    profile = reference.profile(region.code)
    start_utc = first_hour.astimezone(UTC)
    points: list[IntensityPoint] = []
    for offset in range(hours):
        local = (start_utc + timedelta(hours=offset)).astimezone(tz)
        multiplier = 1.0 if profile is None else profile.multipliers_for(local.month)[local.hour]
        points.append(IntensityPoint(local, timedelta(hours=1), grid * multiplier))
    return points, profile is not None and profile.provenance.synthetic


def search_windows(
    reference: ReferenceData,
    region: Region,
    grid: float,
    duration_hours: float,
    now: datetime,
    current_start: datetime | None = None,
) -> WindowSearch:
    """(current window average, tied optimal windows, hourly series, synthetic?).

    The current window starts ``now``, or at ``current_start`` (the workload's observed usual start,
    within the next 24 h). Candidates are now and each of the next 24 full hours; among them every window
    with the minimal average is returned (Carbon Aware SDK tie semantics), now first when it ties.
    """
    tz = ZoneInfo(region.timezone)
    local_now = now.astimezone(tz)
    first_hour = local_now.replace(minute=0, second=0, microsecond=0)
    span = SCHEDULE_HORIZON_HOURS + math.ceil(duration_hours) + 1
    points, synthetic = hourly_series(reference, region, grid, first_hour, span)
    window = timedelta(hours=duration_hours)
    now_average = average_over_period(points, local_now, local_now + window)
    current = now_average
    if current_start is not None:
        start = current_start.astimezone(tz)
        current = average_over_period(points, start, start + window)
    next_hour = points[1].start
    last_start = points[SCHEDULE_HORIZON_HOURS].start  # the 24th full hour after now
    windows = rolling_average(points, window, data_start=next_hour, data_end=last_start + window)
    best = optimal_windows(windows)
    best_value = min(round(now_average, TIE_DECIMALS), round(best[0].average_intensity_g_per_kwh, TIE_DECIMALS))
    ties = [(local_now, now_average)] if round(now_average, TIE_DECIMALS) == best_value else []
    ties += [
        (w.start, w.average_intensity_g_per_kwh)
        for w in best
        if round(w.average_intensity_g_per_kwh, TIE_DECIMALS) == best_value
    ]
    series = [(p.start, p.intensity_g_per_kwh) for p in points[:SCHEDULE_HORIZON_HOURS]]
    return current, ties, series, synthetic


def best_shift(
    reference: ReferenceData, region: Region, grid: float, duration_hours: float, now: datetime
) -> tuple[float | None, str, bool]:
    """(reduction of starting at the cleanest time instead of now, that start as ``YYYY-MM-DD HH:MM TZ``, synthetic?).

    The reduction is None when the hourly data is the built-in synthetic shape: it may point to a window as a
    hint, but no saving rests on it (a figure from it would change with the minute of the call).
    """
    current, ties, _, synthetic = search_windows(reference, region, grid, duration_hours, now)
    start, value = ties[0]
    fraction = None if synthetic else calc.reduction_fraction(current, value)
    return fraction, start.strftime("%Y-%m-%d %H:%M %Z"), synthetic


def search_forecast(
    series: IntensitySeries, duration_hours: float, now: datetime, tz: ZoneInfo, current_start: datetime | None = None
) -> WindowSearch:
    """The search of :func:`search_windows` over a provider's forecast, at the forecast's own resolution.

    Carbon Aware SDK semantics on the provider's points: windows start at now and every point length after
    (``dataStartAt`` = now, tick = one point), only windows the forecast covers fully are kept, and every tied
    minimum is returned; candidates start within the next 24 h. The points used are the unbroken run that covers
    now: a gap ends the data, it is never bridged.

    Raises:
        InsufficientDataError: the forecast does not cover now, the run, or the usual start's window.
    """
    points: list[IntensityPoint] = []
    for sample in series.points:
        if sample.end <= now:
            continue
        if points and sample.start != points[-1].end.astimezone(UTC):
            break
        if not points and sample.start > now:
            raise InsufficientDataError(
                f"the {series.provider} forecast starts at {sample.start.isoformat()}, after now ({now.isoformat()})"
            )
        points.append(
            IntensityPoint(
                sample.start.astimezone(tz), timedelta(seconds=sample.duration_seconds), sample.intensity_g_per_kwh
            )
        )
    if not points:
        raise InsufficientDataError(f"the {series.provider} forecast holds no point after now ({now.isoformat()})")
    window = timedelta(hours=duration_hours)
    local_now = now.astimezone(tz)
    horizon = local_now + timedelta(hours=SCHEDULE_HORIZON_HOURS)
    data_end = min(points[-1].end, horizon + window)
    windows = [
        w for w in rolling_average(points, window, data_start=local_now, data_end=data_end) if w.start <= horizon
    ]
    best = optimal_windows(windows)
    current = windows[0].average_intensity_g_per_kwh
    if current_start is not None:
        start = current_start.astimezone(tz)
        current = average_over_period(points, start, start + window)
    ties = [(w.start, w.average_intensity_g_per_kwh) for w in best]
    first_hour = now.replace(minute=0, second=0, microsecond=0)
    hours = series.hourly()
    shown = [
        (hour.astimezone(tz), value)
        for hour, value in hours.items()
        if first_hour <= hour < first_hour + timedelta(hours=SCHEDULE_HORIZON_HOURS)
    ]
    return current, ties, shown, False
