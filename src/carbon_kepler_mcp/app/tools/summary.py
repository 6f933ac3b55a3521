"""The power summary of a scope: totals, compliance, top consumers and the node power no pod accounts for."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC

from carbon_kepler_mcp.app.common import data_source_info
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.explore_common import (
    NodeFigures,
    consumer,
    evaluate,
    group_pods,
    iso,
    ordered,
    page_notes,
    percent,
    provenance,
    scope_notes,
    scope_of,
    snapshot_seconds,
)
from carbon_kepler_mcp.app.explore_results import NodePowerShare, PowerSummaryResult
from carbon_kepler_mcp.app.requests import MAX_LIMIT, SummaryRequest
from carbon_kepler_mcp.domain.i18n import Language, fmt, tr
from carbon_kepler_mcp.domain.paging import check_limit, paginate, query_fingerprint
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.reference import Region
from carbon_kepler_mcp.sources.base import Snapshot


def node_share(
    ctx: AppContext, snapshot: Snapshot, reg: Region, node: NodeFigures, scope_power: float
) -> NodePowerShare:
    """A node's power split into what pods account for and what they leave out."""
    unattributed = node.total - node.attributed
    pue, _, _ = ctx.node_pue(snapshot, node.name, reg)
    return NodePowerShare(
        node=node.name,
        total_power_watts=rounded(node.total),
        attributed_power_watts=rounded(node.attributed),
        unattributed_power_watts=rounded(unattributed),
        unattributed_percent=rounded(percent(unattributed, node.total), 2),
        idle_power_watts=None if node.idle is None else rounded(node.idle),
        active_unattributed_watts=None if node.active is None else rounded(node.active - node.attributed),
        usage_ratio=node.usage,
        running_pods=node.running_pods,
        scope_power_watts=rounded(scope_power),
        pue=pue,
    )


def unattributed_explanation(language: Language) -> str:
    """What the power Kepler attributes to no pod is made of."""
    return tr(
        language,
        "Node power minus the power of the running pods on the node. It holds the node's idle power (Kepler "
        "attributes only active power to workloads), the active power of processes outside pods (kubelet, "
        "container runtime, kernel threads, system daemons) and anything Kepler could not attribute. Pod figures "
        "leave it out; the SCI counts reserved-but-idle capacity, so part of it belongs to the workloads.",
        "노드 전력에서 그 노드의 실행 중 파드 전력을 뺀 값입니다. 노드 유휴 전력(Kepler는 활성 전력만 워크로드에 배분), "
        "파드 밖 프로세스(kubelet, 컨테이너 런타임, 커널 스레드, 시스템 데몬)의 활성 전력, Kepler가 배분하지 못한 전력이 "
        "들어 있습니다. 파드 수치에는 빠져 있으며, SCI는 예약되었으나 유휴인 용량도 계산하므로 일부는 워크로드 몫입니다.",
    )


