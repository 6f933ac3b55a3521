"""List the workloads of a namespace with their status, highest emissions first, a page at a time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from carbon_kepler_mcp import calculations as calc
from carbon_kepler_mcp.errors import InvalidArgumentError
from carbon_kepler_mcp.i18n import Language, fmt, tr
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.models import Status, WorkloadListResult, WorkloadSummary
from carbon_kepler_mcp.names import validate_namespace
from carbon_kepler_mcp.reference import Region, Standard
from carbon_kepler_mcp.sources.base import Snapshot
from carbon_kepler_mcp.usecases.common import ProvenanceMap, rounded, snapshot_fields, utc_iso, window_notes
from carbon_kepler_mcp.usecases.footprint import Grid, evaluate
from carbon_kepler_mcp.workloads import WorkloadRef, group_by_workload

if TYPE_CHECKING:
    from carbon_kepler_mcp.service import CarbonService

MAX_PAGE = 1000


async def list_workloads(
    service: CarbonService,
    namespace: str,
    standard: str | None,
    status_filter: Status | None,
    region: str | None,
    language: Language,
    *,
    limit: int,
    cursor: str | None,
    window: str | int | None,
) -> WorkloadListResult:
    """Workloads of a namespace with their status, highest emissions first, paginated."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidArgumentError(f"limit {limit} is out of range: use 1 to {MAX_PAGE}")
    offset = 0
    if cursor:
        if not cursor.isdigit() or len(cursor) > 9:
            raise InvalidArgumentError(f"cursor {cursor[:40]!r} is not a cursor this server returned")
        offset = int(cursor)
    namespace = validate_namespace(namespace)
    std = service.standard(standard)
    reg = service.region(region)
    snapshot = await service.read(namespace, window)
    pods = service.namespace_pods(snapshot, namespace)
    grid = service.grid(reg)
    by_name: dict[str, list[PodReading]] = {}
    for pod in pods:
        by_name.setdefault(pod.name, []).append(pod)
    summaries = _summaries(service, snapshot, by_name, namespace, std, reg, grid)
    counts = {s: sum(1 for w in summaries if w.status == s) for s in ("COMPLIANT", "NON_COMPLIANT", "NOT_ASSESSABLE")}
    matching = [w for w in summaries if status_filter is None or w.status == status_filter]
    page = matching[offset : offset + limit]
    next_offset = offset + len(page)
    total_power = sum(w.power_watts for w in summaries)
    total_emissions = sum(w.emissions_gCO2eq_hour for w in summaries)
    summary = tr(
        language,
        f"{len(summaries)} workloads in {namespace}: {counts['COMPLIANT']} compliant, "
        f"{counts['NON_COMPLIANT']} non-compliant with {std.code}; {fmt(total_power)} W, "
        f"{fmt(total_emissions)} gCO2eq/h in total.",
        f"{namespace}의 워크로드 {len(summaries)}개: {std.code} 준수 {counts['COMPLIANT']}개, "
        f"미준수 {counts['NON_COMPLIANT']}개; 합계 {fmt(total_power)} W, {fmt(total_emissions)} gCO2eq/h.",
    )
    notes = _grouping_notes(snapshot.owners_in(namespace), by_name, language)
    notes += window_notes(snapshot, window, language)
    if snapshot.is_demo:
        notes.append(tr(language, "Figures come from the built-in demo cluster.", "내장 데모 클러스터의 수치입니다."))
    provenance: ProvenanceMap = {"grid_carbon_intensity": grid.provenance}
    if std.limit is not None:
        provenance["standard_limit"] = std.limit
    return WorkloadListResult(
        namespace=namespace,
        standard=std.code,
        region=reg.code,
        status_filter=status_filter,
        total_workloads=len(summaries),
        compliant_count=counts["COMPLIANT"],
        non_compliant_count=counts["NON_COMPLIANT"],
        not_assessable_count=counts["NOT_ASSESSABLE"],
        matching_count=len(matching),
        workloads=page,
        omitted_count=len(matching) - next_offset,
        next_cursor=str(next_offset) if next_offset < len(matching) else None,
        total_power_watts=rounded(total_power),
        total_emissions_gCO2eq_hour=rounded(total_emissions),
        grid_carbon_intensity_gCO2eq_kWh=rounded(grid.value),
        summary=summary,
        language=language,
        timestamp=utc_iso(service.now()),
        provenance=provenance,
        notes=notes,
        **snapshot_fields(service, snapshot, pods, None),
    )


def _summaries(
    service: CarbonService,
    snapshot: Snapshot,
    by_name: Mapping[str, list[PodReading]],
    namespace: str,
    std: Standard,
    reg: Region,
    grid: Grid,
) -> list[WorkloadSummary]:
    """One summary per workload, highest emissions first."""
    summaries: list[WorkloadSummary] = []
    owners = snapshot.owners_in(namespace)
    for ref, names in group_by_workload(by_name, owners).items():
        members = [pod for name in names for pod in by_name[name]]
        if ref.kind == "Job" and not owners and service.spread_like_daemonset(snapshot, members):
            ref = WorkloadRef(ref.name, "DaemonSet")
        figures = service.figures_for(snapshot, members, reg, grid.value)
        intensity = calc.effective_intensity_g_per_kwh(grid.value, figures.pue)
        summaries.append(
            WorkloadSummary(
                workload=ref.name,
                kind=ref.kind,
                pods=len(members),
                running_pods=sum(1 for p in members if p.running),
                power_watts=rounded(figures.power_watts),
                pue=rounded(figures.pue, 4),
                intensity_gCO2eq_kWh=rounded(intensity),
                emissions_gCO2eq_hour=rounded(figures.emissions_g_per_hour),
                monthly_emissions_kgCO2eq=rounded(calc.monthly_kg(figures.emissions_g_per_hour)),
                status=evaluate(std, intensity=intensity, pue=figures.pue),
            )
        )
    summaries.sort(key=lambda s: (-s.emissions_gCO2eq_hour, s.workload))
    return summaries


def _grouping_notes(
    owners: Mapping[str, WorkloadRef] | None, by_name: Mapping[str, list[PodReading]], language: Language
) -> list[str]:
    """How pods were grouped into workloads: owner references where known, naming rules otherwise."""
    covered = sum(1 for name in by_name if owners is not None and name in owners)
    if owners is not None and covered:
        return [
            tr(
                language,
                f"Workloads come from kube-state-metrics owner references ({covered} of {len(by_name)} pods); "
                "the other pods are grouped by Kubernetes naming rules.",
                f"워크로드는 kube-state-metrics 소유자 참조로 구했습니다 (파드 {len(by_name)}개 중 {covered}개); "
                "나머지 파드는 쿠버네티스 이름 규칙으로 묶었습니다.",
            )
        ]
    return [
        tr(
            language,
            "Workloads are inferred from pod names by Kubernetes naming rules (Kepler exports no owners).",
            "워크로드는 쿠버네티스 이름 규칙으로 파드 이름에서 추론했습니다 (Kepler는 소유자를 내보내지 않음).",
        )
    ]
