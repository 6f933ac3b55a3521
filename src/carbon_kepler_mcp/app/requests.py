"""The arguments of every tool, as one pydantic model each.

These models are the single definition of a tool's arguments: the MCP input schema, the REST request body and
the CLI options are all generated from them (:mod:`carbon_kepler_mcp.app.registry`). Bounds and enums live in the
field types, so every adapter enforces the same ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Final, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic.config import JsonDict
from pydantic_core import ErrorDetails

from carbon_kepler_mcp.app.results import OptimizationType, Status
from carbon_kepler_mcp.app.shifting import MAX_DURATION_HOURS, MIN_DURATION_HOURS
from carbon_kepler_mcp.domain.paging import MAX_CURSOR_LENGTH
from carbon_kepler_mcp.errors import InvalidArgumentError

__all__ = [
    "MAX_DURATION_HOURS",
    "MAX_LIMIT",
    "MAX_MIGRATION_LIMIT",
    "MAX_POWER_WATTS",
    "MIN_DURATION_HOURS",
    "AssessRequest",
    "CompareRequest",
    "HotspotsRequest",
    "ListRequest",
    "MigrationRequest",
    "RegionalRequest",
    "ReportRequest",
    "ResourcePowerRequest",
    "ScheduleRequest",
    "SearchRequest",
    "SummaryRequest",
    "ToolRequest",
    "TopConsumersRequest",
    "describe_problems",
    "parse_request",
]

_R = TypeVar("_R", bound=BaseModel)

MAX_LIMIT: Final = 200
"""Largest page of any exploring list."""
MAX_MIGRATION_LIMIT: Final = 50
MAX_POWER_WATTS: Final = 1_000_000.0
"""Largest power threshold or bound accepted (a megawatt: far above any node)."""


def _refuse_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    return value


NotBool: Final = BeforeValidator(_refuse_bool)
"""Metadata for every numeric argument, after its ``Field``: JSON ``true``/``false`` is refused (pydantic's lax
mode would read it as 1 or 0). Placed after the ``Field`` it leaves the input schema as it was."""

# The naming rules the server enforces (domain/names.py), stated in the schema for clients and fuzzers. Only the
# schema carries them (json_schema_extra): the domain's own checks keep their worded, bilingual refusals.
_OBJECT_NAME: Final[JsonDict] = {"pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"}
_NAMESPACE: Final[JsonDict] = {"pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"}
_STANDARD: Final[JsonDict] = {"pattern": r"^[A-Z0-9_]{2,64}$"}
_REGION: Final[JsonDict] = {"pattern": r"^[a-z0-9-]{2,32}$"}

WorkloadName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=253,
        json_schema_extra=_OBJECT_NAME,
        description="Workload name: a pod, or a Deployment/StatefulSet/DaemonSet/Job/CronJob name (resolved to its "
        "pods by Kubernetes naming rules)",
    ),
]
ExploreWorkloadName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=253,
        json_schema_extra=_OBJECT_NAME,
        description="Workload name: a pod, or a Deployment/StatefulSet/DaemonSet/Job/CronJob name",
    ),
]
Namespace = Annotated[
    str, Field(min_length=1, max_length=63, json_schema_extra=_NAMESPACE, description="Kubernetes namespace")
]
OptionalNamespace = Annotated[
    str | None,
    Field(
        default=None,
        min_length=1,
        max_length=63,
        json_schema_extra=_NAMESPACE,
        description="Kubernetes namespace; omit for the whole cluster",
    ),
]
StandardCode = Annotated[
    str,
    Field(
        min_length=2,
        max_length=64,
        json_schema_extra=_STANDARD,
        description="Standard code, e.g. KR_CARBON_2050 (carbon intensity benchmark), KR_PUE_GREEN_DC, "
        "DE_ENEFG_NEW_DC; see the compliance-standards:// resources",
    ),
]
ShortStandardCode = Annotated[
    str,
    Field(
        min_length=2,
        max_length=64,
        json_schema_extra=_STANDARD,
        description="Standard code, e.g. KR_CARBON_2050, KR_PUE_GREEN_DC",
    ),
]
RegionCode = Annotated[
    str | None,
    Field(
        default=None,
        min_length=2,
        max_length=32,
        json_schema_extra=_REGION,
        description="Cloud region code, e.g. ap-northeast-2 (Seoul). Default: the server's default region",
    ),
]
RegionList = list[Annotated[str, Field(min_length=2, max_length=32, json_schema_extra=_REGION)]]
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
IdleAllocationArg = Annotated[
    Literal["none", "proportional", "cpu_request"] | None,
    Field(
        default=None,
        description="How node idle power is shared into workloads: none (Kepler's active share only), proportional "
        "(to each workload's power) or cpu_request (to its CPU request, kube-state-metrics); with either of the "
        "last two the workloads of a node add up to the node. Default: the server's idle_allocation setting",
    ),
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
Hours = Annotated[
    float,
    Field(ge=MIN_DURATION_HOURS, le=MAX_DURATION_HOURS, allow_inf_nan=False),
    NotBool,
]


class ToolRequest(BaseModel):
    """The base of every tool's arguments."""

    model_config = ConfigDict(frozen=True)

    language: LanguageArg = "en"


