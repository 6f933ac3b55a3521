"""MCP adapters for exploring power (six tools), the prompts and argument completion.

:func:`register_exploring` adds them to the server :func:`~carbon_kepler_mcp.server.build_server` builds. The
tools follow the conventions of the five core tools: typed and bounded arguments (bounds and enums become the
input schema), a pydantic result (the output schema), read-only annotations, ``language``, and errors the
model can act on as ``ToolError`` through the server's mapping.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any, Final, Literal, Protocol, TypeVar

from mcp import MCPError
from mcp.server import MCPServer
from mcp.types import (
    INVALID_PARAMS,
    Completion,
    CompletionArgument,
    CompletionContext,
    PromptReference,
    ResourceTemplateReference,
)
from pydantic import Field

from carbon_kepler_mcp.completion import complete_argument
from carbon_kepler_mcp.errors import CarbonKeplerError
from carbon_kepler_mcp.explore import MAX_LIMIT, MAX_MIGRATION_LIMIT, MAX_POWER_WATTS, PowerExplorer
from carbon_kepler_mcp.explore_models import (
    HotspotsResult,
    MigrationResult,
    PowerSummaryResult,
    ResourcePowerResult,
    SearchResult,
    TopConsumersResult,
)
from carbon_kepler_mcp.models import Status
from carbon_kepler_mcp.names import validate_namespace, validate_object_name
from carbon_kepler_mcp.paging import MAX_CURSOR_LENGTH
from carbon_kepler_mcp.prompts import (
    PROMPT_NAMES,
    batch_schedule_prompt,
    check_deadline,
    check_duration_text,
    compliance_report_prompt,
    explain_emissions_prompt,
    hotspot_review_prompt,
)
from carbon_kepler_mcp.server import READ_ONLY, LanguageArg, Namespace, NotBool, RegionCode
from carbon_kepler_mcp.service import CarbonService

__all__ = ["EXPLORING_TOOLS", "RESOURCE_TEMPLATES", "register_exploring"]

T = TypeVar("T")


class Caller(Protocol):
    """The server's error mapping: awaits a use-case call and raises its errors as ``ToolError``."""

    def __call__(self, action: Awaitable[T], /) -> Awaitable[T]: ...


EXPLORING_TOOLS: Final = (
    "identify_power_hotspots",
    "list_top_power_consumers",
    "get_power_consumption_summary",
    "get_resource_power",
    "search_resources",
    "get_migration_recommendations",
)

RESOURCE_TEMPLATES: Final = frozenset(
    {
        "compliance-standards://korea/{standard_code}",
        "carbon-intensity://{region}",
        "carbon-intensity://{region}/{timestamp}",
        "workload-metrics://{namespace}/{pod}",
    }
)
"""The resource templates whose parameters completion knows."""

OptionalNamespace = Annotated[
    str | None,
    Field(default=None, min_length=1, max_length=63, description="Kubernetes namespace; omit for the whole cluster"),
]
WorkloadName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=253,
        description="Workload name: a pod, or a Deployment/StatefulSet/DaemonSet/Job/CronJob name",
    ),
]
StandardCode = Annotated[
    str, Field(min_length=2, max_length=64, description="Standard code, e.g. KR_CARBON_2050, KR_PUE_GREEN_DC")
]
Cursor = Annotated[
    str | None,
    Field(
        default=None,
        max_length=MAX_CURSOR_LENGTH,
        description="next_cursor of the previous page; repeat the other arguments unchanged",
    ),
]
LevelArg = Annotated[
    Literal["workload", "pod"],
    Field(description="Rank workloads (pods grouped by Kubernetes naming rules) or single pods"),
]
Watts = Annotated[float, Field(ge=0, le=MAX_POWER_WATTS, allow_inf_nan=False), NotBool]


def _prompt_error(exc: CarbonKeplerError) -> MCPError:
    """A prompt argument error the client can read (other exceptions lose their message in the SDK)."""
    return MCPError(code=INVALID_PARAMS, message=str(exc))


