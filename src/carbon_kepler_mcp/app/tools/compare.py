"""Compare a workload's emissions now with its emissions after chosen optimisations, applied together.

Each optimisation is a *lever*: its impact row, the steps that apply it, and the reduction it makes. The
reductions combine multiplicatively: ``1 − Π(1 − rᵢ)`` over the quantified levers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from carbon_kepler_mcp.app import verdicts
from carbon_kepler_mcp.app.common import (
    figure_notes,
    figure_provenance,
    snapshot_fields,
    utc_iso,
)
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.levers import LEVERS, LeverInputs
from carbon_kepler_mcp.app.requests import CompareRequest
from carbon_kepler_mcp.app.results import ComparisonResult, OptimizationImpact, OptimizationType
from carbon_kepler_mcp.app.shifting import check_duration
from carbon_kepler_mcp.app.sizing import rightsizing_for
from carbon_kepler_mcp.domain import calculations as calc
from carbon_kepler_mcp.domain.i18n import tr
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.errors import InvalidArgumentError
from carbon_kepler_mcp.reference import Provenance

ALL_OPTIMIZATIONS: tuple[OptimizationType, ...] = (
    "temporal_shift",
    "resource_rightsizing",
    "regional_migration",
    "pue_improvement",
)


async def run(ctx: AppContext, req: CompareRequest) -> ComparisonResult:
    """Current vs optimised emissions when the chosen optimisations are applied together."""
    workload, namespace, standard, region, language, window = (
        req.workload_name,
        req.namespace,
        req.standard,
        req.region,
        req.language,
        req.window,
    )
    optimizations: Sequence[OptimizationType] = ALL_OPTIMIZATIONS if req.optimizations is None else req.optimizations
    target_region, target_pue = req.target_region, req.target_pue
    rightsizing_reduction_percent, batch_duration_hours = req.rightsizing_reduction_percent, req.batch_duration_hours
    if not optimizations:
        raise InvalidArgumentError("optimizations is empty; choose from " + ", ".join(ALL_OPTIMIZATIONS))
    if target_pue is not None and not 1.0 <= target_pue <= 5.0:
        raise InvalidArgumentError(f"target_pue {target_pue} is out of range: a PUE is between 1.0 and 5.0")
    if rightsizing_reduction_percent is not None and not 0 <= rightsizing_reduction_percent <= 90:
        raise InvalidArgumentError("rightsizing_reduction_percent must be between 0 and 90")
    check_duration(batch_duration_hours, "batch_duration_hours")
    std = ctx.standard(standard)
    reg = ctx.region(region)
    pue_std = ctx.pue_standard()
    target_reg = ctx.region(target_region) if target_region else None
    snapshot = await ctx.read(namespace, window)
    wl = ctx.workload_pods(snapshot, workload, namespace)
    grid = ctx.grid(reg)
    figures = ctx.figures_for(snapshot, wl.pods, reg, grid.value, wl.resolved.kind)
    intensity = calc.effective_intensity_g_per_kwh(grid.value, figures.pue)
    now = ctx.now()
    inputs = LeverInputs(
        language=language,
        reference=ctx.reference,
        wl=wl,
        region=reg,
        grid=grid.value,
        figures=figures,
        now=now,
        pue_goal=target_pue or (pue_std.limit.value if pue_std.limit else figures.pue),
        target_region=target_reg,
        sizing=rightsizing_for(snapshot, wl.pods, figures) if rightsizing_reduction_percent is None else None,
        rightsizing_reduction_percent=rightsizing_reduction_percent,
        batch_duration_hours=batch_duration_hours,
        shiftable=ctx.shiftable(snapshot, wl.namespace, wl.resolved.name, wl.resolved.kind, wl.pods),
    )

    impacts: list[OptimizationImpact] = []
    steps: list[str] = []
    fractions: list[float] = []
    intensity_factor = 1.0
    power_factor = 1.0
    node_watts_saved = 0.0
    # A shift after a migration is a shift in the destination's grid (its hours, its time zone).
    destination = target_reg or ctx.reference.cleanest_region()
    moved = replace(inputs, region=destination, grid=destination.comparison_intensity.value)
    for kind in dict.fromkeys(optimizations):
        migrating = "regional_migration" in optimizations and kind == "temporal_shift"
        lever = LEVERS[kind](moved if migrating else inputs)
        impacts.append(lever.impact)
        steps += lever.steps
        if lever.fraction is not None:
            fractions.append(lever.fraction)
        intensity_factor *= lever.intensity_factor
        power_factor *= lever.power_factor
        node_watts_saved += lever.node_watts_saved
    verdict = verdicts.judge(
        ctx, std, region=reg, grid=grid, snapshot=snapshot, figures=figures, pods=wl.pods, language=language
    )
    after_region = destination if "regional_migration" in optimizations else reg
    new_pue = min(figures.pue, inputs.pue_goal) if "pue_improvement" in optimizations else figures.pue
    combined = calc.combine_reductions(fractions)
    optimized_emissions = figures.emissions_g_per_hour * (1.0 - combined)
    optimized_intensity = intensity * intensity_factor
    energy_now = calc.monthly_energy_kwh(figures.power_watts, figures.pue)
    energy_after = calc.monthly_energy_kwh(figures.power_watts * power_factor, new_pue) - calc.monthly_energy_kwh(
        node_watts_saved, new_pue
    )
    price = ctx.config.electricity_price_usd_per_kwh
    provenance = figure_provenance(ctx, snapshot, grid, figures)
    provenance["electricity_price"] = Provenance(
        value=price,
        unit="USD/kWh",
        year=None,
        basis="assumption for cost estimates (operator setting), not a cited tariff",
        publisher="operator settings (CARBON_KEPLER_ELECTRICITY_PRICE_USD_PER_KWH)",
        source="settings",
    )
    if std.limit is not None:
        provenance["standard_limit"] = std.limit
    return ComparisonResult(
        workload=wl.resolved.name,
        namespace=wl.namespace,
        standard=std.code,
        region=reg.code,
        current_emissions_gCO2eq_hour=rounded(figures.emissions_g_per_hour),
        optimized_emissions_gCO2eq_hour=rounded(optimized_emissions),
        current_status=verdict.status,
        optimized_status=verdicts.hypothetical(
            ctx,
            std,
            verdict,
            region=after_region,
            grid=ctx.grid(after_region),
            intensity=optimized_intensity,
            pue=new_pue,
        ),
        reduction_percent=rounded(calc.percent(combined), 2),
        estimated_cost_savings_usd_month=rounded((energy_now - energy_after) * price, 2),
        implementation_steps=steps,
        current_monthly_kgCO2eq=None if figures.monthly_kg is None else rounded(figures.monthly_kg),
        monthly_basis=figures.monthly_basis,
        optimized_monthly_kgCO2eq=None
        if figures.monthly_kg is None
        else rounded(figures.monthly_kg * (1.0 - combined)),
        current_effective_intensity_gCO2eq_kWh=rounded(intensity),
        optimized_effective_intensity_gCO2eq_kWh=rounded(optimized_intensity),
        impacts=impacts,
        combination_method=tr(
            language,
            "multiplicative: reduction = 1 − Π(1 − rᵢ) over the quantified optimisations",
            "곱셈 결합: 감축률 = 1 − Π(1 − rᵢ) (정량화된 항목만)",
        ),
        language=language,
        timestamp=utc_iso(now),
        provenance=provenance,
        notes=figure_notes(snapshot, figures, window, language),
        **snapshot_fields(ctx, snapshot, wl.pods, wl.namespace, language),
    )
