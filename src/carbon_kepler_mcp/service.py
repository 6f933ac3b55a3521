"""The one use-case layer. MCP tools, the CLI and REST are thin adapters over :class:`CarbonService`.

Each use case reads a snapshot from the metrics source, resolves names, applies the documented formulas
(:mod:`carbon_kepler_mcp.calculations`) and returns a result model that carries the provenance of every
figure it used. The clock is injected, so results are reproducible in tests.

The service holds what the use cases share: configuration, reference data with the operator's overrides,
snapshot reading and name resolution, and the workload figures. The use cases themselves live in
:mod:`carbon_kepler_mcp.usecases`, one module each; the methods here delegate to them.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from carbon_kepler_mcp.errors import UnknownNamespaceError
from carbon_kepler_mcp.i18n import Language
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.models import (
    AssessmentResult,
    ComparisonResult,
    Coverage,
    ObservedSchedule,
    OptimizationType,
    PodMetrics,
    PueSource,
    RegionalComparisonResult,
    ScheduleResult,
    StandardInfo,
    Status,
    WorkloadListResult,
)
from carbon_kepler_mcp.names import (
    validate_namespace,
    validate_object_name,
    validate_region_code,
    validate_standard_code,
)
from carbon_kepler_mcp.reference import Provenance, ReferenceData, Region, Standard
from carbon_kepler_mcp.scheduling import IntensityPoint
from carbon_kepler_mcp.sources.base import MetricsSource, Snapshot, WindowedSource
from carbon_kepler_mcp.usecases import (
    assess,
    common,
    compare,
    footprint,
    listing,
    pods,
    regional,
    schedule,
    shifting,
    sizing,
)
from carbon_kepler_mcp.usecases.common import BATCH_KINDS, DEFAULT_BATCH_HOURS, KOREA, CoverageFields, WorkloadPods
from carbon_kepler_mcp.usecases.compare import ALL_OPTIMIZATIONS
from carbon_kepler_mcp.usecases.footprint import Figures, Grid
from carbon_kepler_mcp.usecases.shifting import MAX_DURATION_HOURS, MIN_DURATION_HOURS, SCHEDULE_HORIZON_HOURS
from carbon_kepler_mcp.window import DEFAULT_WINDOW_SECONDS, parse_window
from carbon_kepler_mcp.workloads import looks_like_daemonset, resolve_workload

__all__ = [
    "ALL_OPTIMIZATIONS",
    "BATCH_KINDS",
    "DEFAULT_BATCH_HOURS",
    "KOREA",
    "KOREA_CARBON_BENCHMARK",
    "KOREA_PUE_STANDARD",
    "MAX_DURATION_HOURS",
    "MIN_DURATION_HOURS",
    "SCHEDULE_HORIZON_HOURS",
    "CarbonService",
    "CoverageFields",
    "Figures",
    "Grid",
    "ServiceConfig",
    "WorkloadPods",
]

KOREA_CARBON_BENCHMARK = "KR_CARBON_2050"
KOREA_PUE_STANDARD = "KR_PUE_GREEN_DC"


@dataclass(frozen=True)
class ServiceConfig:
    """The settings the use cases need (the composition root builds it from :class:`Settings`)."""

    default_region: str = "ap-northeast-2"
    default_standard: str = "KR_CARBON_2050"
    pue_standard: str = "KR_PUE_GREEN_DC"
    pue: float | None = None
    node_pue: Mapping[str, float] = field(default_factory=dict[str, float])
    korea_intensity_override_g_per_kwh: float | None = None
    korea_pue_target_override: float | None = None
    electricity_price_usd_per_kwh: float = 0.10
    default_window_seconds: int = DEFAULT_WINDOW_SECONDS
    """Energy window of a windowed source (Prometheus) when a call names none."""
    history_days: int = 7
    """Days of history the observed schedule looks at (Prometheus source)."""


class CarbonService:
    """Carbon and compliance use cases over one metrics source."""

    def __init__(
        self,
        source: MetricsSource,
        reference: ReferenceData,
        config: ServiceConfig | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.source = source
        self.reference = reference
        self.config = config or ServiceConfig()
        self._clock = clock

    def now(self) -> datetime:
        """The service's clock (injected in tests, the wall clock otherwise)."""
        return self._clock()

    async def aclose(self) -> None:
        """Release the metrics source."""
        await self.source.aclose()

    # --- use cases (carbon_kepler_mcp.usecases) ------------------------------------------------------

    async def assess(
        self,
        workload: str,
        namespace: str = "default",
        standard: str | None = None,
        region: str | None = None,
        language: Language = "en",
        *,
        window: str | int | None = None,
    ) -> AssessmentResult:
        """Compliance of one workload with a standard, with ranked recommendations."""
        return await assess.assess(self, workload, namespace, standard, region, language, window=window)

    async def compare(
        self,
        workload: str,
        namespace: str = "default",
        optimizations: Sequence[OptimizationType] = ALL_OPTIMIZATIONS,
        standard: str | None = None,
        region: str | None = None,
        language: Language = "en",
        *,
        target_region: str | None = None,
        target_pue: float | None = None,
        rightsizing_reduction_percent: float | None = None,
        batch_duration_hours: float = DEFAULT_BATCH_HOURS,
        window: str | int | None = None,
    ) -> ComparisonResult:
        """Current vs optimised emissions when the chosen optimisations are applied together."""
        return await compare.compare(
            self,
            workload,
            namespace,
            optimizations,
            standard,
            region,
            language,
            target_region=target_region,
            target_pue=target_pue,
            rightsizing_reduction_percent=rightsizing_reduction_percent,
            batch_duration_hours=batch_duration_hours,
            window=window,
        )

    async def list_workloads(
        self,
        namespace: str = "default",
        standard: str | None = None,
        status_filter: Status | None = None,
        region: str | None = None,
        language: Language = "en",
        *,
        limit: int = 100,
        cursor: str | None = None,
        window: str | int | None = None,
    ) -> WorkloadListResult:
        """Workloads of a namespace with their status, highest emissions first, paginated."""
        return await listing.list_workloads(
            self, namespace, standard, status_filter, region, language, limit=limit, cursor=cursor, window=window
        )

    async def regional_comparison(
        self,
        workload: str,
        namespace: str = "default",
        current_region: str | None = None,
        comparison_regions: Sequence[str] | None = None,
        language: Language = "en",
        *,
        window: str | int | None = None,
    ) -> RegionalComparisonResult:
        """The workload's emissions in other regions, on one intensity basis and at the same PUE."""
        return await regional.regional_comparison(
            self, workload, namespace, current_region, comparison_regions, language, window=window
        )

    async def schedule(
        self,
        workload: str,
        namespace: str = "default",
        duration_hours: float = 4.0,
        region: str | None = None,
        language: Language = "en",
        *,
        window: str | int | None = None,
    ) -> ScheduleResult:
        """The start time in the next 24 h with the lowest average grid intensity over the run.

        With a windowed source (Prometheus) the current window is the workload's *observed* usual start (from
        a range query over the past days), not "now"; without history it is now.
        """
        return await schedule.schedule(self, workload, namespace, duration_hours, region, language, window=window)

    async def pod_metrics(self, namespace: str, pod: str) -> PodMetrics:
        """A pod's power by zone, energy and node usage ratio."""
        return await pods.pod_metrics(self, namespace, pod)

    # --- reference data ------------------------------------------------------------------------------

    def region(self, code: str | None) -> Region:
        """A region by code (default region when None)."""
        return self.reference.region(validate_region_code(code or self.config.default_region))

    def standard(self, code: str | None) -> Standard:
        """A standard by code, with the operator's Korean overrides applied.

        ``KOREA_PUE_TARGET`` replaces the KR_PUE_GREEN_DC limit. KR_CARBON_2050's limit is derived data
        (Korean grid factor × KR_PUE_GREEN_DC limit), so either override re-derives it the same way.
        """
        standard = self.reference.standard(validate_standard_code(code or self.config.default_standard))
        pue_override = self.config.korea_pue_target_override
        grid_override = self.config.korea_intensity_override_g_per_kwh
        if standard.limit is None:
            return standard
        if standard.code == KOREA_PUE_STANDARD and pue_override is not None:
            update: dict[str, object] = {
                "value": pue_override,
                "publisher": "operator setting KOREA_PUE_TARGET",
                "notes": f"replaces the shipped value {standard.limit.value} ({standard.limit.notes or ''})",
            }
        elif standard.code == KOREA_CARBON_BENCHMARK and (pue_override is not None or grid_override is not None):
            factor = grid_override if grid_override is not None else self.reference.korea_factors.default.value
            green_dc = self.standard(KOREA_PUE_STANDARD).limit
            assert green_dc is not None  # shipped data: KR_PUE_GREEN_DC is a PUE standard with a limit
            update = {
                "value": round(factor * green_dc.value, 6),
                "basis": f"derived: Korean grid factor {factor:g} gCO2eq/kWh × KR_PUE_GREEN_DC limit {green_dc.value:g}",
                "publisher": "derived from operator settings (KOREA_CARBON_INTENSITY / KOREA_PUE_TARGET)",
                "notes": f"replaces the shipped {standard.limit.value:g} because an override is set",
            }
            if grid_override is not None:  # the operator's factor has no data year or citation of ours
                update |= {"year": None, "source": "operator settings (KOREA_CARBON_INTENSITY) and the shipped data"}
        else:
            return standard
        return standard.model_copy(update={"limit": standard.limit.model_copy(update=update)})

    def grid(self, region: Region) -> Grid:
        """The grid intensity used for compliance figures in a region, with its provenance."""
        shipped = region.compliance_intensity
        override = self.config.korea_intensity_override_g_per_kwh
        if region.country == KOREA and override is not None:
            provenance = shipped.model_copy(
                update={
                    "value": override,
                    "publisher": "operator setting KOREA_CARBON_INTENSITY",
                    "basis": "operator override",
                    "notes": f"replaces the official {shipped.value} gCO2eq/kWh ({shipped.year}) shipped with the server",
                }
            )
            return Grid(override, provenance)
        return Grid(shipped.value, shipped)

    @staticmethod
    def standard_info(standard: Standard) -> StandardInfo:
        """The summary of a standard that travels in results."""
        return StandardInfo(
            code=standard.code,
            name=standard.name,
            name_ko=standard.name_ko,
            kind=standard.kind,
            legal_status=standard.legal_status,
            legal_status_note=standard.legal_status_note,
            metric=standard.metric,
            limit=None if standard.limit is None else standard.limit.value,
            limit_unit=None if standard.limit is None else standard.limit.unit,
            effective_from=None if standard.effective_from is None else standard.effective_from.isoformat(),
        )

    # --- snapshots and names -------------------------------------------------------------------------

    async def read(self, namespace: str | None, window: str | int | None = None) -> Snapshot:
        """The snapshot for a question: one namespace over the window (Prometheus), or the direct scrape.

        ``window`` is validated here (5 minutes to 7 days) whatever the source, so a bad value is an error
        everywhere; a source without windows (direct Kepler scrape) then reports instant power.
        """
        seconds = parse_window(window) if window is not None else self.config.default_window_seconds
        if namespace is not None:
            namespace = validate_namespace(namespace)
        if isinstance(self.source, WindowedSource):
            return await self.source.window_snapshot(namespace, seconds)
        return await self.source.snapshot()

    def namespace_pods(self, snapshot: Snapshot, namespace: str) -> tuple[PodReading, ...]:
        """Every pod of a namespace; an unknown namespace is an error that names the close ones."""
        pods = snapshot.pods_in(namespace)
        if not pods:
            known = snapshot.namespaces
            near = difflib.get_close_matches(namespace, known, n=5, cutoff=0.5)
            shown = ", ".join(known[:30]) + (" ..." if len(known) > 30 else "")
            raise UnknownNamespaceError(
                f"no pods of namespace {namespace!r} in the metrics from {self.source.description}; "
                f"namespaces with pods: {shown or 'none'}"
                + (f". Did you mean {', '.join(repr(n) for n in near)}?" if near else ""),
                suggestions=near or known[:5],
            )
        return pods

    def workload_pods(self, snapshot: Snapshot, name: str, namespace: str) -> WorkloadPods:
        """A workload name resolved to its pods (owner references first, then naming rules)."""
        namespace = validate_namespace(namespace)
        name = validate_object_name(name)
        pods = self.namespace_pods(snapshot, namespace)
        resolved = resolve_workload(name, namespace, sorted({p.name for p in pods}), snapshot.owners_in(namespace))
        members = set(resolved.pods)
        chosen = tuple(p for p in pods if p.name in members)
        if (
            resolved.kind == "Job"
            and resolved.method == "naming-rules"
            and self.spread_like_daemonset(snapshot, chosen)
        ):
            resolved = replace(
                resolved,
                kind="DaemonSet",
                note=resolved.note + "; one running pod on every node, so taken as a DaemonSet (pods of DaemonSets "
                "and Jobs are named alike)",
            )
        return WorkloadPods(resolved, chosen)

    @staticmethod
    def spread_like_daemonset(snapshot: Snapshot, pods: Sequence[PodReading]) -> bool:
        """Whether pods named like a Job's run one per node on every node (see workloads.looks_like_daemonset)."""
        return looks_like_daemonset([p.node for p in pods if p.running], {n.name for n in snapshot.nodes})

    # --- figures (carbon_kepler_mcp.usecases.footprint) ----------------------------------------------

    def node_pue(self, snapshot: Snapshot, node: str, region: Region) -> tuple[float, PueSource, str]:
        """A node's PUE: operator setting for the node, operator setting, the source's facility, region default."""
        if node in self.config.node_pue:
            return self.config.node_pue[node], "operator_node_setting", f"CARBON_KEPLER_NODE_PUE[{node}]"
        if self.config.pue is not None:
            return self.config.pue, "operator_setting", "CARBON_KEPLER_PUE"
        facility = snapshot.facilities.get(node)
        if facility is not None:
            return facility.pue, "source_facility", f"{facility.facility}: {facility.note}"
        default = region.default_pue
        return default.value, "region_default", f"{default.publisher}: {default.basis}"

    def figures_for(self, snapshot: Snapshot, pods: Sequence[PodReading], region: Region, grid: float) -> Figures:
        """Power, power-weighted PUE and emissions of ``pods``, each at its node's PUE."""
        node_pues = {pod.node: self.node_pue(snapshot, pod.node, region) for pod in pods}
        return footprint.figures_for(snapshot, pods, region, grid, node_pues)

    def power_provenance(self, snapshot: Snapshot, power_watts: float) -> Provenance:
        """Provenance of measured power from this service's source."""
        return footprint.power_provenance(snapshot, power_watts, self.source.description)

    evaluate = staticmethod(footprint.evaluate)

    # --- parts of results (carbon_kepler_mcp.usecases.common) ----------------------------------------

    data_source_info = staticmethod(common.data_source_info)
    energy_zones = staticmethod(common.energy_zones)
    coverage_fields = staticmethod(common.coverage_fields)

    def coverage(self, snapshot: Snapshot, pods: Sequence[PodReading], namespace: str | None) -> Coverage:
        """What an answer covers: window, nodes, pods, energy, and a query that reproduces its watts."""
        return common.coverage(snapshot, pods, namespace)

    def window_notes(self, snapshot: Snapshot, window: str | int | None, language: Language) -> list[str]:
        """Sentences about the window: what power means, and a window the source could not apply."""
        return common.window_notes(snapshot, window, language)

    def standard_notes(self, snapshot: Snapshot, figures: Figures, language: Language) -> list[str]:
        """Sentences that qualify a workload's figures: demo data, a PUE that is not measured, idle power."""
        return common.standard_notes(snapshot, figures, language)

    # --- helpers of the use cases, kept callable on the service --------------------------------------

    rightsizing_for = staticmethod(sizing.rightsizing_for)
    rightsizing_candidate = staticmethod(sizing.rightsizing_candidate)
    with_rightsizing_savings = staticmethod(sizing.with_rightsizing_savings)
    check_duration = staticmethod(shifting.check_duration)

    def hourly_series(
        self, region: Region, grid: float, first_hour: datetime, hours: int
    ) -> tuple[list[IntensityPoint], bool]:
        """Hourly intensities from ``first_hour`` for ``hours`` hours, and whether they are synthetic."""
        return shifting.hourly_series(self.reference, region, grid, first_hour, hours)

    def search_windows(
        self,
        region: Region,
        grid: float,
        duration_hours: float,
        now: datetime,
        current_start: datetime | None = None,
    ) -> shifting.WindowSearch:
        """(current window average, tied optimal windows, hourly series, synthetic?)."""
        return shifting.search_windows(self.reference, region, grid, duration_hours, now, current_start)

    def best_shift(self, region: Region, grid: float, duration_hours: float, now: datetime) -> tuple[float, str, bool]:
        """(reduction of starting at the cleanest time instead of now, that start, synthetic?)."""
        return shifting.best_shift(self.reference, region, grid, duration_hours, now)

    async def observed_schedule(
        self, snapshot: Snapshot, wl: WorkloadPods, tz: ZoneInfo, now: datetime, language: Language
    ) -> tuple[ObservedSchedule | None, str | None]:
        """When the workload drew energy over the past days (windowed sources), and a note when unknown."""
        return await schedule.observed_schedule(self, snapshot, wl, tz, now, language)
