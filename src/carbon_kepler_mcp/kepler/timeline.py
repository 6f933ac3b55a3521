"""When Kepler last updated its counters, and which two scrapes a legacy rate should span.

Kepler does not update its counters continuously: it reads RAPL and eBPF every few seconds (0.7:
``SAMPLE_PERIOD``, 3 s by default) and exports the same values until the next update. So

* two scrapes closer together than Kepler's period may hold identical counters: a rate over that pair is
  0 W although the node is busy (the real 0.7.1 capture has such a pair, 3 s apart);
* a rate between two scrapes samples a staircase: the shorter the interval, the larger the swing (one
  update more or less inside the interval);
* counters that stay unchanged much longer than the period mean Kepler has stopped updating (stuck
  exporter, lost RAPL access): the answer must say so, never report 0 W.

The functions here are pure: they look at the observed scrapes of one endpoint (time, a fingerprint of
its counters) and decide. Each value set is dated by the *first* scrape that showed it, which is the
closest known time to Kepler's update; a rate between two first-seen times spans whole update periods.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.parser import Run, Sample

__all__ = [
    "Observation",
    "RatePlan",
    "Stale",
    "Wait",
    "counter_fingerprint",
    "longest_rate",
    "plan_rate",
    "update_period",
]

T = TypeVar("T")

_CURRENT_NODE_COUNTERS = frozenset({schema.NODE_JOULES, schema.NODE_ACTIVE_JOULES, schema.NODE_IDLE_JOULES})
_CURRENT_POD_COUNTERS = frozenset({schema.POD_JOULES})
_LEGACY_COUNTERS = schema.LEGACY_FAMILIES


def counter_fingerprint(items: Iterable[Sample | Run]) -> tuple[int, int]:
    """(hash, count) of the energy counters of one scrape: equal fingerprints mean Kepler did not update.

    Node counters are enough where they exist (every update of a running node moves them); without them the
    pod counters are used, labels included, so a pod appearing or going away is a change too.
    """
    items = list(items)
    chosen = _counter_values(items, node=True) or _counter_values(items, node=False)
    # repr keeps NaN comparable (NaN != NaN would make a stuck NaN counter look like a change)
    return hash(tuple(sorted((key, repr(value)) for key, value in chosen))), len(chosen)


def _counter_values(items: Sequence[Sample | Run], *, node: bool) -> list[tuple[str, float]]:
    """(series, value) of the node counters, or of the pod counters; the pod pass runs only without node ones
    (a current scrape has tens of thousands of pod samples)."""
    values: list[tuple[str, float]] = []
    for item in items:
        name = item.name
        is_node = name in _CURRENT_NODE_COUNTERS or (name in _LEGACY_COUNTERS and name.startswith("kepler_node_"))
        is_pod = name in _CURRENT_POD_COUNTERS or (name in _LEGACY_COUNTERS and not name.startswith("kepler_node_"))
        if is_node if node else is_pod:
            samples = item.samples() if isinstance(item, Run) else (item,)
            values.extend((f"{name}{sorted(sample.labels.items())}", sample.value) for sample in samples)
    return values


@dataclass(frozen=True, slots=True)
class Observation(Generic[T]):
    """One scrape of one endpoint: when (monotonic seconds and wall time), its counter fingerprint, its data."""

    at_seconds: float
    wall: datetime
    fingerprint: tuple[int, int]
    data: T


@dataclass(frozen=True, slots=True)
class RatePlan(Generic[T]):
    """Rate between ``before`` and ``after`` over ``seconds`` (first-seen times of their values)."""

    before: Observation[T]
    after: Observation[T]
    seconds: float
    update_period_seconds: float | None
    """Longest time the counters were seen unchanged (a lower bound of Kepler's update period), if observed."""


@dataclass(frozen=True, slots=True)
class Wait:
    """Scrape again after ``seconds``: no pair of distinct values far enough apart yet."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Stale:
    """The counters have not moved since ``since`` (wall time of the first scrape showing them)."""

    since: datetime
    unchanged_seconds: float
    scrapes: int


def _runs(history: Sequence[Observation[T]]) -> list[list[Observation[T]]]:
    """Consecutive observations grouped by equal fingerprints, oldest first."""
    runs: list[list[Observation[T]]] = []
    for obs in history:
        if runs and runs[-1][0].fingerprint == obs.fingerprint:
            runs[-1].append(obs)
        else:
            runs.append([obs])
    return runs


def update_period(history: Sequence[Observation[T]]) -> float | None:
    """The longest time one value set was seen unchanged before it changed: a lower bound of Kepler's period.

    The last run is left out (it may be stale rather than a period), unless it is the only one.
    """
    runs = _runs(history)
    closed = runs[:-1] if len(runs) > 1 else []
    spans = [run[-1].at_seconds - run[0].at_seconds for run in closed if len(run) > 1]
    return max(spans) if spans else None


POLLS_PER_INTERVAL = 5
"""While waiting for counters to move, scrape five times per rate interval (every second by default), so each
change is dated within a fifth of the interval."""


def plan_rate(
    history: Sequence[Observation[T]], *, min_interval_seconds: float, stale_after_seconds: float
) -> RatePlan[T] | Wait | Stale:
    """What to do with the scrapes seen so far (oldest first, the newest last).

    * **Stale** when the newest values were first seen ``stale_after_seconds`` or more ago;
    * a **rate** between the first-seen times of the newest values and of earlier values at least
      ``required = max(min_interval_seconds, 3 × update period)`` before them (the update period as observed: an
      interval of three periods or more keeps one update more or less below a third of the rate). The earlier
      values are preferably ones whose change was seen (not the first values seen, set at an unknown time
      before the first scrape); those first values qualify only at twice ``required``;
    * otherwise **wait** (a fifth of the interval) and scrape again.
    """
    if not history:
        raise ValueError("plan_rate needs at least one observation")
    runs = _runs(history)
    newest = history[-1]
    first_seen = runs[-1][0]
    unchanged = newest.at_seconds - first_seen.at_seconds
    if unchanged >= stale_after_seconds:
        return Stale(first_seen.wall, unchanged, len(runs[-1]))
    period = update_period(history)
    required = max(min_interval_seconds, 3 * period if period is not None else 0.0)
    for run in reversed(runs[1:-1]):
        if first_seen.at_seconds - run[0].at_seconds >= required:
            return RatePlan(run[0], newest, first_seen.at_seconds - run[0].at_seconds, period)
    if len(runs) > 1 and first_seen.at_seconds - runs[0][0].at_seconds >= 2 * required:
        return RatePlan(runs[0][0], newest, first_seen.at_seconds - runs[0][0].at_seconds, period)
    poll = min_interval_seconds / POLLS_PER_INTERVAL
    return Wait(max(min(poll, stale_after_seconds - unchanged), poll / 10))


def longest_rate(history: Sequence[Observation[T]]) -> RatePlan[T] | None:
    """The rate over the longest span of distinct values seen (when waiting longer is not an option), if any."""
    runs = _runs(history)
    if len(runs) < 2:
        return None
    first_seen = runs[-1][0]
    return RatePlan(runs[0][0], history[-1], first_seen.at_seconds - runs[0][0].at_seconds, update_period(history))
