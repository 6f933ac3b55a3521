"""An emissions report over time: a namespace's or a workload's hourly energy from Prometheus, as hours or days."""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from carbon_kepler_mcp.app.budgets import budget_status
from carbon_kepler_mcp.app.common import data_source_info, energy_zones, iso, kepler_generation, utc_iso
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.intensity import ask_history, signal_text
from carbon_kepler_mcp.app.intensity import info as intensity_info
from carbon_kepler_mcp.app.intensity import provenance as intensity_provenance
from carbon_kepler_mcp.app.requests import MAX_REPORT_DAYS, ReportRequest
from carbon_kepler_mcp.app.results import EmissionsReportResult, ReportRow
from carbon_kepler_mcp.domain.i18n import fmt, tr
from carbon_kepler_mcp.domain.units import grams_to_kilograms, joules_to_kwh, rounded
from carbon_kepler_mcp.domain.workloads import WorkloadKind
from carbon_kepler_mcp.errors import (
    InsufficientDataError,
    InvalidArgumentError,
    UnknownNamespaceError,
    UnknownWorkloadError,
)
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.reference import ProfileProvenance, Provenance
from carbon_kepler_mcp.sources import promql
from carbon_kepler_mcp.sources.base import Snapshot, WindowedSource

_HOUR = timedelta(hours=1)
_NAMESPACE_PODS = ".+"


