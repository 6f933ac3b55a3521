"""Assess one workload against a standard, with ranked recommendations."""

from __future__ import annotations

from collections.abc import Sequence

from carbon_kepler_mcp.app import optimize, verdicts
from carbon_kepler_mcp.app.budgets import budget_status, covering_budget
from carbon_kepler_mcp.app.common import (
    figure_notes,
    figure_provenance,
    pue_source_text,
    resolution_text,
    snapshot_fields,
    utc_iso,
)
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.embodied import embodied_figures
from carbon_kepler_mcp.app.intensity import info as intensity_info
from carbon_kepler_mcp.app.intensity import provenance as intensity_provenance
from carbon_kepler_mcp.app.intensity import window_time_resolved
from carbon_kepler_mcp.app.requests import AssessRequest
from carbon_kepler_mcp.app.results import AssessmentResult, BudgetStatus, Optimization
from carbon_kepler_mcp.app.sci import sci_for
from carbon_kepler_mcp.app.sizing import rightsizing_for
from carbon_kepler_mcp.app.verdicts import Verdict
from carbon_kepler_mcp.domain import calculations as calc
from carbon_kepler_mcp.domain.i18n import Language, fmt, tr
from carbon_kepler_mcp.domain.units import rounded


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
    named_budget = ctx.policy.budget(standard) if standard else None
    std = ctx.standard(None if named_budget is not None else standard)
    reg = ctx.region(region)
    pue_std = ctx.pue_standard()
    snapshot = await ctx.read(namespace, window)
    wl = ctx.workload_pods(snapshot, workload, namespace)
    grid = ctx.grid(reg)
    figures = ctx.figures_for(snapshot, wl.pods, reg, grid.value, wl.resolved.kind)
    intensity = calc.effective_intensity_g_per_kwh(grid.value, figures.pue)
    verdict = verdicts.judge(
        ctx, std, region=reg, grid=grid, snapshot=snapshot, figures=figures, pods=wl.pods, language=language
    )
    pue_verdict = verdicts.judge(
        ctx, pue_std, region=reg, grid=grid, snapshot=snapshot, figures=figures, pods=wl.pods, language=language
    )
    covering = named_budget or await covering_budget(ctx, namespace, wl.resolved.name, wl.pods)
    budget = None
    if covering is not None:
        scope_pods = wl.pods if covering.workload is not None else ctx.namespace_pods(snapshot, namespace)
        budget = await budget_status(
            ctx,
            covering,
            region=reg,
            grid=grid,
            snapshot=snapshot,
            pods=scope_pods,
            kind=wl.resolved.kind if covering.workload is not None else None,
            language=language,
        )
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
        shiftable=ctx.shiftable(snapshot, namespace, wl.resolved.name, wl.resolved.kind, wl.pods),
        now=now,
        assessed=verdict.assessed,
    )
    sizing = rightsizing_for(snapshot, wl.pods, figures)

    gap = None if limit is None else calc.gap_percent(intensity, limit)
    provenance = figure_provenance(ctx, snapshot, grid, figures)
    if std.limit is not None:
        provenance["standard_limit"] = std.limit
    if pue_std.limit is not None:
        provenance["pue_target"] = pue_std.limit
    notes = figure_notes(snapshot, figures, window, language)
    resolved = await window_time_resolved(ctx, snapshot, wl, reg, figures, grid.value, language)
    if resolved is not None:
        notes.extend(resolved.notes)
        if resolved.series is not None and resolved.emissions_g is not None and figures.window_emissions_g:
            kwh = figures.window_emissions_g / grid.value if grid.value > 0 else 0.0
            provenance["time_resolved_intensity"] = intensity_provenance(
                resolved.series, rounded(resolved.emissions_g / kwh) if kwh > 0 else 0.0
            )
    if not wl.running:
        notes.append(
            tr(
                language,
                "No pod of this workload is running now: current power and emissions are 0.",
                "현재 실행 중인 파드가 없어 현재 전력과 배출량은 0입니다.",
            )
        )
    sci = await sci_for(
        ctx,
        namespace,
        wl.resolved.name,
        snapshot,
        operational_g=figures.window_emissions_g,
        embodied_g=embodied_figures(snapshot, wl.pods, ctx.config.node_hardware).window_embodied_gCO2eq,
        language=language,
    )
    return AssessmentResult(
        sci=sci,
        workload=wl.resolved.name,
        namespace=namespace,
        standard=std.code if named_budget is None else named_budget.name,
        status=verdict.status if named_budget is None or budget is None else budget.status,
        status_reason=verdict.reason if named_budget is None or budget is None else budget.status_reason,
        status_note=verdict.sentence if named_budget is None or budget is None else budget.sentence,
        failing_pods=list(verdict.failing_pods),
        current_power_watts=rounded(figures.power_watts),
        grid_carbon_intensity_gCO2eq_kWh=rounded(grid.value),
        estimated_workload_intensity_gCO2eq_kWh=rounded(intensity),
        pue=rounded(figures.pue, 4),
        pue_status=pue_verdict.status,
        pue_status_reason=pue_verdict.reason,
        pue_status_note=pue_verdict.sentence,
        pue_score=pue_verdict.score,
        budget_status=budget,
        carbon_emissions_gCO2eq_hour=rounded(figures.emissions_g_per_hour),
        recommendation=_assessment_text(language, verdict, budget, optimizations),
        optimizations=optimizations,
        timestamp=utc_iso(now),
        region=reg.code,
        language=language,
        workload_kind=wl.resolved.kind,
        resolution=resolution_text(wl.resolved, language),
        pods=list(figures.per_pod),
        facility_power_watts=rounded(calc.facility_power_watts(figures.power_watts, figures.pue)),
        window_emissions_gCO2eq=None if figures.window_emissions_g is None else rounded(figures.window_emissions_g),
        time_resolved_window_emissions_gCO2eq=None
        if resolved is None or resolved.emissions_g is None
        else rounded(resolved.emissions_g),
        intensity_provider=None
        if resolved is None or resolved.series is None
        else intensity_info(resolved.series, now, language),
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
    language: Language, verdict: Verdict, budget: BudgetStatus | None, optimizations: Sequence[Optimization]
) -> str:
    """The verdict sentence (a budget's first when one covers the workload), then the largest lever."""
    head = verdict.sentence if budget is None else f"{budget.sentence} {verdict.sentence}"
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
