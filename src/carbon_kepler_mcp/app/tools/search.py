"""Searching workloads, pods and containers by name pattern, power range and compliance status."""

from __future__ import annotations

import re
from datetime import UTC

from carbon_kepler_mcp.app.common import data_source_info
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.explore_common import (
    Scope,
    check_power,
    evaluate,
    group_pods,
    iso,
    page_notes,
    provenance,
    scope_notes,
    scope_of,
    snapshot_seconds,
)
from carbon_kepler_mcp.app.explore_results import Level, SearchHit, SearchResult
from carbon_kepler_mcp.app.requests import MAX_LIMIT, SearchRequest
from carbon_kepler_mcp.app.verdicts import judge
from carbon_kepler_mcp.domain import calculations as calc
from carbon_kepler_mcp.domain.i18n import Language, fmt, ko_word, tr
from carbon_kepler_mcp.domain.names import glob_to_regex, safe_repr
from carbon_kepler_mcp.domain.paging import check_limit, paginate, query_fingerprint
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.domain.workloads import infer_owner
from carbon_kepler_mcp.errors import InvalidArgumentError
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.readings import container_readings


async def run(ctx: AppContext, req: SearchRequest) -> SearchResult:
    """Workloads, pods or containers matching every filter, highest power first."""
    kind, namespace, name_pattern, status = req.kind, req.namespace, req.name_pattern, req.status
    min_power_watts, max_power_watts = req.min_power_watts, req.max_power_watts
    standard, region, limit, cursor, language, window = (
        req.standard,
        req.region,
        req.limit,
        req.cursor,
        req.language,
        req.window,
    )
    check_limit(limit, MAX_LIMIT)
    if kind not in ("workload", "pod", "container"):
        raise InvalidArgumentError(f"kind {safe_repr(str(kind))} is unknown: use workload, pod or container")
    check_power(min_power_watts, "min_power_watts")
    check_power(max_power_watts, "max_power_watts")
    if min_power_watts is not None and max_power_watts is not None and min_power_watts > max_power_watts:
        raise InvalidArgumentError(
            f"min_power_watts {min_power_watts} is greater than max_power_watts {max_power_watts}",
            ko=f"min_power_watts 인수 {min_power_watts}이(가) max_power_watts {max_power_watts}보다 큽니다",
        )
    pattern = None if name_pattern is None else glob_to_regex(name_pattern)
    scope = await scope_of(ctx, namespace, standard, region, window)
    hits: list[SearchHit] = []
    notes = scope_notes(ctx, scope, language, inferred=kind != "pod")
    if kind in ("workload", "pod"):
        level: Level = "workload" if kind == "workload" else "pod"
        for group in group_pods(scope.pods, level, scope.snapshot):
            if pattern is not None and not pattern.fullmatch(group.name):
                continue
            e = evaluate(ctx, scope, group, language)
            states = {p.state for p in group.pods}
            hits.append(
                SearchHit(
                    kind=kind,
                    namespace=group.namespace,
                    name=group.name,
                    workload=group.name if kind == "workload" else infer_owner(group.name).name,
                    pod=None,
                    container_id=None,
                    nodes=sorted({p.node for p in group.pods}),
                    state=states.pop() if len(states) == 1 else "mixed",
                    power_watts=rounded(e.figures.power_watts),
                    pue=rounded(e.figures.pue, 4),
                    status=e.status,
                    emissions_gCO2eq_hour=rounded(e.figures.emissions_g_per_hour),
                    monthly_emissions_kgCO2eq=None if e.figures.monthly_kg is None else rounded(e.figures.monthly_kg),
                    monthly_basis=e.figures.monthly_basis,
                )
            )
    else:
        hits.extend(await container_hits(ctx, scope, pattern, notes, language))
    matching = [
        h
        for h in hits
        if (min_power_watts is None or h.power_watts >= min_power_watts)
        and (max_power_watts is None or h.power_watts <= max_power_watts)
        and (status is None or h.status == status)
    ]
    matching.sort(key=lambda h: (-h.power_watts, h.namespace, h.name, h.pod or "", h.container_id or ""))
    fingerprint = query_fingerprint(
        "search",
        {"kind": kind, "namespace": scope.namespace, "pattern": name_pattern, "min": min_power_watts,
         "max": max_power_watts, "status": status, "standard": scope.std.code, "region": scope.reg.code,
         "limit": limit},
    )  # fmt: skip
    page = paginate(
        matching,
        limit=limit,
        cursor=cursor,
        fingerprint=fingerprint,
        snapshot_seconds=snapshot_seconds(scope.snapshot),
    )
    matched_power = sum(h.power_watts for h in matching)
    notes += page_notes(page.stale, language)
    summary = tr(
        language,
        f"{len(matching)} of {len(hits)} {kind}s match ({fmt(matched_power)} W).",
        f"{ko_word(kind)} {len(hits)}개 중 {len(matching)}개가 일치합니다 ({fmt(matched_power)} W).",
    )
    return SearchResult(
        kind=kind,
        namespace=scope.namespace,
        name_pattern=name_pattern,
        min_power_watts=min_power_watts,
        max_power_watts=max_power_watts,
        status_filter=status,
        standard=scope.std.code,
        region=scope.reg.code,
        total_count=page.total,
        hits=page.items,
        omitted_count=page.omitted,
        next_cursor=page.next_cursor,
        matched_power_watts=rounded(matched_power),
        grid_carbon_intensity_gCO2eq_kWh=rounded(scope.grid.value),
        summary=summary,
        language=language,
        timestamp=iso(ctx.now().astimezone(UTC)),
        provenance=provenance(ctx, scope, matched_power),
        data_source=data_source_info(scope.snapshot, ctx.source.description, language),
        is_demo=scope.snapshot.is_demo,
        notes=notes,
    )


