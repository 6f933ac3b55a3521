"""Searching workloads, pods and containers by name pattern, power range and compliance status."""

from __future__ import annotations

import re
from datetime import UTC
from typing import TYPE_CHECKING

from carbon_kepler_mcp import calculations as calc
from carbon_kepler_mcp.detail import container_readings
from carbon_kepler_mcp.errors import InvalidArgumentError
from carbon_kepler_mcp.explore_models import Level, SearchHit, SearchKind, SearchResult
from carbon_kepler_mcp.exploring.common import (
    MAX_LIMIT,
    Context,
    check_power,
    context,
    evaluate,
    group_pods,
    iso,
    page_notes,
    provenance,
    rounded,
    scope_notes,
    snapshot_seconds,
)
from carbon_kepler_mcp.i18n import Language, fmt, tr
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.models import Status
from carbon_kepler_mcp.names import glob_to_regex, safe_repr
from carbon_kepler_mcp.paging import check_limit, paginate, query_fingerprint
from carbon_kepler_mcp.workloads import infer_owner

if TYPE_CHECKING:
    from carbon_kepler_mcp.explore import PowerExplorer


async def search(
    explorer: PowerExplorer,
    kind: SearchKind,
    namespace: str | None,
    name_pattern: str | None,
    min_power_watts: float | None,
    max_power_watts: float | None,
    status: Status | None,
    *,
    standard: str | None,
    region: str | None,
    limit: int,
    cursor: str | None,
    language: Language,
) -> SearchResult:
    """Workloads, pods or containers matching every filter, highest power first."""
    check_limit(limit, MAX_LIMIT)
    if kind not in ("workload", "pod", "container"):
        raise InvalidArgumentError(f"kind {safe_repr(str(kind))} is unknown: use workload, pod or container")
    check_power(min_power_watts, "min_power_watts")
    check_power(max_power_watts, "max_power_watts")
    if min_power_watts is not None and max_power_watts is not None and min_power_watts > max_power_watts:
        raise InvalidArgumentError(
            f"min_power_watts {min_power_watts} is greater than max_power_watts {max_power_watts}"
        )
    pattern = None if name_pattern is None else glob_to_regex(name_pattern)
    ctx = await context(explorer, namespace, standard, region)
    hits: list[SearchHit] = []
    notes = scope_notes(explorer, ctx, language, inferred=kind != "pod")
    if kind in ("workload", "pod"):
        level: Level = "workload" if kind == "workload" else "pod"
        for group in group_pods(ctx.pods, level, ctx.snapshot):
            if pattern is not None and not pattern.fullmatch(group.name):
                continue
            e = evaluate(explorer, ctx, group, language)
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
                    monthly_emissions_kgCO2eq=rounded(calc.monthly_kg(e.figures.emissions_g_per_hour)),
                )
            )
    else:
        hits.extend(await container_hits(explorer, ctx, pattern, notes, language))
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
        {"kind": kind, "namespace": ctx.namespace, "pattern": name_pattern, "min": min_power_watts,
         "max": max_power_watts, "status": status, "standard": ctx.std.code, "region": ctx.reg.code,
         "limit": limit},
    )  # fmt: skip
    page = paginate(
        matching,
        limit=limit,
        cursor=cursor,
        fingerprint=fingerprint,
        snapshot_seconds=snapshot_seconds(ctx.snapshot),
    )
    matched_power = sum(h.power_watts for h in matching)
    notes += page_notes(page.stale, language)
    summary = tr(
        language,
        f"{len(matching)} of {len(hits)} {kind}s match ({fmt(matched_power)} W).",
        f"{kind} {len(hits)}개 중 {len(matching)}개가 일치합니다 ({fmt(matched_power)} W).",
    )
    return SearchResult(
        kind=kind,
        namespace=ctx.namespace,
        name_pattern=name_pattern,
        min_power_watts=min_power_watts,
        max_power_watts=max_power_watts,
        status_filter=status,
        standard=ctx.std.code,
        region=ctx.reg.code,
        total_count=page.total,
        hits=page.items,
        omitted_count=page.omitted,
        next_cursor=page.next_cursor,
        matched_power_watts=rounded(matched_power),
        grid_carbon_intensity_gCO2eq_kWh=rounded(ctx.grid.value),
        summary=summary,
        language=language,
        timestamp=iso(explorer.clock().astimezone(UTC)),
        provenance=provenance(explorer, ctx, matched_power),
        data_source=explorer.service.data_source_info(ctx.snapshot, explorer.service.source.description),
        is_demo=ctx.snapshot.is_demo,
        notes=notes,
    )


async def container_hits(
    explorer: PowerExplorer, ctx: Context, pattern: re.Pattern[str] | None, notes: list[str], language: Language
) -> list[SearchHit]:
    endpoints = None if ctx.namespace is None else sorted({p.endpoint for p in ctx.pods})
    scrape = await explorer.fetch_detail(ctx.snapshot, schema.CONTAINER_FAMILIES, endpoints)
    notes.extend(scrape.warnings)
    pods_by_uid = {p.uid: p for p in ctx.snapshot.pods if p.uid}
    scope = {(p.namespace, p.uid) for p in ctx.pods}
    hits: list[SearchHit] = []
    orphans = 0
    for container in container_readings(scrape.samples):
        pod = pods_by_uid.get(container.pod_uid)
        if pod is None:
            orphans += 1
            continue
        if (pod.namespace, pod.uid) not in scope:
            continue
        if pattern is not None and not pattern.fullmatch(container.name):
            continue
        pue, _, _ = explorer.service.node_pue(ctx.snapshot, container.node, ctx.reg)
        intensity = calc.effective_intensity_g_per_kwh(ctx.grid.value, pue)
        emissions = calc.emissions_g_per_hour(container.power_watts, pue, ctx.grid.value)
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
                status=explorer.service.evaluate(ctx.std, intensity=intensity, pue=pue),
                emissions_gCO2eq_hour=rounded(emissions),
                monthly_emissions_kgCO2eq=rounded(calc.monthly_kg(emissions)),
            )
        )
    if orphans and ctx.namespace is None:
        notes.append(
            tr(
                language,
                f"{orphans} container series belong to pods Kepler no longer exports (no namespace known): skipped.",
                f"컨테이너 시계열 {orphans}개는 Kepler가 더 이상 내보내지 않는 파드 소속이라(네임스페이스 불명) 제외했습니다.",
            )
        )
    return hits
