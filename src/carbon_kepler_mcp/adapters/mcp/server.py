"""The MCP adapter: tools generated from the registry, resources, prompts and argument completion.

Every tool of :data:`carbon_kepler_mcp.app.registry.TOOLS` becomes an MCP tool through the SDK's public
``Tool.from_function``: its input schema is the tool's request model (bounds and enums included), its output
schema the result model. Errors the model can act on become ``ToolError`` (tools) or ``ResourceNotFoundError``
(resources) with the package's message.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Collection
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, Final, Literal, TypeVar

from mcp import MCPError
from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.types import (
    INVALID_PARAMS,
    Completion,
    CompletionArgument,
    CompletionContext,
    PromptReference,
    ResourceTemplateReference,
    ToolAnnotations,
)
from pydantic import BaseModel, Field

from carbon_kepler_mcp._version import __version__
from carbon_kepler_mcp.adapters.mcp.completion import complete_argument
from carbon_kepler_mcp.adapters.mcp.prompts import (
    PROMPT_NAMES,
    batch_schedule_prompt,
    check_deadline,
    check_duration_text,
    compliance_report_prompt,
    explain_emissions_prompt,
    hotspot_review_prompt,
)
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.pods import pod_metrics
from carbon_kepler_mcp.app.registry import TOOLS, ToolSpec
from carbon_kepler_mcp.app.requests import ToolRequest, parse_request
from carbon_kepler_mcp.app.resources import ResourceViews
from carbon_kepler_mcp.app.results import PodMetrics
from carbon_kepler_mcp.domain.names import validate_namespace, validate_object_name
from carbon_kepler_mcp.errors import CarbonKeplerError, ConfigError, InvalidArgumentError

__all__ = ["INSTRUCTIONS", "RESOURCE_TEMPLATES", "build_server", "mcp_tools"]

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

RESOURCE_TEMPLATES: Final = frozenset(
    {
        "compliance-standards://korea/{standard_code}",
        "carbon-intensity://{region}",
        "carbon-intensity://{region}/{timestamp}",
        "workload-metrics://{namespace}/{pod}",
    }
)
"""The resource templates whose parameters completion knows."""


def _prompt_error(exc: CarbonKeplerError, language: str = "en") -> MCPError:
    """A prompt argument error the client can read (other exceptions lose their message in the SDK)."""
    return MCPError(code=INVALID_PARAMS, message=exc.text(language))


async def _read(action: Awaitable[T]) -> T:
    try:
        return await action
    except CarbonKeplerError as exc:
        raise ResourceNotFoundError(str(exc)) from exc


class _RequestTool(Tool):
    """A tool whose argument refusals are worded by ``parse_request``: which argument, what was given and what is
    allowed, in the request's language (the SDK's own refusal is raw pydantic text in English)."""

    request_model: type[ToolRequest] | None = Field(default=None, exclude=True)

    async def run(self, arguments: dict[str, Any], context: Any, convert_result: bool = False) -> Any:
        if self.request_model is not None:
            try:
                parse_request(self.request_model, arguments)
            except InvalidArgumentError as exc:
                raise ToolError(exc.text(str(arguments.get("language", "en")))) from exc
        return await super().run(arguments, context, convert_result)


def _tool_function(spec: ToolSpec, ctx: AppContext) -> Callable[..., Awaitable[BaseModel]]:
    """A function whose signature is the request model's fields, for the SDK to build the tool from."""

    async def call(**arguments: Any) -> BaseModel:
        # The SDK validated the arguments against the same field definitions: no second validation.
        request = spec.request.model_construct(**arguments)
        try:
            return await spec.run(ctx, request)
        except CarbonKeplerError as exc:
            logger.info("tool error: %s", exc)
            raise ToolError(exc.text(request.language)) from exc

    parameters = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=inspect.Parameter.empty if field.is_required() else field.default,
            annotation=Annotated[field.annotation, field],
        )
        for name, field in _ordered_fields(spec.request)
    ]
    call.__signature__ = inspect.Signature(parameters, return_annotation=spec.result)  # type: ignore[attr-defined]
    call.__name__ = spec.name
    call.__doc__ = spec.description
    return call


