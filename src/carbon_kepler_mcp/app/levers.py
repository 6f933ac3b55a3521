"""The four optimisation levers of a comparison: PUE, region, time and right-sizing.

Each lever gives its impact row, the steps that apply it, and the reduction it makes of emissions and, where
it applies, of the effective intensity (compliance) or of IT power (energy cost).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from carbon_kepler_mcp.app.context import WorkloadPods
from carbon_kepler_mcp.app.footprint import Figures
from carbon_kepler_mcp.app.results import OptimizationImpact, OptimizationType
from carbon_kepler_mcp.app.rightsizing import Rightsizing
from carbon_kepler_mcp.app.shifting import best_shift
from carbon_kepler_mcp.domain import calculations as calc
from carbon_kepler_mcp.domain.i18n import Language, fmt, josa, tr
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.reference import ReferenceData, Region


@dataclass(frozen=True, slots=True)
class LeverInputs:
    """What every lever looks at: the workload, its figures, the time and the caller's parameters."""

    language: Language
    reference: ReferenceData
    wl: WorkloadPods
    region: Region
    grid: float
    figures: Figures
    now: datetime
    pue_goal: float
    target_region: Region | None
    sizing: Rightsizing | None
    rightsizing_reduction_percent: float | None
    batch_duration_hours: float
    shiftable: bool = False
    """Batch work (Job, CronJob) or a workload the operator marks shiftable in the policy file."""


@dataclass(frozen=True, slots=True)
class Lever:
    """One optimisation's impact row, the steps that apply it, and what it reduces."""

    impact: OptimizationImpact
    steps: list[str] = field(default_factory=list[str])
    fraction: float | None = None
    """Reduction of emissions (None: not quantified)."""
    intensity_factor: float = 1.0
    """Factor on the effective intensity (the compliance figure)."""
    power_factor: float = 1.0
    """Factor on IT power (for the energy cost)."""
    node_watts_saved: float = 0.0
    """Node power saved outside the workload's own figure (right-sizing's released idle power), for the cost."""


def _pue_improvement(inputs: LeverInputs) -> Lever:
    language, pue, goal = inputs.language, inputs.figures.pue, inputs.pue_goal
    fraction = max(0.0, 1.0 - goal / pue)
    nodes = ", ".join(inputs.figures.pue_detail.per_node)
    impact = OptimizationImpact(
        type="pue_improvement",
        quantified=True,
        reduction_percent=rounded(calc.percent(fraction), 2),
        affects_intensity=True,
        parameters={"current_pue": rounded(pue, 4), "target_pue": goal},
        data_basis=tr(language, "PUE ratio target/current", "목표/현재 PUE 비율"),
        note=tr(
            language,
            "Already at or below the target." if fraction == 0 else "1 − target/current",
            "이미 목표 이하입니다." if fraction == 0 else "1 − 목표/현재",
        ),
    )
    steps = [
        tr(
            language,
            f"Measure the facility PUE of nodes {nodes}.",
            f"노드 {nodes}의 설비 PUE를 측정하세요.",
        ),
        tr(
            language,
            f"Raise cooling efficiency toward PUE {goal:.2f}, or move pods to nodes in a hall "
            "that already achieves it (nodeAffinity on a facility label).",
            f"{josa(f'PUE {goal:.2f}', '를')} 목표로 냉방 효율을 높이거나, 이미 달성한 홀의 노드로 파드를 옮기세요 "
            "(설비 레이블 nodeAffinity).",
        ),
    ]
    return Lever(impact, steps, fraction, intensity_factor=1.0 - fraction)


def _regional_migration(inputs: LeverInputs) -> Lever:
    language, reg = inputs.language, inputs.region
    dest = inputs.target_region or inputs.reference.cleanest_region()
    fraction = calc.reduction_fraction(reg.comparison_intensity.value, dest.comparison_intensity.value)
    steps: list[str] = []
    if fraction < 0:
        # A dirtier destination: reported as the increase it is, and never recommended (no steps).
        note = tr(
            language,
            f"Not recommended: {dest.code}'s grid is dirtier than {reg.code}'s, so the move would raise emissions "
            f"by {calc.percent(-fraction):.2f}%.",
            f"권장하지 않음: {dest.code}의 전력망이 {reg.code}보다 탄소 집약적이어서 이전하면 배출량이 "
            f"{calc.percent(-fraction):.2f}% 늘어납니다.",
        )
    else:
        # The duties are those of the data's current country (leaving it), not the destination's.
        note = (
            (reg.data_residency_ko if language == "ko" else reg.data_residency) if reg.country != dest.country else ""
        )
        steps = [
            tr(
                language,
                f"Check data-residency duties before moving to {dest.code}.",
                f"{josa(dest.code, '로')} 옮기기 전에 데이터 소재지 의무를 확인하세요.",
            ),
            tr(
                language,
                f"Deploy the workload to a cluster in {dest.code} and shift traffic gradually.",
                f"{dest.code} 클러스터에 워크로드를 배포하고 트래픽을 점진적으로 옮기세요.",
            ),
        ]
    impact = OptimizationImpact(
        type="regional_migration",
        quantified=True,
        reduction_percent=rounded(calc.percent(fraction), 2),
        affects_intensity=True,
        parameters={
            "from_region": reg.code,
            "to_region": dest.code,
            "from_intensity_gCO2eq_kWh": reg.comparison_intensity.value,
            "to_intensity_gCO2eq_kWh": dest.comparison_intensity.value,
        },
        data_basis=tr(
            language,
            "Electricity Maps 2024 yearly lifecycle averages (same basis)",
            "Electricity Maps 2024 연평균 전과정 값 (동일 기준)",
        ),
        note=note,
    )
    return Lever(impact, steps, fraction, intensity_factor=1.0 - fraction)


