"""Verdicts that mean something (docs/methodology.md §11): every NOT_ASSESSED reason, per-pod PUE judgement,
certification scores, standards only where and when they apply, and carbon budgets.

Demo inputs by hand (demo/cluster.py): the CPU nodes' facility PUE is 1.25, the GPU node's 1.6; the Korean grid
factor is 417.3 gCO2eq/kWh; KR_CARBON_2050's limit is 417.3 × 1.4 = 584.22. So 417.3 × 1.25 = 521.625 is within it
and 417.3 × 1.6 = 667.68 over it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from carbon_kepler_mcp.app import verdicts
from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.app.results import AssessmentResult
from carbon_kepler_mcp.domain.expression import validate_promql_expression
from carbon_kepler_mcp.errors import DataError, InvalidArgumentError
from carbon_kepler_mcp.policy import Budget, Policy, load_policy
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources import promql
from carbon_kepler_mcp.sources.base import History, HistoryPoint, Snapshot
from carbon_kepler_mcp.sources.demo import DemoSource
from tests.conftest import SPRING_EVENING_KST
from tests.tools import tools

pytestmark = pytest.mark.anyio

AFTER_DE_NEW_DC = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # after 2026-07-01, before 2030-07-01
BEFORE_DE_NEW_DC = datetime(2026, 6, 30, 3, 0, tzinfo=UTC)


def _ctx(config: AppConfig | None = None, *, clock: datetime = SPRING_EVENING_KST, **kwargs: object) -> AppContext:
    return AppContext(DemoSource(), load_reference_data(), config or AppConfig(), clock=lambda: clock, **kwargs)  # type: ignore[arg-type]


async def test_the_daemonset_fails_on_the_pod_of_its_pue_1_6_node_rather_than_averaging_into_a_pass() -> None:
    ctx = _ctx()
    try:
        result = await tools(ctx).assess("kepler", "kepler-system")
    finally:
        await ctx.aclose()
    # Power-weighted PUE (3 W pods on 1.25, 1.25, 1.6) = 1.3667 → 570.3 g/kWh would pass on average; the pod on
    # the GPU node is at 417.3 × 1.6 = 667.68 > 584.22.
    assert result.pue == pytest.approx((1.25 + 1.25 + 1.6) / 3, abs=1e-4)
    assert result.status == "NON_COMPLIANT" and result.status_reason == "over_limit"
    assert result.failing_pods == ["kepler-v5gzq"]
    assert "kepler-v5gzq" in result.status_note


@pytest.mark.parametrize(("pue", "points"), [(1.3, 90), (1.6, 70), (1.9, None)])
async def test_green_dc_reports_points_not_pass_fail(pue: float, points: int | None) -> None:
    # 2012 rules: 1.8 → 50, each 0.1 lower +10, below 1.4 → 90; 1.9 is above the published scale.
    ctx = _ctx(AppConfig(pue=pue))
    try:
        result = await tools(ctx).assess("web-app", "production")
    finally:
        await ctx.aclose()
    assert result.pue_status == "NOT_ASSESSED" and result.pue_status_reason == "scoring_not_pass_fail"
    assert result.pue_score is not None and result.pue_score.points == points
    assert result.pue_score.max_pue_points == 90 and result.pue_score.pass_mark == 60
    assert "not a pass/fail" in result.pue_status_note


async def test_korea_pue_target_makes_pue_status_a_pass_fail_against_the_operators_target() -> None:
    ctx = _ctx(AppConfig(korea_pue_target_override=1.3))
    try:
        web = await tools(ctx).assess("web-app", "production")  # 1.25 ≤ 1.3
        job = await tools(ctx).assess("ml-training-job", "ai-team")  # 1.6 > 1.3
    finally:
        await ctx.aclose()
    assert (web.pue_status, web.pue_status_reason) == ("COMPLIANT", "within_limit")
    assert (job.pue_status, job.pue_status_reason) == ("NON_COMPLIANT", "over_limit")
    assert job.pue_standard.code == "KOREA_PUE_TARGET" and job.pue_standard.category == "operator_target"


async def test_a_german_statute_judges_a_german_site_only_and_only_from_its_date() -> None:
    for clock, region, expected in [
        (AFTER_DE_NEW_DC, "ap-northeast-2", ("NOT_ASSESSED", "outside_jurisdiction")),
        (AFTER_DE_NEW_DC, "eu-central-1", ("NON_COMPLIANT", "over_limit")),  # PUE 1.25 > 1.2
        (BEFORE_DE_NEW_DC, "eu-central-1", ("NOT_ASSESSED", "not_yet_in_force")),
    ]:
        ctx = _ctx(clock=clock)
        try:
            result = await tools(ctx).assess("web-app", "production", "DE_ENEFG_NEW_DC", region)
        finally:
            await ctx.aclose()
        assert (result.status, result.status_reason) == expected, (clock, region)
    ctx = _ctx(clock=AFTER_DE_NEW_DC)
    try:
        later = await tools(ctx).assess("web-app", "production", "DE_ENEFG_EXISTING_2030", "eu-central-1")
        korean = await tools(ctx).assess("web-app", "production", "DE_ENEFG_EXISTING_2030", None, "ko")
    finally:
        await ctx.aclose()
    assert (later.status, later.status_reason) == ("NOT_ASSESSED", "not_yet_in_force")
    assert "2030-07-01부터 적용" in korean.status_note or "적용됩니다" in korean.status_note


async def test_a_standard_past_its_last_day_is_not_assessed() -> None:
    ctx = _ctx(clock=AFTER_DE_NEW_DC)
    try:
        snapshot = await ctx.read(None)
        wl = ctx.workload_pods(snapshot, "web-app", "production")
        reg = ctx.region("eu-central-1")
        grid = ctx.grid(reg)
        figures = ctx.figures_for(snapshot, wl.pods, reg, grid.value)
        ended = ctx.standard("DE_ENEFG_EXISTING_2027").model_copy(
            update={"effective_from": date(2020, 1, 1), "effective_until": date(2026, 1, 1)}
        )
        verdict = verdicts.judge(
            ctx, ended, region=reg, grid=grid, snapshot=snapshot, figures=figures, pods=wl.pods, language="en"
        )
    finally:
        await ctx.aclose()
    assert (verdict.status, verdict.reason) == ("NOT_ASSESSED", "no_longer_in_force")


async def test_the_korean_direct_basis_limit_is_never_compared_with_a_lifecycle_factor() -> None:
    ctx = _ctx()
    try:
        stockholm = await tools(ctx).assess("ml-training-job", "ai-team", None, "eu-north-1")
        singapore = await tools(ctx).assess("web-app", "production", None, "ap-southeast-1")
    finally:
        await ctx.aclose()
    assert (stockholm.status, stockholm.status_reason) == ("NOT_ASSESSED", "basis_mismatch")
    assert (singapore.status, singapore.status_reason) == ("NOT_ASSESSED", "basis_mismatch")


async def test_the_benchmark_says_it_is_decided_by_pue_and_region() -> None:
    ctx = _ctx()
    try:
        en = await tools(ctx).assess("web-app", "production")
        ko = await tools(ctx).assess("web-app", "production", None, None, "ko")
    finally:
        await ctx.aclose()
    assert (en.status, en.status_reason) == ("COMPLIANT", "within_limit")  # 521.625 ≤ 584.22
    assert "this product's own benchmark" in en.status_note and "carbon budget" in en.status_note
    assert en.standard_detail.category == "product_benchmark"
    assert "자체 벤치마크" in ko.status_note and "탄소 예산" in ko.status_note


async def test_an_unmeasurable_standard_and_a_finished_pod_are_not_judged() -> None:
    ctx = _ctx()
    try:
        energy_star = await tools(ctx).assess("web-app", "production", "US_EPA_ENERGY_STAR")
        snapshot = await ctx.read(None)
        finished = [p for p in snapshot.pods if p.name == "nightly-report-29112480-b5n8d"]
        reg = ctx.region(None)
        grid = ctx.grid(reg)
        figures = ctx.figures_for(snapshot, finished, reg, grid.value)
        verdict = verdicts.judge(
            ctx,
            ctx.standard(None),
            region=reg,
            grid=grid,
            snapshot=snapshot,
            figures=figures,
            pods=finished,
            language="en",
        )
    finally:
        await ctx.aclose()
    assert (energy_star.status, energy_star.status_reason) == ("NOT_ASSESSED", "not_measurable")
    assert finished and not finished[0].running
    assert (verdict.status, verdict.reason) == ("NOT_ASSESSED", "no_energy")


def _windowed(snapshot: Snapshot, window: int, covered: float) -> Snapshot:
    """The demo snapshot as a Prometheus window in which every pod's series covers ``covered`` seconds."""
    end = snapshot.taken_at.timestamp()
    pods = [replace(p, span=(end - covered, end)) for p in snapshot.pods]
    return Snapshot(
        taken_at=snapshot.taken_at,
        source_kind="prometheus",
        generation=snapshot.generation,
        pods=pods,
        nodes=snapshot.nodes,
        endpoints=snapshot.endpoints,
        power_method="test",
        is_demo=False,
        facilities=snapshot.facilities,
        window_seconds=window,
    )


