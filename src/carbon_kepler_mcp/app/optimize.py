"""A workload's ranked optimisations, assembled once: ``assess`` lists them, ``identify_power_hotspots`` turns
them into preventive actions, so one lever is one figure in both."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from carbon_kepler_mcp.app import recommendations as recs
from carbon_kepler_mcp.app.common import DEFAULT_BATCH_HOURS
from carbon_kepler_mcp.app.footprint import Figures
from carbon_kepler_mcp.app.results import Optimization
from carbon_kepler_mcp.app.shifting import best_shift
from carbon_kepler_mcp.app.sizing import rightsizing_candidate, rightsizing_for, with_rightsizing_savings
from carbon_kepler_mcp.domain.i18n import Language
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.reference import ReferenceData, Region, Standard
from carbon_kepler_mcp.sources.base import Snapshot


def optimizations(
    reference: ReferenceData,
    language: Language,
    *,
    std: Standard,
    pue_std: Standard,
    region: Region,
    grid: float,
    snapshot: Snapshot,
    pods: Sequence[PodReading],
    figures: Figures,
    intensity: float,
    shiftable: bool,
    now: datetime,
    assessed: bool = True,
) -> tuple[list[Optimization], str | None]:
    """PUE, migration to the cleanest region, (for batch work) a time shift, and right-sizing, ranked; with the
    start time the shift proposes (for the steps that apply it), None when no shift was considered.

    ``assessed``: whether the standard gave a verdict; without one no lever can change it.
    """
    limit = std.limit.value if assessed and std.limit is not None and std.kind == "carbon_intensity" else None
    pue_target = pue_std.limit.value if pue_std.limit is not None else None
    candidates: list[recs.Candidate] = []
    if pue_target is not None:
        candidate = recs.pue_candidate(
            language,
            pue=figures.pue,
            target_pue=pue_target,
            grid_g_per_kwh=grid,
            limit_g_per_kwh=limit,
            pue_limit=std.limit.value if assessed and std.kind == "pue" and std.limit is not None else None,
        )
        if candidate:
            candidates.append(candidate)
    best = reference.cleanest_region()
    candidate = recs.migration_candidate(
        language,
        current_region=region.code,
        current_comparison_g_per_kwh=region.comparison_intensity.value,
        target_region=best.code,
        target_name=best.name_ko if language == "ko" else best.name,
        target_comparison_g_per_kwh=best.comparison_intensity.value,
        pue=figures.pue,
        limit_g_per_kwh=limit,
        current_effective_g_per_kwh=intensity,
        leaves_country=region.country if region.country != best.country else None,
    )
    if candidate:
        candidates.append(candidate)
    start: str | None = None
    if shiftable:
        fraction, start, synthetic = best_shift(reference, region, grid, DEFAULT_BATCH_HOURS, now)
        candidate = recs.temporal_candidate(
            language, fraction=fraction, window_start=start, duration_hours=DEFAULT_BATCH_HOURS, synthetic=synthetic
        )
        if candidate:
            candidates.append(candidate)
    sizing = rightsizing_for(snapshot, pods, figures)
    candidates.append(rightsizing_candidate(language, sizing))
    ranked = with_rightsizing_savings(
        recs.rank(candidates, figures.emissions_g_per_hour, figures.monthly_kg), sizing, figures, grid
    )
    return ranked, start
