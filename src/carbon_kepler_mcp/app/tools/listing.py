"""List the workloads of a namespace with their status, highest emissions first, a page at a time."""

from __future__ import annotations

from collections.abc import Mapping

from carbon_kepler_mcp.app.budgets import budget_status
from carbon_kepler_mcp.app.common import ProvenanceMap, snapshot_fields, utc_iso, window_notes
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.explore_common import page_notes, snapshot_seconds
from carbon_kepler_mcp.app.footprint import Grid
from carbon_kepler_mcp.app.requests import ListRequest
from carbon_kepler_mcp.app.results import WorkloadListResult, WorkloadSummary
from carbon_kepler_mcp.app.verdicts import judge
from carbon_kepler_mcp.domain import calculations as calc
from carbon_kepler_mcp.domain.i18n import Language, fmt, tr
from carbon_kepler_mcp.domain.names import validate_namespace
from carbon_kepler_mcp.domain.paging import paginate, query_fingerprint
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.domain.workloads import WorkloadRef, group_by_workload
from carbon_kepler_mcp.errors import InvalidArgumentError
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.reference import Region, Standard
from carbon_kepler_mcp.sources.base import Snapshot

MAX_PAGE = 1000


async def run(ctx: AppContext, req: ListRequest) -> WorkloadListResult:
    """Workloads of a namespace with their status, highest emissions first, paginated."""
    if not 1 <= req.limit <= MAX_PAGE:
        raise InvalidArgumentError(f"limit {req.limit} is out of range: use 1 to {MAX_PAGE}")
    namespace = validate_namespace(req.namespace)
    ctx.standard(req.standard)  # refuse an unknown standard or region before reading any metrics
    reg = ctx.region(req.region)
    snapshot = await ctx.read(namespace, req.window)
    result = build(ctx, req, snapshot)
    if not ctx.policy.budgets:
        return result
    # Budgets need history (one range query each): only for the workloads of the page a budget covers.
    grid = ctx.grid(reg)
    pods = ctx.namespace_pods(snapshot, namespace)
    rows: list[WorkloadSummary] = []
    for row in result.workloads:
        budget = ctx.policy.covering(namespace, row.workload)
        if budget is None:
            rows.append(row)
            continue
        own = budget.workload is not None
        members = ctx.workload_pods(snapshot, row.workload, namespace) if own else None
        status = await budget_status(
            ctx,
            budget,
            region=reg,
            grid=grid,
            snapshot=snapshot,
            pods=members.pods if members is not None else pods,
            kind=members.resolved.kind if members is not None else None,
            language=req.language,
        )
        rows.append(row.model_copy(update={"budget_status": status}))
    return result.model_copy(update={"workloads": rows})