def _moment(text: str, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidArgumentError(
            f"{what} {text[:40]!r} is not an ISO 8601 time (e.g. 2026-12-01T00:00:00+09:00)",
            ko=f"{what} 인수 {text[:40]!r}은(는) ISO 8601 시각이 아닙니다(예: 2026-12-01T00:00:00+09:00)",
        ) from None
    if moment.tzinfo is None:
        raise InvalidArgumentError(
            f"{what} {text[:40]!r} has no UTC offset: add one (e.g. +09:00 or Z)",
            ko=f"{what} 인수 {text[:40]!r}에 UTC 오프셋이 없습니다: +09:00이나 Z처럼 붙이세요",
        )
    return moment


async def _resolve(
    ctx: AppContext, req: ReportRequest, window_seconds: int
) -> tuple[Snapshot, tuple[PodReading, ...], WorkloadKind | None, str | None]:
    """The snapshot over the window, the pods the report covers, and the workload's kind and name (if one)."""
    snapshot = await ctx.read(req.namespace, window_seconds)
    if req.workload_name is None:
        return snapshot, ctx.namespace_pods(snapshot, req.namespace), None, None
    wl = ctx.workload_pods(snapshot, req.workload_name, req.namespace)
    return snapshot, wl.pods, wl.resolved.kind, wl.resolved.name


async def run(ctx: AppContext, req: ReportRequest) -> EmissionsReportResult:
    """Hourly energy × the current PUE × the grid factor, one row per hour or per local day, with coverage."""
    language = req.language
    reg = ctx.region(req.region)
    tz = ZoneInfo(reg.timezone)
    source = ctx.source
    if not isinstance(source, WindowedSource):
        raise InsufficientDataError(
            tr(
                language,
                "An emissions report needs history, and a direct Kepler scrape has none (Kepler keeps no past): "
                "point the server at a Prometheus that scrapes Kepler (PROMETHEUS_URL).",
                "배출량 보고서에는 이력이 필요하지만 Kepler 직접 수집에는 이력이 없습니다(Kepler는 과거를 보관하지 "
                "않음): Kepler를 수집하는 Prometheus를 지정하세요(PROMETHEUS_URL).",
            )
        )
    now = ctx.now()
    end = _moment(req.end, "end") if req.end else now
    if req.start:
        start = _moment(req.start, "start")
        if start >= end:
            raise InvalidArgumentError(
                f"start {req.start!r} is not before end {iso(end)!r}",
                ko=f"start 인수 {req.start!r}이(가) end {iso(end)!r}보다 앞서지 않습니다",
            )
        days = math.ceil((end - start).total_seconds() / 86_400)
        if days > MAX_REPORT_DAYS:
            raise InvalidArgumentError(
                f"the period is {days} days; a report covers at most {MAX_REPORT_DAYS} days",
                ko=f"기간이 {days}일입니다. 보고서는 최대 {MAX_REPORT_DAYS}일까지 다룹니다",
            )
    else:
        days = req.days
        start = end - timedelta(days=days)
    if end > now + timedelta(minutes=1):
        raise InvalidArgumentError(
            f"end {iso(end)!r} is in the future; a report covers the past",
            ko=f"end 인수 {iso(end)!r}이(가) 미래입니다. 보고서는 과거만 다룹니다",
        )
    # The workload (and its PUE) as it is now: resolved over the last hour, else over a week, so a nightly
    # CronJob's last run is seen. (Span queries over a week cost Prometheus seconds; an hour costs milliseconds.)
    try:
        snapshot, pods, kind, name = await _resolve(ctx, req, 3600)
    except (UnknownWorkloadError, UnknownNamespaceError):
        snapshot, pods, kind, name = await _resolve(ctx, req, min(days, 7) * 86_400)
    if name is not None and kind is not None:
        pattern = promql.pod_name_regex([name]) if kind == "Pod" else promql.workload_pods_regex(name, kind)
    else:
        pattern = _NAMESPACE_PODS
    grid = ctx.grid(reg)
    figures = ctx.figures_for(snapshot, pods, reg, grid.value, kind)
    history = await source.history(req.namespace, pattern, energy_zones(pods), kepler_generation(snapshot), days, end)
    energy_by_hour = {p.end - _HOUR: p.joules for p in history.points if history.start < p.end <= end}
    first_hour = max(history.start, start.astimezone(history.start.tzinfo))
    first_hour = first_hour.replace(minute=0, second=0, microsecond=0)
    hours = [first_hour + k * _HOUR for k in range(int((history.end - first_hour) / _HOUR))]
    groups: dict[datetime, list[datetime]] = defaultdict(list)
    for hour in hours:
        local = hour.astimezone(tz)
        key = local if req.granularity == "hour" else local.replace(hour=0, minute=0, second=0, microsecond=0)
        groups[key].append(hour)
    live, intensity_notes = await ask_history(ctx, reg, first_hour, history.end, language)
    # Time-resolved SCI: Σ(facility energy of each hour × that hour's intensity), from an average signal only
    # (a marginal one prices a change in load, not an inventory) and only where the hour's intensity is known.
    by_hour = live.hourly() if live is not None and live.signal == "average" else None
    rows: list[ReportRow] = []
    total_j = 0.0
    resolved_g = 0.0
    lacking: list[datetime] = []
    for key in sorted(groups):
        members = groups[key]
        known = [energy_by_hour[h] for h in members if h in energy_by_hour]
        joules = sum(known) if known else None
        if joules is not None:
            total_j += joules
        kwh = None if joules is None else joules_to_kwh(joules) * figures.pue
        row_resolved: float | None = None
        if by_hour is not None and joules is not None:
            missing = [h for h in members if h in energy_by_hour and h not in by_hour]
            lacking.extend(missing)
            if not missing:
                row_resolved = math.fsum(
                    joules_to_kwh(energy_by_hour[h]) * figures.pue * by_hour[h] for h in members if h in energy_by_hour
                )
                resolved_g += row_resolved
        rows.append(
            ReportRow(
                start=iso(members[0].astimezone(tz)),
                end=iso((members[-1] + _HOUR).astimezone(tz)),
                hours=len(members),
                hours_with_data=len(known),
                it_energy_joules=None if joules is None else rounded(joules),
                facility_energy_kwh=None if kwh is None else rounded(kwh, 6),
                emissions_gCO2eq=None if kwh is None else rounded(kwh * grid.value),
                time_resolved_emissions_gCO2eq=None if row_resolved is None else rounded(row_resolved),
            )
        )
    with_data = sum(r.hours_with_data for r in rows)
    total_kwh = joules_to_kwh(total_j) * figures.pue
    notes = [
        tr(
            language,
            "Each row is Kepler's IT energy in Prometheus for its hours × the current PUE × the annual grid factor; "
            "hours Prometheus holds no energy for are left out (see hours_with_data), never counted as 0.",
            "각 행은 해당 시간대 Prometheus의 Kepler IT 에너지 × 현재 PUE × 연간 전력망 탄소 집약도입니다. Prometheus에 "
            "에너지가 없는 시간은 0으로 세지 않고 제외합니다(hours_with_data 참고).",
        )
    ]
    if with_data < len(hours):
        notes.append(
            tr(
                language,
                f"Prometheus holds energy for {with_data} of the {len(hours)} hours asked for (retention, a later "
                "start of scraping, or hours without the workload).",
                f"요청한 {len(hours)}시간 중 {with_data}시간에 대해서만 Prometheus에 에너지가 있습니다(보존 기간, 늦은 "
                "수집 시작, 또는 워크로드가 없던 시간).",
            )
        )
    notes.extend(history.warnings)
    notes.extend(intensity_notes)
    annual_g = total_kwh * grid.value
    resolved_total: float | None = None
    if live is not None and by_hour is None:
        notes.append(
            tr(
                language,
                f"{live.provider} gives a marginal signal ({live.basis}): it prices a change in load, not an emissions "
                "inventory, so the report keeps the annual factor and adds no time-resolved total.",
                f"{live.provider}은(는) 한계 신호({live.basis})를 제공합니다. 한계 신호는 부하 변화의 영향을 나타낼 뿐 배출량 "
                "목록이 아니므로, 보고서는 연간 배출계수를 유지하고 시간대별 합계를 더하지 않습니다.",
            )
        )
    elif live is not None and lacking:
        notes.append(
            tr(
                language,
                f"{live.provider} has no intensity for {len(lacking)} of the hours with energy (a gap in its data): "
                "no time-resolved total is given, and no hour is filled from another basis.",
                f"에너지가 있는 시간 중 {len(lacking)}시간에 대해 {live.provider}의 탄소 집약도가 없습니다(데이터 공백). "
                "시간대별 합계는 제시하지 않으며, 어떤 시간도 다른 기준으로 채우지 않습니다.",
            )
        )
    elif live is not None:
        resolved_total = resolved_g
        notes.append(
            tr(
                language,
                f"Time-resolved emissions (each hour's energy × that hour's {live.provider} intensity, "
                f"{live.signal} signal, basis {live.basis}): {fmt(resolved_g)} gCO2eq. Annual-factor emissions "
                f"({fmt(grid.value)} gCO2eq/kWh, {grid.provenance.publisher}): {fmt(annual_g)} gCO2eq"
                + (", which stays the compliance basis in Korea." if reg.country == "KR" else "."),
                f"시간대별 배출량(각 시간의 에너지 × 그 시간의 {live.provider} 탄소 집약도, "
                f"{signal_text(language, live.signal)} 신호, 기준 {live.basis}): {fmt(resolved_g)} gCO2eq. 연간 배출계수 "
                f"기준 배출량({fmt(grid.value)} gCO2eq/kWh, {grid.provenance.publisher}): {fmt(annual_g)} gCO2eq"
                + (
                    "이며, 한국의 준수 평가는 이 연간 배출계수를 기준으로 합니다." if reg.country == "KR" else "입니다."
                ),
            )
        )
    provenance: dict[str, Provenance | ProfileProvenance] = {
        "grid_carbon_intensity": grid.provenance,
        "pue": figures.pue_provenance,
    }
    if live is not None and resolved_total is not None:
        kwh_total = joules_to_kwh(total_j) * figures.pue
        mean = resolved_total / kwh_total if kwh_total > 0 else 0.0
        provenance["time_resolved_intensity"] = intensity_provenance(live, rounded(mean))
    covering = ctx.policy.covering(req.namespace, name)
    budget = None
    if covering is not None and (covering.workload is None or covering.workload == name):
        own = covering.workload is not None
        budget = await budget_status(
            ctx,
            covering,
            region=reg,
            grid=grid,
            snapshot=snapshot,
            pods=tuple(pods) if own or name is None else ctx.namespace_pods(snapshot, req.namespace),
            kind=kind if own else None,
            language=language,
        )
    return EmissionsReportResult(
        budget_status=budget,
        namespace=req.namespace,
        workload=name,
        workload_kind=kind,
        region=reg.code,
        timezone=reg.timezone,
        granularity=req.granularity,
        period_start=iso(first_hour.astimezone(tz)),
        period_end=iso(history.end.astimezone(tz)),
        pue=rounded(figures.pue, 4),
        grid_carbon_intensity_gCO2eq_kWh=rounded(grid.value),
        rows=rows,
        total_it_energy_joules=rounded(total_j),
        total_facility_energy_kwh=rounded(total_kwh, 6),
        total_emissions_gCO2eq=rounded(annual_g),
        total_emissions_kgCO2eq=rounded(grams_to_kilograms(annual_g), 6),
        time_resolved_emissions_gCO2eq=None if resolved_total is None else rounded(resolved_total),
        time_resolved_emissions_kgCO2eq=None
        if resolved_total is None
        else rounded(grams_to_kilograms(resolved_total), 6),
        hours_without_intensity=len(lacking) if by_hour is not None else None,
        intensity_provider=None if live is None else intensity_info(live, now, language),
        hours_in_period=len(hours),
        hours_with_data=with_data,
        coverage_percent=rounded(with_data / len(hours) * 100, 2) if hours else 0.0,
        query=history.query,
        language=language,
        timestamp=utc_iso(now),
        provenance=provenance,
        data_source=data_source_info(snapshot, source.description, language),
        is_demo=snapshot.is_demo,
        notes=notes,
    )


def to_csv(result: EmissionsReportResult) -> str:
    """The rows as CSV (for ESG and audit spreadsheets), then a total row; the last column is the time-resolved
    figure (empty without an average-signal provider or with a gap)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "row",
            "namespace",
            "workload",
            "start",
            "end",
            "hours",
            "hours_with_data",
            "it_energy_joules",
            "facility_energy_kwh",
            "emissions_gCO2eq",
            "time_resolved_emissions_gCO2eq",
        ]
    )
    for row in result.rows:
        writer.writerow(
            [
                result.granularity,
                result.namespace,
                result.workload or "",
                row.start,
                row.end,
                row.hours,
                row.hours_with_data,
                "" if row.it_energy_joules is None else row.it_energy_joules,
                "" if row.facility_energy_kwh is None else row.facility_energy_kwh,
                "" if row.emissions_gCO2eq is None else row.emissions_gCO2eq,
                "" if row.time_resolved_emissions_gCO2eq is None else row.time_resolved_emissions_gCO2eq,
            ]
        )
    writer.writerow(
        [
            "total",
            result.namespace,
            result.workload or "",
            result.period_start,
            result.period_end,
            result.hours_in_period,
            result.hours_with_data,
            result.total_it_energy_joules,
            result.total_facility_energy_kwh,
            result.total_emissions_gCO2eq,
            "" if result.time_resolved_emissions_gCO2eq is None else result.time_resolved_emissions_gCO2eq,
        ]
    )
    return out.getvalue()
