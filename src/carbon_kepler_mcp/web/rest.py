"""REST: ``POST /tools/{tool_name}`` for every MCP tool, and ``GET /resources/...`` for the resources.

The request body of a tool route **is** the MCP tool's argument model (the pydantic model the SDK builds from
the tool function's signature) and the response model **is** the tool's return model from
:mod:`carbon_kepler_mcp.models`, so Swagger and the MCP ``inputSchema``/``outputSchema`` describe the same
objects and cannot drift. The handlers call :class:`CarbonService` directly, like the MCP tools do; they never
go through ``mcp.call_tool()``.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, FastAPI
from fastapi import Path as PathParam
from mcp.server import MCPServer
from mcp.server.mcpserver.tools import Tool
from pydantic import BaseModel
from starlette.responses import Response

from carbon_kepler_mcp.errors import CarbonKeplerError, NotFoundError
from carbon_kepler_mcp.explore import PowerExplorer
from carbon_kepler_mcp.models import PodMetrics
from carbon_kepler_mcp.resources import ResourceViews
from carbon_kepler_mcp.service import ALL_OPTIMIZATIONS, CarbonService
from carbon_kepler_mcp.web.metrics import Metrics
from carbon_kepler_mcp.web.problems import error_label, problem_responses

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class UseCases:
    """The use-case objects REST calls: the service and the power explorer over it."""

    service: CarbonService
    explorer: PowerExplorer


ToolHandler = Callable[[UseCases, dict[str, Any]], Awaitable[BaseModel]]

TOOL_ERRORS = (400, 401, 403, 404, 413, 415, 421, 422, 503)
RESOURCE_ERRORS = (401, 403, 404, 421, 422, 503)


async def _assess(u: UseCases, a: dict[str, Any]) -> BaseModel:
    return await u.service.assess(
        a["workload_name"], a["namespace"], a["standard"], a["region"], a["language"], window=a["window"]
    )


async def _compare(u: UseCases, a: dict[str, Any]) -> BaseModel:
    return await u.service.compare(
        a["workload_name"],
        a["namespace"],
        a["optimizations"] or ALL_OPTIMIZATIONS,
        a["standard"],
        a["region"],
        a["language"],
        target_region=a["target_region"],
        target_pue=a["target_pue"],
        rightsizing_reduction_percent=a["rightsizing_reduction_percent"],
        batch_duration_hours=a["batch_duration_hours"],
        window=a["window"],
    )


async def _list(u: UseCases, a: dict[str, Any]) -> BaseModel:
    return await u.service.list_workloads(
        a["namespace"],
        a["standard"],
        a["status_filter"],
        a["region"],
        a["language"],
        limit=a["limit"],
        cursor=a["cursor"],
        window=a["window"],
    )


async def _regions(u: UseCases, a: dict[str, Any]) -> BaseModel:
    return await u.service.regional_comparison(
        a["workload_name"],
        a["namespace"],
        a["current_region"],
        a["comparison_regions"],
        a["language"],
        window=a["window"],
    )


async def _schedule(u: UseCases, a: dict[str, Any]) -> BaseModel:
    return await u.service.schedule(
        a["workload_name"], a["namespace"], a["duration_hours"], a["region"], a["language"], window=a["window"]
    )


async def _hotspots(u: UseCases, a: dict[str, Any]) -> BaseModel:
    return await u.explorer.hotspots(
        a["namespace"],
        a["power_threshold_watts"],
        a["include_compliance_check"],
        level=a["level"],
        standard=a["standard"],
        region=a["region"],
        limit=a["limit"],
        cursor=a["cursor"],
        language=a["language"],
    )


async def _top(u: UseCases, a: dict[str, Any]) -> BaseModel:
    return await u.explorer.top_consumers(
        a["namespace"],
        a["limit"],
        a["sort_by"],
        level=a["level"],
        standard=a["standard"],
        region=a["region"],
        cursor=a["cursor"],
        language=a["language"],
    )


async def _summary(u: UseCases, a: dict[str, Any]) -> BaseModel:
    return await u.explorer.summary(
        a["namespace"],
        standard=a["standard"],
        region=a["region"],
        limit=a["limit"],
        cursor=a["cursor"],
        language=a["language"],
    )


async def _resource_power(u: UseCases, a: dict[str, Any]) -> BaseModel:
    return await u.explorer.resource_power(
        a["kind"],
        a["name"],
        a["namespace"],
        region=a["region"],
        limit=a["limit"],
        cursor=a["cursor"],
        language=a["language"],
    )


async def _search(u: UseCases, a: dict[str, Any]) -> BaseModel:
    return await u.explorer.search(
        a["kind"],
        a["namespace"],
        a["name_pattern"],
        a["min_power_watts"],
        a["max_power_watts"],
        a["status"],
        standard=a["standard"],
        region=a["region"],
        limit=a["limit"],
        cursor=a["cursor"],
        language=a["language"],
    )


async def _migration(u: UseCases, a: dict[str, Any]) -> BaseModel:
    return await u.explorer.migration(
        a["workload_name"],
        a["namespace"],
        current_region=a["current_region"],
        candidate_regions=a["candidate_regions"],
        limit=a["limit"],
        cursor=a["cursor"],
        language=a["language"],
    )


TOOL_HANDLERS: dict[str, ToolHandler] = {
    "assess_workload_compliance": _assess,
    "compare_optimization_impact": _compare,
    "list_workloads_by_compliance": _list,
    "get_regional_comparison": _regions,
    "calculate_optimal_schedule": _schedule,
    "identify_power_hotspots": _hotspots,
    "list_top_power_consumers": _top,
    "get_power_consumption_summary": _summary,
    "get_resource_power": _resource_power,
    "search_resources": _search,
    "get_migration_recommendations": _migration,
}
"""How each MCP tool's validated arguments map onto the use cases (the same calls the MCP tools make)."""