class AssessRequest(ToolRequest):
    workload_name: WorkloadName
    namespace: Namespace = "default"
    standard: StandardCode = "KR_CARBON_2050"
    region: RegionCode = None
    window: WindowArg = None
    idle_allocation: IdleAllocationArg = None


class CompareRequest(ToolRequest):
    workload_name: WorkloadName
    namespace: Namespace = "default"
    optimizations: Annotated[
        list[OptimizationType] | None,
        Field(
            default=None, min_length=1, max_length=4, description="Optimisations to apply together (default: all four)"
        ),
    ] = None
    standard: StandardCode = "KR_CARBON_2050"
    region: RegionCode = None
    target_region: RegionCode = None
    target_pue: Annotated[
        float | None,
        Field(
            default=None, ge=1.0, le=5.0, allow_inf_nan=False, description="PUE to reach (default: the PUE standard's)"
        ),
        NotBool,
    ] = None
    rightsizing_reduction_percent: Annotated[
        float | None,
        Field(
            default=None,
            ge=0,
            le=90,
            allow_inf_nan=False,
            description="Your estimate of the power saved by right-sizing, in %; without it right-sizing is not "
            "quantified (a direct Kepler scrape carries no CPU requests)",
        ),
        NotBool,
    ] = None
    batch_duration_hours: Annotated[Hours, Field(description="Run length for temporal shift")] = 4.0
    window: WindowArg = None
    idle_allocation: IdleAllocationArg = None


class ListRequest(ToolRequest):
    namespace: Namespace = "default"
    standard: StandardCode = "KR_CARBON_2050"
    status_filter: Annotated[Status | None, Field(default=None, description="Only workloads with this status")] = None
    region: RegionCode = None
    limit: Annotated[int, Field(ge=1, le=1000, description="Page size"), NotBool] = 100
    cursor: Cursor = None
    window: WindowArg = None
    idle_allocation: IdleAllocationArg = None


class RegionalRequest(ToolRequest):
    workload_name: WorkloadName
    namespace: Namespace = "default"
    current_region: RegionCode = None
    comparison_regions: Annotated[
        RegionList | None,
        Field(default=None, max_length=50, description="Regions to compare (default: every known region)"),
    ] = None
    window: WindowArg = None
    idle_allocation: IdleAllocationArg = None


class ScheduleRequest(ToolRequest):
    workload_name: WorkloadName
    namespace: Namespace = "default"
    duration_hours: Annotated[Hours, Field(description="How long one run takes, hours")] = 4.0
    region: RegionCode = None
    window: WindowArg = None
    idle_allocation: IdleAllocationArg = None


class HotspotsRequest(ToolRequest):
    namespace: OptionalNamespace = None
    power_threshold_watts: Annotated[
        Watts, Field(description="A consumer drawing at least this IT power (W) is a hotspot")
    ] = 1.0
    include_compliance_check: Annotated[
        bool, Field(strict=True, description="Also flag consumers that fail the standard or the PUE standard")
    ] = True
    level: LevelArg = "workload"
    standard: ShortStandardCode = "KR_CARBON_2050"
    region: RegionCode = None
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Page size"), NotBool] = 20
    cursor: Cursor = None
    window: WindowArg = None
    idle_allocation: IdleAllocationArg = None