def _temporal_shift(inputs: LeverInputs) -> Lever:
    language, kind = inputs.language, inputs.wl.resolved.kind
    if inputs.shiftable and inputs.reference.profile(inputs.region.code) is None:
        impact = OptimizationImpact(
            type="temporal_shift",
            quantified=False,
            reduction_percent=None,
            affects_intensity=False,
            parameters={"workload_kind": kind, "region": inputs.region.code},
            data_basis=_hourly_basis(inputs, synthetic=False),
            note=tr(
                language,
                f"No hourly intensity data for {inputs.region.code}: no hour is known to be cleaner than another.",
                f"{inputs.region.code}의 시간대별 탄소 집약도 데이터가 없어 더 깨끗한 시간대를 알 수 없습니다.",
            ),
        )
        return Lever(impact)
    if not inputs.shiftable:
        impact = OptimizationImpact(
            type="temporal_shift",
            quantified=False,
            reduction_percent=None,
            affects_intensity=False,
            parameters={"workload_kind": kind},
            data_basis=tr(language, "not applicable", "해당 없음"),
            note=tr(
                language,
                f"A {kind} runs all the time: shifting in time applies to batch work (Jobs, CronJobs) and to "
                "workloads marked shiftable in the policy file only.",
                f"{josa(kind, '는')} 항상 실행되므로 시간 이동은 배치 작업(Job, CronJob)과 정책 파일에서 이동 가능으로 "
                "표시한 워크로드에만 적용됩니다.",
            ),
        )
        return Lever(impact)
    fraction, start, synthetic = best_shift(
        inputs.reference, inputs.region, inputs.grid, inputs.batch_duration_hours, inputs.now
    )
    hint = [
        tr(
            language,
            f"Schedule runs to start at {start} (CronJob spec.schedule, spec.timeZone).",
            f"실행 시작을 {josa(start, '로')} 예약하세요 (CronJob spec.schedule, spec.timeZone).",
        )
    ]
    if fraction is None:
        impact = OptimizationImpact(
            type="temporal_shift",
            quantified=False,
            reduction_percent=None,
            affects_intensity=False,
            parameters={"window_start": start, "duration_hours": inputs.batch_duration_hours},
            data_basis=_hourly_basis(inputs, synthetic),
            note=tr(
                language,
                f"A hint only: the synthetic hourly shape points to {start}, but no saving rests on it. Configure "
                "measured or forecast hourly intensity to quantify a shift.",
                f"참고 사항일 뿐입니다: 합성 시간대별 프로파일이 {josa(start, '를')} 가리키지만 절감량은 계산하지 않습니다. 시간 이동을 "
                "정량화하려면 실측 또는 예측 시간대별 탄소 집약도를 설정하세요.",
            ),
        )
        return Lever(impact, hint)
    fraction = max(0.0, fraction)
    impact = OptimizationImpact(
        type="temporal_shift",
        quantified=True,
        reduction_percent=rounded(calc.percent(fraction), 2),
        affects_intensity=False,
        parameters={"window_start": start, "duration_hours": inputs.batch_duration_hours},
        data_basis=_hourly_basis(inputs, synthetic),
        note=tr(
            language,
            "Compliance uses the annual factor, so shifting changes emissions, not status.",
            "준수 판정은 연간 계수를 쓰므로 시간 이동은 배출량만 바꾸고 판정은 바꾸지 않습니다.",
        ),
    )
    return Lever(impact, hint, fraction)


def _hourly_basis(inputs: LeverInputs, synthetic: bool) -> str:
    """What the hourly intensities of the region rest on."""
    profile = inputs.reference.profile(inputs.region.code)
    if profile is None:
        return tr(
            inputs.language,
            "no hourly data for this region: every hour equals the annual average",
            "이 리전의 시간대별 데이터 없음: 모든 시간이 연평균과 같음",
        )
    if synthetic:
        return tr(
            inputs.language,
            "synthetic hourly profile: a scheduling hint, not for reporting",
            "합성 시간대별 프로파일: 일정 참고용, 보고용 아님",
        )
    return tr(
        inputs.language,
        f"hourly profile supplied by the operator ({profile.provenance.publisher})",
        f"운영자가 제공한 시간대별 프로파일 ({profile.provenance.publisher})",
    )