async def container_hits(
    ctx: AppContext, scope: Scope, pattern: re.Pattern[str] | None, notes: list[str], language: Language
) -> list[SearchHit]:
    endpoints = None if scope.namespace is None else sorted({p.endpoint for p in scope.pods})
    scrape = await ctx.fetch_detail(scope.snapshot, schema.CONTAINER_FAMILIES, endpoints)
    notes.extend(scrape.warnings)
    pods_by_uid = {p.uid: p for p in scope.snapshot.pods if p.uid}
    in_scope = {(p.namespace, p.uid) for p in scope.pods}
    hits: list[SearchHit] = []
    orphans = 0
    for container in container_readings(scrape.samples):
        pod = pods_by_uid.get(container.pod_uid)
        if pod is None:
            orphans += 1
            continue
        if (pod.namespace, pod.uid) not in in_scope:
            continue
        if pattern is not None and not pattern.fullmatch(container.name):
            continue
        pue, _, _ = ctx.node_pue(scope.snapshot, container.node, scope.reg)
        # A container is judged as its pod is (same node, same PUE, same coverage).
        verdict = judge(
            ctx,
            scope.std,
            region=scope.reg,
            grid=scope.grid,
            snapshot=scope.snapshot,
            figures=ctx.figures_for(scope.snapshot, [pod], scope.reg, scope.grid.value),
            pods=[pod],
            language=language,
        )
        emissions = calc.emissions_g_per_hour(container.power_watts, pue, scope.grid.value)
        hits.append(
            SearchHit(
                kind="container",
                namespace=pod.namespace,
                name=container.name,
                workload=infer_owner(pod.name).name,
                pod=pod.name,
                container_id=container.container_id,
                nodes=[container.node],
                state=container.state,
                power_watts=rounded(container.power_watts),
                pue=pue,
                status=verdict.status,
                emissions_gCO2eq_hour=rounded(emissions),
                monthly_emissions_kgCO2eq=rounded(calc.monthly_kg(emissions)),
                monthly_basis="continuous_at_current_power",
            )
        )
    if orphans and scope.namespace is None:
        notes.append(
            tr(
                language,
                f"{orphans} container series belong to pods Kepler no longer exports (no namespace known): skipped.",
                f"컨테이너 시계열 {orphans}개는 Kepler가 더 이상 내보내지 않는 파드 소속이라(네임스페이스 불명) 제외했습니다.",
            )
        )
    return hits