class TopConsumersRequest(ToolRequest):
    namespace: OptionalNamespace = None
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Page size"), NotBool] = 10
    sort_by: Annotated[
        Literal["power", "efficiency", "emissions"],
        Field(
            description="power or emissions: highest first; efficiency: most node overhead watts per attributed "
            "watt first (see efficiency_method)"
        ),
    ] = "power"
    level: LevelArg = "workload"
    standard: ShortStandardCode = "KR_CARBON_2050"
    region: RegionCode = None
    cursor: Cursor = None
    window: WindowArg = None
    idle_allocation: IdleAllocationArg = None


class SummaryRequest(ToolRequest):
    namespace: OptionalNamespace = None
    standard: ShortStandardCode = "KR_CARBON_2050"
    region: RegionCode = None
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Page size of the per-node list"), NotBool] = 20
    cursor: Cursor = None
    window: WindowArg = None
    idle_allocation: IdleAllocationArg = None


class ResourcePowerRequest(ToolRequest):
    kind: Annotated[Literal["node", "pod", "container", "process"], Field(description="What name names")]
    name: Annotated[
        str,
        Field(
            min_length=1,
            max_length=320,
            description="node: node name; pod: pod name (with namespace); container: <pod>/<container> or "
            "<container> (with namespace) or a container id (12-64 hex); process: <pid> or <node>/<pid>",
        ),
    ]
    namespace: OptionalNamespace = None
    region: RegionCode = None
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Page size of the children list"), NotBool] = 20
    cursor: Cursor = None


class SearchRequest(ToolRequest):
    kind: Annotated[Literal["workload", "pod", "container"], Field(description="What to search")] = "workload"
    namespace: OptionalNamespace = None
    name_pattern: Annotated[
        str | None,
        Field(
            default=None,
            max_length=253,
            description="Glob over the name: lowercase letters, digits, '-', '.', '*' (any run) and '?' (one)",
        ),
    ] = None
    min_power_watts: Annotated[Watts | None, Field(default=None, description="Lowest IT power, W")] = None
    max_power_watts: Annotated[Watts | None, Field(default=None, description="Highest IT power, W")] = None
    status: Annotated[Status | None, Field(default=None, description="Only items with this status")] = None
    standard: ShortStandardCode = "KR_CARBON_2050"
    region: RegionCode = None
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Page size"), NotBool] = 20
    cursor: Cursor = None
    window: WindowArg = None
    idle_allocation: IdleAllocationArg = None


class MigrationRequest(ToolRequest):
    workload_name: ExploreWorkloadName
    namespace: Namespace = "default"
    current_region: RegionCode = None
    candidate_regions: Annotated[
        RegionList | None,
        Field(default=None, max_length=50, description="Regions to consider (default: every known region)"),
    ] = None
    limit: Annotated[int, Field(ge=1, le=MAX_MIGRATION_LIMIT, description="Page size"), NotBool] = 10
    cursor: Cursor = None
    window: WindowArg = None
    idle_allocation: IdleAllocationArg = None


MAX_REPORT_DAYS: Final = 31
"""Longest report period (31 days of hourly rows = 744 points)."""


class ReportRequest(ToolRequest):
    namespace: Namespace = "default"
    workload_name: Annotated[
        str | None,
        Field(
            default=None,
            min_length=1,
            max_length=253,
            description="One workload of the namespace (a Deployment, CronJob, ...); omit for the whole namespace",
        ),
    ] = None
    days: Annotated[
        int, Field(ge=1, le=MAX_REPORT_DAYS, description="The last N days, ending at end (or now)"), NotBool
    ] = 7
    start: Annotated[
        str | None,
        Field(default=None, max_length=40, description="ISO 8601 start (with end; instead of days)"),
    ] = None
    end: Annotated[str | None, Field(default=None, max_length=40, description="ISO 8601 end (default: now)")] = None
    granularity: Annotated[Literal["hour", "day"], Field(description="One row per hour or per local day")] = "day"
    region: RegionCode = None


