"""Hotspots: consumers at or above a power threshold or failing a compliance check, with preventive actions."""

from __future__ import annotations

from datetime import UTC

from carbon_kepler_mcp.app.actions import PRIORITY_ORDER, preventive_actions
from carbon_kepler_mcp.app.common import data_source_info
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.explore_common import (
    Evaluated,
    check_power,
    consumer_fields,
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
from carbon_kepler_mcp.app.explore_results import Hotspot, HotspotsResult, PreventiveAction
from carbon_kepler_mcp.app.requests import MAX_LIMIT, HotspotsRequest
from carbon_kepler_mcp.domain.i18n import fmt, status_text, tr
from carbon_kepler_mcp.domain.paging import check_limit, paginate, query_fingerprint
from carbon_kepler_mcp.domain.units import rounded


async def run(ctx: AppContext, req: HotspotsRequest) -> HotspotsResult:
    """Consumers at or above the power threshold (or failing a compliance check), highest power first."""
    namespace, power_threshold_watts, include_compliance_check = (
        req.namespace,
        req.power_threshold_watts,
        req.include_compliance_check,
    )
    level, standard, region, limit, cursor, language, window = (
        req.level,
        req.standard,
        req.region,
        req.limit,
        req.cursor,
        req.language,
        req.window,
    )
    check_power(power_threshold_watts, "power_threshold_watts")
    check_limit(limit, MAX_LIMIT)
    scope = await scope_of(ctx, namespace, standard, region, window)
    evaluated = ordered(
        [evaluate(ctx, scope, g, language) for g in group_pods(scope.pods, level, scope.snapshot)], "power"
    )
    scope_power = sum(e.figures.power_watts for e in evaluated)
    found: list[tuple[Evaluated, list[str]]] = []
    for e in evaluated:
        reasons: list[str] = []
        if e.figures.power_watts >= power_threshold_watts and e.figures.power_watts > 0:
            reasons.append(
                tr(
                    language,
                    f"power {fmt(e.figures.power_watts)} W ≥ threshold {fmt(power_threshold_watts)} W",
                    f"전력 {fmt(e.figures.power_watts)} W ≥ 기준 {fmt(power_threshold_watts)} W",
                )
            )
        if include_compliance_check:
            if e.status == "NON_COMPLIANT":
                reasons.append(
                    tr(
                        language,
                        f"{status_text(language, e.status)} with {scope.std.code} (intensity {fmt(e.intensity)} "
                        "gCO2eq/kWh)",
                        f"{scope.std.code} {status_text(language, e.status)} (탄소 집약도 {fmt(e.intensity)} gCO2eq/kWh)",
                    )
                )
            if e.pue_status == "NON_COMPLIANT":
                reasons.append(
                    tr(
                        language,
                        f"PUE {e.figures.pue:.2f} {status_text(language, e.pue_status)} with {scope.pue_std.code}",
                        f"PUE {e.figures.pue:.2f} {scope.pue_std.code} {status_text(language, e.pue_status)}",
                    )
                )
        if reasons:
            found.append((e, reasons))
    fingerprint = query_fingerprint(
        "hotspots",
        {"namespace": scope.namespace, "threshold": power_threshold_watts, "check": include_compliance_check,
         "level": level, "standard": scope.std.code, "region": scope.reg.code, "limit": limit},
    )  # fmt: skip
    page = paginate(
        found,
        limit=limit,
        cursor=cursor,
        fingerprint=fingerprint,
        snapshot_seconds=snapshot_seconds(scope.snapshot),
    )
    now = ctx.now()
    hotspots: list[Hotspot] = []
    actions: list[PreventiveAction] = []
    for index, (e, reasons) in enumerate(page.items):
        fields = consumer_fields(e, page.offset + index + 1, level, scope_power, include_compliance_check)
        hotspots.append(Hotspot.model_validate({**fields, "reasons": reasons}))
        actions.extend(
            preventive_actions(
                ctx, scope, e, scope_power, power_threshold_watts, include_compliance_check, now, language
            )
        )
    actions.sort(
        key=lambda a: (
            PRIORITY_ORDER[a.priority],
            a.estimated_savings_kgCO2eq_month is None,
            -(a.estimated_savings_kgCO2eq_month or 0.0),
            a.resource,
            a.type,
        )
    )
    hotspot_power = sum(e.figures.power_watts for e, _ in found)
    scope_text = scope.namespace or tr(language, "the cluster", "클러스터")
    summary = tr(
        language,
        f"{len(found)} hotspots in {scope_text} draw {fmt(hotspot_power)} W of {fmt(scope_power)} W "
        f"({fmt(percent(hotspot_power, scope_power))}%).",
        f"{scope_text}의 핫스팟 {len(found)}개가 {fmt(scope_power)} W 중 {fmt(hotspot_power)} W "
        f"({fmt(percent(hotspot_power, scope_power))}%)를 씁니다.",
    )
    if found:
        first = found[0][0]
        summary += " " + tr(
            language,
            f"Largest: {first.group.namespace}/{first.group.name} ({fmt(first.figures.power_watts)} W).",
            f"최대: {first.group.namespace}/{first.group.name} ({fmt(first.figures.power_watts)} W).",
        )
    notes = scope_notes(ctx, scope, language, inferred=level == "workload") + page_notes(page.stale, language)
    notes.append(
        tr(
            language,
            "Monthly figures assume today's power for 730 h; a batch job that runs a few hours a day emits less.",
            "월간 수치는 현재 전력이 730시간 계속된다고 가정합니다. 하루 몇 시간만 도는 배치 작업은 더 적게 배출합니다.",
        )
    )
    return HotspotsResult(
        scope="cluster" if scope.namespace is None else "namespace",
        namespace=scope.namespace,
        level=level,
        standard=scope.std.code,
        pue_standard=scope.pue_std.code,
        region=scope.reg.code,
        power_threshold_watts=power_threshold_watts,
        include_compliance_check=include_compliance_check,
        total_count=page.total,
        hotspots=hotspots,
        omitted_count=page.omitted,
        next_cursor=page.next_cursor,
        hotspot_power_watts=rounded(hotspot_power),
        scope_power_watts=rounded(scope_power),
        preventive_actions=actions,
        grid_carbon_intensity_gCO2eq_kWh=rounded(scope.grid.value),
        summary=summary,
        language=language,
        timestamp=iso(now.astimezone(UTC)),
        provenance=provenance(ctx, scope, scope_power),
        data_source=data_source_info(scope.snapshot, ctx.source.description, language),
        is_demo=scope.snapshot.is_demo,
        notes=notes,
    )