class _Prometheus:
    """A windowed source over the demo snapshot with a given hourly history (a stand-in for Prometheus)."""

    kind = "prometheus"
    description = "stand-in Prometheus"

    def __init__(self, snapshot: Snapshot, points: Sequence[HistoryPoint], labelled: Sequence[str] = ()) -> None:
        self._snapshot = snapshot
        self._points = tuple(points)
        self._labelled = tuple(labelled)
        self.asked: list[tuple[str, str, int]] = []

    async def pods_with_labels(
        self, namespace: str, selector: dict[str, str], window_seconds: int
    ) -> tuple[tuple[str, ...], str]:
        return self._labelled, "stand-in kube_pod_labels"

    async def snapshot(self) -> Snapshot:
        return self._snapshot

    async def window_snapshot(self, namespace: str | None, window_seconds: int) -> Snapshot:
        return self._snapshot

    async def history(
        self, namespace: str, pods_regex: str, zones: Sequence[str], generation: str, days: int, end: datetime
    ) -> History:
        self.asked.append((namespace, pods_regex, days))
        return History(self._points, "stand-in", end - timedelta(days=days), end, 3600)

    async def aclose(self) -> None:
        return None


def _plain_kepler(snapshot: Snapshot) -> Snapshot:
    """The demo's pods and nodes as a plain Kepler scrape would give them: no facility, so no PUE of its own."""
    return Snapshot(
        taken_at=snapshot.taken_at,
        source_kind="kepler",
        generation=snapshot.generation,
        pods=snapshot.pods,
        nodes=snapshot.nodes,
        endpoints=snapshot.endpoints,
        power_method=snapshot.power_method,
        is_demo=False,
    )


