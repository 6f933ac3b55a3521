"""Recommendations: which optimisation helps how much, and what it rests on. Pure functions.

Each candidate is quantified only from data the server has; where a number would need data it does not
have (no CPU requests for right-sizing, no hourly data for a region), the candidate says so instead of
inventing a figure. Candidates are ranked by estimated reduction; unquantified ones come last.
"""

from __future__ import annotations

from dataclasses import dataclass

from carbon_kepler_mcp.app.results import Optimization, OptimizationType
from carbon_kepler_mcp.domain.calculations import percent
from carbon_kepler_mcp.domain.i18n import Language, fmt, josa, tr


@dataclass(frozen=True, slots=True)
class Candidate:
    """An optimisation before ranking."""

    type: OptimizationType
    title: str
    description: str
    reduction_fraction: float | None
    data_basis: str
    changes_compliance_status: bool
    new_intensity_g_per_kwh: float | None = None
    """The workload's effective intensity (grid × PUE) once applied, where the lever changes it."""


TOLERANCE = 1e-9
"""The same tolerance the status check uses (a value equal to the limit complies)."""


def pue_candidate(
    language: Language,
    *,
    pue: float,
    target_pue: float,
    grid_g_per_kwh: float,
    limit_g_per_kwh: float | None,
    pue_limit: float | None = None,
) -> Candidate | None:
    """Improve the facility PUE to the target; None when the PUE already meets it.

    ``limit_g_per_kwh`` is the assessed standard's limit when it is a carbon-intensity standard and
    ``pue_limit`` when it is a PUE standard; either decides whether the improvement changes the status.
    """
    if pue <= target_pue:
        return None
    fraction = 1.0 - target_pue / pue
    flips_intensity = (
        limit_g_per_kwh is not None
        and grid_g_per_kwh * pue > limit_g_per_kwh + TOLERANCE
        and grid_g_per_kwh * target_pue <= limit_g_per_kwh + TOLERANCE
    )
    flips_pue = pue_limit is not None and pue > pue_limit + TOLERANCE and target_pue <= pue_limit + TOLERANCE
    flips = flips_intensity or flips_pue
    return Candidate(
        type="pue_improvement",
        title=tr(
            language,
            f"Improve PUE from {pue:.2f} to {target_pue:.2f}",
            f"PUE를 {pue:.2f}에서 {josa(f'{target_pue:.2f}', '로')} 개선",
        ),
        description=tr(
            language,
            f"Facility overhead multiplies every IT watt by the PUE. Reaching {target_pue:.2f} (cooling set points, "
            "containment, free cooling) or moving the pods to nodes in a more efficient hall cuts emissions by "
            f"{fmt(percent(fraction))}%.",
            f"설비 오버헤드는 모든 IT 전력에 PUE를 곱합니다. {target_pue:.2f} 달성(냉방 설정값, 컨테인먼트, 외기 냉방) 또는 "
            f"더 효율적인 홀의 노드로 파드를 옮기면 배출량이 {fmt(percent(fraction))}% 줄어듭니다.",
        ),
        reduction_fraction=fraction,
        new_intensity_g_per_kwh=grid_g_per_kwh * target_pue,
        data_basis=tr(
            language,
            "ratio of target PUE to the PUE in use (see pue_detail for where that PUE comes from)",
            "목표 PUE와 현재 적용 PUE의 비율 (PUE 출처는 pue_detail 참조)",
        ),
        changes_compliance_status=flips,
    )