def _resource_rightsizing(inputs: LeverInputs) -> Lever:
    language, sizing, assumed = inputs.language, inputs.sizing, inputs.rightsizing_reduction_percent
    namespace = inputs.wl.namespace
    steps = [
        tr(
            language,
            "Compare CPU requests with usage: kubectl top pods -n " + namespace,
            "CPU 요청량과 사용량 비교: kubectl top pods -n " + namespace,
        ),
        tr(
            language,
            "Lower requests/replicas to observed peak plus headroom (VPA recommender helps).",
            "요청량/레플리카를 관측 최대치+여유분으로 낮추세요 (VPA 추천기 활용).",
        ),
    ]
    power = inputs.figures.power_watts
    if sizing is not None and sizing.released_idle_watts is not None and power > 0:
        # Right-sizing frees node idle power the requests hold; the workload's own active power does not change.
        # Only the part of that idle power inside this workload's figure (an idle_allocation share) lowers its
        # emissions; the rest is a node saving, reported beside it (the same g/h as assess's saving).
        released = sizing.released_idle_watts
        idle_in_figure = sum(p.idle_power_watts for p in inputs.wl.pods if p.running)
        in_figure = min(released, idle_in_figure)
        fraction = in_figure / power
        node_saving = calc.emissions_g_per_hour(released, inputs.figures.pue, inputs.grid)
        impact = OptimizationImpact(
            type="resource_rightsizing",
            quantified=True,
            reduction_percent=rounded(calc.percent(fraction), 2),
            affects_intensity=False,
            parameters={
                "request_cores": sizing.detail.request_cores,
                "recommended_cores": sizing.detail.recommended_cores,
                "released_idle_watts": released,
                "released_in_workload_figure_watts": rounded(in_figure, 4),
                "node_idle_saving_gCO2eq_hour": rounded(node_saving),
            },
            data_basis=tr(
                language,
                "CPU requests (kube-state-metrics) vs p95 use (cAdvisor), node idle W per core (Kepler)",
                "CPU 요청량(kube-state-metrics) 대비 p95 사용량(cAdvisor), 코어당 노드 유휴 전력(Kepler)",
            ),
            note=tr(
                language,
                f"Frees {fmt(released, 2)} W of node idle power ({fmt(node_saving, 2)} gCO2eq/h, the saving assess "
                f"reports), realised when the freed capacity is consolidated. The workload's own power does not "
                f"change; {fmt(in_figure, 2)} W of the freed power is in its figure (its idle_allocation share), so "
                "its emissions fall by that part only.",
                f"노드 유휴 전력 {fmt(released, 2)} W({fmt(node_saving, 2)} gCO2eq/h, assess가 보고하는 절감량)를 "
                f"줄이며, 여유 용량을 통합할 때 실현됩니다. 워크로드 자체 전력은 변하지 않습니다. 줄어드는 전력 중 "
                f"{fmt(in_figure, 2)} W만 워크로드 수치(idle_allocation 몫)에 포함되므로 배출량은 그만큼만 줄어듭니다.",
            ),
        )
        return Lever(impact, steps, fraction, power_factor=1.0 - fraction, node_watts_saved=released - in_figure)
    if assumed is None:
        missing = (
            ", ".join(sizing.detail.missing_series) if sizing is not None and sizing.detail.missing_series else None
        )
        impact = OptimizationImpact(
            type="resource_rightsizing",
            quantified=False,
            reduction_percent=None,
            affects_intensity=False,
            parameters={"rightsizing_reduction_percent": None},
            data_basis=tr(
                language,
                f"missing: {missing or 'CPU requests and usage per pod'}",
                f"누락: {missing or '파드별 CPU 요청량과 사용량'}",
            ),
            note=tr(
                language,
                "Not quantified: pass rightsizing_reduction_percent with your estimate.",
                "정량화하지 않음: rightsizing_reduction_percent에 추정치를 입력하세요.",
            ),
        )
        return Lever(impact, steps)
    fraction = assumed / 100.0
    impact = OptimizationImpact(
        type="resource_rightsizing",
        quantified=True,
        reduction_percent=rounded(assumed, 2),
        affects_intensity=False,
        parameters={"rightsizing_reduction_percent": assumed},
        data_basis=tr(language, "user-supplied assumption", "사용자 제공 가정"),
        note="",
    )
    return Lever(impact, steps, fraction, power_factor=1.0 - fraction)


# Every OptimizationType has its lever; compare applies them in the order the caller names them.
LEVERS: dict[OptimizationType, Callable[[LeverInputs], Lever]] = {
    "pue_improvement": _pue_improvement,
    "regional_migration": _regional_migration,
    "temporal_shift": _temporal_shift,
    "resource_rightsizing": _resource_rightsizing,
}