async def _demo_snapshot() -> Snapshot:
    source = DemoSource()
    try:
        return await source.snapshot()
    finally:
        await source.aclose()


@pytest.mark.parametrize(("covered", "expected"), [(30.0, "insufficient_coverage"), (1800.0, "over_limit")])
async def test_a_verdict_needs_half_the_window_covered(covered: float, expected: str) -> None:
    # 30 s of a 3600 s window is under 50 %; 1800 s is exactly half, so the job is judged (667.68 > 584.22).
    snapshot = _windowed(await _demo_snapshot(), 3600, covered)
    ctx = AppContext(_Prometheus(snapshot, ()), load_reference_data(), AppConfig(), clock=lambda: SPRING_EVENING_KST)  # type: ignore[arg-type]
    result = await tools(ctx).assess("ml-training-job", "ai-team")
    assert result.status_reason == expected


async def test_a_built_in_pue_decides_no_verdict_unless_the_operator_opts_in() -> None:
    plain = await _demo_snapshot()
    no_facility = _plain_kepler(plain)
    source = _Prometheus(no_facility, ())
    ctx = AppContext(source, load_reference_data(), AppConfig(), clock=lambda: SPRING_EVENING_KST)  # type: ignore[arg-type]
    result = await tools(ctx).assess("ml-training-job", "ai-team")
    assert result.pue_detail.source == "region_default"
    assert (result.status, result.status_reason) == ("NOT_ASSESSED", "default_pue")
    assert "CARBON_KEPLER_PUE" in result.status_note
    opted = AppContext(
        source,  # type: ignore[arg-type]
        load_reference_data(),
        AppConfig(accept_default_pue=True),
        clock=lambda: SPRING_EVENING_KST,
    )
    # The region default 1.135: 417.3 × 1.135 = 473.6 ≤ 584.22.
    judged = await tools(opted).assess("ml-training-job", "ai-team")
    assert (judged.status, judged.status_reason) == ("COMPLIANT", "within_limit")