@dataclass(frozen=True)
class ToolSpec:
    """One MCP tool as REST sees it: its argument model and its return model, taken from the MCP server."""

    name: str
    title: str
    description: str
    arg_model: type[BaseModel]
    output_model: type[BaseModel]
    input_schema: dict[str, Any]
    output_schema: dict[str, Any] | None


def registered_tools(mcp: MCPServer[Any]) -> list[Tool]:
    """The tool objects registered on an MCP server, in registration order.

    mcp 2.3 has no public accessor for them: ``MCPServer.list_tools()`` returns the wire form (JSON schemas)
    without the pydantic models, which REST needs to validate bodies with the very same model. So this reads
    the SDK's tool manager, in this one place; ``tests/test_web_rest.py`` pins that each model's schema equals
    the public ``inputSchema``/``outputSchema``, so an SDK change fails the suite instead of drifting.
    """
    manager = mcp._tool_manager  # pyright: ignore[reportPrivateUsage]
    return manager.list_tools()


def tool_specs(mcp: MCPServer[Any]) -> list[ToolSpec]:
    """Every tool of ``mcp`` that REST can serve (it needs a handler and a pydantic return model)."""
    specs: list[ToolSpec] = []
    for tool in registered_tools(mcp):
        output = tool.fn_metadata.output_model
        if tool.name not in TOOL_HANDLERS or not (isinstance(output, type) and issubclass(output, BaseModel)):
            logger.warning("tool %s has no REST route (no handler or no model return type)", tool.name)
            continue
        specs.append(
            ToolSpec(
                name=tool.name,
                title=tool.title or tool.name,
                description=tool.description,
                arg_model=tool.fn_metadata.arg_model,
                output_model=output,
                input_schema=tool.parameters,
                output_schema=tool.output_schema,
            )
        )
    return specs


class ToolEndpoint:
    """The endpoint of one tool route. Its signature (read by FastAPI) declares the tool's argument model."""

    __signature__: inspect.Signature

    def __init__(self, spec: ToolSpec, use_cases: UseCases, metrics: Metrics) -> None:
        self.spec = spec
        self.use_cases = use_cases
        self.metrics = metrics
        self.handler = TOOL_HANDLERS[spec.name]
        self.__signature__ = inspect.Signature(
            [
                inspect.Parameter(
                    "arguments",
                    inspect.Parameter.POSITIONAL_OR_KEYWORD,
                    annotation=Annotated[spec.arg_model, Body(description=f"Arguments of the MCP tool {spec.name}")],
                )
            ],
            return_annotation=Response,
        )

    async def __call__(self, arguments: BaseModel) -> Response:
        """Call the service with the validated arguments; errors go to the app's problem handlers."""
        name = self.spec.name
        self.metrics.tool_calls.labels(tool=name, transport="rest").inc()
        start = time.perf_counter()
        try:
            result = await self.handler(self.use_cases, _one_level(arguments))
        except Exception as exc:
            self.metrics.tool_errors.labels(tool=name, transport="rest", error=error_label(exc)).inc()
            raise
        finally:
            self.metrics.tool_duration.labels(tool=name, transport="rest").observe(time.perf_counter() - start)
        # Exactly the MCP structuredContent: the model dumped in JSON mode with aliases.
        return Response(result.model_dump_json(by_alias=True), media_type="application/json")


def _one_level(arguments: BaseModel) -> dict[str, Any]:
    return {name: getattr(arguments, name) for name in type(arguments).model_fields}


class ToolInfo(BaseModel):
    """One tool as ``GET /tools`` lists it."""

    name: str
    title: str
    description: str
    path: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any] | None