def migration_candidate(
    language: Language,
    *,
    current_region: str,
    current_comparison_g_per_kwh: float,
    target_region: str,
    target_name: str,
    target_comparison_g_per_kwh: float,
    pue: float,
    limit_g_per_kwh: float | None,
    current_effective_g_per_kwh: float,
    leaves_country: str | None,
) -> Candidate | None:
    """Move to the region with the lowest intensity; None when it is not lower."""
    if target_region == current_region or target_comparison_g_per_kwh >= current_comparison_g_per_kwh:
        return None
    fraction = 1.0 - target_comparison_g_per_kwh / current_comparison_g_per_kwh
    optimized_effective = current_effective_g_per_kwh * (1.0 - fraction)
    flips = (
        limit_g_per_kwh is not None
        and current_effective_g_per_kwh > limit_g_per_kwh + TOLERANCE
        and optimized_effective <= limit_g_per_kwh + TOLERANCE
    )
    if leaves_country is None:
        residency = ""
    elif leaves_country == "KR":
        residency = tr(
            language,
            " Moving data out of Korea may trigger PIPA cross-border transfer duties: check before migrating.",
            " 데이터를 국외로 옮기면 개인정보 보호법의 국외 이전 규정이 적용될 수 있으니 이전 전에 확인하세요.",
        )
    else:
        residency = tr(
            language,
            f" Moving data out of {leaves_country}: check the data-protection duties that apply before migrating.",
            f" 데이터를 {leaves_country} 밖으로 옮기기 전에 적용되는 개인정보 보호 의무를 확인하세요.",
        )
    return Candidate(
        type="regional_migration",
        title=tr(language, f"Run in {target_region} ({target_name})", f"{target_region} ({target_name}) 리전에서 실행"),
        description=tr(
            language,
            f"The grid there averages {fmt(target_comparison_g_per_kwh)} gCO2eq/kWh against "
            f"{fmt(current_comparison_g_per_kwh)} in {current_region} (same basis), at the same PUE {pue:.2f}.",
            f"해당 리전 전력망 평균은 {fmt(target_comparison_g_per_kwh)} gCO2eq/kWh로 {current_region}의 "
            f"{fmt(current_comparison_g_per_kwh)}보다 낮습니다 (동일 기준, 동일 PUE {pue:.2f}).",
        )
        + residency,
        reduction_fraction=fraction,
        new_intensity_g_per_kwh=optimized_effective,
        data_basis=tr(
            language,
            "Electricity Maps 2024 yearly lifecycle averages for both regions (one basis for every region)",
            "두 리전 모두 Electricity Maps 2024 연평균 전과정 값 (모든 리전에 동일 기준)",
        ),
        changes_compliance_status=flips,
    )


def temporal_candidate(
    language: Language,
    *,
    fraction: float | None,
    window_start: str,
    duration_hours: float,
    synthetic: bool,
) -> Candidate | None:
    """Shift a batch run into the cleanest window; None when measured data shows no cleaner window.

    On the built-in synthetic hourly shape the window is only a hint: the candidate names it, unquantified.
    """
    if synthetic or fraction is None:
        return Candidate(
            type="temporal_shift",
            title=tr(
                language,
                f"Consider starting batch runs at {window_start}",
                f"배치 실행을 {window_start}에 시작하는 방안 검토",
            ),
            description=tr(
                language,
                f"A hint, not a saving: the only hourly data for this region is a synthetic shape, which points to "
                f"{window_start} for a {duration_hours:g} h run. No gram figure rests on it; configure measured or "
                "forecast hourly intensity (an Electricity Maps or WattTime provider) to quantify a shift.",
                f"절감량이 아닌 참고 사항입니다: 이 리전의 시간대별 데이터는 합성 형태뿐이며, {duration_hours:g}시간 실행에 "
                f"{josa(window_start, '를')} 가리킵니다. 이 데이터로는 배출량을 계산하지 않습니다. 시간 이동을 정량화하려면 실측 또는 "
                "예측 시간대별 탄소 집약도(Electricity Maps 또는 WattTime 공급자)를 설정하세요.",
            ),
            reduction_fraction=None,
            data_basis=tr(
                language,
                "synthetic hourly profile (merit-order model, not measured data): a scheduling hint only",
                "합성 시간대별 프로파일(메리트 오더 모델, 실측 아님): 일정 참고용",
            ),
            changes_compliance_status=False,
        )
    if fraction <= 0:
        return None
    return Candidate(
        type="temporal_shift",
        title=tr(language, f"Start batch runs at {window_start}", f"배치 실행을 {window_start}에 시작"),
        description=tr(
            language,
            f"A {duration_hours:g} h run starting then sees {fmt(percent(fraction))}% lower average grid intensity "
            "than one starting now.",
            f"그 시각에 시작하는 {duration_hours:g}시간 실행은 지금 시작할 때보다 평균 탄소 집약도가 {fmt(percent(fraction))}% 낮습니다.",
        ),
        reduction_fraction=fraction,
        data_basis=tr(language, "hourly intensity data", "시간대별 탄소 집약도 데이터"),
        changes_compliance_status=False,
    )