def build(ctx: AppContext, req: ListRequest, snapshot: Snapshot) -> WorkloadListResult:
    """The list from a snapshot already read (the dashboard's overview reads the cluster once for every namespace)."""
    namespace, standard, status_filter, region, language = (
        validate_namespace(req.namespace),
        req.standard,
        req.status_filter,
        req.region,
        req.language,
    )
    limit, cursor, window = req.limit, req.cursor, req.window
    std = ctx.standard(standard)
    reg = ctx.region(region)
    pods = ctx.namespace_pods(snapshot, namespace)
    grid = ctx.grid(reg)
    by_name: dict[str, list[PodReading]] = {}
    for pod in pods:
        by_name.setdefault(pod.name, []).append(pod)
    summaries = _summaries(ctx, snapshot, by_name, namespace, std, reg, grid, language)
    counts = {s: sum(1 for w in summaries if w.status == s) for s in ("COMPLIANT", "NON_COMPLIANT", "NOT_ASSESSED")}
    matching = [w for w in summaries if status_filter is None or w.status == status_filter]
    page = paginate(
        matching,
        limit=limit,
        cursor=cursor,
        fingerprint=query_fingerprint(
            "list_workloads_by_compliance",
            {
                "namespace": namespace,
                "standard": std.code,
                "status_filter": status_filter,
                "region": reg.code,
                "window": window,
            },
        ),
        snapshot_seconds=snapshot_seconds(snapshot),
    )
    total_power = sum(w.power_watts for w in summaries)
    total_emissions = sum(w.emissions_gCO2eq_hour for w in summaries)
    summary = tr(
        language,
        f"{len(summaries)} workloads in {namespace}: {counts['COMPLIANT']} within, "
        f"{counts['NON_COMPLIANT']} over {std.code}, {counts['NOT_ASSESSED']} not assessed; {fmt(total_power)} W, "
        f"{fmt(total_emissions)} gCO2eq/h in total.",
        f"{namespace}의 워크로드 {len(summaries)}개: {std.code} 기준 이내 {counts['COMPLIANT']}개, "
        f"기준 초과 {counts['NON_COMPLIANT']}개, 평가 불가 {counts['NOT_ASSESSED']}개; 합계 {fmt(total_power)} W, "
        f"{fmt(total_emissions)} gCO2eq/h.",
    )
    notes = _grouping_notes(snapshot.owners_in(namespace), by_name, language)
    notes += window_notes(snapshot, window, language) + page_notes(page.stale, language)
    if snapshot.is_demo:
        notes.append(tr(language, "Figures come from the built-in demo cluster.", "내장 데모 클러스터의 수치입니다."))
    provenance: ProvenanceMap = {"grid_carbon_intensity": grid.provenance}
    if std.limit is not None:
        provenance["standard_limit"] = std.limit
    if any(ctx.node_pue(snapshot, node, reg)[1] == "region_default" for node in {p.node for p in pods}):
        provenance["pue"] = reg.default_pue
        notes.append(
            tr(
                language,
                f"Nodes without an operator PUE use the region default {reg.default_pue.value:g} "
                f"({reg.default_pue.publisher}); it decides no verdict. Set CARBON_KEPLER_PUE or "
                "CARBON_KEPLER_NODE_PUE.",
                f"운영자 PUE가 없는 노드는 리전 기본값 {reg.default_pue.value:g}({reg.default_pue.publisher})을 쓰며, "
                "이 값으로는 판정하지 않습니다. CARBON_KEPLER_PUE 또는 CARBON_KEPLER_NODE_PUE를 설정하세요.",
            )
        )
    return WorkloadListResult(
        namespace=namespace,
        standard=std.code,
        region=reg.code,
        status_filter=status_filter,
        total_workloads=len(summaries),
        compliant_count=counts["COMPLIANT"],
        non_compliant_count=counts["NON_COMPLIANT"],
        not_assessed_count=counts["NOT_ASSESSED"],
        matching_count=len(matching),
        workloads=page.items,
        omitted_count=page.omitted,
        next_cursor=page.next_cursor,
        total_power_watts=rounded(total_power),
        total_emissions_gCO2eq_hour=rounded(total_emissions),
        grid_carbon_intensity_gCO2eq_kWh=rounded(grid.value),
        summary=summary,
        language=language,
        timestamp=utc_iso(ctx.now()),
        provenance=provenance,
        notes=notes,
        **snapshot_fields(ctx, snapshot, pods, None, language),
    )


def _summaries(
    ctx: AppContext,
    snapshot: Snapshot,
    by_name: Mapping[str, list[PodReading]],
    namespace: str,
    std: Standard,
    reg: Region,
    grid: Grid,
    language: Language,
) -> list[WorkloadSummary]:
    """One summary per workload, highest emissions first."""
    summaries: list[WorkloadSummary] = []
    owners = snapshot.owners_in(namespace)
    for ref, names in group_by_workload(by_name, owners).items():
        members = [pod for name in names for pod in by_name[name]]
        if ref.kind == "Job" and not owners and ctx.spread_like_daemonset(snapshot, members):
            ref = WorkloadRef(ref.name, "DaemonSet")
        figures = ctx.figures_for(snapshot, members, reg, grid.value, ref.kind)
        intensity = calc.effective_intensity_g_per_kwh(grid.value, figures.pue)
        verdict = judge(
            ctx, std, region=reg, grid=grid, snapshot=snapshot, figures=figures, pods=members, language=language
        )
        summaries.append(
            WorkloadSummary(
                workload=ref.name,
                kind=ref.kind,
                pods=len(members),
                running_pods=sum(1 for p in members if p.running),
                power_watts=rounded(figures.power_watts),
                pue=rounded(figures.pue, 4),
                effective_intensity_gCO2eq_kWh=rounded(intensity),
                emissions_gCO2eq_hour=rounded(figures.emissions_g_per_hour),
                monthly_emissions_kgCO2eq=None if figures.monthly_kg is None else rounded(figures.monthly_kg),
                monthly_basis=figures.monthly_basis,
                status=verdict.status,
                status_reason=verdict.reason,
                failing_pods=list(verdict.failing_pods),
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