def add_tool_routes(app: FastAPI, specs: list[ToolSpec], service: CarbonService, metrics: Metrics) -> None:
    """``GET /tools`` and one ``POST /tools/{name}`` route per tool (with its own schemas), then a catch-all."""
    router = APIRouter(tags=["tools"])
    use_cases = UseCases(service, PowerExplorer(service))
    listing = [
        ToolInfo(
            name=s.name,
            title=s.title,
            description=s.description,
            path=f"/tools/{s.name}",
            input_schema=s.input_schema,
            output_schema=s.output_schema,
        )
        for s in specs
    ]

    @router.get("/tools", summary="List the tools", responses=problem_responses(401, 403, 421))
    async def list_tools() -> list[ToolInfo]:
        """The tools, with the same input and output schemas MCP's ``tools/list`` returns."""
        return listing

    for spec in specs:
        router.add_api_route(
            f"/tools/{spec.name}",
            ToolEndpoint(spec, use_cases, metrics),
            methods=["POST"],
            name=spec.name,
            operation_id=spec.name,
            summary=spec.title,
            description=spec.description,
            response_model=spec.output_model,
            responses=problem_responses(*TOOL_ERRORS),
        )

    known = [s.name for s in specs]

    @router.post("/tools/{tool_name}", include_in_schema=False)
    async def unknown_tool(tool_name: str) -> Response:
        raise NotFoundError(f"no tool named {tool_name!r}; tools: {', '.join(known)}", suggestions=known)

    app.include_router(router)


NAMESPACE_PATTERN = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
POD_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
REGION_PATTERN = r"^[a-z0-9-]{2,32}$"
STANDARD_PATTERN = r"^[A-Z0-9_]{2,64}$"
"""The names :mod:`carbon_kepler_mcp.names` accepts, as JSON Schema patterns for the path parameters."""


def add_resource_routes(app: FastAPI, service: CarbonService) -> None:
    """``GET /resources/...``: the MCP resources with the URI's ``://`` written as ``/``."""
    views = ResourceViews(service)
    router = APIRouter(prefix="/resources", tags=["resources"])
    errors = problem_responses(*RESOURCE_ERRORS)

    @router.get(
        "/compliance-standards/korea",
        summary="Korean standards and their legal status",
        description="Same document as the MCP resource `compliance-standards://korea`.",
        responses=errors,
    )
    async def korea_standards() -> dict[str, Any]:
        return views.korea_standards()

    @router.get(
        "/compliance-standards/korea/{standard_code}",
        summary="One standard",
        description="Same document as `compliance-standards://korea/{standard_code}` (any jurisdiction's code).",
        responses=errors,
    )
    async def standard(
        standard_code: Annotated[str, PathParam(pattern=STANDARD_PATTERN, examples=["KR_PUE_GREEN_DC"])],
    ) -> dict[str, Any]:
        return views.standard(standard_code)

    @router.get(
        "/carbon-intensity/{region}",
        summary="Grid carbon intensity of a region",
        description="Same document as `carbon-intensity://{region}`: both intensity bases, today's hourly "
        "profile (local time), cleanest and dirtiest hours, grid mix, provenance.",
        responses=errors,
    )
    async def intensity(
        region: Annotated[str, PathParam(pattern=REGION_PATTERN, examples=["ap-northeast-2"])],
    ) -> dict[str, Any]:
        return views.intensity(region, now=datetime.now(UTC))

    @router.get(
        "/carbon-intensity/{region}/{timestamp}",
        summary="Grid carbon intensity at a time",
        description="Same document as `carbon-intensity://{region}/{timestamp}` (ISO 8601; naive means UTC).",
        responses=errors,
    )
    async def intensity_at(
        region: Annotated[str, PathParam(pattern=REGION_PATTERN, examples=["ap-northeast-2"])],
        timestamp: Annotated[str, PathParam(max_length=40, examples=["2026-04-15T12:00:00+09:00"])],
    ) -> dict[str, Any]:
        return views.intensity_at(region, timestamp)

    @router.get(
        "/workload-metrics/{namespace}/{pod}",
        summary="A pod's power metrics",
        description="Same document as `workload-metrics://{namespace}/{pod}`.",
        response_model=PodMetrics,
        responses=errors,
    )
    async def workload_metrics(
        namespace: Annotated[str, PathParam(pattern=NAMESPACE_PATTERN, examples=["ai-team"])],
        pod: Annotated[str, PathParam(pattern=POD_PATTERN, max_length=253, examples=["jupyter-lab-0"])],
    ) -> Response:
        result = await service.pod_metrics(namespace, pod)
        return Response(result.model_dump_json(by_alias=True), media_type="application/json")

    app.include_router(router)


async def readiness(service: CarbonService) -> tuple[bool, dict[str, Any]]:
    """Whether the metrics source answers now, with what ``/readyz`` may show (no endpoints, no errors)."""
    try:
        snapshot = await service.source.snapshot()
    except CarbonKeplerError as exc:
        logger.warning("not ready: %s", exc)
        return False, {"status": "unavailable", "source": service.source.kind}
    return True, {
        "status": "ready",
        "source": snapshot.source_kind,
        "is_demo": snapshot.is_demo,
        "scraped_at": snapshot.taken_at.astimezone(UTC).isoformat(timespec="seconds"),
        "pods": len(snapshot.pods),
        "partial": bool(snapshot.warnings),
    }
