"""Compare a workload's emissions now with its emissions after chosen optimisations, applied together.

Each optimisation is a *lever*: its impact row, the steps that apply it, and the reduction it makes. The
reductions combine multiplicatively: ``1 − Π(1 − rᵢ)`` over the quantified levers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from carbon_kepler_mcp import calculations as calc
from carbon_kepler_mcp.errors import InvalidArgumentError
from carbon_kepler_mcp.i18n import Language, tr
from carbon_kepler_mcp.models import ComparisonResult, OptimizationImpact, OptimizationType
from carbon_kepler_mcp.reference import Provenance
from carbon_kepler_mcp.usecases.common import (
    figure_notes,
    figure_provenance,
    rounded,
    snapshot_fields,
    utc_iso,
)
from carbon_kepler_mcp.usecases.footprint import evaluate
from carbon_kepler_mcp.usecases.levers import LEVERS, LeverInputs
from carbon_kepler_mcp.usecases.shifting import check_duration
from carbon_kepler_mcp.usecases.sizing import rightsizing_for

if TYPE_CHECKING:
    from carbon_kepler_mcp.service import CarbonService

ALL_OPTIMIZATIONS: tuple[OptimizationType, ...] = (
    "temporal_shift",
    "resource_rightsizing",
    "regional_migration",
    "pue_improvement",
)


async def compare(
    service: CarbonService,
    workload: str,
    namespace: str,
    optimizations: Sequence[OptimizationType],
    standard: str | None,
    region: str | None,
    language: Language,
    *,
    target_region: str | None,
    target_pue: float | None,
    rightsizing_reduction_percent: float | None,
    batch_duration_hours: float,
    window: str | int | None,
) -> ComparisonResult:
    """Current vs optimised emissions when the chosen optimisations are applied together."""
    if not optimizations:
        raise InvalidArgumentError("optimizations is empty; choose from " + ", ".join(ALL_OPTIMIZATIONS))
    if target_pue is not None and not 1.0 <= target_pue <= 5.0:
        raise InvalidArgumentError(f"target_pue {target_pue} is out of range: a PUE is between 1.0 and 5.0")
    if rightsizing_reduction_percent is not None and not 0 <= rightsizing_reduction_percent <= 90:
        raise InvalidArgumentError("rightsizing_reduction_percent must be between 0 and 90")
    check_duration(batch_duration_hours, "batch_duration_hours")
    std = service.standard(standard)
    reg = service.region(region)
    pue_std = service.standard(service.config.pue_standard)
    target_reg = service.region(target_region) if target_region else None
    snapshot = await service.read(namespace, window)
    wl = service.workload_pods(snapshot, workload, namespace)
    grid = service.grid(reg)
    figures = service.figures_for(snapshot, wl.pods, reg, grid.value)
    intensity = calc.effective_intensity_g_per_kwh(grid.value, figures.pue)
    now = service.now()
    inputs = LeverInputs(
        language=language,
        reference=service.reference,
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
    )

    impacts: list[OptimizationImpact] = []
    steps: list[str] = []
    fractions: list[float] = []
    intensity_factor = 1.0
    power_factor = 1.0
    for kind in dict.fromkeys(optimizations):
        lever = LEVERS[kind](inputs)
        impacts.append(lever.impact)
        steps += lever.steps
        if lever.fraction is not None:
            fractions.append(lever.fraction)
        intensity_factor *= lever.intensity_factor
        power_factor *= lever.power_factor
    new_pue = min(figures.pue, inputs.pue_goal) if "pue_improvement" in optimizations else figures.pue
    combined = calc.combine_reductions(fractions)
    optimized_emissions = figures.emissions_g_per_hour * (1.0 - combined)
    optimized_intensity = intensity * intensity_factor
    energy_now = calc.monthly_energy_kwh(figures.power_watts, figures.pue)
    energy_after = calc.monthly_energy_kwh(figures.power_watts * power_factor, new_pue)
    price = service.config.electricity_price_usd_per_kwh
    provenance = figure_provenance(service, snapshot, grid, figures)
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
        current_status=evaluate(std, intensity=intensity, pue=figures.pue),
        optimized_status=evaluate(std, intensity=optimized_intensity, pue=new_pue),
        reduction_percent=rounded(calc.percent(combined), 2),
        estimated_cost_savings_usd_month=rounded((energy_now - energy_after) * price, 2),
        implementation_steps=steps,
        current_monthly_kgCO2eq=rounded(calc.monthly_kg(figures.emissions_g_per_hour)),
        optimized_monthly_kgCO2eq=rounded(calc.monthly_kg(optimized_emissions)),
        current_intensity_gCO2eq_kWh=rounded(intensity),
        optimized_intensity_gCO2eq_kWh=rounded(optimized_intensity),
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
        **snapshot_fields(service, snapshot, wl.pods, wl.namespace),
    )
