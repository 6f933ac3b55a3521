"""The MCP server: thin tool and resource adapters over :class:`CarbonService`.

Each tool validates its arguments through its type hints (bounds and enums become the input schema), calls
the service, and returns the service's pydantic model (which becomes the output schema). Errors the model
can act on are raised as ``ToolError`` with the service's message; missing resources as
``ResourceNotFoundError``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, Final, Literal, TypeVar

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.types import ToolAnnotations
from pydantic import BeforeValidator, Field

from carbon_kepler_mcp._version import __version__
from carbon_kepler_mcp.errors import CarbonKeplerError, NotFoundError
from carbon_kepler_mcp.models import (
    AssessmentResult,
    ComparisonResult,
    OptimizationType,
    PodMetrics,
    RegionalComparisonResult,
    ScheduleResult,
    Status,
    WorkloadListResult,
)
from carbon_kepler_mcp.resources import ResourceViews
from carbon_kepler_mcp.service import ALL_OPTIMIZATIONS, MAX_DURATION_HOURS, MIN_DURATION_HOURS, CarbonService

logger = logging.getLogger(__name__)

T = TypeVar("T")

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)

INSTRUCTIONS = """\
carbon-kepler-mcp reports the power (from Kepler), carbon emissions and standards compliance of Kubernetes
workloads, and ranks what would reduce them. Start with list_workloads_by_compliance for a namespace, then
assess_workload_compliance for one workload; compare_optimization_impact, get_regional_comparison and
calculate_optimal_schedule quantify the options. Every answer carries provenance (value, unit, year, basis,
publisher) and says when it comes from the built-in demo cluster. Korean users: pass language="ko".
To explore power: get_power_consumption_summary, identify_power_hotspots and list_top_power_consumers for a
namespace or the cluster, search_resources to filter, get_resource_power for one node, pod, container or
process by zone, get_migration_recommendations for regions. Lists are paginated: pass next_cursor back.
"""

WorkloadName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=253,
        description="Workload name: a pod, or a Deployment/StatefulSet/DaemonSet/Job/CronJob name (resolved to its "
        "pods by Kubernetes naming rules)",
    ),
]
Namespace = Annotated[str, Field(min_length=1, max_length=63, description="Kubernetes namespace")]
StandardCode = Annotated[
    str,
    Field(
        min_length=2,
        max_length=64,
        description="Standard code, e.g. KR_CARBON_2050 (carbon intensity benchmark), KR_PUE_GREEN_DC, "
        "DE_ENEFG_NEW_DC; see the compliance-standards:// resources",
    ),
]
RegionCode = Annotated[
    str | None,
    Field(
        default=None,
        min_length=2,
        max_length=32,
        description="Cloud region code, e.g. ap-northeast-2 (Seoul). Default: the server's default region",
    ),
]
LanguageArg = Annotated[Literal["en", "ko"], Field(description="Language of the human-readable text: en or ko")]
WindowArg = Annotated[
    str | None,
    Field(
        default=None,
        max_length=16,
        description="Energy window for the Prometheus source, 5m to 7d (e.g. '30m', '1h', '1d'; default 1h): power "
        "is the average over it. A direct Kepler scrape reports instant power and ignores it",
    ),
]


def _refuse_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    return value


NotBool: Final = BeforeValidator(_refuse_bool)
"""Metadata for every numeric argument, after its ``Field``: JSON ``true``/``false`` is refused (pydantic's lax
mode would read it as 1 or 0); ints, floats and numeric strings pass as before. Placed after the ``Field`` it
leaves the input schema as it was (placed before, the bounds would drop out of the schema)."""


def _lifespan_factory(service: CarbonService) -> Callable[[MCPServer[Any]], Any]:
    @asynccontextmanager
    async def lifespan(_server: MCPServer[Any]) -> AsyncGenerator[None]:
        try:
            yield
        finally:
            await service.aclose()

    return lifespan


async def _call(action: Awaitable[T]) -> T:
    try:
        return await action
    except CarbonKeplerError as exc:
        logger.info("tool error: %s", exc)
        raise ToolError(str(exc)) from exc


async def _read(action: Awaitable[T]) -> T:
    try:
        return await action
    except NotFoundError as exc:
        raise ResourceNotFoundError(str(exc)) from exc
    except CarbonKeplerError as exc:
        raise ResourceNotFoundError(str(exc)) from exc


def build_server(service: CarbonService, *, close_service: bool = True) -> MCPServer[Any]:
    """An MCP server exposing the five tools and the resources over ``service``."""
    mcp: MCPServer[Any] = MCPServer(
        "carbon-kepler-mcp",
        title="Carbon Kepler MCP",
        description="Carbon emissions and compliance of Kubernetes workloads from Kepler power metrics",
        version=__version__,
        instructions=INSTRUCTIONS,
        lifespan=_lifespan_factory(service) if close_service else None,
    )
    views = ResourceViews(service)

    @mcp.tool(title="Assess workload compliance", annotations=READ_ONLY, structured_output=True)
    async def assess_workload_compliance(
        workload_name: WorkloadName,
        namespace: Namespace = "default",
        standard: StandardCode = "KR_CARBON_2050",
        region: RegionCode = None,
        language: LanguageArg = "en",
        window: WindowArg = None,
    ) -> AssessmentResult:
        """Assess one workload's carbon intensity (grid × PUE) and PUE against a standard.

        Returns status, power, emissions per hour, the PUE used and its source, ranked and quantified
        optimisations, and the provenance of every figure.
        """
        return await _call(service.assess(workload_name, namespace, standard, region, language, window=window))

    @mcp.tool(title="Compare optimization impact", annotations=READ_ONLY, structured_output=True)
    async def compare_optimization_impact(
        workload_name: WorkloadName,
        namespace: Namespace = "default",
        optimizations: Annotated[
            list[OptimizationType] | None,
            Field(
                default=None,
                min_length=1,
                max_length=4,
                description="Optimisations to apply together (default: all four)",
            ),
        ] = None,
        standard: StandardCode = "KR_CARBON_2050",
        region: RegionCode = None,
        target_region: RegionCode = None,
        target_pue: Annotated[
            float | None,
            Field(default=None, ge=1.0, le=5.0, description="PUE to reach (default: the PUE standard's)"),
            NotBool,
        ] = None,
        rightsizing_reduction_percent: Annotated[
            float | None,
            Field(
                default=None,
                ge=0,
                le=90,
                description="Your estimate of the power saved by right-sizing, in %; without it right-sizing is not "
                "quantified (a direct Kepler scrape carries no CPU requests)",
            ),
            NotBool,
        ] = None,
        batch_duration_hours: Annotated[
            float,
            Field(ge=MIN_DURATION_HOURS, le=MAX_DURATION_HOURS, description="Run length for temporal shift"),
            NotBool,
        ] = 4.0,
        language: LanguageArg = "en",
        window: WindowArg = None,
    ) -> ComparisonResult:
        """Current vs optimised emissions and status when optimisations are combined (multiplicatively)."""
        return await _call(
            service.compare(
                workload_name,
                namespace,
                optimizations or ALL_OPTIMIZATIONS,
                standard,
                region,
                language,
                target_region=target_region,
                target_pue=target_pue,
                rightsizing_reduction_percent=rightsizing_reduction_percent,
                batch_duration_hours=batch_duration_hours,
                window=window,
            )
        )

    @mcp.tool(title="List workloads by compliance", annotations=READ_ONLY, structured_output=True)
    async def list_workloads_by_compliance(
        namespace: Namespace = "default",
        standard: StandardCode = "KR_CARBON_2050",
        status_filter: Annotated[
            Status | None, Field(default=None, description="Only workloads with this status")
        ] = None,
        region: RegionCode = None,
        limit: Annotated[int, Field(ge=1, le=1000, description="Page size"), NotBool] = 100,
        cursor: Annotated[
            str | None, Field(default=None, max_length=16, description="next_cursor of the previous page")
        ] = None,
        language: LanguageArg = "en",
        window: WindowArg = None,
    ) -> WorkloadListResult:
        """Workloads of a namespace with compliance status and emissions, highest emissions first."""
        return await _call(
            service.list_workloads(
                namespace, standard, status_filter, region, language, limit=limit, cursor=cursor, window=window
            )
        )

    @mcp.tool(title="Regional comparison", annotations=READ_ONLY, structured_output=True)
    async def get_regional_comparison(
        workload_name: WorkloadName,
        namespace: Namespace = "default",
        current_region: RegionCode = None,
        comparison_regions: Annotated[
            list[Annotated[str, Field(min_length=2, max_length=32)]] | None,
            Field(default=None, max_length=50, description="Regions to compare (default: every known region)"),
        ] = None,
        language: LanguageArg = "en",
        window: WindowArg = None,
    ) -> RegionalComparisonResult:
        """The workload's emissions in other regions on one intensity basis, best region and residency caveats."""
        return await _call(
            service.regional_comparison(
                workload_name, namespace, current_region, comparison_regions, language, window=window
            )
        )

    @mcp.tool(title="Optimal schedule", annotations=READ_ONLY, structured_output=True)
    async def calculate_optimal_schedule(
        workload_name: WorkloadName,
        namespace: Namespace = "default",
        duration_hours: Annotated[
            float,
            Field(ge=MIN_DURATION_HOURS, le=MAX_DURATION_HOURS, description="How long one run takes, hours"),
            NotBool,
        ] = 4.0,
        region: RegionCode = None,
        language: LanguageArg = "en",
        window: WindowArg = None,
    ) -> ScheduleResult:
        """When in the next 24 h to start a run for the lowest average grid intensity (Carbon Aware SDK rules)."""
        return await _call(service.schedule(workload_name, namespace, duration_hours, region, language, window=window))

    # --- resources ------------------------------------------------------------------------------------

    @mcp.resource(
        "compliance-standards://korea",
        name="korea_standards",
        title="Korean standards and their legal status",
        mime_type="application/json",
    )
    def korea_standards() -> dict[str, Any]:
        """Korean carbon and data-centre standards: what each really is, its limit and sources."""
        return views.korea_standards()

    @mcp.resource(
        "compliance-standards://korea/{standard_code}",
        name="standard",
        title="One standard",
        mime_type="application/json",
    )
    def standard_detail(standard_code: str) -> dict[str, Any]:
        """One standard (any jurisdiction) by code."""
        try:
            return views.standard(standard_code)
        except CarbonKeplerError as exc:
            raise ResourceNotFoundError(str(exc)) from exc

    @mcp.resource(
        "carbon-intensity://{region}",
        name="carbon_intensity",
        title="Grid carbon intensity",
        mime_type="application/json",
    )
    def carbon_intensity(region: str) -> dict[str, Any]:
        """A region's grid intensity (compliance and comparison bases), hourly profile, grid mix, provenance."""
        try:
            return views.intensity(region, now=datetime.now(UTC))
        except CarbonKeplerError as exc:
            raise ResourceNotFoundError(str(exc)) from exc

    @mcp.resource(
        "carbon-intensity://{region}/{timestamp}",
        name="carbon_intensity_at",
        title="Grid carbon intensity at a time",
        mime_type="application/json",
    )
    def carbon_intensity_at(region: str, timestamp: str) -> dict[str, Any]:
        """A region's intensity for the hour containing an ISO 8601 timestamp."""
        try:
            return views.intensity_at(region, timestamp)
        except CarbonKeplerError as exc:
            raise ResourceNotFoundError(str(exc)) from exc

    @mcp.resource(
        "workload-metrics://{namespace}/{pod}",
        name="workload_metrics",
        title="Pod power metrics",
        mime_type="application/json",
    )
    async def workload_metrics(namespace: str, pod: str) -> PodMetrics:
        """A pod's CPU, DRAM and total watts, joules, node CPU usage ratio, timestamp and collection method."""
        return await _read(service.pod_metrics(namespace, pod))

    from carbon_kepler_mcp.server_explore import register_exploring  # late: server_explore needs this module loaded

    register_exploring(mcp, service, _call)
    return mcp
