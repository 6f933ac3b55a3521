"""Assess one workload against a standard, with ranked recommendations."""

from __future__ import annotations

from collections.abc import Sequence

from carbon_kepler_mcp.app import optimize
from carbon_kepler_mcp.app.common import (
    figure_notes,
    figure_provenance,
    pue_source_text,
    resolution_text,
    snapshot_fields,
    utc_iso,
)
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.footprint import BATCH_KINDS, Figures, evaluate
from carbon_kepler_mcp.app.requests import AssessRequest
from carbon_kepler_mcp.app.results import AssessmentResult, Optimization, Status
from carbon_kepler_mcp.app.sizing import rightsizing_for
from carbon_kepler_mcp.domain import calculations as calc
from carbon_kepler_mcp.domain.i18n import Language, fmt, josa, status_text, tr
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.reference import Standard


async def run(ctx: AppContext, req: AssessRequest) -> AssessmentResult:
    """Compliance of one workload with a standard, with ranked recommendations."""
    workload, namespace, standard, region, language, window = (
        req.workload_name,
        req.namespace,
        req.standard,
        req.region,
        req.language,
        req.window,
    )
    std = ctx.standard(standard)
    reg = ctx.region(region)
    pue_std = ctx.standard(ctx.config.pue_standard)
    snapshot = await ctx.read(namespace, window)
    wl = ctx.workload_pods(snapshot, workload, namespace)
    grid = ctx.grid(reg)
    figures = ctx.figures_for(snapshot, wl.pods, reg, grid.value, wl.resolved.kind)
    intensity = calc.effective_intensity_g_per_kwh(grid.value, figures.pue)
    status = evaluate(std, intensity=intensity, pue=figures.pue)
    pue_status = evaluate(pue_std, intensity=intensity, pue=figures.pue)
    limit = std.limit.value if std.limit is not None and std.kind == "carbon_intensity" else None
    pue_target = pue_std.limit.value if pue_std.limit is not None else None
    now = ctx.now()

    optimizations, _ = optimize.optimizations(
        ctx.reference,
        language,
        std=std,
        pue_std=pue_std,
        region=reg,
        grid=grid.value,
        snapshot=snapshot,
        pods=wl.pods,
        figures=figures,
        intensity=intensity,
        shiftable=wl.resolved.kind in BATCH_KINDS,
        now=now,
    )
    sizing = rightsizing_for(snapshot, wl.pods, figures)

    gap = None if limit is None else calc.gap_percent(intensity, limit)
    provenance = figure_provenance(ctx, snapshot, grid, figures)
    if std.limit is not None:
        provenance["standard_limit"] = std.limit
    if pue_std.limit is not None:
        provenance["pue_target"] = pue_std.limit
    notes = figure_notes(snapshot, figures, window, language)
    if not wl.running:
        notes.append(
            tr(
                language,
                "No pod of this workload is running now: current power and emissions are 0.",
                "현재 실행 중인 파드가 없어 현재 전력과 배출량은 0입니다.",
            )
        )
    return AssessmentResult(
        workload=wl.resolved.name,
        namespace=namespace,
        standard=std.code,
        status=status,
        current_power_watts=rounded(figures.power_watts),
        grid_carbon_intensity_gCO2eq_kWh=rounded(grid.value),
        estimated_workload_intensity_gCO2eq_kWh=rounded(intensity),
        pue=rounded(figures.pue, 4),
        pue_status=pue_status,
        carbon_emissions_gCO2eq_hour=rounded(figures.emissions_g_per_hour),
        recommendation=_assessment_text(language, std, status, intensity, limit, figures, optimizations),
        optimizations=optimizations,
        timestamp=utc_iso(now),
        region=reg.code,
        language=language,
        workload_kind=wl.resolved.kind,
        resolution=resolution_text(wl.resolved, language),
        pods=list(figures.per_pod),
        facility_power_watts=rounded(calc.facility_power_watts(figures.power_watts, figures.pue)),
        window_emissions_gCO2eq=None if figures.window_emissions_g is None else rounded(figures.window_emissions_g),
        monthly_emissions_kgCO2eq=None if figures.monthly_kg is None else rounded(figures.monthly_kg),
        monthly_basis=figures.monthly_basis,
        target_intensity_gCO2eq_kWh=limit,
        gap_percent=None if gap is None else rounded(gap, 2),
        standard_detail=ctx.standard_info(std, language),
        pue_standard=ctx.standard_info(pue_std, language),
        pue_target=pue_target,
        pue_detail=figures.pue_detail.model_copy(
            update={"detail": pue_source_text(figures.pue_detail.source, figures.pue_detail.detail, language)}
        ),
        provenance=provenance,
        notes=notes,
        rightsizing=None if sizing is None else sizing.detail,
        **snapshot_fields(ctx, snapshot, wl.pods, namespace, language),
    )


def _assessment_text(
    language: Language,
    std: Standard,
    status: Status,
    intensity: float,
    limit: float | None,
    figures: Figures,
    optimizations: Sequence[Optimization],
) -> str:
    if status == "NOT_ASSESSABLE":
        head = tr(
            language,
            f"{std.code} cannot be assessed from power data: {std.legal_status_note}",
            f"{josa(std.code, '는')} 전력 데이터로 평가할 수 없습니다: {std.legal_status_note_ko}",
        )
    elif limit is not None:
        head = tr(
            language,
            f"{status_text(language, status)}: effective intensity {fmt(intensity)} gCO2eq/kWh "
            f"(grid × PUE {figures.pue:.2f}) against the {std.code} limit of {fmt(limit)}.",
            f"{status_text(language, status)}: 실효 탄소 집약도 {fmt(intensity)} gCO2eq/kWh "
            f"(전력망 × PUE {figures.pue:.2f}), {std.code} 기준 {fmt(limit)}.",
        )
    else:
        assert std.limit is not None
        head = tr(
            language,
            f"{status_text(language, status)}: PUE {figures.pue:.2f} against the {std.code} limit of "
            f"{std.limit.value:.2f}.",
            f"{status_text(language, status)}: PUE {figures.pue:.2f}, {std.code} 기준 {std.limit.value:.2f}.",
        )
    top = next((o for o in optimizations if o.quantified), None)
    if top is None:
        return head
    return (
        head
        + " "
        + tr(
            language,
            f"Largest lever: {top.title} (−{fmt(top.estimated_reduction_percent or 0)}%).",
            f"가장 큰 개선책: {top.title} (−{fmt(top.estimated_reduction_percent or 0)}%).",
        )
    )