def rightsizing_candidate(language: Language, *, assumed_reduction_fraction: float | None = None) -> Candidate:
    """Right-size CPU requests. Without requests and usage data it cannot be quantified."""
    if assumed_reduction_fraction is not None:
        return Candidate(
            type="resource_rightsizing",
            title=tr(language, "Right-size CPU requests and replicas", "CPU 요청량과 레플리카 적정화"),
            description=tr(
                language,
                f"Using your assumption of {fmt(percent(assumed_reduction_fraction))}% less power after right-sizing.",
                f"적정화 후 전력 {fmt(percent(assumed_reduction_fraction))}% 감소라는 사용자 가정을 사용합니다.",
            ),
            reduction_fraction=assumed_reduction_fraction,
            data_basis=tr(language, "user-supplied assumption", "사용자 제공 가정"),
            changes_compliance_status=False,
        )
    return Candidate(
        type="resource_rightsizing",
        title=tr(language, "Right-size CPU requests and replicas", "CPU 요청량과 레플리카 적정화"),
        description=tr(
            language,
            "Not quantified: a direct Kepler scrape carries no CPU requests or usage per pod, so the idle share of "
            "the requests is unknown. Compare requests with usage (kubectl top pods) or pass an assumed reduction.",
            "정량화하지 않음: Kepler 직접 수집에는 파드별 CPU 요청량·사용량이 없어 유휴 비율을 알 수 없습니다. "
            "요청량과 사용량(kubectl top pods)을 비교하거나 가정 감소율을 입력하세요.",
        ),
        reduction_fraction=None,
        data_basis=tr(
            language,
            "missing: kube_pod_container_resource_requests and container_cpu_usage_seconds_total",
            "누락: kube_pod_container_resource_requests, container_cpu_usage_seconds_total",
        ),
        changes_compliance_status=False,
    )


def rank(candidates: list[Candidate], emissions_g_per_hour: float, monthly_kg: float | None) -> list[Optimization]:
    """Candidates ranked by estimated reduction (largest first; unquantified last), with savings.

    A saving per month is the same share of the workload's monthly figure (none when it has none).
    """

    def key(candidate: Candidate) -> tuple[int, float]:
        if candidate.reduction_fraction is None:
            return (1, 0.0)
        return (0, -candidate.reduction_fraction)

    ranked: list[Optimization] = []
    for position, candidate in enumerate(sorted(candidates, key=key), start=1):
        fraction = candidate.reduction_fraction
        savings = None if fraction is None else emissions_g_per_hour * fraction
        ranked.append(
            Optimization(
                type=candidate.type,
                rank=position,
                title=candidate.title,
                description=candidate.description,
                quantified=fraction is not None,
                estimated_reduction_percent=None if fraction is None else round(percent(fraction), 2),
                estimated_savings_gCO2eq_hour=None if savings is None else round(savings, 3),
                estimated_savings_kgCO2eq_month=None
                if fraction is None or monthly_kg is None
                else round(monthly_kg * fraction, 3),
                data_basis=candidate.data_basis,
                changes_compliance_status=candidate.changes_compliance_status,
                estimated_new_intensity_gCO2eq_kWh=None
                if candidate.new_intensity_g_per_kwh is None
                else round(candidate.new_intensity_g_per_kwh, 3),
            )
        )
    return ranked
