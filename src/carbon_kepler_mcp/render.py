"""Plain-text rendering of results for people at a terminal (the CLI without ``--json``)."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from carbon_kepler_mcp.models import (
    AssessmentResult,
    ComparisonResult,
    DataSourceInfo,
    RegionalComparisonResult,
    ScheduleResult,
    WorkloadListResult,
)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A left-aligned text table; numbers are right-aligned."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], int | float) for row in rows) and bool(rows) for i in range(len(headers))]
    lines: list[str] = []
    for index, row in enumerate(cells):
        parts = [
            value.rjust(widths[i]) if numeric[i] and index > 0 else value.ljust(widths[i])
            for i, value in enumerate(row)
        ]
        lines.append("  ".join(parts).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if value is None:
        return "-"
    return str(value)


def _pairs(rows: Sequence[tuple[str, object]]) -> str:
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{key.ljust(width)}  {_cell(value)}" for key, value in rows)


def _source(info: DataSourceInfo, notes: Sequence[str]) -> str:
    lines = [f"source: {info.description} ({info.kepler_generation} Kepler; {info.power_method})"]
    if info.is_demo:
        lines.append("DEMO DATA: the built-in demo cluster, not a real cluster")
    lines.extend(f"warning: {w}" for w in info.warnings)
    lines.extend(f"note: {n}" for n in notes)
    return "\n".join(lines)


def _assessment(r: AssessmentResult) -> str:
    head = _pairs(
        [
            ("workload", f"{r.namespace}/{r.workload} ({r.workload_kind}, {len(r.pods)} pod series)"),
            ("standard", f"{r.standard} [{r.standard_detail.legal_status}]"),
            ("status", r.status),
            ("power (IT)", f"{r.current_power_watts:,.1f} W"),
            ("PUE", f"{r.pue:.3f} ({r.pue_detail.source}) -> {r.pue_status} vs {r.pue_standard.code}"),
            ("grid intensity", f"{r.grid_carbon_intensity_gCO2eq_kWh:,.1f} gCO2eq/kWh ({r.region})"),
            ("effective intensity", f"{r.estimated_workload_intensity_gCO2eq_kWh:,.1f} gCO2eq/kWh"),
            ("target", "-" if r.target_intensity_gCO2eq_kWh is None else f"{r.target_intensity_gCO2eq_kWh:,.2f}"),
            (
                "emissions",
                f"{r.carbon_emissions_gCO2eq_hour:,.1f} gCO2eq/h = {r.monthly_emissions_kgCO2eq:,.2f} kg/month",
            ),
        ]
    )
    opts = table(
        ["#", "optimisation", "reduction %", "kgCO2eq/month saved", "basis"],
        [
            [o.rank, o.title, o.estimated_reduction_percent, o.estimated_savings_kgCO2eq_month, o.data_basis]
            for o in r.optimizations
        ],
    )
    return f"{head}\n\n{r.recommendation}\n\n{opts}\n\n{_source(r.data_source, r.notes)}"


def _comparison(r: ComparisonResult) -> str:
    head = _pairs(
        [
            ("workload", f"{r.namespace}/{r.workload}"),
            ("current", f"{r.current_emissions_gCO2eq_hour:,.1f} gCO2eq/h ({r.current_status})"),
            ("optimised", f"{r.optimized_emissions_gCO2eq_hour:,.1f} gCO2eq/h ({r.optimized_status})"),
            ("reduction", f"{r.reduction_percent:.2f} % ({r.combination_method})"),
            ("cost savings", f"{r.estimated_cost_savings_usd_month:,.2f} USD/month"),
        ]
    )
    impacts = table(
        ["optimisation", "reduction %", "changes status basis", "data"],
        [[i.type, i.reduction_percent, i.affects_intensity, i.data_basis] for i in r.impacts],
    )
    steps = "\n".join(f"  {n}. {s}" for n, s in enumerate(r.implementation_steps, start=1))
    return f"{head}\n\n{impacts}\n\nsteps:\n{steps}\n\n{_source(r.data_source, r.notes)}"


def _listing(r: WorkloadListResult) -> str:
    rows = [
        [w.workload, w.kind, w.running_pods, w.power_watts, w.pue, w.emissions_gCO2eq_hour, w.status]
        for w in r.workloads
    ]
    body = table(["workload", "kind", "running", "watts", "PUE", "gCO2eq/h", "status"], rows)
    more = f"\n({r.omitted_count} more; --cursor {r.next_cursor})" if r.next_cursor else ""
    return f"{r.summary}\n\n{body}{more}\n\n{_source(r.data_source, r.notes)}"


def _regions(r: RegionalComparisonResult) -> str:
    rows = [
        [
            c.region + (" *" if c.is_current else ""),
            c.name,
            c.grid_carbon_intensity_gCO2eq_kWh,
            c.emissions_gCO2eq_hour,
            c.savings_percent,
        ]
        for c in r.comparisons
    ]
    body = table(["region", "name", "gCO2eq/kWh", "gCO2eq/h", "savings %"], rows)
    return f"{body}\n\n{r.migration_recommendation}\n\n{_source(r.data_source, r.notes)}"


def _schedule(r: ScheduleResult) -> str:
    head = _pairs(
        [
            ("workload", f"{r.namespace}/{r.workload} ({r.power_watts:,.1f} W, PUE {r.pue:.3f})"),
            ("now", f"{r.current_window_start} → {r.current_window_end}: {r.current_intensity_gCO2eq_kWh:,.1f}"),
            ("best", f"{r.optimal_window_start} → {r.optimal_window_end}: {r.optimal_intensity_gCO2eq_kWh:,.1f}"),
            ("reduction", f"{r.reduction_percent:.2f} %"),
            ("cleanest hours", ", ".join(r.cleanest_hours)),
            ("dirtiest hours", ", ".join(r.dirtiest_hours)),
        ]
    )
    return f"{head}\n\n{r.recommendation}\n\n{_source(r.data_source, r.notes)}"


def text(result: BaseModel) -> str:
    """A result as text for a terminal."""
    if isinstance(result, AssessmentResult):
        return _assessment(result)
    if isinstance(result, ComparisonResult):
        return _comparison(result)
    if isinstance(result, WorkloadListResult):
        return _listing(result)
    if isinstance(result, RegionalComparisonResult):
        return _regions(result)
    if isinstance(result, ScheduleResult):
        return _schedule(result)
    return result.model_dump_json(indent=2)
