"""The use cases against hand-computed figures on the demo cluster (see demo/cluster.py's table)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from itertools import pairwise

import pytest

from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.errors import (
    AmbiguousWorkloadError,
    InvalidArgumentError,
    InvalidNameError,
    UnknownNamespaceError,
    UnknownRegionError,
    UnknownStandardError,
    UnknownWorkloadError,
)
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.demo import DemoSource
from tests.conftest import SPRING_EVENING_KST, SPRING_NOON_KST
from tests.tools import tools

pytestmark = pytest.mark.anyio

# Demo inputs, written out by hand from the demo cluster's table: two training pods of 165 W package +
# 28 W dram on the GPU node (facility PUE 1.6); web-app = 3 pods of 11 W + 2 W on the CPU nodes (PUE 1.25).
TRAINING_WATTS = 2 * (165 + 28 + 240)  # CPU package + dram + GPU (kepler_pod_gpu_watts) of both pods
WEB_WATTS = 3 * (11 + 2)
KOREA_FACTOR = 417.3
GREEN_DC_PUE = 1.4


async def test_the_training_job_is_non_compliant_with_figures_recomputable_by_hand(demo_service: AppContext) -> None:
    result = await tools(demo_service).assess("ml-training-job", "ai-team")
    assert result.current_power_watts == TRAINING_WATTS
    assert result.pue == 1.6
    assert result.grid_carbon_intensity_gCO2eq_kWh == KOREA_FACTOR
    assert result.estimated_workload_intensity_gCO2eq_kWh == pytest.approx(KOREA_FACTOR * 1.6, abs=1e-3)
    assert result.carbon_emissions_gCO2eq_hour == pytest.approx(TRAINING_WATTS / 1000 * 1.6 * KOREA_FACTOR, abs=1e-3)
    # A Job in an instant scrape: its duty cycle is unknown, so no month is projected (it would be 730 h of today).
    assert result.monthly_emissions_kgCO2eq is None and result.monthly_basis == "not_projected"
    web = await tools(demo_service).assess("web-app", "production")
    assert web.monthly_basis == "continuous_at_current_power"
    assert web.monthly_emissions_kgCO2eq == pytest.approx(WEB_WATTS / 1000 * 1.25 * KOREA_FACTOR * 730 / 1000, abs=1e-3)
    assert result.target_intensity_gCO2eq_kWh == pytest.approx(KOREA_FACTOR * GREEN_DC_PUE, abs=1e-6)
    assert result.status == "NON_COMPLIANT"  # 667.68 > 584.22
    # The Green DC certification scores PUE: 1.6 earns 70 of 90 points (1.8 → 50, +10 per 0.1 lower).
    assert result.pue_status == "NOT_ASSESSED" and result.pue_status_reason == "scoring_not_pass_fail"
    assert result.pue_score is not None and result.pue_score.points == 70
    assert result.workload_kind == "Job"
    assert sorted(p.pod for p in result.pods) == ["ml-training-job-r9t4m", "ml-training-job-x7k2p"]
    assert result.pue_detail.source == "source_facility"
    assert not result.pue_detail.operator_supplied


async def test_web_app_on_the_efficient_hall_is_compliant(demo_service: AppContext) -> None:
    result = await tools(demo_service).assess("web-app", "production")
    assert result.current_power_watts == WEB_WATTS
    assert result.workload_kind == "Deployment"
    assert result.estimated_workload_intensity_gCO2eq_kWh == pytest.approx(KOREA_FACTOR * 1.25, abs=1e-3)
    assert result.status == "COMPLIANT"
    assert result.pue_score is not None and result.pue_score.points == 90  # 1.25 is below 1.4


async def test_recommendations_are_ranked_by_reduction_and_unquantified_ones_come_last(
    demo_service: AppContext,
) -> None:
    result = await tools(demo_service).assess("ml-training-job", "ai-team")
    quantified = [o for o in result.optimizations if o.quantified]
    reductions = [o.estimated_reduction_percent or 0.0 for o in quantified]
    assert reductions == sorted(reductions, reverse=True)
    assert [o.rank for o in result.optimizations] == list(range(1, len(result.optimizations) + 1))
    last = result.optimizations[-1]
    assert last.type == "resource_rightsizing" and not last.quantified
    assert "kube_pod_container_resource_requests" in last.data_basis
    pue = next(o for o in result.optimizations if o.type == "pue_improvement")
    assert pue.estimated_reduction_percent == pytest.approx((1 - GREEN_DC_PUE / 1.6) * 100, abs=0.01)
    assert pue.changes_compliance_status  # 417.3 × 1.4 = 584.22 is exactly the limit
    migration = next(o for o in result.optimizations if o.type == "regional_migration")
    assert migration.estimated_reduction_percent == pytest.approx((1 - 21 / 423) * 100, abs=0.01)
    assert "PIPA" in migration.description


async def test_a_terminated_pod_adds_no_power(demo_service: AppContext) -> None:
    result = await tools(demo_service).assess("nightly-report", "batch")
    states = {p.pod: p.state for p in result.pods}
    assert sorted(states.values()) == ["running", "terminated"]
    assert result.current_power_watts == 38 + 6
    assert result.workload_kind == "CronJob"


async def test_operator_pue_settings_win_over_the_demo_facility_and_are_reported() -> None:
    service = AppContext(
        DemoSource(),
        load_reference_data(),
        AppConfig(pue=1.3, node_pue={"kr-seoul-gpu-1": 1.15}),
        clock=lambda: SPRING_EVENING_KST,
    )
    try:
        training = await tools(service).assess("ml-training-job", "ai-team")
        web = await tools(service).assess("web-app", "production")
    finally:
        await service.aclose()
    assert training.pue == 1.15 and training.pue_detail.source == "operator_node_setting"
    assert training.pue_detail.operator_supplied
    assert training.status == "COMPLIANT"
    assert web.pue == 1.3 and web.pue_detail.source == "operator_setting"


async def test_the_korea_intensity_override_is_used_and_labelled() -> None:
    service = AppContext(
        DemoSource(),
        load_reference_data(),
        AppConfig(korea_intensity_override_g_per_kwh=424.0, korea_pue_target_override=1.7),
        clock=lambda: SPRING_EVENING_KST,
    )
    try:
        result = await tools(service).assess("ml-training-job", "ai-team")
    finally:
        await service.aclose()
    assert result.grid_carbon_intensity_gCO2eq_kWh == 424.0
    assert "KOREA_CARBON_INTENSITY" in result.provenance["grid_carbon_intensity"].publisher
    assert result.pue_target == 1.7
    assert result.pue_status == "COMPLIANT"


async def test_a_pue_standard_is_judged_on_pue_and_not_assessable_ones_say_so(demo_service: AppContext) -> None:
    # The demo clock is 2026-04-14, before DE_ENEFG_NEW_DC applies (2026-07-01), and the site is German.
    germany = await tools(demo_service).assess("web-app", "production", "DE_ENEFG_NEW_DC", "eu-central-1")
    assert (germany.status, germany.status_reason) == ("NOT_ASSESSED", "not_yet_in_force")
    assert germany.standard_detail.legal_status == "statutory"
    assert germany.standard_detail.category == "statute" and germany.standard_detail.applies_in == ["DE"]
    energy_star = await tools(demo_service).assess("web-app", "production", standard="US_EPA_ENERGY_STAR")
    assert energy_star.status == "NOT_ASSESSED"
    assert "cannot be judged" in energy_star.recommendation


async def test_compare_reports_current_and_optimised_status_and_cost(demo_service: AppContext) -> None:
    result = await tools(demo_service).compare(
        "ml-training-job", "ai-team", ["pue_improvement", "resource_rightsizing"], rightsizing_reduction_percent=20
    )
    assert result.current_status == "NON_COMPLIANT"
    assert result.optimized_status == "COMPLIANT"  # PUE 1.4: 417.3 × 1.4 = limit
    expected = 1 - (1 - (1 - 1.4 / 1.6)) * (1 - 0.20)
    assert result.reduction_percent == pytest.approx(expected * 100, abs=0.01)
    facility_kwh_now = TRAINING_WATTS / 1000 * 1.6 * 730
    facility_kwh_after = TRAINING_WATTS * 0.8 / 1000 * 1.4 * 730
    assert result.estimated_cost_savings_usd_month == pytest.approx(
        (facility_kwh_now - facility_kwh_after) * 0.10, abs=0.01
    )


async def test_rightsizing_without_data_or_assumption_is_not_quantified(demo_service: AppContext) -> None:
    result = await tools(demo_service).compare("web-app", "production", ["resource_rightsizing"])
    (impact,) = result.impacts
    assert not impact.quantified and impact.reduction_percent is None
    assert result.reduction_percent == 0
    assert result.optimized_emissions_gCO2eq_hour == result.current_emissions_gCO2eq_hour


async def test_list_paginates_without_losing_or_repeating_workloads(demo_service: AppContext) -> None:
    full = await tools(demo_service).list_workloads("production")
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = await tools(demo_service).list_workloads("production", limit=1, cursor=cursor)
        seen += [w.workload for w in page.workloads]
        cursor = page.next_cursor
        if cursor is None:
            assert page.omitted_count == 0
            break
        assert page.omitted_count == full.matching_count - len(seen)
    assert seen == [w.workload for w in full.workloads]


async def test_list_filters_by_status(demo_service: AppContext) -> None:
    result = await tools(demo_service).list_workloads("ai-team", status_filter="NON_COMPLIANT")
    assert [w.workload for w in result.workloads] == ["ml-training-job"]
    assert result.total_workloads == 2 and result.matching_count == 1


async def test_schedule_search_follows_the_synthetic_profile_from_a_spring_evening(demo_service: AppContext) -> None:
    result = await tools(demo_service).schedule("nightly-report", "batch", duration_hours=2)
    # From 20:00 KST the cleanest 2 h start in the next 24 h is around midday (spring multipliers 0.74 at 12h).
    start = datetime.fromisoformat(result.optimal_window_start)
    assert start.utcoffset() is not None and start.utcoffset().total_seconds() == 9 * 3600  # type: ignore[union-attr]
    assert 10 <= start.hour <= 13
    assert result.optimal_grid_intensity_gCO2eq_kWh < 0.9 * result.current_grid_intensity_gCO2eq_kWh
    assert result.provenance["hourly_profile"].synthetic  # type: ignore[union-attr]
    assert result.reduction_percent is None and not result.quantified  # a hint: no saving rests on it
    assert len(result.intensity_series) == 24


async def test_at_spring_noon_the_best_window_is_now() -> None:
    service = AppContext(DemoSource(), load_reference_data(), AppConfig(), clock=lambda: SPRING_NOON_KST)
    try:
        result = await tools(service).schedule("nightly-report", "batch", duration_hours=1)
    finally:
        await service.aclose()
    assert result.optimal_window_start == result.current_window_start
    assert result.optimal_grid_intensity_gCO2eq_kWh == result.current_grid_intensity_gCO2eq_kWh
    assert result.reduction_percent is None  # the synthetic shape claims nothing, not even 0 %
    assert result.recommendation.startswith("A hint from a synthetic hourly shape")


async def test_a_region_without_hourly_data_gives_no_shift_and_says_so(demo_service: AppContext) -> None:
    result = await tools(demo_service).schedule("nightly-report", "batch", duration_hours=3, region="eu-west-1")
    assert result.reduction_percent == 0
    assert any("No hourly intensity data" in n for n in result.notes)
    assert result.timezone == "Europe/Dublin"


@pytest.mark.parametrize("hours", [0, 0.1, 24.5, 1000, float("nan")])
async def test_duration_out_of_range_is_refused(demo_service: AppContext, hours: float) -> None:
    with pytest.raises(InvalidArgumentError, match="duration_hours"):
        await tools(demo_service).schedule("nightly-report", "batch", duration_hours=hours)


Call = Callable[[AppContext], Awaitable[object]]

BAD_INPUT: list[tuple[Call, type[Exception]]] = [
    (lambda s: tools(s).assess("web", "production"), UnknownWorkloadError),
    (lambda s: tools(s).assess("web-app", "nope"), UnknownNamespaceError),
    (lambda s: tools(s).assess('x"} or vector(1) #', "production"), InvalidNameError),
    (lambda s: tools(s).assess("web-app", "Production"), InvalidNameError),
    (lambda s: tools(s).assess("web-app", "production", standard="NOPE"), UnknownStandardError),
    (lambda s: tools(s).assess("web-app", "production", region="xx-nowhere-9"), UnknownRegionError),
    (lambda s: tools(s).list_workloads("production", limit=0), InvalidArgumentError),
    (lambda s: tools(s).compare("web-app", "production", []), InvalidArgumentError),
    (lambda s: tools(s).compare("web-app", "production", target_pue=0.5), InvalidArgumentError),
]


@pytest.mark.parametrize(("call", "error"), BAD_INPUT)
async def test_bad_input_gives_a_clear_error(demo_service: AppContext, call: Call, error: type[Exception]) -> None:
    with pytest.raises(error):
        await call(demo_service)


async def test_web_does_not_match_web_app_and_lists_near_matches(demo_service: AppContext) -> None:
    with pytest.raises(UnknownWorkloadError) as info:
        await tools(demo_service).assess("web", "production")
    assert "web-app" in info.value.suggestions


def test_ambiguous_workloads_are_an_error_type() -> None:
    assert issubclass(AmbiguousWorkloadError, Exception)


async def test_timestamps_come_from_the_injected_clock(demo_service: AppContext) -> None:
    result = await tools(demo_service).assess("web-app", "production")
    assert datetime.fromisoformat(result.timestamp) == SPRING_EVENING_KST.astimezone(UTC)


async def test_korean_overrides_re_derive_the_kr_carbon_2050_limit() -> None:
    service = AppContext(
        DemoSource(),
        load_reference_data(),
        AppConfig(korea_intensity_override_g_per_kwh=424.0, korea_pue_target_override=1.7),
        clock=lambda: SPRING_EVENING_KST,
    )
    try:
        result = await tools(service).assess("ml-training-job", "ai-team")
    finally:
        await service.aclose()
    assert result.target_intensity_gCO2eq_kWh == pytest.approx(424.0 * 1.7)
    assert result.status == "COMPLIANT"  # 424 × 1.6 = 678.4 ≤ 720.8
    assert "derived" in result.provenance["standard_limit"].basis


async def test_a_deployment_gets_no_temporal_shift_in_compare(demo_service: AppContext) -> None:
    result = await tools(demo_service).compare("web-app", "production", ["temporal_shift"])
    (impact,) = result.impacts
    assert not impact.quantified
    assert result.reduction_percent == 0


async def test_compare_migration_names_the_duties_of_the_country_the_data_leaves(demo_service: AppContext) -> None:
    result = await tools(demo_service).compare(
        "web-app", "production", ["regional_migration"], target_region="eu-north-1"
    )
    (impact,) = result.impacts
    assert "PIPA" in impact.note or "개인정보" in impact.note
    assert "GDPR" not in impact.note


async def test_the_schedule_considers_now_and_exactly_the_next_24_full_hours(demo_service: AppContext) -> None:
    result = await tools(demo_service).schedule("nightly-report", "batch", duration_hours=1, region="eu-west-1")
    # No hourly profile for eu-west-1: every window ties, so the ties are the candidate set itself.
    assert len(result.tied_optimal_windows) == 1 + 24
    assert result.tied_optimal_windows[0].start == result.current_window_start


def test_a_daemonset_named_like_a_job_is_recognised_by_its_placement() -> None:
    from carbon_kepler_mcp.domain.workloads import looks_like_daemonset

    assert looks_like_daemonset(["a", "b", "c"], {"a", "b", "c"})
    assert not looks_like_daemonset(["a", "a"], {"a", "b"})  # two pods on one node: a Job
    # One pod on the only node: a DaemonSet at low confidence (kindnet, kube-proxy on kind; issue 14)
    assert looks_like_daemonset(["a"], {"a"})


async def test_daemonsets_of_the_demo_are_reported_as_daemonsets(demo_service: AppContext) -> None:
    result = await tools(demo_service).assess("node-exporter", "monitoring")
    assert result.workload_kind == "DaemonSet"
    assert all(o.type != "temporal_shift" for o in result.optimizations)
    listing = await tools(demo_service).list_workloads("monitoring")
    assert {w.workload: w.kind for w in listing.workloads}["node-exporter"] == "DaemonSet"


def test_hourly_series_steps_in_absolute_time_across_a_daylight_saving_change() -> None:
    from zoneinfo import ZoneInfo

    from carbon_kepler_mcp.app.shifting import hourly_series
    from carbon_kepler_mcp.reference import HourlyProfile, ProfileProvenance

    reference = load_reference_data()
    multipliers = tuple(1 + 0.01 * (hour - 11.5) for hour in range(24))  # mean exactly 1
    measured = HourlyProfile(
        region="eu-west-1",
        provenance=ProfileProvenance(
            unit="ratio", basis="test profile", publisher="operator", source="test", synthetic=False
        ),
        seasons={"annual": multipliers},
    )
    reference = reference.model_copy(update={"profiles": {**reference.profiles, "eu-west-1": measured}})
    dublin = ZoneInfo("Europe/Dublin")
    # Ireland springs forward at 01:00 local on 2026-03-29: local 01:00 does not exist that day.
    start = datetime(2026, 3, 29, 0, 0, tzinfo=dublin)
    points, synthetic = hourly_series(reference, reference.region("eu-west-1"), 100.0, start, 4)
    assert not synthetic
    local_hours = [p.start.astimezone(dublin).hour for p in points]
    assert local_hours == [0, 2, 3, 4]
    utc_starts = [p.start.astimezone(UTC) for p in points]
    assert all((b - a).total_seconds() == 3600 for a, b in pairwise(utc_starts))
    assert [p.intensity_g_per_kwh for p in points] == pytest.approx([100 * multipliers[h] for h in local_hours])


async def test_a_synthetic_hourly_shape_points_to_a_window_but_claims_no_saving_anywhere() -> None:
    from datetime import timedelta

    from carbon_kepler_mcp.sources.demo import DemoSource
    from tests.conftest import SPRING_EVENING_KST

    for minutes in (0, 3, 47):  # a figure must not change with the minute of the call
        now = SPRING_EVENING_KST + timedelta(minutes=minutes)
        ctx = AppContext(DemoSource(), load_reference_data(), clock=lambda now=now: now)
        try:
            assessed = await tools(ctx).assess("ml-training-job", "ai-team")
            shift = next(o for o in assessed.optimizations if o.type == "temporal_shift")
            assert not shift.quantified and shift.estimated_savings_gCO2eq_hour is None
            assert shift.estimated_savings_kgCO2eq_month is None and shift.estimated_reduction_percent is None
            assert "synthetic" in shift.data_basis
            compared = await tools(ctx).compare("ml-training-job", "ai-team", ["temporal_shift"])
            (impact,) = compared.impacts
            assert not impact.quantified and impact.reduction_percent is None
            assert compared.optimized_emissions_gCO2eq_hour == compared.current_emissions_gCO2eq_hour
            assert compared.implementation_steps  # the window is still named, as a hint
            hotspots = await tools(ctx).hotspots("ai-team")
            action = next(
                a
                for a in hotspots.preventive_actions
                if a.type == "temporal_shift" and a.resource == "ai-team/ml-training-job"
            )
            assert not action.quantified and action.estimated_savings_gCO2eq_hour is None
        finally:
            await ctx.aclose()


async def test_a_measured_hourly_profile_quantifies_the_shift_the_same_in_assess_and_compare() -> None:
    from carbon_kepler_mcp.reference import HourlyProfile, ProfileProvenance
    from carbon_kepler_mcp.sources.demo import DemoSource
    from tests.conftest import SPRING_EVENING_KST

    reference = load_reference_data()
    # Seoul, measured (say): 10:00-14:00 KST at half the other hours' level; 20 × x + 4 × x/2 = 24 → x = 24/22.
    high = 24 / 22
    multipliers = tuple(high / 2 if 10 <= hour < 14 else high for hour in range(24))
    measured = HourlyProfile(
        region="ap-northeast-2",
        provenance=ProfileProvenance(unit="ratio", basis="test", publisher="operator", source="test", synthetic=False),
        seasons={"annual": multipliers},
    )
    reference = reference.model_copy(update={"profiles": {**reference.profiles, "ap-northeast-2": measured}})
    ctx = AppContext(DemoSource(), reference, clock=lambda: SPRING_EVENING_KST)  # 20:00 KST
    try:
        assessed = await tools(ctx).assess("ml-training-job", "ai-team")
        shift = next(o for o in assessed.optimizations if o.type == "temporal_shift")
        # A 4 h run now (20:00-24:00, all at x) against 10:00-14:00 (x/2): half the intensity → 50 %.
        assert shift.quantified and shift.estimated_reduction_percent == 50.0
        compared = await tools(ctx).compare("ml-training-job", "ai-team", ["temporal_shift"])
        assert compared.reduction_percent == 50.0
        assert compared.optimized_emissions_gCO2eq_hour == pytest.approx(
            compared.current_emissions_gCO2eq_hour / 2, abs=1e-3
        )
    finally:
        await ctx.aclose()


async def test_a_move_to_a_dirtier_region_is_an_increase_and_never_recommended(demo_service: AppContext) -> None:
    result = await tools(demo_service).compare(
        "web-app", "production", ["regional_migration"], target_region="ap-southeast-1"
    )
    (impact,) = result.impacts
    # Singapore 485 against Seoul 423 (comparison basis): r = 1 − 485/423 = −0.146572 → −14.66 %.
    assert impact.quantified and impact.reduction_percent == -14.66
    assert "Not recommended" in impact.note
    assert result.implementation_steps == []
    assert result.optimized_emissions_gCO2eq_hour == pytest.approx(
        result.current_emissions_gCO2eq_hour * 485 / 423, abs=1e-3
    )
    regional = await tools(demo_service).regional_comparison(
        "web-app", "production", comparison_regions=["ap-southeast-1"]
    )
    singapore = next(r for r in regional.comparisons if r.region == "ap-southeast-1")
    assert singapore.savings_percent == impact.reduction_percent  # one figure for the same move


async def test_a_shift_after_a_migration_uses_the_destination_s_hours() -> None:
    from carbon_kepler_mcp.reference import HourlyProfile, ProfileProvenance
    from carbon_kepler_mcp.sources.demo import DemoSource
    from tests.conftest import SPRING_EVENING_KST

    reference = load_reference_data()
    high = 24 / 22
    measured = HourlyProfile(
        region="ap-northeast-2",
        provenance=ProfileProvenance(unit="ratio", basis="test", publisher="operator", source="test", synthetic=False),
        seasons={"annual": tuple(high / 2 if 10 <= hour < 14 else high for hour in range(24))},
    )
    reference = reference.model_copy(update={"profiles": {**reference.profiles, "ap-northeast-2": measured}})
    ctx = AppContext(DemoSource(), reference, clock=lambda: SPRING_EVENING_KST)
    try:
        result = await tools(ctx).compare("ml-training-job", "ai-team", ["temporal_shift", "regional_migration"])
        shift = next(i for i in result.impacts if i.type == "temporal_shift")
        # Seoul's cheap midday hours do not travel to Stockholm, which has no hourly data: the shift is not applied.
        assert not shift.quantified and "eu-north-1" in shift.note
        assert not any("KST" in step for step in result.implementation_steps)
        assert result.reduction_percent == 95.04  # the migration alone: 1 − 21/423
    finally:
        await ctx.aclose()


async def test_each_optimisation_states_the_intensity_it_leads_to_where_it_changes_it(demo_service: AppContext) -> None:
    result = await tools(demo_service).assess("ml-training-job", "ai-team")
    by_type = {o.type: o for o in result.optimizations}
    # Stockholm: 417.3 × 1.6 × 21/423 = 33.147; PUE 1.4 in Seoul: 417.3 × 1.4 = 584.22; a shift changes no intensity.
    assert by_type["regional_migration"].estimated_new_intensity_gCO2eq_kWh == pytest.approx(
        KOREA_FACTOR * 1.6 * 21 / 423, abs=1e-3
    )
    assert by_type["pue_improvement"].estimated_new_intensity_gCO2eq_kWh == pytest.approx(KOREA_FACTOR * 1.4, abs=1e-3)
    assert by_type["temporal_shift"].estimated_new_intensity_gCO2eq_kWh is None


def test_a_window_across_a_daylight_saving_change_lasts_its_stated_length() -> None:
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from carbon_kepler_mcp.app.tools.schedule import readable_window

    dublin = ZoneInfo("Europe/Dublin")
    # Ireland springs forward at 01:00 local on 2026-03-29: 00:00 + 4 real hours is 05:00 IST, not 04:00.
    start = datetime(2026, 3, 29, 0, 0, tzinfo=dublin)
    assert readable_window(start, timedelta(hours=4), dublin) == "2026-03-29 00:00 GMT - 05:00 IST"
    # And falls back at 02:00 on 2026-10-25: 00:00 + 4 real hours is 03:00 GMT.
    autumn = datetime(2026, 10, 25, 0, 0, tzinfo=dublin)
    assert readable_window(autumn, timedelta(hours=4), dublin) == "2026-10-25 00:00 IST - 03:00 GMT"