def parse_request(model: type[_R], values: Mapping[str, Any], *, name_of: Callable[[str], str] = str) -> _R:
    """``model`` validated from ``values``; a refusal is an :class:`InvalidArgumentError` in the request's language.

    ``name_of`` turns a field name into what the caller's user typed (a CLI option, a query parameter).
    """
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        errors = exc.errors()
        korean = describe_problems(errors, "ko", name_of)
        # The message is in the request's language; ``ko`` keeps the Korean for adapters that ask for it.
        message = korean if values.get("language") == "ko" else describe_problems(errors, "en", name_of)
        raise InvalidArgumentError(message, ko=korean) from exc


def describe_problems(
    errors: Sequence[ErrorDetails] | Sequence[Mapping[str, Any]], language: str, name_of: Callable[[str], str] = str
) -> str:
    """Validation errors as one sentence per argument: which argument, what was given, what is allowed."""
    return "; ".join(_problem(error, name_of, korean=language == "ko") for error in errors)


def _field_of(loc: Sequence[object], name_of: Callable[[str], str]) -> str:
    # REST puts "body" first; a list item adds its index (comparison_regions.1).
    parts = [str(p) for p in loc if p != "body"]
    if not parts:
        return "?"
    return ".".join([name_of(parts[0]), *parts[1:]])


def _problem(error: ErrorDetails | Mapping[str, Any], name_of: Callable[[str], str], *, korean: bool) -> str:
    field = _field_of(tuple(error.get("loc") or ()), name_of)
    given = "(없음)" if korean else "(nothing)"
    if "input" in error and error["type"] != "missing":
        given = repr(error.get("input"))[:60]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    kind = str(error.get("type", ""))
    if kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        bound = {
            # 이상/미만 end in a consonant (이어야), 이하/초과 in a vowel (여야)
            "less_than_equal": ("le", "at most", "이하여야"),
            "greater_than_equal": ("ge", "at least", "이상이어야"),
            "less_than": ("lt", "below", "미만이어야"),
            "greater_than": ("gt", "above", "초과여야"),
        }[kind]
        if korean:
            return f"{field}: 입력값 {given}은(는) 허용 범위를 벗어났습니다. {ctx.get(bound[0])} {bound[2]} 합니다"
        return f"{field}: {given} is out of range: it must be {bound[1]} {ctx.get(bound[0])}"
    en, ko = _reason(kind, ctx, str(error.get("msg", "")))
    if korean:
        return f"{field}: 입력값 {given} — {ko}"
    return f"{field}: got {given} — {en}"


def _reason(kind: str, ctx: Mapping[str, Any], msg: str) -> tuple[str, str]:
    """What is allowed, in English and Korean, for a pydantic error type."""
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type"):
        return "a number is required", "숫자여야 합니다"
    if kind == "int_from_float":
        return "a whole number is required", "정수여야 합니다"
    if kind == "finite_number":
        return "a finite number is required (NaN and infinity are refused)", (
            "유한한 숫자여야 합니다(NaN과 무한대는 허용되지 않습니다)"
        )
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected"))
        return f"allowed values: {expected}", f"허용되는 값은 {expected.replace(' or ', ', ')} 중 하나입니다"
    if kind == "string_too_long":
        return f"at most {ctx.get('max_length')} characters", f"최대 {ctx.get('max_length')}자까지 허용됩니다"
    if kind == "string_too_short":
        return f"at least {ctx.get('min_length')} character(s)", f"최소 {ctx.get('min_length')}자가 필요합니다"
    if kind == "too_long":
        return f"at most {ctx.get('max_length')} items", f"항목은 최대 {ctx.get('max_length')}개까지 허용됩니다"
    if kind == "too_short":
        return f"at least {ctx.get('min_length')} item(s)", f"항목이 최소 {ctx.get('min_length')}개 필요합니다"
    if kind == "missing":
        return "this argument is required", "필수 인수입니다"
    if kind in ("string_type", "string_unicode"):
        return "a string is required", "문자열이어야 합니다"
    if kind in ("bool_type", "bool_parsing"):
        return "true or false is required", "true 또는 false여야 합니다"
    if kind in ("list_type", "tuple_type"):
        return "a list is required", "목록이어야 합니다"
    if kind == "extra_forbidden":
        return "unknown argument", "알 수 없는 인수입니다"
    if kind == "value_error" and "expected a number" in msg:
        return msg.removeprefix("Value error, "), "숫자여야 합니다(true/false는 허용되지 않습니다)"
    return msg or "not allowed", "허용되지 않는 값입니다"