async def run(ctx: AppContext, req: SummaryRequest) -> PowerSummaryResult:
    """Totals, averages, compliance rate, top 3, node count and the unattributed node power."""
    namespace, standard, region, limit, cursor, language, window = (
        req.namespace,
        req.standard,
        req.region,
        req.limit,
        req.cursor,
        req.language,
        req.window,
    )
    check_limit(limit, MAX_LIMIT)
    scope = await scope_of(ctx, namespace, standard, region, window)
    evaluated = ordered(
        [evaluate(ctx, scope, g, language) for g in group_pods(scope.pods, "workload", scope.snapshot)], "power"
    )
    total = sum(e.figures.power_watts for e in evaluated)
    emissions = sum(e.figures.emissions_g_per_hour for e in evaluated)
    counts = {s: sum(1 for e in evaluated if e.status == s) for s in ("COMPLIANT", "NON_COMPLIANT", "NOT_ASSESSED")}
    assessable = counts["COMPLIANT"] + counts["NON_COMPLIANT"]
    running = [p for p in scope.pods if p.running]
    scope_by_node: dict[str, float] = defaultdict(float)
    for pod in running:
        scope_by_node[pod.node] += pod.power_watts
    # the cluster: every node; a namespace: the nodes its running pods are on
    node_names = sorted(set(scope.nodes) | set(scope_by_node)) if scope.namespace is None else sorted(scope_by_node)
    shares = [
        node_share(ctx, scope.snapshot, scope.reg, scope.nodes[n], scope_by_node.get(n, 0.0))
        for n in node_names
        if n in scope.nodes
    ]
    missing = [n for n in node_names if n not in scope.nodes]
    shares.sort(key=lambda s: (-s.unattributed_power_watts, s.node))
    node_power = sum(scope.nodes[n].total for n in node_names if n in scope.nodes)
    attributed = sum(scope.nodes[n].attributed for n in node_names if n in scope.nodes)
    unattributed = node_power - attributed
    fingerprint = query_fingerprint(
        "summary",
        {"namespace": scope.namespace, "standard": scope.std.code, "region": scope.reg.code, "limit": limit},
    )
    page = paginate(
        shares,
        limit=limit,
        cursor=cursor,
        fingerprint=fingerprint,
        snapshot_seconds=snapshot_seconds(scope.snapshot),
    )
    notes = scope_notes(ctx, scope, language) + page_notes(page.stale, language)
    if missing:
        notes.append(
            tr(
                language,
                f"No Kepler node series for node(s) {', '.join(missing)}: their unattributed power is unknown and "
                "not in the totals.",
                f"노드 {', '.join(missing)}의 Kepler 노드 시계열이 없어 미배분 전력을 알 수 없으며 합계에서 빠졌습니다.",
            )
        )
    if any(s.unattributed_power_watts < 0 for s in shares):
        notes.append(
            tr(
                language,
                "On some nodes the pods add up to more than the node's power: Kepler's pod and node readings disagree "
                "(counter timing or estimation); the negative remainder is shown as is.",
                "일부 노드에서 파드 합계가 노드 전력보다 큽니다: Kepler의 파드·노드 값이 어긋납니다(카운터 시점 또는 추정). "
                "음수 잔여분을 그대로 보여줍니다.",
            )
        )
    monthly_kg = sum(e.figures.monthly_kg for e in evaluated if e.figures.monthly_kg is not None)
    unprojected = sum(1 for e in evaluated if e.figures.monthly_kg is None)
    if unprojected:
        notes.append(
            tr(
                language,
                f"{unprojected} batch workloads have no monthly figure (no day of observed runs) and are not in the "
                "monthly total.",
                f"배치 워크로드 {unprojected}개는 관측된 하루 실행 기록이 없어 월간 수치가 없으며 월간 합계에서 빠졌습니다.",
            )
        )
    scope_text = scope.namespace or tr(language, "the cluster", "클러스터")
    rate = None if assessable == 0 else counts["COMPLIANT"] / assessable * 100.0
    summary = tr(
        language,
        f"{len(evaluated)} workloads in {scope_text}: {fmt(total)} W, {fmt(monthly_kg, 2)} "
        f"kgCO2eq/month; {counts['COMPLIANT']} of {assessable} assessed are within {scope.std.code}. "
        f"On their {len(node_names)} node(s), {fmt(unattributed)} W ({fmt(percent(unattributed, node_power))}%) is "
        "attributed to no pod.",
        f"{scope_text}의 워크로드 {len(evaluated)}개: {fmt(total)} W, 월 {fmt(monthly_kg, 2)} kgCO2eq; "
        f"평가된 {assessable}개 중 {counts['COMPLIANT']}개가 {scope.std.code} 기준 이내입니다. 해당 노드 {len(node_names)}개에서 "
        f"{fmt(unattributed)} W({fmt(percent(unattributed, node_power))}%)는 어느 파드에도 배분되지 않았습니다.",
    )
    return PowerSummaryResult(
        scope="cluster" if scope.namespace is None else "namespace",
        namespace=scope.namespace,
        standard=scope.std.code,
        region=scope.reg.code,
        workload_count=len(evaluated),
        pod_series_count=len(scope.pods),
        running_pod_count=len(running),
        total_power_watts=rounded(total),
        average_power_watts_per_workload=rounded(total / len(evaluated)) if evaluated else 0.0,
        average_power_watts_per_running_pod=rounded(total / len(running)) if running else 0.0,
        total_emissions_gCO2eq_hour=rounded(emissions),
        monthly_emissions_kgCO2eq=rounded(monthly_kg),
        compliant_count=counts["COMPLIANT"],
        non_compliant_count=counts["NON_COMPLIANT"],
        not_assessed_count=counts["NOT_ASSESSED"],
        compliance_rate_percent=None if rate is None else rounded(rate, 2),
        top_consumers=[consumer(e, i + 1, "workload", total) for i, e in enumerate(evaluated[:3])],
        node_count=len(node_names),
        cluster_node_count=len(scope.snapshot.nodes),
        node_power_watts=rounded(node_power),
        attributed_power_watts=rounded(attributed),
        unattributed_power_watts=rounded(unattributed),
        unattributed_percent=None if node_power <= 0 else rounded(percent(unattributed, node_power), 2),
        unattributed_explanation=unattributed_explanation(language),
        nodes=page.items,
        nodes_total_count=page.total,
        omitted_count=page.omitted,
        next_cursor=page.next_cursor,
        grid_carbon_intensity_gCO2eq_kWh=rounded(scope.grid.value),
        summary=summary,
        language=language,
        timestamp=iso(ctx.now().astimezone(UTC)),
        provenance=provenance(ctx, scope, total),
        data_source=data_source_info(scope.snapshot, ctx.source.description, language),
        is_demo=scope.snapshot.is_demo,
        notes=notes,
    )