def _ordered_fields(model: type[BaseModel]) -> list[tuple[str, Any]]:
    # ``language`` (from the base model) last, as the tools always listed it.
    fields = list(model.model_fields.items())
    return [f for f in fields if f[0] != "language"] + [f for f in fields if f[0] == "language"]


def mcp_tools(ctx: AppContext, *, prefix: str = "", allowed: Collection[str] | None = None) -> list[Tool]:
    """The registry's tools as SDK tools: optionally only ``allowed`` ones, each name behind ``prefix``."""
    unknown = sorted(set(allowed or ()) - {spec.name for spec in TOOLS})
    if unknown:
        raise ConfigError(
            f"unknown tool name(s) in the tool allowlist: {', '.join(unknown)}; "
            f"known: {', '.join(spec.name for spec in TOOLS)}"
        )
    tools: list[Tool] = []
    for spec in TOOLS:
        if allowed is not None and spec.name not in allowed:
            continue
        tool = _RequestTool.from_function(
            _tool_function(spec, ctx),
            name=prefix + spec.name,
            title=spec.title,
            description=spec.description,
            annotations=READ_ONLY,
            structured_output=True,
        )
        assert isinstance(tool, _RequestTool)  # from_function builds ``cls``
        tool.request_model = spec.request
        tools.append(tool)
    return tools


def _lifespan_factory(ctx: AppContext) -> Callable[[MCPServer[Any]], Any]:
    @asynccontextmanager
    async def lifespan(_server: MCPServer[Any]) -> AsyncGenerator[None]:
        try:
            yield
        finally:
            await ctx.aclose()

    return lifespan