# --- carbon budgets -------------------------------------------------------------------------------------------

MID_DECEMBER_KST = datetime(2026, 12, 15, 15, 0, tzinfo=UTC)  # 2026-12-16 00:00 KST: 15 days of 31 gone
MONTH_START_KST = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # 2026-12-01 00:00 KST


def _hours(kwh_each: float) -> list[HistoryPoint]:
    """One point per hour of December so far (360 hours), each ``kwh_each`` kWh of IT energy."""
    return [HistoryPoint(MONTH_START_KST + timedelta(hours=h + 1), kwh_each * 3.6e6) for h in range(360)]


async def _budget(budget: Budget, kwh_each: float, standard: str | None = None) -> AssessmentResult:
    snapshot = _windowed(await _demo_snapshot(), 3600, 3600)
    source = _Prometheus(snapshot, _hours(kwh_each))
    ctx = AppContext(
        source,  # type: ignore[arg-type]
        load_reference_data(),
        AppConfig(),
        clock=lambda: MID_DECEMBER_KST,
        policy=Policy(budgets=(budget,)),
    )
    result: AssessmentResult = await tools(ctx).assess("web-app", "production", standard)
    return result


@pytest.mark.parametrize(
    ("kwh_per_month", "kwh_each", "reason", "headroom", "exceeded_on"),
    [
        # 360 h × 1 kWh = 360 so far; rate 1 kWh/h over 360 observed hours; 384 h left → 744 projected.
        (800, 1.0, "budget_within", 800 - 744, None),
        # 700: crossed after (700 − 360) / 1 = 340 more hours: 2026-12-16 00:00 + 340 h = 12-30 04:00 KST.
        (700, 1.0, "budget_projected_over", 700 - 744, "2026-12-30"),
        # 300: the 301st hour takes it over: 12-01 00:00 + 301 h = 12-13 13:00 KST.
        (300, 1.0, "budget_exceeded", 300 - 744, "2026-12-13"),
        # The same 700 budget with half the measured energy: 180 + 192 = 372 projected.
        (700, 0.5, "budget_within", 700 - 372, None),
    ],
)
async def test_an_energy_budget_projects_the_month_from_the_observed_rate(
    kwh_per_month: float, kwh_each: float, reason: str, headroom: float, exceeded_on: str | None
) -> None:
    budget = Budget(name="WEB_ENERGY", namespace="production", workload="web-app", kwh_per_month=kwh_per_month)
    result = await _budget(budget, kwh_each)
    status = result.budget_status
    assert status is not None
    assert status.status_reason == reason
    assert status.month_to_date == pytest.approx(360 * kwh_each)
    assert status.headroom == pytest.approx(headroom, abs=1e-6)
    assert status.exceeded_on == exceeded_on
    assert status.observed_seconds == 360 * 3600
    assert status.status == ("COMPLIANT" if reason == "budget_within" else "NON_COMPLIANT")
    assert result.recommendation.startswith("Budget WEB_ENERGY")


async def test_a_carbon_budget_uses_pue_and_grid_and_can_be_passed_as_the_standard() -> None:
    # web-app runs on the PUE-1.25 nodes; 1 kWh/h of IT energy → 360 × 1.25 × 417.3 / 1000 = 187.785 kg so far,
    # 744 × 1.25 × 417.3 / 1000 = 388.089 kg projected. The 2025 base of 500 kg shrinks 10 % to 450 kg in 2026.
    budget = Budget(
        name="WEB_CARBON",
        namespace="production",
        kgco2eq_per_month=500,
        reduction_percent_per_year=10,
        base_year=2025,
    )
    result = await _budget(budget, 1.0, standard="WEB_CARBON")
    status = result.budget_status
    assert status is not None
    assert status.budget_per_month == pytest.approx(450)
    assert status.month_to_date == pytest.approx(360 * 1.25 * 417.3 / 1000, abs=1e-3)
    assert status.projected_month == pytest.approx(744 * 1.25 * 417.3 / 1000, abs=1e-3)
    assert status.status_reason == "budget_within"
    assert result.standard == "WEB_CARBON" and result.status == "COMPLIANT"
    assert status.scope == "namespace production"


