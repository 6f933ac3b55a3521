"""Right-sizing advice: from CPU requests against use when the source has them, else what is missing.

The arithmetic is in :mod:`carbon_kepler_mcp.app.rightsizing`; this module turns it into the recommendation of
an assessment and into the savings that right-sizing really makes (node idle power, not a share of power).
"""

from __future__ import annotations

from collections.abc import Sequence

from carbon_kepler_mcp.app import recommendations as recs
from carbon_kepler_mcp.app.footprint import Figures
from carbon_kepler_mcp.app.results import Optimization
from carbon_kepler_mcp.app.rightsizing import Rightsizing, rightsize
from carbon_kepler_mcp.domain import calculations as calc
from carbon_kepler_mcp.domain.i18n import Language, fmt, tr
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.sources.base import Snapshot


def rightsizing_for(snapshot: Snapshot, pods: Sequence[PodReading], figures: Figures) -> Rightsizing | None:
    """Right-sizing from the snapshot's CPU requests and usage; None for a source without them."""
    if not snapshot.windowed:
        return None
    return rightsize(
        pods,
        snapshot.pod_cpu,
        snapshot.node_idle_watts,
        snapshot.node_cpu_capacity,
        snapshot.missing_series,
        figures.power_watts,
    )


def rightsizing_candidate(language: Language, sizing: Rightsizing | None) -> recs.Candidate:
    """The right-sizing recommendation: from data when the source has it, else saying what is missing."""
    if sizing is None:
        return recs.rightsizing_candidate(language)
    detail = sizing.detail
    title = tr(language, "Right-size CPU requests and replicas", "CPU 요청량과 레플리카 적정화")
    if sizing.reduction_fraction is None:
        missing = ", ".join(detail.missing_series) or "kube_pod_container_resource_requests"
        if detail.freed_cores is not None:
            text_en = (
                f"Requests {fmt(detail.request_cores or 0, 3)} cores against a p95 use of "
                f"{fmt(detail.usage_p95_cores or 0, 3)}: {fmt(detail.freed_cores, 3)} cores could be freed, but "
                f"the idle power they hold is unknown (missing: {missing})."
            )
            text_ko = (
                f"요청 {fmt(detail.request_cores or 0, 3)}코어, p95 사용 {fmt(detail.usage_p95_cores or 0, 3)}코어: "
                f"{fmt(detail.freed_cores, 3)}코어를 줄일 수 있으나 유휴 전력을 알 수 없습니다 (누락: {missing})."
            )
        else:
            text_en = f"Not quantified: Prometheus has no {missing} for this workload's pods."
            text_ko = f"정량화하지 않음: Prometheus에 이 워크로드 파드의 {missing} 시리즈가 없습니다."
        return recs.Candidate(
            type="resource_rightsizing",
            title=title,
            description=tr(language, text_en, text_ko),
            reduction_fraction=None,
            data_basis=tr(language, f"missing: {missing}", f"누락: {missing}"),
            changes_compliance_status=False,
        )
    return recs.Candidate(
        type="resource_rightsizing",
        title=title,
        description=tr(
            language,
            f"Requests {fmt(detail.request_cores or 0, 3)} cores, p95 use {fmt(detail.usage_p95_cores or 0, 3)}: "
            f"requesting {fmt(detail.recommended_cores or 0, 3)} frees {fmt(detail.freed_cores or 0, 3)} cores "
            f"that hold {fmt(sizing.released_idle_watts or 0, 2)} W of node idle power. The saving is realised "
            "when the freed capacity is consolidated (fewer or smaller nodes).",
            f"요청 {fmt(detail.request_cores or 0, 3)}코어, p95 사용 {fmt(detail.usage_p95_cores or 0, 3)}코어: "
            f"{fmt(detail.recommended_cores or 0, 3)}코어로 요청하면 {fmt(detail.freed_cores or 0, 3)}코어가 풀리고, "
            f"그만큼의 노드 유휴 전력 {fmt(sizing.released_idle_watts or 0, 2)} W를 줄일 수 있습니다 "
            "(여유 용량을 통합해 노드를 줄일 때 실현).",
        ),
        reduction_fraction=sizing.reduction_fraction,
        data_basis=tr(
            language,
            "kube_pod_container_resource_requests vs cAdvisor container_cpu_usage_seconds_total (p95 of 5-minute "
            "rates) and Kepler node idle power per core; share of the footprint incl. the idle power requests hold",
            "kube_pod_container_resource_requests 대비 cAdvisor 사용량(5분 rate의 p95)과 코어당 Kepler 노드 유휴 전력; "
            "요청이 점유한 유휴 전력을 포함한 총량 대비 비율",
        ),
        changes_compliance_status=False,
    )


def with_rightsizing_savings(
    optimizations: list[Optimization], sizing: Rightsizing | None, figures: Figures, grid: float
) -> list[Optimization]:
    """Right-sizing saves node idle power: its savings are that power × PUE × grid, not a share of E."""
    if sizing is None or sizing.released_idle_watts is None:
        return optimizations
    saved = calc.emissions_g_per_hour(sizing.released_idle_watts, figures.pue, grid)
    return [
        o.model_copy(
            update={
                "estimated_savings_gCO2eq_hour": round(saved, 3),
                "estimated_savings_kgCO2eq_month": None
                if figures.monthly_kg is None
                else round(calc.monthly_kg(saved), 3),
            }
        )
        if o.type == "resource_rightsizing" and o.quantified
        else o
        for o in optimizations
    ]
