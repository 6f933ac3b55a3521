"""The one table of tools: every adapter (MCP, REST, CLI) is generated from it.

A new tool is one module in :mod:`carbon_kepler_mcp.app.tools` with ``async def run(ctx, request) -> Result``, one
request model in :mod:`carbon_kepler_mcp.app.requests`, and one entry here.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

from pydantic import BaseModel, create_model

from carbon_kepler_mcp.app.context import REQUESTED_IDLE_ALLOCATION, AppContext
from carbon_kepler_mcp.app.requests import ToolRequest
from carbon_kepler_mcp.app.tools import (
    assess,
    compare,
    consumers,
    hotspots,
    listing,
    migration,
    regional,
    report,
    resource,
    schedule,
    search,
    summary,
)

__all__ = ["TOOLS", "ToolSpec", "arguments_model", "tool_spec"]


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """One tool: its names, its argument and result models, and the function that answers it."""

    name: str
    """The MCP tool name and the REST route (``POST /tools/{name}``)."""
    command: str
    """The CLI sub-command."""
    title: str
    description: str
    request: type[ToolRequest]
    result: type[BaseModel]
    run: Callable[[AppContext, Any], Awaitable[BaseModel]]
    read_only: bool = True
    """Every tool only reads metrics and reference data (MCP annotations: read-only, idempotent, closed world)."""
    paged: bool = False
    """Answers a page of a list (``limit``/``cursor``/``next_cursor``)."""
    csv: Callable[[Any], str] | None = None
    """The result as CSV, for tools whose answer is a table (REST with ``Accept: text/csv``, the CLI's ``--csv``)."""


def _spec(
    name: str,
    command: str,
    title: str,
    description: str,
    module: Any,
    *,
    paged: bool = False,
    csv: Callable[[Any], str] | None = None,
) -> ToolSpec:
    run = module.run
    hints = run.__annotations__
    return ToolSpec(
        name=name,
        command=command,
        title=title,
        description=description,
        request=_resolve(module, hints["req"]),
        result=_resolve(module, hints["return"]),
        run=_with_idle_allocation(run),
        paged=paged,
        csv=csv,
    )


def _with_idle_allocation(
    run: Callable[[AppContext, Any], Awaitable[BaseModel]],
) -> Callable[..., Awaitable[BaseModel]]:
    """``run`` with the request's ``idle_allocation`` argument in force for every snapshot it reads."""

    async def wrapped(ctx: AppContext, request: Any) -> BaseModel:
        token = REQUESTED_IDLE_ALLOCATION.set(getattr(request, "idle_allocation", None))
        try:
            return await run(ctx, request)
        finally:
            REQUESTED_IDLE_ALLOCATION.reset(token)

    return wrapped


def _resolve(module: Any, hint: object) -> Any:
    # ``from __future__ import annotations`` leaves the hints as strings: look them up in the tool's module.
    return getattr(module, hint) if isinstance(hint, str) else hint


TOOLS: Final[tuple[ToolSpec, ...]] = (
    _spec(
        "assess_workload_compliance",
        "assess",
        "Assess workload compliance",
        "Assess one workload's carbon intensity (grid × PUE) and PUE against a standard.\n\n"
        "Returns status, power, emissions per hour, the PUE used and its source, ranked and quantified\n"
        "optimisations, and the provenance of every figure.",
        assess,
    ),
    _spec(
        "compare_optimization_impact",
        "compare",
        "Compare optimization impact",
        "Current vs optimised emissions and status when optimisations are combined (multiplicatively).",
        compare,
    ),
    _spec(
        "list_workloads_by_compliance",
        "list",
        "List workloads by compliance",
        "Workloads of a namespace with compliance status and emissions, highest emissions first.",
        listing,
        paged=True,
    ),
    _spec(
        "get_regional_comparison",
        "regions",
        "Regional comparison",
        "The workload's emissions in other regions on one intensity basis, best region and residency caveats.",
        regional,
    ),
    _spec(
        "calculate_optimal_schedule",
        "schedule",
        "Optimal schedule",
        "When in the next 24 h to start a run for the lowest average grid intensity (Carbon Aware SDK rules).",
        schedule,
    ),
    _spec(
        "identify_power_hotspots",
        "hotspots",
        "Identify power hotspots",
        "Power hotspots (whole cluster when namespace is omitted), highest power first, with compliance,\n"
        "monthly emissions and preventive actions (alert, right-size, temporal shift, regional migration, PUE),\n"
        "each with priority, reason, estimated W and kgCO2eq/month saved and implementation steps.",
        hotspots,
        paged=True,
    ),
    _spec(
        "list_top_power_consumers",
        "top",
        "List top power consumers",
        "Ranked consumers with power, share, compliance status, monthly emissions and an efficiency measure\n"
        "with a physical meaning (node overhead watts per attributed watt).",
        consumers,
        paged=True,
    ),
    _spec(
        "get_power_consumption_summary",
        "summary",
        "Power consumption summary",
        "Totals, averages, compliance rate, top 3 workloads, node count, and the node power Kepler attributes\n"
        "to no pod (idle and system), per node and in total.",
        summary,
        paged=True,
    ),
    _spec(
        "get_resource_power",
        "resource",
        "Resource power by zone",
        "Power and energy of a node, pod, container or process by RAPL zone (package, core, uncore, dram), its\n"
        "state, parent chain (process → container → pod → node) and children (highest power first).",
        resource,
        paged=True,
    ),
    _spec(
        "search_resources",
        "search",
        "Search resources",
        "Workloads, pods or containers filtered by namespace, name pattern, power range and compliance status,\n"
        "highest power first.",
        search,
        paged=True,
    ),
    _spec(
        "get_migration_recommendations",
        "migrate",
        "Migration recommendations",
        "Candidate regions ranked by the emissions a move would save, each with data-residency duties and an\n"
        "indicative (not measured) latency lower bound from the distance between regions.",
        migration,
        paged=True,
    ),
    _spec(
        "get_emissions_report",
        "report",
        "Emissions report over time",
        "Energy and emissions of a namespace or one workload over past days (up to 31, from Prometheus), one row\n"
        "per hour or per local day, with the hours Prometheus holds data for and the totals. Also as CSV (REST\n"
        "with Accept: text/csv; the CLI with --csv). Needs the Prometheus source: Kepler keeps no history.",
        report,
        csv=report.to_csv,
    ),
)

_BY_NAME: Final = {spec.name: spec for spec in TOOLS}


def tool_spec(name: str) -> ToolSpec:
    """A tool by its MCP name (KeyError when unknown)."""
    return _BY_NAME[name]


@functools.cache
def arguments_model(spec: ToolSpec) -> type[BaseModel]:
    """The request model named as MCP names a tool's arguments (``<tool>Arguments``): REST's body and OpenAPI.

    Its JSON schema is the MCP input schema, so both protocols publish one schema per tool.
    """
    return create_model(f"{spec.name}Arguments", __base__=spec.request)