def build_server(
    ctx: AppContext,
    *,
    close_context: bool = True,
    tool_prefix: str = "",
    tools_allowed: Collection[str] | None = None,
) -> MCPServer[Any]:
    """An MCP server exposing the registry's tools, the resources, the prompts and completion over ``ctx``."""
    mcp: MCPServer[Any] = MCPServer(
        "carbon-kepler-mcp",
        title="Carbon Kepler MCP",
        description="Carbon emissions and compliance of Kubernetes workloads from Kepler power metrics",
        version=__version__,
        instructions=INSTRUCTIONS,
        lifespan=_lifespan_factory(ctx) if close_context else None,
        tools=mcp_tools(ctx, prefix=tool_prefix, allowed=tools_allowed),
    )
    views = ResourceViews(ctx)

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
    async def carbon_intensity(region: str) -> dict[str, Any]:
        """A region's grid intensity (compliance and comparison bases), hourly profile, grid mix, provenance, and
        the configured provider's latest value with its timestamps and staleness."""
        try:
            return await views.live_intensity(region, now=datetime.now(UTC))
        except CarbonKeplerError as exc:
            raise ResourceNotFoundError(str(exc)) from exc

    @mcp.resource(
        "carbon-intensity://{region}/{timestamp}",
        name="carbon_intensity_at",
        title="Grid carbon intensity at a time",
        mime_type="application/json",
    )
    async def carbon_intensity_at(region: str, timestamp: str) -> dict[str, Any]:
        """A region's intensity for the hour containing an ISO 8601 timestamp (and the provider's value)."""
        try:
            return await views.live_intensity_at(region, timestamp, now=datetime.now(UTC))
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
        return await _read(pod_metrics(ctx, namespace, pod))

    # --- prompts -----------------------------------------------------------------------------------------

    @mcp.prompt(
        name="namespace_compliance_report",
        title="Compliance report for a namespace",
        description="A carbon compliance report for one namespace against a standard, in English or Korean: "
        "status per workload, compliance rate, what the figures leave out and next steps.",
    )
    def namespace_compliance_report(
        namespace: Annotated[str, Field(description="Kubernetes namespace")],
        standard: Annotated[str, Field(description="Standard code, e.g. KR_CARBON_2050")] = "KR_CARBON_2050",
        region: Annotated[str | None, Field(description="Cloud region code (default: the server's)")] = None,
        language: Annotated[Literal["en", "ko"], Field(description="en or ko (한국어)")] = "en",
    ) -> str:
        try:
            ns = validate_namespace(namespace)
            std = ctx.standard(standard)
            reg = ctx.region(region)
        except CarbonKeplerError as exc:
            raise _prompt_error(exc, language) from exc
        return compliance_report_prompt(ns, std.code, reg.code, language)

    @mcp.prompt(
        name="carbon_aware_batch_schedule",
        title="Plan a carbon-aware schedule for a batch job",
        description="When to run a batch job (CronJob or Job) for the lowest grid intensity, respecting a "
        "deadline, and the exact CronJob change to make.",
    )
    def carbon_aware_batch_schedule(
        workload_name: Annotated[str, Field(description="The Job or CronJob name")],
        namespace: Annotated[str, Field(description="Kubernetes namespace")],
        duration_hours: Annotated[str, Field(description="How long one run takes, hours (0.25-24)")] = "4",
        deadline: Annotated[str | None, Field(description="Latest local finish time, HH:MM (optional)")] = None,
        region: Annotated[str | None, Field(description="Cloud region code (default: the server's)")] = None,
        language: Annotated[Literal["en", "ko"], Field(description="en or ko (한국어)")] = "en",
    ) -> str:
        try:
            workload = validate_object_name(workload_name)
            ns = validate_namespace(namespace)
            hours = check_duration_text(duration_hours)
            until = check_deadline(deadline)
            reg = ctx.region(region)
        except CarbonKeplerError as exc:
            raise _prompt_error(exc, language) from exc
        return batch_schedule_prompt(workload, ns, hours, until, reg.code, language)

    @mcp.prompt(
        name="explain_workload_emissions",
        title="Explain this workload's emissions",
        description="Walk through a workload's emissions figure by figure (power by zone, PUE, grid factor), "
        "what it leaves out and the two largest levers.",
    )
    def explain_workload_emissions(
        workload_name: Annotated[str, Field(description="Workload or pod name")],
        namespace: Annotated[str, Field(description="Kubernetes namespace")],
        standard: Annotated[str, Field(description="Standard code, e.g. KR_CARBON_2050")] = "KR_CARBON_2050",
        language: Annotated[Literal["en", "ko"], Field(description="en or ko (한국어)")] = "en",
    ) -> str:
        try:
            workload = validate_object_name(workload_name)
            ns = validate_namespace(namespace)
            std = ctx.standard(standard)
        except CarbonKeplerError as exc:
            raise _prompt_error(exc, language) from exc
        return explain_emissions_prompt(workload, ns, std.code, language)

    @mcp.prompt(
        name="power_hotspot_review",
        title="Where is our power going?",
        description="A power review of a namespace or the whole cluster: top consumers, unattributed node power "
        "and the first preventive actions.",
    )
    def power_hotspot_review(
        namespace: Annotated[str | None, Field(description="Kubernetes namespace (omit for the cluster)")] = None,
        language: Annotated[Literal["en", "ko"], Field(description="en or ko (한국어)")] = "en",
    ) -> str:
        try:
            ns = None if not namespace else validate_namespace(namespace)
        except CarbonKeplerError as exc:
            raise _prompt_error(exc, language) from exc
        return hotspot_review_prompt(ns, language)

    # --- completion --------------------------------------------------------------------------------------

    @mcp.completion()
    async def complete(
        ref: PromptReference | ResourceTemplateReference,
        argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion:
        """Namespaces, workloads and pods from the live metrics; regions and standards from reference data."""
        known = ref.name in PROMPT_NAMES if isinstance(ref, PromptReference) else ref.uri in RESOURCE_TEMPLATES
        if not known:
            return Completion(values=[], total=0, has_more=False)
        arguments = context.arguments if context is not None and context.arguments else None
        return await complete_argument(ctx, argument.name, argument.value, arguments)

    return mcp
