"""Compare a workload's emissions across regions, on one intensity basis and at the same PUE."""

from __future__ import annotations

from carbon_kepler_mcp.app import footprint
from carbon_kepler_mcp.app.common import figure_notes, snapshot_fields, utc_iso
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.footprint import Figures
from carbon_kepler_mcp.app.requests import RegionalRequest
from carbon_kepler_mcp.app.results import RegionalComparisonResult, RegionFigures
from carbon_kepler_mcp.domain import calculations as calc
from carbon_kepler_mcp.domain.i18n import fmt, josa, tr
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.errors import InvalidArgumentError
from carbon_kepler_mcp.reference import Region

MAX_REGIONS = 50


async def run(ctx: AppContext, req: RegionalRequest) -> RegionalComparisonResult:
    """The workload's emissions in other regions, on one intensity basis and at the same PUE."""
    result, _ = await compare(ctx, req)
    return result


async def compare(ctx: AppContext, req: RegionalRequest) -> tuple[RegionalComparisonResult, Figures]:
    """The comparison and the workload's figures (unrounded) in its current region, for savings."""
    workload, namespace, current_region, comparison_regions, language, window = (
        req.workload_name,
        req.namespace,
        req.current_region,
        req.comparison_regions,
        req.language,
        req.window,
    )
    current = ctx.region(current_region)
    # By default every cloud region: an on-premises site is a place to report, not a destination.
    codes = list(dict.fromkeys(comparison_regions or [r.code for r in ctx.reference.cloud_regions()]))
    if len(codes) > MAX_REGIONS:
        raise InvalidArgumentError(f"comparison_regions lists more than {MAX_REGIONS} regions")
    regions = [ctx.region(code) for code in codes]
    if current.code not in {r.code for r in regions}:
        regions.insert(0, current)
    snapshot = await ctx.read(namespace, window)
    wl = ctx.workload_pods(snapshot, workload, namespace)
    # The workload's one footprint (the same figures as every other tool); other regions scale it by the
    # like-for-like ratio of their intensity to the current region's, both on the comparison basis.
    figures = ctx.figures_for(snapshot, wl.pods, current, ctx.grid(current).value, wl.resolved.kind)
    base = figures.emissions_g_per_hour
    rows = sorted(
        (_row(reg, current, figures) for reg in regions),
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
            f"({fmt(footprint.move_savings_g_per_hour(base, current, best_region))} gCO2eq/h) at the same PUE. Weigh latency to your users "
            "and data-residency duties first.",
            f"{josa(f'{best.region} ({best.name_ko})', '로')} 옮기면 같은 PUE에서 배출량이 {fmt(best.savings_percent)}% "
            f"({fmt(footprint.move_savings_g_per_hour(base, current, best_region))} gCO2eq/h) 줄어듭니다. 사용자 지연 시간과 데이터 소재지 의무를 "
            "먼저 검토하세요.",
        )
        if residency:
            text += " " + residency[0]
    notes = figure_notes(snapshot, figures, window, language)
    notes.append(
        tr(
            language,
            "The current region's row is the workload's emissions as every tool reports them (compliance grid "
            "factor); each other region scales them by the ratio of its Electricity Maps 2024 yearly lifecycle "
            "average to the current region's, so regions compare like with like on one basis.",
            "현재 리전 행은 모든 도구가 보고하는 이 워크로드의 배출량(준수 판정용 전력망 탄소 집약도 기준)입니다. 다른 리전은 "
            "Electricity Maps 2024 연평균 전과정 값의 현재 리전 대비 비율로 환산하므로 같은 기준으로 비교됩니다.",
        )
    )
    result = RegionalComparisonResult(
        workload=wl.resolved.name,
        namespace=wl.namespace,
        current_region=current.code,
        power_watts=rounded(figures.power_watts),
        pue=rounded(figures.pue, 4),
        comparison_basis=tr(
            language, "Electricity Maps yearly lifecycle average, 2024", "Electricity Maps 2024 연평균 전과정 값"
        ),
        comparisons=rows,
        best_region=best.region,
        best_region_savings_percent=max(0.0, best.savings_percent),
        migration_recommendation=text,
        data_residency=residency,
        language=language,
        timestamp=utc_iso(ctx.now()),
        provenance={
            "pue": figures.pue_provenance,
            "current_power": ctx.power_provenance(snapshot, figures.power_watts),
            "current_region_intensity": current.comparison_intensity,
        },
        notes=notes,
        **snapshot_fields(ctx, snapshot, wl.pods, wl.namespace, language),
    )
    return result, figures


def _row(reg: Region, current: Region, figures: Figures) -> RegionFigures:
    """The workload's figures in one region: its current emissions × (the region's / the current region's
    comparison-basis intensity), so the current region's row is the workload's footprint itself."""
    grid = reg.comparison_intensity.value
    pue = figures.pue
    kept = 1.0 - calc.reduction_fraction(current.comparison_intensity.value, grid)
    emissions = figures.emissions_g_per_hour - footprint.move_savings_g_per_hour(
        figures.emissions_g_per_hour, current, reg
    )
    return RegionFigures(
        region=reg.code,
        name=reg.name,
        name_ko=reg.name_ko,
        country=reg.country,
        grid_carbon_intensity_gCO2eq_kWh=grid,
        effective_intensity_gCO2eq_kWh=rounded(calc.effective_intensity_g_per_kwh(grid, pue)),
        emissions_gCO2eq_hour=rounded(emissions),
        monthly_emissions_kgCO2eq=None if figures.monthly_kg is None else rounded(figures.monthly_kg * kept),
        monthly_basis=figures.monthly_basis,
        savings_percent=rounded(calc.percent(calc.reduction_fraction(current.comparison_intensity.value, grid)), 2),
        is_current=reg.code == current.code,
        intensity_provenance=reg.comparison_intensity,
    )
