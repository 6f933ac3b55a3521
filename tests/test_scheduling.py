"""Tests for the CASDK window semantics in ``carbon_kepler_mcp.domain.scheduling``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carbon_kepler_mcp.domain.scheduling import (
    IntensityPoint,
    Window,
    average_over_period,
    hourly_points,
    optimal_windows,
    rolling_average,
)
from carbon_kepler_mcp.errors import InsufficientDataError, InvalidArgumentError

T0 = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
FIVE_MINUTES = timedelta(minutes=5)
TEN_MINUTES = timedelta(minutes=10)
SEOUL = ZoneInfo("Asia/Seoul")


def points_every(values: Sequence[float], step: timedelta = FIVE_MINUTES, start: datetime = T0) -> list[IntensityPoint]:
    return [IntensityPoint(start + i * step, step, float(v)) for i, v in enumerate(values)]


def averages(windows: Sequence[Window]) -> list[float]:
    return [w.average_intensity_g_per_kwh for w in windows]


# --- CASDK test vectors (carbon.md §10.4, from the EmissionsDataExtensions.RollingAverage comments) ------------


def test_rolling_average_of_casdk_vector_one_moves_the_optimum_away_from_the_last_low_point() -> None:
    windows = rolling_average(points_every([10, 20, 30, 40, 5]), TEN_MINUTES)

    assert averages(windows) == [15, 25, 35, 22.5]
    assert [w.start for w in windows] == [T0 + k * FIVE_MINUTES for k in range(4)]
    assert all(w.duration == TEN_MINUTES for w in windows)
    assert optimal_windows(windows) == [Window(T0, TEN_MINUTES, 15.0)]


def test_rolling_average_of_casdk_vector_two_returns_both_tied_optimal_windows() -> None:
    windows = rolling_average(points_every([5, 55, 10, 10, 10]), TEN_MINUTES)

    assert averages(windows) == [30, 32.5, 10, 10]
    assert optimal_windows(windows) == [
        Window(T0 + 2 * FIVE_MINUTES, TEN_MINUTES, 10.0),
        Window(T0 + 3 * FIVE_MINUTES, TEN_MINUTES, 10.0),
    ]


def test_rolling_average_of_casdk_vector_three_prefers_the_window_after_the_lowest_point() -> None:
    windows = rolling_average(points_every([12, 11, 10, 12, 13]), TEN_MINUTES)

    assert averages(windows) == [11.5, 10.5, 11, 12.5]
    assert optimal_windows(windows) == [Window(T0 + FIVE_MINUTES, TEN_MINUTES, 10.5)]


# --- partial overlaps, bounds and pass-through ---------------------------------------------------------------


def test_window_that_is_not_a_multiple_of_the_point_duration_weights_partial_points_by_overlap() -> None:
    # 5-minute points [10, 20, 30, 40, 5] from 00:00 to 00:25; 7-minute window, default tick 5 min.
    #   [00:00, 00:07): 10·5 + 20·2 =  50 +  40 =  90 → 90/7
    #   [00:05, 00:12): 20·5 + 30·2 = 100 +  60 = 160 → 160/7
    #   [00:10, 00:17): 30·5 + 40·2 = 150 +  80 = 230 → 230/7
    #   [00:15, 00:22): 40·5 +  5·2 = 200 +  10 = 210 → 210/7 = 30
    #   [00:20, 00:27) ends after the data (00:25): dropped.
    windows = rolling_average(points_every([10, 20, 30, 40, 5]), timedelta(minutes=7))

    assert averages(windows) == pytest.approx([90 / 7, 160 / 7, 230 / 7, 30])
    assert [w.start for w in windows] == [T0 + k * FIVE_MINUTES for k in range(4)]
    assert all(w.duration == timedelta(minutes=7) for w in windows)


def test_windows_start_at_data_start_and_advance_by_the_tick() -> None:
    # data_start 00:02, 10-minute windows, tick 5 min, data ends 00:25:
    #   [00:02, 00:12): 10·3 + 20·5 + 30·2 =  30 + 100 + 60 = 190 → 19
    #   [00:07, 00:17): 20·3 + 30·5 + 40·2 =  60 + 150 + 80 = 290 → 29
    #   [00:12, 00:22): 30·3 + 40·5 +  5·2 =  90 + 200 + 10 = 300 → 30
    #   [00:17, 00:27) runs past 00:25: dropped.
    windows = rolling_average(points_every([10, 20, 30, 40, 5]), TEN_MINUTES, data_start=T0 + 2 * MINUTE)

    assert averages(windows) == pytest.approx([19, 29, 30])
    assert [w.start for w in windows] == [T0 + m * MINUTE for m in (2, 7, 12)]


def test_an_explicit_tick_slides_the_window_by_that_amount() -> None:
    # 1-minute tick over 5-minute points: [00:00, 00:10) = 15, [00:01, 00:11) = (10·4 + 20·5 + 30·1)/10 = 17, ...
    windows = rolling_average(points_every([10, 20, 30, 40, 5]), TEN_MINUTES, tick=MINUTE)

    assert len(windows) == 16  # starts 00:00 … 00:15, the last one ending exactly at 00:25
    assert windows[0].average_intensity_g_per_kwh == pytest.approx(15)
    assert windows[1].average_intensity_g_per_kwh == pytest.approx(17)
    assert windows[-1].start == T0 + 15 * MINUTE
    assert windows[-1].average_intensity_g_per_kwh == pytest.approx(22.5)


def test_windows_running_past_data_end_are_dropped() -> None:
    windows = rolling_average(points_every([10, 20, 30, 40, 5]), TEN_MINUTES, data_end=T0 + 20 * MINUTE)

    assert averages(windows) == [15, 25, 35]


def test_a_zero_or_missing_window_passes_the_points_through_unchanged() -> None:
    points = points_every([10, 20, 30])
    expected = [Window(p.start, p.duration, p.intensity_g_per_kwh) for p in points]

    assert rolling_average(points, None) == expected
    assert rolling_average(points, timedelta(0)) == expected
    assert rolling_average(points, None, data_start=T0 + 6 * MINUTE) == expected[1:]


def test_window_starts_are_reported_in_the_timezone_of_data_start() -> None:
    points = points_every([10, 20, 30, 40, 5])
    start_in_seoul = (T0 + FIVE_MINUTES).astimezone(SEOUL)

    windows = rolling_average(points, TEN_MINUTES, data_start=start_in_seoul)

    assert windows[0].start == start_in_seoul
    assert windows[0].start.tzinfo == SEOUL
    assert averages(windows) == [25, 35, 22.5]


def test_average_over_period_weights_partial_hours_like_the_casdk_example() -> None:
    # CASDK AverageOverPeriod comment: (01:00, 30), (02:00, 100), (03:00, 50) over 01:30-03:30
    # = 30·(30/120) + 100·(60/120) + 50·(30/120) = 7.5 + 50 + 12.5 = 70.
    one = datetime(2025, 1, 1, 1, 0, tzinfo=UTC)
    points = points_every([30, 100, 50], step=timedelta(hours=1), start=one)

    assert average_over_period(points, one + timedelta(minutes=30), one + timedelta(hours=2, minutes=30)) == 70
    assert average_over_period(points, one, one + timedelta(hours=3)) == pytest.approx(60)


def test_optimal_windows_of_nothing_is_nothing() -> None:
    assert optimal_windows([]) == []


def test_optimal_windows_treats_averages_equal_to_nine_decimals_as_tied() -> None:
    a = Window(T0, TEN_MINUTES, 0.1 + 0.2)
    b = Window(T0 + FIVE_MINUTES, TEN_MINUTES, 0.3)
    c = Window(T0 + TEN_MINUTES, TEN_MINUTES, 0.31)

    assert optimal_windows([c, b, a]) == [a, b]


# --- errors --------------------------------------------------------------------------------------------------


def test_points_with_a_gap_are_rejected_as_non_continuous() -> None:
    points = [IntensityPoint(T0, FIVE_MINUTES, 10), IntensityPoint(T0 + TEN_MINUTES, FIVE_MINUTES, 20)]

    with pytest.raises(InvalidArgumentError, match="continuous and chronological"):
        rolling_average(points, TEN_MINUTES)


def test_points_out_of_order_are_rejected_as_non_chronological() -> None:
    points = list(reversed(points_every([10, 20, 30])))

    with pytest.raises(InvalidArgumentError, match="continuous and chronological"):
        rolling_average(points, TEN_MINUTES)
    with pytest.raises(InvalidArgumentError, match="continuous and chronological"):
        average_over_period(points, T0, T0 + TEN_MINUTES)


def test_points_with_a_non_positive_duration_are_rejected() -> None:
    with pytest.raises(InvalidArgumentError, match="non-positive duration"):
        rolling_average([IntensityPoint(T0, timedelta(0), 10)], TEN_MINUTES)


def test_naive_point_datetimes_are_rejected() -> None:
    naive = T0.replace(tzinfo=None)

    with pytest.raises(InvalidArgumentError, match="timezone-aware"):
        rolling_average(points_every([10, 20, 30], start=naive), TEN_MINUTES)


def test_a_naive_data_start_is_rejected() -> None:
    with pytest.raises(InvalidArgumentError, match="data_start must be a timezone-aware"):
        rolling_average(points_every([10, 20, 30]), TEN_MINUTES, data_start=T0.replace(tzinfo=None))


def test_data_start_before_the_data_is_rejected() -> None:
    with pytest.raises(InvalidArgumentError, match="data_start must lie within the data"):
        rolling_average(points_every([10, 20, 30]), TEN_MINUTES, data_start=T0 - MINUTE)


def test_data_end_after_the_data_is_rejected() -> None:
    with pytest.raises(InvalidArgumentError, match="data_end must lie within the data"):
        rolling_average(points_every([10, 20, 30]), TEN_MINUTES, data_end=T0 + timedelta(hours=1))


def test_data_start_not_before_data_end_is_rejected() -> None:
    with pytest.raises(InvalidArgumentError, match="data_start must be earlier than data_end"):
        rolling_average(points_every([10, 20, 30]), TEN_MINUTES, data_start=T0 + TEN_MINUTES, data_end=T0 + TEN_MINUTES)


def test_a_negative_window_or_non_positive_tick_is_rejected() -> None:
    points = points_every([10, 20, 30])

    with pytest.raises(InvalidArgumentError, match="window must not be negative"):
        rolling_average(points, -TEN_MINUTES)
    with pytest.raises(InvalidArgumentError, match="tick must be positive"):
        rolling_average(points, TEN_MINUTES, tick=timedelta(0))


def test_a_window_longer_than_the_data_reports_both_lengths() -> None:
    with pytest.raises(InsufficientDataError, match=r"covers 15 min, but the window is 1 h 30 min long"):
        rolling_average(points_every([10, 20, 30]), timedelta(minutes=90))


def test_no_points_is_insufficient_data() -> None:
    with pytest.raises(InsufficientDataError, match="No intensity points"):
        rolling_average([], TEN_MINUTES)


def test_average_over_a_period_the_data_does_not_cover_is_insufficient_data() -> None:
    with pytest.raises(InsufficientDataError, match="does not include the whole period"):
        average_over_period(points_every([10, 20, 30]), T0, T0 + timedelta(hours=1))


def test_average_over_an_empty_or_reversed_period_is_rejected() -> None:
    with pytest.raises(InvalidArgumentError, match="must be earlier than end"):
        average_over_period(points_every([10, 20, 30]), T0 + FIVE_MINUTES, T0 + FIVE_MINUTES)


# --- properties ----------------------------------------------------------------------------------------------


@st.composite
def series(draw: st.DrawFn, *, constant: float | None = None) -> list[IntensityPoint]:
    """Continuous points with whole-minute durations of 1-30 min, starting at T0."""
    durations = draw(st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=12))
    values = draw(
        st.lists(
            st.floats(min_value=0, max_value=1000, allow_nan=False, allow_infinity=False)
            if constant is None
            else st.just(constant),
            min_size=len(durations),
            max_size=len(durations),
        )
    )
    points: list[IntensityPoint] = []
    start = T0
    for minutes, value in zip(durations, values, strict=True):
        points.append(IntensityPoint(start, minutes * MINUTE, value))
        start += minutes * MINUTE
    return points


@given(
    constant=st.floats(min_value=0, max_value=2000, allow_nan=False, allow_infinity=False),
    data=st.data(),
)
def test_every_window_over_constant_points_averages_to_that_constant(constant: float, data: st.DataObject) -> None:
    points = data.draw(series(constant=constant))
    total_minutes = (points[-1].end - points[0].start) // MINUTE
    window = data.draw(st.integers(min_value=1, max_value=total_minutes)) * MINUTE

    windows = rolling_average(points, window, tick=data.draw(st.integers(min_value=1, max_value=30)) * MINUTE)

    assert windows
    for w in windows:
        assert w.average_intensity_g_per_kwh == pytest.approx(constant, rel=1e-12, abs=1e-9)


@given(data=st.data())
def test_windows_lie_inside_the_bounds_match_a_minute_by_minute_mean_and_the_optimum_is_minimal(
    data: st.DataObject,
) -> None:
    points = data.draw(series())
    # The same series expanded to one value per minute, for a brute-force reference.
    per_minute = [p.intensity_g_per_kwh for p in points for _ in range(p.duration // MINUTE)]
    total = len(per_minute)
    start_min = data.draw(st.integers(min_value=0, max_value=total - 1))
    end_min = data.draw(st.integers(min_value=start_min + 1, max_value=total))
    window_min = data.draw(st.integers(min_value=1, max_value=45))
    tick_min = data.draw(st.integers(min_value=1, max_value=20))
    data_start, data_end = T0 + start_min * MINUTE, T0 + end_min * MINUTE

    if window_min > end_min - start_min:
        with pytest.raises(InsufficientDataError):
            rolling_average(
                points, window_min * MINUTE, data_start=data_start, data_end=data_end, tick=tick_min * MINUTE
            )
        return

    windows = rolling_average(
        points, window_min * MINUTE, data_start=data_start, data_end=data_end, tick=tick_min * MINUTE
    )

    expected_starts = list(range(start_min, end_min - window_min + 1, tick_min))
    assert [w.start for w in windows] == [T0 + m * MINUTE for m in expected_starts]
    for w, m in zip(windows, expected_starts, strict=True):
        assert data_start <= w.start
        assert w.end <= data_end
        assert w.duration == window_min * MINUTE
        reference = sum(per_minute[m : m + window_min]) / window_min
        assert w.average_intensity_g_per_kwh == pytest.approx(reference, rel=1e-9, abs=1e-9)
    best = optimal_windows(windows)
    assert best
    for b in best:
        assert all(b.average_intensity_g_per_kwh <= w.average_intensity_g_per_kwh + 1e-9 for w in windows)


# --- hourly_points -------------------------------------------------------------------------------------------

PROFILE = [float(100 + h) for h in range(24)]  # the value for local hour h is 100 + h


def test_hourly_points_cross_midnight_in_seoul_and_wrap_round_the_profile() -> None:
    start = datetime(2025, 3, 14, 22, 0, tzinfo=SEOUL)

    points = hourly_points(start, PROFILE, 4)

    assert [p.intensity_g_per_kwh for p in points] == [122, 123, 100, 101]
    assert [(p.start.day, p.start.hour) for p in points] == [(14, 22), (14, 23), (15, 0), (15, 1)]
    assert all(p.start.tzinfo == SEOUL and p.duration == timedelta(hours=1) for p in points)
    assert points[0].start.astimezone(UTC) == datetime(2025, 3, 14, 13, 0, tzinfo=UTC)
    # The points are continuous, so they feed the rolling average directly.
    assert averages(rolling_average(points, timedelta(hours=2))) == [122.5, 111.5, 100.5]


def test_hourly_points_stay_continuous_across_a_daylight_saving_change() -> None:
    new_york = ZoneInfo("America/New_York")
    start = datetime(2025, 3, 9, 0, 0, tzinfo=new_york)  # clocks jump from 02:00 to 03:00 EDT

    points = hourly_points(start, PROFILE, 4)

    assert [p.start.hour for p in points] == [0, 1, 3, 4]
    assert [p.intensity_g_per_kwh for p in points] == [100, 101, 103, 104]
    assert len(rolling_average(points, timedelta(hours=1))) == 4


def test_hourly_points_reject_a_start_off_the_hour() -> None:
    with pytest.raises(InvalidArgumentError, match="whole hour"):
        hourly_points(datetime(2025, 3, 14, 22, 30, tzinfo=SEOUL), PROFILE, 4)


def test_hourly_points_reject_a_naive_start() -> None:
    with pytest.raises(InvalidArgumentError, match="timezone-aware"):
        hourly_points(datetime(2025, 3, 14, 22, 0), PROFILE, 4)


def test_hourly_points_reject_a_profile_without_24_values_or_a_non_positive_count() -> None:
    start = datetime(2025, 3, 14, 22, 0, tzinfo=SEOUL)

    with pytest.raises(InvalidArgumentError, match="24 hourly values"):
        hourly_points(start, PROFILE[:23], 4)
    with pytest.raises(InvalidArgumentError, match="hours must be a positive"):
        hourly_points(start, PROFILE, 0)
