"""A workload's observed schedule: when it actually drew energy over past days. Pure functions.

Input: hourly IT energy from a Prometheus range query (``sum(increase(...[1h]))`` every hour), each point
covering the hour that ends at its timestamp. An hour is *active* when its average power is above
:data:`ACTIVE_SHARE` of the busiest hour (and above :data:`MIN_ACTIVE_WATTS`); a *run* starts at an active
hour that follows an inactive or missing one. The typical start is the most frequent local start hour
(ties: the earliest). Power while running is the mean over runs of each run's busiest hour, so a run that
covers half of its last hour does not drag the figure down; a run's length is its energy divided by that
busiest hour's power (a 90-minute run at constant power: 1 full hour + 1 half hour → 1.5 h).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Final

from carbon_kepler_mcp.app.results import ObservedSchedule
from carbon_kepler_mcp.sources.base import HistoryPoint

__all__ = ["ACTIVE_SHARE", "MIN_ACTIVE_WATTS", "next_start", "observe"]

ACTIVE_SHARE: Final = 0.10
"""An hour is active above 10 % of the busiest hour's average power."""

MIN_ACTIVE_WATTS: Final = 0.5
"""...and above half a watt, so a workload that is always idle has no runs."""

_HOUR = timedelta(hours=1)


def observe(points: Sequence[HistoryPoint], tz: tzinfo, days: int, query: str) -> ObservedSchedule | None:
    """The observed schedule, or None when the history holds no active hour."""
    watts = {p.end - _HOUR: p.joules / 3600.0 for p in points if p.joules >= 0}
    if not watts:
        return None
    peak = max(watts.values())
    threshold = max(MIN_ACTIVE_WATTS, ACTIVE_SHARE * peak)
    active = sorted(start for start, w in watts.items() if w > threshold)
    if not active:
        return None
    runs: list[list[datetime]] = []
    for start in active:
        if runs and runs[-1][-1] + _HOUR == start:
            runs[-1].append(start)
        else:
            runs.append([start])
    first_known = min(watts)
    # A run already going when the history begins has no observed start.
    starts = [run[0] for run in runs if run[0] != first_known]
    local_starts = [s.astimezone(tz) for s in starts]
    counts = Counter(s.hour for s in local_starts)
    typical = min(counts, key=lambda h: (-counts[h], h)) if counts else None
    total = sum(watts.values())
    share = [0.0] * 24
    for start, w in watts.items():
        share[start.astimezone(tz).hour] += w / total if total > 0 else 0.0
    run_power = [max(watts[h] for h in run) for run in runs]
    return ObservedSchedule(
        history_days=days,
        runs_observed=len(starts),
        typical_start_local=None if typical is None else f"{typical:02d}:00",
        last_run_start=local_starts[-1].isoformat(timespec="seconds") if local_starts else None,
        average_run_hours=round(
            sum(sum(watts[h] for h in run) / max(watts[h] for h in run) for run in runs) / len(runs), 3
        ),
        power_while_running_watts=round(sum(run_power) / len(run_power), 3),
        active_hours_local=[f"{h:02d}:00" for h in sorted({a.astimezone(tz).hour for a in active})],
        hourly_energy_share=[round(x, 4) for x in share],
        threshold_watts=round(threshold, 3),
        query=query,
    )


def next_start(typical_hour: int, now: datetime, tz: tzinfo) -> datetime:
    """The next local ``typical_hour``:00 at or after ``now`` (within 24 h)."""
    local = now.astimezone(tz)
    candidate = local.replace(hour=typical_hour, minute=0, second=0, microsecond=0)
    if candidate < local:
        candidate = (candidate.astimezone(now.tzinfo) + timedelta(days=1)).astimezone(tz)
        candidate = candidate.replace(hour=typical_hour)
    return candidate
