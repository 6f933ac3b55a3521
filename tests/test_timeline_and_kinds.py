"""When Kepler last updated and which interval a legacy rate spans (kepler.timeline); plausible CronJob minutes and
the confidence of a kind (domain.workloads). Issue 14, items 2 and 5."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.domain.workloads import (
    MAX_SCHEDULE_MINUTE,
    MIN_SCHEDULE_MINUTE,
    daemonset_confidence,
    infer_owner,
    match_kind,
    resolve_workload,
)
from carbon_kepler_mcp.kepler.timeline import Observation, RatePlan, Stale, Wait, longest_rate, plan_rate, update_period
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.kepler import KeplerSource
from tests.conftest import SPRING_EVENING_KST
from tests.real_kepler import HASWELL, Replay
from tests.tools import tools

pytestmark = pytest.mark.anyio


def _seen(*points: tuple[float, int]) -> list[Observation[None]]:
    """Observations at (seconds, value set); equal value sets have equal fingerprints."""
    return [Observation(at, datetime.fromtimestamp(at, UTC), (values, 1), None) for at, values in points]


def test_the_update_period_is_the_longest_run_of_unchanged_counters_before_a_change() -> None:
    # values 1 seen at 0, 3, 6 (6 s unchanged), 2 at 9, 3 at 12: the last run (3) does not count
    assert update_period(_seen((0, 1), (3, 1), (6, 1), (9, 2), (12, 3))) == 6
    assert update_period(_seen((0, 1), (3, 2))) is None  # every scrape changed: not observed


def test_the_rate_spans_first_sightings_at_least_three_update_periods_apart() -> None:
    history = _seen((0, 1), (3, 1), (6, 2), (9, 3), (12, 4), (15, 5), (18, 5))
    # period 3 s (value 1 seen at 0 and 3) → at least max(5, 3 × 3) = 9 s; the newest values (5) were first seen
    # at 15; the latest change seen at least 9 s before is value 2 at 6 (value 4 at 12: 3 s, value 3 at 9: 6 s).
    plan = plan_rate(history, min_interval_seconds=5, stale_after_seconds=15)
    assert isinstance(plan, RatePlan)
    assert (plan.before.at_seconds, plan.after.at_seconds, plan.seconds) == (6, 18, 9)
    assert plan.update_period_seconds == 3


def test_the_first_values_seen_count_only_at_twice_the_interval() -> None:
    # Value 1 was set at an unknown time before 0. With no change seen far enough back, it is the baseline only
    # once the newest values are 2 × 5 s = 10 s after it: at 8 the planner waits a fifth of 5 s, at 10 it rates.
    assert plan_rate(_seen((0, 1), (8, 2)), min_interval_seconds=5, stale_after_seconds=15) == Wait(1.0)
    plan = plan_rate(_seen((0, 1), (10, 2)), min_interval_seconds=5, stale_after_seconds=15)
    assert isinstance(plan, RatePlan) and plan.seconds == 10


def test_too_short_a_span_waits_and_then_falls_back_to_the_longest_one() -> None:
    history = _seen((0, 1), (2, 2))
    plan = plan_rate(history, min_interval_seconds=5, stale_after_seconds=15)
    assert plan == Wait(1.0)  # 5 s needed, 2 s spanned: look again in a fifth of the interval
    fallback = longest_rate(history)
    assert fallback is not None and fallback.seconds == 2


def test_counters_unchanged_for_the_stale_time_are_stale_since_their_first_sighting() -> None:
    plan = plan_rate(_seen((100, 1), (105, 1), (110, 1), (115, 1)), min_interval_seconds=5, stale_after_seconds=15)
    assert plan == Stale(datetime.fromtimestamp(100, UTC), 15, 4)
    assert plan_rate(_seen((100, 1), (105, 1)), min_interval_seconds=5, stale_after_seconds=15) == Wait(1.0)
    # one second before the stale time, the wait is cut to what is left
    assert plan_rate(_seen((100, 1), (114.5, 1)), min_interval_seconds=5, stale_after_seconds=15) == Wait(0.5)


def test_a_cronjob_minute_must_be_a_plausible_schedule_time() -> None:
    # 24193440 min = 1451606400 s = 2016-01-01; 68374080 min = 4102444800 s = 2100-01-01
    assert datetime(2016, 1, 1, tzinfo=UTC).timestamp() == MIN_SCHEDULE_MINUTE * 60
    assert datetime(2100, 1, 1, tzinfo=UTC).timestamp() == MAX_SCHEDULE_MINUTE * 60
    assert match_kind("b", f"b-{MIN_SCHEDULE_MINUTE}-b4k5m") == "CronJob"
    assert match_kind("b", f"b-{MAX_SCHEDULE_MINUTE}-b4k5m") == "CronJob"
    # one minute outside either end (both contain 1 or 3, so they are no hash either)
    assert match_kind("b", f"b-{MIN_SCHEDULE_MINUTE - 1}-b4k5m") is None
    assert match_kind("b", f"b-{MAX_SCHEDULE_MINUTE + 1}-b4k5m") is None


def test_the_real_coremark_pod_is_not_a_cronjob() -> None:
    # 3451736609 minutes after the epoch is the year 8533
    owner = infer_owner("coremark-cpeh-3451736609-7bgqj")
    assert owner.kind != "CronJob"
    assert match_kind("coremark-cpeh", "coremark-cpeh-3451736609-7bgqj") is None


@pytest.mark.parametrize(
    ("name", "pods", "kind", "confidence"),
    [
        ("web", ["web-7d9f8c6b5-x2b4k"], "Deployment", "high"),
        ("backup", ["backup-28512345-b4k5m"], "CronJob", "high"),
        ("db", ["db-0", "db-1"], "StatefulSet", "medium"),
        ("train", ["train-0-b4k5m"], "Job", "medium"),
        ("kindnet", ["kindnet-4xnkx"], "Job", "low"),
    ],
)
def test_a_resolution_states_its_confidence(name: str, pods: list[str], kind: str, confidence: str) -> None:
    resolved = resolve_workload(name, "ns", pods)
    assert (resolved.kind, resolved.confidence) == (kind, confidence)
    assert resolved.note.endswith(f"kind confidence: {confidence}")
    assert resolve_workload(pods[0], "ns", pods).confidence == "high"  # an exact pod name


def test_placement_makes_a_daemonset_surer_with_more_nodes() -> None:
    assert (daemonset_confidence(1), daemonset_confidence(3)) == ("low", "medium")


async def test_the_haswell_capture_lists_no_cronjob_and_its_daemonsets() -> None:
    replay = Replay(HASWELL)
    source = KeplerSource(
        ["http://kind:9102/metrics"],
        transport=replay.transport(),
        clock=replay.clock,
        wall_clock=replay.wall_clock,
        sleep=replay.sleep,
    )
    ctx = AppContext(source, load_reference_data(), AppConfig(), clock=lambda: SPRING_EVENING_KST)
    cpe = await tools(ctx).list_workloads("cpe-operator-system")
    assert all(w.kind != "CronJob" for w in cpe.workloads)
    system = {w.workload: w.kind for w in (await tools(ctx).list_workloads("kube-system")).workloads}
    assert system["kindnet"] == "DaemonSet" and system["kube-proxy"] == "DaemonSet"
    await ctx.aclose()
