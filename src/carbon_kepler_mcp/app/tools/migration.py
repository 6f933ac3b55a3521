"""Migration recommendations: regions ranked by the emissions a move would save, with residency and latency caveats."""

from __future__ import annotations

from datetime import datetime

from carbon_kepler_mcp.app import footprint
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.explore_common import page_notes
from carbon_kepler_mcp.app.explore_results import MigrationCandidate, MigrationResult
from carbon_kepler_mcp.app.latency import BASIS as LATENCY_BASIS
from carbon_kepler_mcp.app.latency import BASIS_KO as LATENCY_BASIS_KO
from carbon_kepler_mcp.app.latency import estimate_latency
from carbon_kepler_mcp.app.requests import MAX_MIGRATION_LIMIT, MigrationRequest, RegionalRequest
from carbon_kepler_mcp.app.tools import regional
from carbon_kepler_mcp.domain import calculations as calc
from carbon_kepler_mcp.domain.i18n import fmt, josa, tr
from carbon_kepler_mcp.domain.paging import check_limit, paginate, query_fingerprint
from carbon_kepler_mcp.domain.units import rounded


async def run(ctx: AppContext, req: MigrationRequest) -> MigrationResult:
    """Regions ranked by the emissions a move would save, with data-residency and latency caveats."""
    workload_name, namespace, current_region, candidate_regions = (
        req.workload_name,
        req.namespace,
        req.current_region,
        req.candidate_regions,
    )
    limit, cursor, language, window = req.limit, req.cursor, req.language, req.window
    check_limit(limit, MAX_MIGRATION_LIMIT)
    comparison, figures = await regional.compare(
        ctx,
        RegionalRequest(
            workload_name=workload_name,
            namespace=namespace,
            current_region=current_region,
            comparison_regions=candidate_regions,
            language=language,
            window=window,
        ),
    )
    current = ctx.region(comparison.current_region)
    base = next(row for row in comparison.comparisons if row.is_current)
    rows = sorted(
        (row for row in comparison.comparisons if not row.is_current),
        key=lambda row: (-row.savings_percent, row.region),
    )
    candidates: list[MigrationCandidate] = []
    for index, row in enumerate(rows, start=1):
        crosses = row.country != current.country
        destination = ctx.region(row.region)
        saved = footprint.move_savings_g_per_hour(figures.emissions_g_per_hour, current, destination)
        moved = calc.reduction_fraction(current.comparison_intensity.value, destination.comparison_intensity.value)
        if crosses:
            residency = [current.data_residency_ko if language == "ko" else current.data_residency]
        else:
            residency = [
                tr(
                    language,
                    f"Stays in {current.country}: not a cross-border transfer; sector rules still apply.",
                    f"{current.country} 안에 머뭅니다: 국외 이전이 아니지만 업종별 규정은 여전히 적용됩니다.",
                )
            ]
        candidates.append(
            MigrationCandidate(
                rank=index,
                region=row.region,
                name=row.name,
                name_ko=row.name_ko,
                country=row.country,
                recommended=row.savings_percent > 0,
                grid_carbon_intensity_gCO2eq_kWh=row.grid_carbon_intensity_gCO2eq_kWh,
                emissions_gCO2eq_hour=row.emissions_gCO2eq_hour,
                monthly_emissions_kgCO2eq=row.monthly_emissions_kgCO2eq,
                savings_percent=row.savings_percent,
                savings_gCO2eq_hour=rounded(saved),
                savings_kgCO2eq_month=None if figures.monthly_kg is None else rounded(figures.monthly_kg * moved),
                crosses_border=crosses,
                data_residency=residency,
                latency=estimate_latency(current.code, row.region, language),
                intensity_provenance=row.intensity_provenance,
            )
        )
    scraped = datetime.fromisoformat(comparison.data_source.scraped_at)
    fingerprint = query_fingerprint(
        "migration",
        {"workload": comparison.workload, "namespace": comparison.namespace, "current": current.code,
         "candidates": sorted(candidate_regions or []), "limit": limit},
    )  # fmt: skip
    page = paginate(
        candidates, limit=limit, cursor=cursor, fingerprint=fingerprint, snapshot_seconds=int(scraped.timestamp())
    )
    best = candidates[0] if candidates and candidates[0].recommended else None
    if best is None:
        text = tr(
            language,
            f"Stay in {current.code}: none of the compared regions has a cleaner grid on this basis.",
            f"{current.code}에 유지하세요: 비교한 리전 중 더 깨끗한 전력망이 없습니다.",
        )
    else:
        rtt = best.latency.indicative_min_rtt_ms
        latency_text = (
            tr(language, "latency unknown", "지연 시간 알 수 없음")
            if rtt is None
            else tr(
                language,
                f"round trips of at least {fmt(rtt, 0)} ms from {current.code} (indicative lower bound)",
                f"{current.code}에서 왕복 최소 {fmt(rtt, 0)} ms (참고용 하한)",
            )
        )
        per_month = best.savings_kgCO2eq_month
        month_en = "" if per_month is None else f" ({fmt(per_month, 2)} kgCO2eq/month)"
        month_ko = "" if per_month is None else f"(월 {fmt(per_month, 2)} kgCO2eq)"
        text = tr(
            language,
            f"{best.region} ({best.name}) saves {fmt(best.savings_percent)}%{month_en} at the same PUE; expect "
            f"{latency_text}.",
            f"{josa(f'{best.region} ({best.name_ko})', '는')} 같은 PUE에서 {fmt(best.savings_percent)}%{month_ko}를 줄입니다. "
            f"{latency_text}.",
        )
        if best.crosses_border:
            text += " " + best.data_residency[0]
    notes = list(comparison.notes)
    notes.append(
        tr(
            language,
            "Latency figures are physical lower bounds from distance, not measurements: measure from your users "
            "before moving an interactive service.",
            "지연 시간 수치는 거리로 계산한 물리적 하한이며 측정값이 아닙니다: 대화형 서비스를 옮기기 전에 사용자 쪽에서 측정하세요.",
        )
    )
    notes += page_notes(page.stale, language)
    return MigrationResult(
        workload=comparison.workload,
        namespace=comparison.namespace,
        current_region=current.code,
        power_watts=comparison.power_watts,
        pue=comparison.pue,
        current_emissions_gCO2eq_hour=base.emissions_gCO2eq_hour,
        current_monthly_emissions_kgCO2eq=base.monthly_emissions_kgCO2eq,
        monthly_basis=figures.monthly_basis,
        comparison_basis=comparison.comparison_basis,
        total_count=page.total,
        candidates=page.items,
        omitted_count=page.omitted,
        next_cursor=page.next_cursor,
        best_region=None if best is None else best.region,
        recommendation=text,
        latency_method=tr(language, LATENCY_BASIS, LATENCY_BASIS_KO),
        language=language,
        timestamp=comparison.timestamp,
        provenance=comparison.provenance,
        data_source=comparison.data_source,
        is_demo=comparison.is_demo,
        notes=notes,
    )