def register_exploring(mcp: MCPServer[Any], service: CarbonService, call: Caller) -> PowerExplorer:
    """Add the exploring tools, the prompts and the completion handler to ``mcp``."""
    explorer = PowerExplorer(service)

    @mcp.tool(title="Identify power hotspots", annotations=READ_ONLY, structured_output=True)
    async def identify_power_hotspots(
        namespace: OptionalNamespace = None,
        power_threshold_watts: Annotated[
            Watts, Field(description="A consumer drawing at least this IT power (W) is a hotspot")
        ] = 1.0,
        include_compliance_check: Annotated[
            bool, Field(description="Also flag consumers that fail the standard or the PUE standard")
        ] = True,
        level: LevelArg = "workload",
        standard: StandardCode = "KR_CARBON_2050",
        region: RegionCode = None,
        limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Page size"), NotBool] = 20,
        cursor: Cursor = None,
        language: LanguageArg = "en",
    ) -> HotspotsResult:
        """Power hotspots (whole cluster when namespace is omitted), highest power first, with compliance,
        monthly emissions and preventive actions (alert, right-size, temporal shift, regional migration, PUE),
        each with priority, reason, estimated W and kgCO2eq/month saved and implementation steps.
        """
        return await call(
            explorer.hotspots(
                namespace,
                power_threshold_watts,
                include_compliance_check,
                level=level,
                standard=standard,
                region=region,
                limit=limit,
                cursor=cursor,
                language=language,
            )
        )

    @mcp.tool(title="List top power consumers", annotations=READ_ONLY, structured_output=True)
    async def list_top_power_consumers(
        namespace: OptionalNamespace = None,
        limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Page size"), NotBool] = 10,
        sort_by: Annotated[
            Literal["power", "efficiency", "emissions"],
            Field(
                description="power or emissions: highest first; efficiency: most node overhead watts per attributed "
                "watt first (see efficiency_method)"
            ),
        ] = "power",
        level: LevelArg = "workload",
        standard: StandardCode = "KR_CARBON_2050",
        region: RegionCode = None,
        cursor: Cursor = None,
        language: LanguageArg = "en",
    ) -> TopConsumersResult:
        """Ranked consumers with power, share, compliance status, monthly emissions and an efficiency measure
        with a physical meaning (node overhead watts per attributed watt).
        """
        return await call(
            explorer.top_consumers(
                namespace,
                limit,
                sort_by,
                level=level,
                standard=standard,
                region=region,
                cursor=cursor,
                language=language,
            )
        )

    @mcp.tool(title="Power consumption summary", annotations=READ_ONLY, structured_output=True)
    async def get_power_consumption_summary(
        namespace: OptionalNamespace = None,
        standard: StandardCode = "KR_CARBON_2050",
        region: RegionCode = None,
        limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Page size of the per-node list"), NotBool] = 20,
        cursor: Cursor = None,
        language: LanguageArg = "en",
    ) -> PowerSummaryResult:
        """Totals, averages, compliance rate, top 3 workloads, node count, and the node power Kepler attributes
        to no pod (idle and system), per node and in total.
        """
        return await call(
            explorer.summary(namespace, standard=standard, region=region, limit=limit, cursor=cursor, language=language)
        )

    @mcp.tool(title="Resource power by zone", annotations=READ_ONLY, structured_output=True)
    async def get_resource_power(
        kind: Annotated[Literal["node", "pod", "container", "process"], Field(description="What name names")],
        name: Annotated[
            str,
            Field(
                min_length=1,
                max_length=320,
                description="node: node name; pod: pod name (with namespace); container: <pod>/<container> or "
                "<container> (with namespace) or a container id (12-64 hex); process: <pid> or <node>/<pid>",
            ),
        ],
        namespace: OptionalNamespace = None,
        region: RegionCode = None,
        limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Page size of the children list"), NotBool] = 20,
        cursor: Cursor = None,
        language: LanguageArg = "en",
    ) -> ResourcePowerResult:
        """Power and energy of a node, pod, container or process by RAPL zone (package, core, uncore, dram), its
        state, parent chain (process → container → pod → node) and children (highest power first).
        """
        return await call(
            explorer.resource_power(kind, name, namespace, region=region, limit=limit, cursor=cursor, language=language)
        )

    @mcp.tool(title="Search resources", annotations=READ_ONLY, structured_output=True)
    async def search_resources(
        kind: Annotated[Literal["workload", "pod", "container"], Field(description="What to search")] = "workload",
        namespace: OptionalNamespace = None,
        name_pattern: Annotated[
            str | None,
            Field(
                default=None,
                max_length=253,
                description="Glob over the name: lowercase letters, digits, '-', '.', '*' (any run) and '?' (one)",
            ),
        ] = None,
        min_power_watts: Annotated[Watts | None, Field(default=None, description="Lowest IT power, W")] = None,
        max_power_watts: Annotated[Watts | None, Field(default=None, description="Highest IT power, W")] = None,
        status: Annotated[Status | None, Field(default=None, description="Only items with this status")] = None,
        standard: StandardCode = "KR_CARBON_2050",
        region: RegionCode = None,
        limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Page size"), NotBool] = 20,
        cursor: Cursor = None,
        language: LanguageArg = "en",
    ) -> SearchResult:
        """Workloads, pods or containers filtered by namespace, name pattern, power range and compliance status,
        highest power first.
        """
        return await call(
            explorer.search(
                kind,
                namespace,
                name_pattern,
                min_power_watts,
                max_power_watts,
                status,
                standard=standard,
                region=region,
                limit=limit,
                cursor=cursor,
                language=language,
            )
        )

    @mcp.tool(title="Migration recommendations", annotations=READ_ONLY, structured_output=True)
    async def get_migration_recommendations(
        workload_name: WorkloadName,
        namespace: Namespace = "default",
        current_region: RegionCode = None,
        candidate_regions: Annotated[
            list[Annotated[str, Field(min_length=2, max_length=32)]] | None,
            Field(default=None, max_length=50, description="Regions to consider (default: every known region)"),
        ] = None,
        limit: Annotated[int, Field(ge=1, le=MAX_MIGRATION_LIMIT, description="Page size"), NotBool] = 10,
        cursor: Cursor = None,
        language: LanguageArg = "en",
    ) -> MigrationResult:
        """Candidate regions ranked by the emissions a move would save, each with data-residency duties and an
        indicative (not measured) latency lower bound from the distance between regions.
        """
        return await call(
            explorer.migration(
                workload_name,
                namespace,
                current_region=current_region,
                candidate_regions=candidate_regions,
                limit=limit,
                cursor=cursor,
                language=language,
            )
        )

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
            std = service.standard(standard)
            reg = service.region(region)
        except CarbonKeplerError as exc:
            raise _prompt_error(exc) from exc
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
            reg = service.region(region)
        except CarbonKeplerError as exc:
            raise _prompt_error(exc) from exc
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
            std = service.standard(standard)
        except CarbonKeplerError as exc:
            raise _prompt_error(exc) from exc
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
            raise _prompt_error(exc) from exc
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
        return await complete_argument(service, argument.name, argument.value, arguments)

    return explorer