async def test_a_budget_on_a_direct_scrape_says_it_needs_history() -> None:
    budget = Budget(name="WEB_ENERGY", namespace="production", kwh_per_month=10)
    ctx = _ctx(policy=Policy(budgets=(budget,)))
    try:
        result = await tools(ctx).assess("web-app", "production", None, None, "ko")
    finally:
        await ctx.aclose()
    assert result.budget_status is not None
    assert result.budget_status.status_reason == "budget_needs_history"
    assert "Prometheus" in result.budget_status.sentence and "예산" in result.budget_status.sentence


def test_policy_files_in_toml_and_yaml_load_and_errors_name_the_line(tmp_path: Path) -> None:
    toml = tmp_path / "policy.toml"
    toml.write_text(
        '[[budgets]]\nname = "A_TEAM"\nnamespace = "a"\nkwh_per_month = 5\n\n'
        '[[budgets]]\nname = "B_TEAM"\nnamespace = "b"\nkgco2eq_per_month = -1\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"line 6: budgets\.1\.kgco2eq_per_month"):
        load_policy(toml)
    yaml_file = tmp_path / "policy.yaml"
    yaml_file.write_text(
        "budgets:\n  - name: A_TEAM\n    namespace: a\n    kwh_per_month: 5\n  - name: B_TEAM\n    namespace: b\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"line 5: budgets\.1: Value error, give exactly one of"):
        load_policy(yaml_file)
    yaml_file.write_text("budgets:\n  - name: A_TEAM\n    namespace: a\n    kwh_per_month: 5\n", encoding="utf-8")
    policy = load_policy(yaml_file)
    assert policy.covering("a", "anything") == policy.budget("A_TEAM")
    assert policy.covering("other", None) is None
    (tmp_path / "bad.yaml").write_text("budgets: [\n", encoding="utf-8")
    with pytest.raises(DataError, match="not valid YAML"):
        load_policy(tmp_path / "bad.yaml")


async def test_a_list_over_default_pue_nodes_says_so_and_gives_no_verdict() -> None:
    plain = await _demo_snapshot()
    no_facility = _plain_kepler(plain)
    ctx = AppContext(_Prometheus(no_facility, ()), load_reference_data(), AppConfig(), clock=lambda: SPRING_EVENING_KST)  # type: ignore[arg-type]
    result = await tools(ctx).list_workloads("production")
    assert result.provenance["pue"].value == 1.135
    assert any("region default 1.135" in note for note in result.notes)
    assert {w.status_reason for w in result.workloads} == {"default_pue"}
    assert result.not_assessed_count == result.total_workloads


def test_every_limit_cites_a_resolvable_source_and_no_citation_is_truncated() -> None:
    reference = load_reference_data()
    for standard in reference.standards.values():
        if standard.limit is not None:
            assert "https://" in standard.limit.source, standard.code
        assert not any("…" in source for source in standard.sources), standard.code
    data = Path(__file__).parents[1] / "src" / "carbon_kepler_mcp" / "data"
    for name in ("standards.toml", "regions.toml", "profiles.toml"):
        assert "/…" not in (data / name).read_text(encoding="utf-8"), name


async def test_a_service_the_operator_marks_shiftable_gets_a_time_shift_hint_with_a_dated_start() -> None:
    plain = _ctx()
    marked = _ctx(policy=Policy(shiftable=("production/web-app",)))
    try:
        before = await tools(plain).assess("web-app", "production")
        after = await tools(marked).assess("web-app", "production")
        compared = await tools(marked).compare("web-app", "production", ["temporal_shift"])
    finally:
        await plain.aclose()
        await marked.aclose()
    assert "temporal_shift" not in {o.type for o in before.optimizations}
    (shift,) = [o for o in after.optimizations if o.type == "temporal_shift"]
    # The built-in hourly shape is synthetic: a hint, never a saving.
    assert not shift.quantified and shift.estimated_savings_gCO2eq_hour is None
    (impact,) = compared.impacts
    start = str(impact.parameters["window_start"])
    # 20:00 KST on 2026-04-14: the next cleanest start is on the 15th, and the start says so.
    assert start.startswith("2026-04-15 ") and start.endswith(" KST")


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("sum(rate(x[5m])) @ 1700000000", "not allowed"),
        ("sum(rate(x[5m])", "never closed"),
        ("sum(rate(x[5m]))) or vector(1)", "unbalanced"),
        ('sum(rate(x{a="b\ncd"}[5m]))', "not allowed"),
        ("sum(x) # comment", "not allowed"),
        ("", "empty"),
    ],
)
def test_a_functional_unit_query_is_refused_token_by_token(expression: str, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        validate_promql_expression(expression)


def test_a_valid_functional_unit_query_is_kept_and_a_bad_one_fails_the_policy_file(tmp_path: Path) -> None:
    good = 'sum(rate(http_requests_total{namespace="payments",code!~"5.."}[5m])) * 60'
    assert validate_promql_expression(f"  {good} ") == good
    policy = tmp_path / "policy.toml"
    policy.write_text(
        '[[functional_units]]\nnamespace = "payments"\nunit = "request"\nrate_query = "sum(x) @ 5"\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"functional_units\.0\.rate_query"):
        load_policy(policy)


async def test_a_label_selector_budget_covers_the_pods_kube_state_metrics_says_carry_the_labels() -> None:
    snapshot = _windowed(await _demo_snapshot(), 3600, 3600)
    web_pods = sorted(p.name for p in snapshot.pods if p.name.startswith("web-app-"))
    budget = Budget(name="TEAM_WEB", namespace="production", selector={"team": "web"}, kwh_per_month=800)
    source = _Prometheus(snapshot, _hours(1.0), labelled=web_pods)
    ctx = AppContext(
        source,  # type: ignore[arg-type]
        load_reference_data(),
        AppConfig(),
        clock=lambda: MID_DECEMBER_KST,
        policy=Policy(budgets=(budget,)),
    )
    web = await tools(ctx).assess("web-app", "production")
    gateway = await tools(ctx).assess("api-gateway", "production")
    assert web.budget_status is not None and web.budget_status.budget == "TEAM_WEB"
    assert web.budget_status.scope == "namespace production, pods labelled team=web"
    # The history asked for is the labelled pods' (a regex of their names), and the figures are those of §6.3.1:
    # 360 kWh so far, 744 projected, 56 of headroom.
    assert source.asked and all(name in source.asked[-1][1] for name in web_pods)
    assert web.budget_status.headroom == pytest.approx(800 - 744)
    assert gateway.budget_status is None  # its pods carry no team=web label
    empty = AppContext(
        _Prometheus(snapshot, _hours(1.0), labelled=()),  # type: ignore[arg-type]
        load_reference_data(),
        AppConfig(),
        clock=lambda: MID_DECEMBER_KST,
        policy=Policy(budgets=(budget,)),
    )
    named = await tools(empty).assess("web-app", "production", "TEAM_WEB")
    assert named.budget_status is not None and named.budget_status.status_reason == "budget_no_matching_pods"
    assert "metric-labels-allowlist" in named.budget_status.sentence


def test_a_budget_takes_a_workload_or_a_selector_not_both() -> None:
    with pytest.raises(ValueError, match="not both"):
        Budget(name="X_Y", namespace="a", workload="w", selector={"team": "x"}, kwh_per_month=1)


def test_the_label_query_uses_kube_state_metrics_label_names() -> None:
    query = promql.pods_with_labels_query("production", {"app.kubernetes.io/team": "web"}, 3600)
    # kube-state-metrics writes label keys as label_<key> with every other character as _.
    assert 'label_app_kubernetes_io_team="web"' in query and 'namespace="production"' in query
    assert query.startswith("group by (pod) (last_over_time(kube_pod_labels{")
