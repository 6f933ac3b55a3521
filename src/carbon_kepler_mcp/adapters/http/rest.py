"""REST: ``POST /tools/{tool_name}`` for every tool of the registry, and ``GET /resources/...`` for the resources.

The request body of a tool route is the argument model the MCP SDK builds from the tool's request model
(:mod:`carbon_kepler_mcp.app.requests`, through the public ``Tool.from_function``), and the response model is the
tool's result model, so Swagger and the MCP ``inputSchema``/``outputSchema`` describe the same objects and cannot
drift. The handlers call the tool's ``run`` directly, like the MCP tools do.
"""

from __future__ import annotations

import inspect
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, FastAPI, Request
from fastapi import Path as PathParam
from pydantic import BaseModel
from starlette.responses import Response

from carbon_kepler_mcp.adapters.http.metrics import Metrics
from carbon_kepler_mcp.adapters.http.problems import error_label, problem_responses
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.pods import pod_metrics
from carbon_kepler_mcp.app.registry import TOOLS, ToolSpec, arguments_model
from carbon_kepler_mcp.app.resources import ResourceViews
from carbon_kepler_mcp.app.results import PodMetrics
from carbon_kepler_mcp.errors import CarbonKeplerError, NotFoundError

logger = logging.getLogger(__name__)

TOOL_ERRORS = (400, 401, 403, 404, 413, 415, 421, 422, 503)
RESOURCE_ERRORS = (401, 403, 404, 421, 422, 503)


@dataclass(frozen=True)
class RestTool:
    """One tool as REST serves it: the registry entry and the schemas MCP publishes for it."""

    spec: ToolSpec
    arg_model: type[BaseModel]
    input_schema: dict[str, Any]
    output_schema: dict[str, Any] | None


def rest_tools() -> list[RestTool]:
    """Every tool of the registry, with the argument model and the schemas MCP publishes for it."""
    tools: list[RestTool] = []
    for spec in TOOLS:
        arg_model = arguments_model(spec)
        tools.append(
            RestTool(
                spec=spec,
                arg_model=arg_model,
                input_schema=arg_model.model_json_schema(),
                output_schema=spec.result.model_json_schema(by_alias=True),
            )
        )
    return tools


class ToolEndpoint:
    """The endpoint of one tool route. Its signature (read by FastAPI) declares the tool's argument model."""

    __signature__: inspect.Signature

    def __init__(self, tool: RestTool, ctx: AppContext, metrics: Metrics) -> None:
        self.tool = tool
        self.ctx = ctx
        self.metrics = metrics
        self.__signature__ = inspect.Signature(
            [
                inspect.Parameter(
                    "arguments",
                    inspect.Parameter.POSITIONAL_OR_KEYWORD,
                    annotation=Annotated[
                        tool.arg_model, Body(description=f"Arguments of the MCP tool {tool.spec.name}")
                    ],
                ),
                inspect.Parameter("http_request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
            ],
            return_annotation=Response,
        )

    async def __call__(self, arguments: BaseModel, http_request: Request) -> Response:
        """Run the tool with the validated arguments; errors go to the app's problem handlers."""
        spec = self.tool.spec
        self.metrics.tool_calls.labels(tool=spec.name, transport="rest").inc()
        start = time.perf_counter()
        try:
            request = spec.request.model_construct(**_one_level(arguments))
            result = await spec.run(self.ctx, request)
        except Exception as exc:
            self.metrics.tool_errors.labels(tool=spec.name, transport="rest", error=error_label(exc)).inc()
            if isinstance(exc, CarbonKeplerError):
                exc.language = str(getattr(arguments, "language", "en"))  # the problem's words follow the request
            raise
        finally:
            self.metrics.tool_duration.labels(tool=spec.name, transport="rest").observe(time.perf_counter() - start)
        if spec.csv is not None and "text/csv" in http_request.headers.get("accept", ""):
            return Response(
                spec.csv(result),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{spec.name}.csv"'},
            )
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


def add_tool_routes(app: FastAPI, tools: list[RestTool], ctx: AppContext, metrics: Metrics) -> None:
    """``GET /tools`` and one ``POST /tools/{name}`` route per tool (with its own schemas), then a catch-all."""
    router = APIRouter(tags=["tools"])
    listing = [
        ToolInfo(
            name=t.spec.name,
            title=t.spec.title,
            description=t.spec.description,
            path=f"/tools/{t.spec.name}",
            input_schema=t.input_schema,
            output_schema=t.output_schema,
        )
        for t in tools
    ]

    @router.get("/tools", summary="List the tools", responses=problem_responses(401, 403, 421))
    async def list_tools() -> list[ToolInfo]:
        """The tools, with the same input and output schemas MCP's ``tools/list`` returns."""
        return listing

    for tool in tools:
        spec = tool.spec
        router.add_api_route(
            f"/tools/{spec.name}",
            ToolEndpoint(tool, ctx, metrics),
            methods=["POST"],
            name=spec.name,
            operation_id=spec.name,
            summary=spec.title,
            description=spec.description,
            response_model=spec.result,
            responses=problem_responses(*TOOL_ERRORS)
            | (
                {200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "JSON, or CSV"}}
                if spec.csv is not None
                else {}
            ),
        )

    known = [t.spec.name for t in tools]

    @router.post("/tools/{tool_name}", include_in_schema=False)
    async def unknown_tool(tool_name: str) -> Response:
        raise NotFoundError(f"no tool named {tool_name!r}; tools: {', '.join(known)}", suggestions=known)

    app.include_router(router)


NAMESPACE_PATTERN = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
POD_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
REGION_PATTERN = r"^[a-z0-9-]{2,32}$"
STANDARD_PATTERN = r"^[A-Z0-9_]{2,64}$"
"""The names :mod:`carbon_kepler_mcp.domain.names` accepts, as JSON Schema patterns for the path parameters."""


def add_resource_routes(app: FastAPI, ctx: AppContext) -> None:
    """``GET /resources/...``: the MCP resources with the URI's ``://`` written as ``/``."""
    views = ResourceViews(ctx)
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
        return await views.live_intensity(region, now=datetime.now(UTC))

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
        return await views.live_intensity_at(region, timestamp, now=datetime.now(UTC))

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
        result = await pod_metrics(ctx, namespace, pod)
        return Response(result.model_dump_json(by_alias=True), media_type="application/json")

    app.include_router(router)


async def readiness(ctx: AppContext, *, raise_errors: bool = False) -> tuple[bool, dict[str, Any]]:
    """Whether the metrics source answers now, with what ``/readyz`` may show (no endpoints, no errors).

    With ``raise_errors`` the source's error is raised instead (the caller words the reason).
    """
    try:
        snapshot = await ctx.source.snapshot()
    except CarbonKeplerError as exc:
        if raise_errors:
            raise
        logger.warning("not ready: %s", exc)
        return False, {"status": "unavailable", "source": ctx.source.kind}
    return True, {
        "status": "ready",
        "source": snapshot.source_kind,
        "is_demo": snapshot.is_demo,
        "scraped_at": snapshot.taken_at.astimezone(UTC).isoformat(timespec="seconds"),
        "pods": len(snapshot.pods),
        "partial": bool(snapshot.warnings),
    }
