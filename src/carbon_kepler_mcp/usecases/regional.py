"""Compare a workload's emissions across regions, on one intensity basis and at the same PUE."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from carbon_kepler_mcp import calculations as calc
from carbon_kepler_mcp.errors import InvalidArgumentError
from carbon_kepler_mcp.i18n import Language, fmt, tr
from carbon_kepler_mcp.models import RegionalComparisonResult, RegionFigures
from carbon_kepler_mcp.reference import Region
from carbon_kepler_mcp.usecases.common import figure_notes, rounded, snapshot_fields, utc_iso

if TYPE_CHECKING:
    from carbon_kepler_mcp.service import CarbonService

MAX_REGIONS = 50


async def regional_comparison(
    service: CarbonService,
    workload: str,
    namespace: str,
    current_region: str | None,
    comparison_regions: Sequence[str] | None,
    language: Language,
    *,
    window: str | int | None,
) -> RegionalComparisonResult:
    """The workload's emissions in other regions, on one intensity basis and at the same PUE."""
    current = service.region(current_region)
    codes = list(dict.fromkeys(comparison_regions or service.reference.regions))
    if len(codes) > MAX_REGIONS:
        raise InvalidArgumentError(f"comparison_regions lists more than {MAX_REGIONS} regions")
    regions = [service.region(code) for code in codes]
    if current.code not in {r.code for r in regions}:
        regions.insert(0, current)
    snapshot = await service.read(namespace, window)
    wl = service.workload_pods(snapshot, workload, namespace)
    figures = service.figures_for(snapshot, wl.pods, current, current.comparison_intensity.value)
    base = calc.emissions_g_per_hour(figures.power_watts, figures.pue, current.comparison_intensity.value)
    rows = sorted(
        (_row(reg, current, figures.power_watts, figures.pue) for reg in regions),
        key=lambda row: (row.grid_carbon_intensity_gCO2eq_kWh, row.region),
    )
    best = rows[0]
    best_region = next(r for r in regions if r.code == best.region)
    residency: list[str] = []
    if best_region.country != current.country:
        residency.append(current.data_residency_ko if language == "ko" else current.data_residency)
    if best.region == current.code or best.savings_percent <= 0:
        text = tr(
            language,
            f"Stay in {current.code}: none of the compared regions has a cleaner grid on this basis.",
            f"{current.code}에 유지하세요: 비교한 리전 중 더 깨끗한 전력망이 없습니다.",
        )
    else:
        text = tr(
            language,
            f"Moving to {best.region} ({best.name}) would cut emissions by {fmt(best.savings_percent)}% "
            f"({fmt(base - best.emissions_gCO2eq_hour)} gCO2eq/h) at the same PUE. Weigh latency to your users "
            "and data-residency duties first.",
            f"{best.region} ({best.name_ko})로 옮기면 같은 PUE에서 배출량이 {fmt(best.savings_percent)}% "
            f"({fmt(base - best.emissions_gCO2eq_hour)} gCO2eq/h) 줄어듭니다. 사용자 지연 시간과 데이터 소재지 의무를 "
            "먼저 검토하세요.",
        )
        if residency:
            text += " " + residency[0]
    notes = figure_notes(snapshot, figures, window, language)
    notes.append(
        tr(
            language,
            "All regions use Electricity Maps 2024 yearly lifecycle averages so they compare like with like; "
            "Korean compliance figures use the official national factor instead.",
            "모든 리전은 동일 비교를 위해 Electricity Maps 2024 연평균 전과정 값을 사용합니다. 한국 준수 판정에는 "
            "공식 국가 배출계수를 사용합니다.",
        )
    )
    return RegionalComparisonResult(
        workload=wl.resolved.name,
        namespace=wl.namespace,
        current_region=current.code,
        power_watts=rounded(figures.power_watts),
        pue=rounded(figures.pue, 4),
        comparison_basis="Electricity Maps yearly lifecycle average, 2024",
        comparisons=rows,
        best_region=best.region,
        best_region_savings_percent=max(0.0, best.savings_percent),
        migration_recommendation=text,
        data_residency=residency,
        language=language,
        timestamp=utc_iso(service.now()),
        provenance={
            "pue": figures.pue_provenance,
            "current_power": service.power_provenance(snapshot, figures.power_watts),
            "current_region_intensity": current.comparison_intensity,
        },
        notes=notes,
        **snapshot_fields(service, snapshot, wl.pods, wl.namespace),
    )


def _row(reg: Region, current: Region, power_watts: float, pue: float) -> RegionFigures:
    """The workload's figures in one region, at its measured power and PUE."""
    grid = reg.comparison_intensity.value
    emissions = calc.emissions_g_per_hour(power_watts, pue, grid)
    return RegionFigures(
        region=reg.code,
        name=reg.name,
        name_ko=reg.name_ko,
        country=reg.country,
        grid_carbon_intensity_gCO2eq_kWh=grid,
        effective_intensity_gCO2eq_kWh=rounded(calc.effective_intensity_g_per_kwh(grid, pue)),
        emissions_gCO2eq_hour=rounded(emissions),
        monthly_emissions_kgCO2eq=rounded(calc.monthly_kg(emissions)),
        savings_percent=rounded(calc.percent(calc.reduction_fraction(current.comparison_intensity.value, grid)), 2),
        is_current=reg.code == current.code,
        intensity_provenance=reg.comparison_intensity,
    )
