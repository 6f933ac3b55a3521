"""The one use-case layer. MCP tools, the CLI and REST are thin adapters over :class:`CarbonService`.

Each method reads a snapshot from the metrics source, resolves names, applies the documented formulas
(:mod:`carbon_kepler_mcp.calculations`) and returns a result model that carries the provenance of every
figure it used. The clock is injected, so results are reproducible in tests.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TypedDict
from zoneinfo import ZoneInfo

from carbon_kepler_mcp import calculations as calc
from carbon_kepler_mcp import recommendations as recs
from carbon_kepler_mcp.errors import InvalidArgumentError, SourceError, UnknownNamespaceError
from carbon_kepler_mcp.i18n import Language, fmt, status_text, tr
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.models import (
    AssessmentResult,
    ComparisonResult,
    Coverage,
    DataSourceInfo,
    HourlyIntensity,
    ObservedSchedule,
    Optimization,
    OptimizationImpact,
    OptimizationType,
    PodFigures,
    PodMetrics,
    PueDetail,
    PueSource,
    RegionalComparisonResult,
    RegionFigures,
    ScheduleResult,
    ScheduleWindow,
    StandardInfo,
    Status,
    WorkloadListResult,
    WorkloadSummary,
)
from carbon_kepler_mcp.names import (
    validate_namespace,
    validate_object_name,
    validate_region_code,
    validate_standard_code,
)
from carbon_kepler_mcp.observed import next_start, observe
from carbon_kepler_mcp.reference import ProfileProvenance, Provenance, ReferenceData, Region, Standard
from carbon_kepler_mcp.rightsizing import Rightsizing, rightsize
from carbon_kepler_mcp.scheduling import (
    TIE_DECIMALS,
    IntensityPoint,
    average_over_period,
    optimal_windows,
    rolling_average,
)
from carbon_kepler_mcp.sources import promql
from carbon_kepler_mcp.sources.base import History, MetricsSource, Snapshot, WindowedSource
from carbon_kepler_mcp.window import DEFAULT_WINDOW_SECONDS, format_window, parse_window
from carbon_kepler_mcp.workloads import (
    ResolvedWorkload,
    WorkloadRef,
    group_by_workload,
    looks_like_daemonset,
    resolve_workload,
)

KOREA = "KR"
KOREA_CARBON_BENCHMARK = "KR_CARBON_2050"
KOREA_PUE_STANDARD = "KR_PUE_GREEN_DC"
MAX_DURATION_HOURS = 24.0
MIN_DURATION_HOURS = 0.25
SCHEDULE_HORIZON_HOURS = 24
BATCH_KINDS = frozenset({"Job", "CronJob"})
DEFAULT_BATCH_HOURS = 4.0
ALL_OPTIMIZATIONS: tuple[OptimizationType, ...] = (
    "temporal_shift",
    "resource_rightsizing",
    "regional_migration",
    "pue_improvement",
)


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


class CoverageFields(TypedDict):
    """The coverage fields every result model carries."""

    window_seconds: int | None
    node_count: int
    pod_count: int
    coverage: Coverage


@dataclass(frozen=True, slots=True)
class Grid:
    value: float
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class WorkloadPods:
    resolved: ResolvedWorkload
    pods: tuple[PodReading, ...]

    @property
    def running(self) -> tuple[PodReading, ...]:
        return tuple(p for p in self.pods if p.running)


@dataclass(frozen=True, slots=True)
class Figures:
    power_watts: float
    pue: float
    pue_detail: PueDetail
    pue_provenance: Provenance
    emissions_g_per_hour: float
    per_pod: tuple[PodFigures, ...]


def _r(value: float, digits: int = 3) -> float:
    return round(value, digits)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


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
        if standard.code == "KR_PUE_GREEN_DC" and pue_override is not None and standard.limit is not None:
            limit = standard.limit.model_copy(
                update={
                    "value": pue_override,
                    "publisher": "operator setting KOREA_PUE_TARGET",
                    "notes": f"replaces the shipped value {standard.limit.value} ({standard.limit.notes or ''})",
                }
            )
            standard = standard.model_copy(update={"limit": limit})
        elif (
            standard.code == KOREA_CARBON_BENCHMARK
            and standard.limit is not None
            and (pue_override is not None or grid_override is not None)
        ):
            factor = grid_override if grid_override is not None else self.reference.korea_factors.default.value
            green_dc = self.standard(KOREA_PUE_STANDARD).limit
            assert green_dc is not None  # shipped data: KR_PUE_GREEN_DC is a PUE standard with a limit
            limit = standard.limit.model_copy(
                update={
                    "value": round(factor * green_dc.value, 6),
                    "basis": f"derived: Korean grid factor {factor:g} gCO2eq/kWh × KR_PUE_GREEN_DC limit {green_dc.value:g}",
                    "publisher": "derived from operator settings (KOREA_CARBON_INTENSITY / KOREA_PUE_TARGET)",
                    "notes": f"replaces the shipped {standard.limit.value:g} (417.3 × 1.4) because an override is set",
                }
            )
            standard = standard.model_copy(update={"limit": limit})
        return standard

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

    # --- helpers -------------------------------------------------------------------------------------

    @staticmethod
    def data_source_info(snapshot: Snapshot, description: str) -> DataSourceInfo:
        """Where a snapshot came from."""
        return DataSourceInfo(
            kind=snapshot.source_kind,
            is_demo=snapshot.is_demo,
            description=description,
            kepler_generation=snapshot.generation,
            kepler_versions=list(snapshot.kepler_versions),
            power_method=snapshot.power_method,
            scraped_at=_iso(snapshot.taken_at.astimezone(UTC)),
            warnings=list(snapshot.warnings),
            window_seconds=snapshot.window_seconds,
            queries=list(snapshot.queries),
            missing_series=list(snapshot.missing_series),
        )

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

    def window_notes(self, snapshot: Snapshot, window: str | int | None, language: Language) -> list[str]:
        """Sentences about the window: what power means, and a window the source could not apply."""
        if snapshot.window_seconds is not None:
            shown = format_window(snapshot.window_seconds)
            return [
                tr(
                    language,
                    f"Power is the average over the last {shown}: energy from Prometheus (Σ increase of Kepler's "
                    f"counters, all nodes) divided by {snapshot.window_seconds} s.",
                    f"전력은 최근 {shown} 평균입니다: Prometheus의 에너지(Kepler 카운터 increase 합, 전체 노드)를 "
                    f"{snapshot.window_seconds}초로 나눈 값.",
                )
            ]
        if window is not None:
            return [
                tr(
                    language,
                    "The window was not applied: a direct Kepler scrape gives instant power. Set PROMETHEUS_URL for "
                    "windowed energy.",
                    "윈도가 적용되지 않았습니다: Kepler 직접 수집은 순간 전력입니다. 윈도 에너지는 PROMETHEUS_URL을 설정하세요.",
                )
            ]
        return []

    @staticmethod
    def energy_zones(pods: Sequence[PodReading]) -> list[str]:
        """The zones the IT total of these pods adds (the rule of ``readings.it_total``)."""
        seen = {zone for pod in pods for zone in pod.zone_energy_joules}
        if "package" in seen:
            return ["package", "dram"]
        if seen & {"core", "uncore", "dram"}:
            return ["core", "uncore", "dram"]
        for zone in ("psys", "platform"):
            if zone in seen:
                return [zone]
        return ["package", "dram"]

    def coverage(self, snapshot: Snapshot, pods: Sequence[PodReading], namespace: str | None) -> Coverage:
        """What an answer covers: window, nodes, pods, energy, and a query that reproduces its watts."""
        window = snapshot.window_seconds
        end = snapshot.taken_at.astimezone(UTC)
        query: str | None = None
        if window is not None and namespace is not None and pods:
            generation = "legacy" if snapshot.generation == "legacy" else "current"
            query = promql.workload_check_query(
                generation,
                namespace,
                [p.name for p in pods],
                self.energy_zones(pods),
                window,
                end.timestamp(),
            )
        return Coverage(
            window_seconds=window,
            window_start=None if window is None else _iso(end - timedelta(seconds=window)),
            window_end=None if window is None else _iso(end),
            nodes=len({p.node for p in pods}),
            pods=len(pods),
            running_pods=sum(1 for p in pods if p.running),
            energy_joules=None if window is None else _r(sum(p.energy_joules for p in pods)),
            promql=query,
        )

    @staticmethod
    def coverage_fields(coverage: Coverage) -> CoverageFields:
        """The flat fields every result carries beside ``coverage``."""
        return {
            "window_seconds": coverage.window_seconds,
            "node_count": coverage.nodes,
            "pod_count": coverage.pods,
            "coverage": coverage,
        }

    def power_provenance(self, snapshot: Snapshot, power_watts: float) -> Provenance:
        return Provenance(
            value=_r(power_watts),
            unit="W",
            year=snapshot.taken_at.year,
            basis=snapshot.power_method,
            publisher=(
                "carbon-kepler-mcp demo cluster (Kepler-compatible exporter)"
                if snapshot.is_demo
                else "Kepler (CNCF) exporter"
            )
            + (" via Prometheus" if snapshot.windowed else ""),
            source=self.source.description,
            published=snapshot.taken_at.astimezone(UTC).date().isoformat(),
            synthetic=snapshot.is_demo,
            not_for_reporting=snapshot.is_demo,
            notes="Kepler attributes only the active share of node power to pods; idle power is not included",
        )

    def node_pue(self, snapshot: Snapshot, node: str, region: Region) -> tuple[float, PueSource, str]:
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
        loads: list[tuple[float, float]] = []
        per_node: dict[str, float] = {}
        sources: set[PueSource] = set()
        details: set[str] = set()
        per_pod: list[PodFigures] = []
        emissions = 0.0
        for pod in pods:
            pue, source, detail = self.node_pue(snapshot, pod.node, region)
            per_node[pod.node] = pue
            sources.add(source)
            details.add(detail)
            pod_emissions = calc.emissions_g_per_hour(pod.power_watts, pue, grid)
            emissions += pod_emissions
            if pod.running or snapshot.windowed:
                # A window's average power includes pods that ended inside the window.
                loads.append((pod.power_watts, pue))
            cpu = snapshot.pod_cpu.get((pod.namespace, pod.name))
            per_pod.append(
                PodFigures(
                    pod=pod.name,
                    node=pod.node,
                    state=pod.state,
                    power_watts=_r(pod.power_watts),
                    pue=pue,
                    emissions_gCO2eq_hour=_r(pod_emissions),
                    energy_joules=_r(pod.energy_joules),
                    cpu_request_cores=None if cpu is None else cpu.request_cores,
                    cpu_usage_avg_cores=None
                    if cpu is None or cpu.usage_avg_cores is None
                    else _r(cpu.usage_avg_cores, 4),
                    cpu_usage_p95_cores=None
                    if cpu is None or cpu.usage_p95_cores is None
                    else _r(cpu.usage_p95_cores, 4),
                )
            )
        if not loads:
            loads = [(0.0, pue) for pue in per_node.values()] or [(0.0, region.default_pue.value)]
        pue = calc.weighted_pue(loads)
        precedence: tuple[PueSource, ...] = (
            "region_default",
            "source_facility",
            "operator_setting",
            "operator_node_setting",
        )
        weakest: PueSource = "region_default"
        for candidate_source in precedence:
            if candidate_source in sources:
                weakest = candidate_source
                break
        detail = PueDetail(
            value=_r(pue, 4),
            source=weakest,
            detail="; ".join(sorted(details)) or region.default_pue.publisher,
            per_node=dict(sorted(per_node.items())),
            operator_supplied=sources <= {"operator_setting", "operator_node_setting"} and bool(sources),
        )
        if sources == {"region_default"} or not sources:
            pue_prov = region.default_pue
        else:
            publishers = {
                "operator_node_setting": "operator settings",
                "operator_setting": "operator settings",
                "source_facility": "carbon-kepler-mcp demo cluster (illustrative)",
                "region_default": region.default_pue.publisher,
            }
            pue_prov = Provenance(
                value=_r(pue, 4),
                unit="ratio",
                year=None,
                basis="power-weighted PUE of the nodes the workload runs on"
                + ("" if len(sources) == 1 else f" (mixed sources: {', '.join(sorted(sources))})"),
                publisher="; ".join(sorted({publishers[s] for s in sources})),
                source=detail.detail,
                synthetic="source_facility" in sources,
                not_for_reporting="source_facility" in sources or "region_default" in sources,
                notes=None
                if "region_default" not in sources
                else f"nodes without an operator PUE use the region default {region.default_pue.value:g} "
                f"({region.default_pue.publisher})",
            )
        power = sum(p.power_watts for p in pods if p.running or snapshot.windowed)
        return Figures(
            power_watts=power,
            pue=pue,
            pue_detail=detail,
            pue_provenance=pue_prov,
            emissions_g_per_hour=emissions,
            per_pod=tuple(per_pod),
        )

    @staticmethod
    def evaluate(standard: Standard, *, intensity: float, pue: float) -> Status:
        if standard.limit is None or standard.kind not in ("carbon_intensity", "pue"):
            return "NOT_ASSESSABLE"
        value = intensity if standard.kind == "carbon_intensity" else pue
        return "COMPLIANT" if value <= standard.limit.value + 1e-9 else "NON_COMPLIANT"

    def namespace_pods(self, snapshot: Snapshot, namespace: str) -> tuple[PodReading, ...]:
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

    def standard_notes(self, snapshot: Snapshot, figures: Figures, language: Language) -> list[str]:
        notes: list[str] = []
        if snapshot.is_demo:
            notes.append(
                tr(
                    language,
                    "Figures come from the built-in demo cluster, not from a real cluster.",
                    "수치는 실제 클러스터가 아닌 내장 데모 클러스터에서 나온 것입니다.",
                )
            )
        if not figures.pue_detail.operator_supplied:
            notes.append(
                tr(
                    language,
                    "PUE is not your facility's measured value (see pue_detail); set CARBON_KEPLER_PUE or "
                    "CARBON_KEPLER_NODE_PUE for compliance reporting.",
                    "PUE가 실측값이 아닙니다(pue_detail 참조). 준수 보고에는 CARBON_KEPLER_PUE 또는 "
                    "CARBON_KEPLER_NODE_PUE를 설정하세요.",
                )
            )
        notes.append(
            tr(
                language,
                "Pod power is Kepler's active share; node idle power is not attributed to pods.",
                "파드 전력은 Kepler가 배분한 활성 전력이며 노드 유휴 전력은 포함되지 않습니다.",
            )
        )
        return notes

    # --- use cases -----------------------------------------------------------------------------------

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
        std = self.standard(standard)
        reg = self.region(region)
        pue_std = self.standard(self.config.pue_standard)
        snapshot = await self.read(namespace, window)
        wl = self.workload_pods(snapshot, workload, namespace)
        grid = self.grid(reg)
        figures = self.figures_for(snapshot, wl.pods, reg, grid.value)
        intensity = calc.effective_intensity_g_per_kwh(grid.value, figures.pue)
        status = self.evaluate(std, intensity=intensity, pue=figures.pue)
        pue_status = self.evaluate(pue_std, intensity=intensity, pue=figures.pue)
        limit = std.limit.value if std.limit is not None and std.kind == "carbon_intensity" else None
        pue_target = pue_std.limit.value if pue_std.limit is not None else None
        now = self._clock()

        candidates: list[recs.Candidate] = []
        if pue_target is not None:
            candidate = recs.pue_candidate(
                language,
                pue=figures.pue,
                target_pue=pue_target,
                grid_g_per_kwh=grid.value,
                limit_g_per_kwh=limit,
                pue_limit=std.limit.value if std.kind == "pue" and std.limit is not None else None,
            )
            if candidate:
                candidates.append(candidate)
        best = min(self.reference.regions.values(), key=lambda r: r.comparison_intensity.value)
        candidate = recs.migration_candidate(
            language,
            current_region=reg.code,
            current_comparison_g_per_kwh=reg.comparison_intensity.value,
            target_region=best.code,
            target_name=best.name_ko if language == "ko" else best.name,
            target_comparison_g_per_kwh=best.comparison_intensity.value,
            pue=figures.pue,
            limit_g_per_kwh=limit,
            current_effective_g_per_kwh=intensity,
            leaves_korea=reg.country == KOREA and best.country != KOREA,
        )
        if candidate:
            candidates.append(candidate)
        if wl.resolved.kind in BATCH_KINDS:
            shift = self.best_shift(reg, grid.value, DEFAULT_BATCH_HOURS, now)
            candidate = recs.temporal_candidate(
                language,
                fraction=shift[0],
                window_start=shift[1],
                duration_hours=DEFAULT_BATCH_HOURS,
                synthetic=shift[2],
            )
            if candidate:
                candidates.append(candidate)
        sizing = self.rightsizing_for(snapshot, wl.pods, figures)
        candidates.append(self.rightsizing_candidate(language, sizing))
        optimizations = self.with_rightsizing_savings(
            recs.rank(candidates, figures.emissions_g_per_hour), sizing, figures, grid.value
        )

        gap = None if limit is None else calc.gap_percent(intensity, limit)
        recommendation = self._assessment_text(language, std, status, intensity, limit, figures, optimizations)
        provenance: dict[str, Provenance | ProfileProvenance] = {
            "grid_carbon_intensity": grid.provenance,
            "pue": figures.pue_provenance,
            "current_power": self.power_provenance(snapshot, figures.power_watts),
        }
        if std.limit is not None:
            provenance["standard_limit"] = std.limit
        if pue_std.limit is not None:
            provenance["pue_target"] = pue_std.limit
        notes = self.standard_notes(snapshot, figures, language) + self.window_notes(snapshot, window, language)
        if not wl.running:
            notes.append(
                tr(
                    language,
                    "No pod of this workload is running now: current power and emissions are 0.",
                    "현재 실행 중인 파드가 없어 현재 전력과 배출량은 0입니다.",
                )
            )
        return AssessmentResult(
            workload=wl.resolved.name,
            namespace=namespace,
            standard=std.code,
            status=status,
            current_power_watts=_r(figures.power_watts),
            grid_carbon_intensity_gCO2eq_kWh=_r(grid.value),
            estimated_workload_intensity_gCO2eq_kWh=_r(intensity),
            pue=_r(figures.pue, 4),
            pue_status=pue_status,
            carbon_emissions_gCO2eq_hour=_r(figures.emissions_g_per_hour),
            recommendation=recommendation,
            optimizations=optimizations,
            timestamp=_iso(now.astimezone(UTC)),
            region=reg.code,
            language=language,
            workload_kind=wl.resolved.kind,
            resolution=wl.resolved.note,
            pods=list(figures.per_pod),
            facility_power_watts=_r(calc.facility_power_watts(figures.power_watts, figures.pue)),
            monthly_emissions_kgCO2eq=_r(calc.monthly_kg(figures.emissions_g_per_hour)),
            target_intensity_gCO2eq_kWh=limit,
            gap_percent=None if gap is None else _r(gap, 2),
            standard_detail=self.standard_info(std),
            pue_standard=self.standard_info(pue_std),
            pue_target=pue_target,
            pue_detail=figures.pue_detail,
            provenance=provenance,
            data_source=self.data_source_info(snapshot, self.source.description),
            is_demo=snapshot.is_demo,
            notes=notes,
            rightsizing=None if sizing is None else sizing.detail,
            **self.coverage_fields(self.coverage(snapshot, wl.pods, namespace)),
        )

    # --- right-sizing --------------------------------------------------------------------------------

    @staticmethod
    def rightsizing_for(snapshot: Snapshot, pods: Sequence[PodReading], figures: Figures) -> Rightsizing | None:
        """Right-sizing from the snapshot's CPU requests and usage; None for a source without them."""
        if not snapshot.windowed:
            return None
        return rightsize(
            pods,
            snapshot.pod_cpu,
            snapshot.node_idle_watts,
            snapshot.node_cpu_capacity,
            snapshot.missing_series,
            figures.power_watts,
        )

    @staticmethod
    def rightsizing_candidate(language: Language, sizing: Rightsizing | None) -> recs.Candidate:
        """The right-sizing recommendation: from data when the source has it, else saying what is missing."""
        if sizing is None:
            return recs.rightsizing_candidate(language)
        detail = sizing.detail
        title = tr(language, "Right-size CPU requests and replicas", "CPU 요청량과 레플리카 적정화")
        if sizing.reduction_fraction is None:
            missing = ", ".join(detail.missing_series) or "kube_pod_container_resource_requests"
            if detail.freed_cores is not None:
                text_en = (
                    f"Requests {fmt(detail.request_cores or 0, 3)} cores against a p95 use of "
                    f"{fmt(detail.usage_p95_cores or 0, 3)}: {fmt(detail.freed_cores, 3)} cores could be freed, but "
                    f"the idle power they hold is unknown (missing: {missing})."
                )
                text_ko = (
                    f"요청 {fmt(detail.request_cores or 0, 3)}코어, p95 사용 {fmt(detail.usage_p95_cores or 0, 3)}코어: "
                    f"{fmt(detail.freed_cores, 3)}코어를 줄일 수 있으나 유휴 전력을 알 수 없습니다 (누락: {missing})."
                )
            else:
                text_en = f"Not quantified: Prometheus has no {missing} for this workload's pods."
                text_ko = f"정량화하지 않음: Prometheus에 이 워크로드 파드의 {missing} 시리즈가 없습니다."
            return recs.Candidate(
                type="resource_rightsizing",
                title=title,
                description=tr(language, text_en, text_ko),
                reduction_fraction=None,
                data_basis=tr(language, f"missing: {missing}", f"누락: {missing}"),
                changes_compliance_status=False,
            )
        return recs.Candidate(
            type="resource_rightsizing",
            title=title,
            description=tr(
                language,
                f"Requests {fmt(detail.request_cores or 0, 3)} cores, p95 use {fmt(detail.usage_p95_cores or 0, 3)}: "
                f"requesting {fmt(detail.recommended_cores or 0, 3)} frees {fmt(detail.freed_cores or 0, 3)} cores "
                f"that hold {fmt(sizing.released_idle_watts or 0, 2)} W of node idle power. The saving is realised "
                "when the freed capacity is consolidated (fewer or smaller nodes).",
                f"요청 {fmt(detail.request_cores or 0, 3)}코어, p95 사용 {fmt(detail.usage_p95_cores or 0, 3)}코어: "
                f"{fmt(detail.recommended_cores or 0, 3)}코어로 요청하면 {fmt(detail.freed_cores or 0, 3)}코어가 풀리고, "
                f"그만큼의 노드 유휴 전력 {fmt(sizing.released_idle_watts or 0, 2)} W를 줄일 수 있습니다 "
                "(여유 용량을 통합해 노드를 줄일 때 실현).",
            ),
            reduction_fraction=sizing.reduction_fraction,
            data_basis=tr(
                language,
                "kube_pod_container_resource_requests vs cAdvisor container_cpu_usage_seconds_total (p95 of 5-minute "
                "rates) and Kepler node idle power per core; share of the footprint incl. the idle power requests hold",
                "kube_pod_container_resource_requests 대비 cAdvisor 사용량(5분 rate의 p95)과 코어당 Kepler 노드 유휴 전력; "
                "요청이 점유한 유휴 전력을 포함한 총량 대비 비율",
            ),
            changes_compliance_status=False,
        )

    @staticmethod
    def with_rightsizing_savings(
        optimizations: list[Optimization], sizing: Rightsizing | None, figures: Figures, grid: float
    ) -> list[Optimization]:
        """Right-sizing saves node idle power: its savings are that power × PUE × grid, not a share of E."""
        if sizing is None or sizing.released_idle_watts is None:
            return optimizations
        saved = calc.emissions_g_per_hour(sizing.released_idle_watts, figures.pue, grid)
        return [
            o.model_copy(
                update={
                    "estimated_savings_gCO2eq_hour": round(saved, 3),
                    "estimated_savings_kgCO2eq_month": round(calc.monthly_kg(saved), 3),
                }
            )
            if o.type == "resource_rightsizing" and o.quantified
            else o
            for o in optimizations
        ]

    def _assessment_text(
        self,
        language: Language,
        std: Standard,
        status: Status,
        intensity: float,
        limit: float | None,
        figures: Figures,
        optimizations: Sequence[Optimization],
    ) -> str:
        if status == "NOT_ASSESSABLE":
            head = tr(
                language,
                f"{std.code} cannot be assessed from power data: {std.legal_status_note}",
                f"{std.code}는 전력 데이터로 평가할 수 없습니다: {std.legal_status_note_ko}",
            )
        elif limit is not None:
            head = tr(
                language,
                f"{status_text(language, status)}: effective intensity {fmt(intensity)} gCO2eq/kWh "
                f"(grid × PUE {figures.pue:.2f}) against the {std.code} limit of {fmt(limit)}.",
                f"{status_text(language, status)}: 실효 배출계수 {fmt(intensity)} gCO2eq/kWh "
                f"(전력망 × PUE {figures.pue:.2f}), {std.code} 기준 {fmt(limit)}.",
            )
        else:
            assert std.limit is not None
            head = tr(
                language,
                f"{status_text(language, status)}: PUE {figures.pue:.2f} against the {std.code} limit of "
                f"{std.limit.value:.2f}.",
                f"{status_text(language, status)}: PUE {figures.pue:.2f}, {std.code} 기준 {std.limit.value:.2f}.",
            )
        top = next((o for o in optimizations if o.quantified), None)
        if top is None:
            return head
        return (
            head
            + " "
            + tr(
                language,
                f"Largest lever: {top.title} (−{fmt(top.estimated_reduction_percent or 0)}%).",
                f"가장 큰 개선책: {top.title} (−{fmt(top.estimated_reduction_percent or 0)}%).",
            )
        )

    def hourly_series(
        self, region: Region, grid: float, first_hour: datetime, hours: int
    ) -> tuple[list[IntensityPoint], bool]:
        """Hourly intensities from ``first_hour`` for ``hours`` hours, and whether they are synthetic.

        Hours step in absolute time (UTC) and each is looked up by its own local hour and month, so a
        daylight-saving change in the region cannot shift the profile against the clock.
        """
        tz = ZoneInfo(region.timezone)
        profile = self.reference.profile(region.code)
        start_utc = first_hour.astimezone(UTC)
        points: list[IntensityPoint] = []
        for offset in range(hours):
            local = (start_utc + timedelta(hours=offset)).astimezone(tz)
            multiplier = 1.0 if profile is None else profile.multipliers_for(local.month)[local.hour]
            points.append(IntensityPoint(local, timedelta(hours=1), grid * multiplier))
        return points, profile is not None and profile.provenance.synthetic

    def search_windows(
        self,
        region: Region,
        grid: float,
        duration_hours: float,
        now: datetime,
        current_start: datetime | None = None,
    ) -> tuple[float, list[tuple[datetime, float]], list[tuple[datetime, float]], bool]:
        """(current window average, tied optimal windows, hourly series, synthetic?).

        The current window starts ``now``, or at ``current_start`` (the workload's observed usual start,
        within the next 24 h). Candidates are now and each of the next 24 full hours; among them every window
        with the minimal average is returned (Carbon Aware SDK tie semantics), now first when it ties.
        """
        tz = ZoneInfo(region.timezone)
        local_now = now.astimezone(tz)
        first_hour = local_now.replace(minute=0, second=0, microsecond=0)
        span = SCHEDULE_HORIZON_HOURS + math.ceil(duration_hours) + 1
        points, synthetic = self.hourly_series(region, grid, first_hour, span)
        window = timedelta(hours=duration_hours)
        now_average = average_over_period(points, local_now, local_now + window)
        current = now_average
        if current_start is not None:
            start = current_start.astimezone(tz)
            current = average_over_period(points, start, start + window)
        next_hour = points[1].start
        last_start = points[SCHEDULE_HORIZON_HOURS].start  # the 24th full hour after now
        windows = rolling_average(points, window, data_start=next_hour, data_end=last_start + window)
        best = optimal_windows(windows)
        best_value = min(round(now_average, TIE_DECIMALS), round(best[0].average_intensity_g_per_kwh, TIE_DECIMALS))
        ties = [(local_now, now_average)] if round(now_average, TIE_DECIMALS) == best_value else []
        ties += [
            (w.start, w.average_intensity_g_per_kwh)
            for w in best
            if round(w.average_intensity_g_per_kwh, TIE_DECIMALS) == best_value
        ]
        series = [(p.start, p.intensity_g_per_kwh) for p in points[:SCHEDULE_HORIZON_HOURS]]
        return current, ties, series, synthetic

    def best_shift(self, region: Region, grid: float, duration_hours: float, now: datetime) -> tuple[float, str, bool]:
        current, ties, _, synthetic = self.search_windows(region, grid, duration_hours, now)
        start, value = ties[0]
        return calc.reduction_fraction(current, value), start.strftime("%H:%M %Z"), synthetic

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
        if not optimizations:
            raise InvalidArgumentError("optimizations is empty; choose from " + ", ".join(ALL_OPTIMIZATIONS))
        if target_pue is not None and not 1.0 <= target_pue <= 5.0:
            raise InvalidArgumentError(f"target_pue {target_pue} is out of range: a PUE is between 1.0 and 5.0")
        if rightsizing_reduction_percent is not None and not 0 <= rightsizing_reduction_percent <= 90:
            raise InvalidArgumentError("rightsizing_reduction_percent must be between 0 and 90")
        self.check_duration(batch_duration_hours, "batch_duration_hours")
        std = self.standard(standard)
        reg = self.region(region)
        pue_std = self.standard(self.config.pue_standard)
        target_reg = self.region(target_region) if target_region else None
        snapshot = await self.read(namespace, window)
        wl = self.workload_pods(snapshot, workload, namespace)
        grid = self.grid(reg)
        figures = self.figures_for(snapshot, wl.pods, reg, grid.value)
        intensity = calc.effective_intensity_g_per_kwh(grid.value, figures.pue)
        now = self._clock()
        sizing = self.rightsizing_for(snapshot, wl.pods, figures) if rightsizing_reduction_percent is None else None

        impacts: list[OptimizationImpact] = []
        steps: list[str] = []
        intensity_factor = 1.0
        power_factor = 1.0
        new_pue = figures.pue
        fractions: list[float] = []
        for kind in dict.fromkeys(optimizations):
            if kind == "pue_improvement":
                goal = target_pue or (pue_std.limit.value if pue_std.limit else figures.pue)
                fraction = max(0.0, 1.0 - goal / figures.pue)
                new_pue = min(figures.pue, goal)
                intensity_factor *= 1.0 - fraction
                fractions.append(fraction)
                impacts.append(
                    OptimizationImpact(
                        type=kind,
                        quantified=True,
                        reduction_percent=_r(calc.percent(fraction), 2),
                        affects_intensity=True,
                        parameters={"current_pue": _r(figures.pue, 4), "target_pue": goal},
                        data_basis=tr(language, "PUE ratio target/current", "목표/현재 PUE 비율"),
                        note=tr(
                            language,
                            "Already at or below the target." if fraction == 0 else "1 − target/current",
                            "이미 목표 이하입니다." if fraction == 0 else "1 − 목표/현재",
                        ),
                    )
                )
                steps += [
                    tr(
                        language,
                        f"Measure the facility PUE of nodes {', '.join(figures.pue_detail.per_node)}.",
                        f"노드 {', '.join(figures.pue_detail.per_node)}의 설비 PUE를 측정하세요.",
                    ),
                    tr(
                        language,
                        f"Raise cooling efficiency toward PUE {goal:.2f}, or move pods to nodes in a hall "
                        "that already achieves it (nodeAffinity on a facility label).",
                        f"PUE {goal:.2f}를 목표로 냉방 효율을 높이거나, 이미 달성한 홀의 노드로 파드를 옮기세요 "
                        "(설비 레이블 nodeAffinity).",
                    ),
                ]
            elif kind == "regional_migration":
                dest = target_reg or min(self.reference.regions.values(), key=lambda r: r.comparison_intensity.value)
                fraction = max(0.0, 1.0 - dest.comparison_intensity.value / reg.comparison_intensity.value)
                intensity_factor *= 1.0 - fraction
                fractions.append(fraction)
                impacts.append(
                    OptimizationImpact(
                        type=kind,
                        quantified=True,
                        reduction_percent=_r(calc.percent(fraction), 2),
                        affects_intensity=True,
                        parameters={
                            "from_region": reg.code,
                            "to_region": dest.code,
                            "from_intensity_gCO2eq_kWh": reg.comparison_intensity.value,
                            "to_intensity_gCO2eq_kWh": dest.comparison_intensity.value,
                        },
                        data_basis=tr(
                            language,
                            "Electricity Maps 2024 yearly lifecycle averages (same basis)",
                            "Electricity Maps 2024 연평균 전과정 값 (동일 기준)",
                        ),
                        # The duties are those of the data's current country (leaving it), not the destination's.
                        note=(reg.data_residency_ko if language == "ko" else reg.data_residency)
                        if reg.country != dest.country
                        else "",
                    )
                )
                steps += [
                    tr(
                        language,
                        f"Check data-residency duties before moving to {dest.code}.",
                        f"{dest.code}로 옮기기 전에 데이터 소재지 의무를 확인하세요.",
                    ),
                    tr(
                        language,
                        f"Deploy the workload to a cluster in {dest.code} and shift traffic gradually.",
                        f"{dest.code} 클러스터에 워크로드를 배포하고 트래픽을 점진적으로 옮기세요.",
                    ),
                ]
            elif kind == "temporal_shift" and wl.resolved.kind not in BATCH_KINDS:
                impacts.append(
                    OptimizationImpact(
                        type=kind,
                        quantified=False,
                        reduction_percent=None,
                        affects_intensity=False,
                        parameters={"workload_kind": wl.resolved.kind},
                        data_basis=tr(language, "not applicable", "해당 없음"),
                        note=tr(
                            language,
                            f"A {wl.resolved.kind} runs all the time: shifting in time applies to batch work "
                            "(Jobs, CronJobs) only.",
                            f"{wl.resolved.kind}는 항상 실행되므로 시간 이동은 배치 작업(Job, CronJob)에만 적용됩니다.",
                        ),
                    )
                )
                continue
            elif kind == "temporal_shift":
                fraction, start, synthetic = self.best_shift(reg, grid.value, batch_duration_hours, now)
                fraction = max(0.0, fraction)
                fractions.append(fraction)
                profile = self.reference.profile(reg.code)
                if profile is None:
                    basis = tr(
                        language,
                        "no hourly data for this region: every hour equals the annual average",
                        "이 리전의 시간대별 데이터 없음: 모든 시간이 연평균과 같음",
                    )
                elif synthetic:
                    basis = tr(
                        language,
                        "synthetic hourly profile: a scheduling hint, not for reporting",
                        "합성 시간대별 프로파일: 일정 참고용, 보고용 아님",
                    )
                else:
                    basis = tr(
                        language,
                        f"hourly profile supplied by the operator ({profile.provenance.publisher})",
                        f"운영자가 제공한 시간대별 프로파일 ({profile.provenance.publisher})",
                    )
                impacts.append(
                    OptimizationImpact(
                        type=kind,
                        quantified=True,
                        reduction_percent=_r(calc.percent(fraction), 2),
                        affects_intensity=False,
                        parameters={"window_start": start, "duration_hours": batch_duration_hours},
                        data_basis=basis,
                        note=tr(
                            language,
                            "Compliance uses the annual factor, so shifting changes emissions, not status.",
                            "준수 판정은 연간 계수를 쓰므로 시간 이동은 배출량만 바꾸고 판정은 바꾸지 않습니다.",
                        ),
                    )
                )
                steps.append(
                    tr(
                        language,
                        f"Schedule runs to start at {start} (CronJob spec.schedule, spec.timeZone).",
                        f"실행 시작을 {start}로 예약하세요 (CronJob spec.schedule, spec.timeZone).",
                    )
                )
            else:  # resource_rightsizing
                if sizing is not None and sizing.reduction_fraction is not None:
                    fraction = min(0.9, sizing.reduction_fraction)
                    power_factor *= 1.0 - fraction
                    fractions.append(fraction)
                    impacts.append(
                        OptimizationImpact(
                            type=kind,
                            quantified=True,
                            reduction_percent=_r(calc.percent(fraction), 2),
                            affects_intensity=False,
                            parameters={
                                "request_cores": sizing.detail.request_cores,
                                "recommended_cores": sizing.detail.recommended_cores,
                                "released_idle_watts": sizing.released_idle_watts,
                            },
                            data_basis=tr(
                                language,
                                "CPU requests (kube-state-metrics) vs p95 use (cAdvisor), node idle W per core (Kepler)",
                                "CPU 요청량(kube-state-metrics) 대비 p95 사용량(cAdvisor), 코어당 노드 유휴 전력(Kepler)",
                            ),
                            note=tr(
                                language,
                                "Released node idle power as a share of the footprint; realised when the freed "
                                "capacity is consolidated.",
                                "풀린 노드 유휴 전력의 총량 대비 비율; 여유 용량을 통합할 때 실현됩니다.",
                            ),
                        )
                    )
                elif rightsizing_reduction_percent is None:
                    missing = (
                        ", ".join(sizing.detail.missing_series)
                        if sizing is not None and sizing.detail.missing_series
                        else None
                    )
                    impacts.append(
                        OptimizationImpact(
                            type=kind,
                            quantified=False,
                            reduction_percent=None,
                            affects_intensity=False,
                            parameters={"rightsizing_reduction_percent": None},
                            data_basis=tr(
                                language,
                                f"missing: {missing or 'CPU requests and usage per pod'}",
                                f"누락: {missing or '파드별 CPU 요청량과 사용량'}",
                            ),
                            note=tr(
                                language,
                                "Not quantified: pass rightsizing_reduction_percent with your estimate.",
                                "정량화하지 않음: rightsizing_reduction_percent에 추정치를 입력하세요.",
                            ),
                        )
                    )
                else:
                    fraction = rightsizing_reduction_percent / 100.0
                    power_factor *= 1.0 - fraction
                    fractions.append(fraction)
                    impacts.append(
                        OptimizationImpact(
                            type=kind,
                            quantified=True,
                            reduction_percent=_r(rightsizing_reduction_percent, 2),
                            affects_intensity=False,
                            parameters={"rightsizing_reduction_percent": rightsizing_reduction_percent},
                            data_basis=tr(language, "user-supplied assumption", "사용자 제공 가정"),
                            note="",
                        )
                    )
                steps += [
                    tr(
                        language,
                        "Compare CPU requests with usage: kubectl top pods -n " + wl.pods[0].namespace,
                        "CPU 요청량과 사용량 비교: kubectl top pods -n " + wl.pods[0].namespace,
                    ),
                    tr(
                        language,
                        "Lower requests/replicas to observed peak plus headroom (VPA recommender helps).",
                        "요청량/레플리카를 관측 최대치+여유분으로 낮추세요 (VPA 추천기 활용).",
                    ),
                ]
        combined = calc.combine_reductions(fractions)
        optimized_emissions = figures.emissions_g_per_hour * (1.0 - combined)
        optimized_intensity = intensity * intensity_factor
        current_status = self.evaluate(std, intensity=intensity, pue=figures.pue)
        optimized_status = self.evaluate(std, intensity=optimized_intensity, pue=new_pue)
        energy_now = calc.monthly_energy_kwh(figures.power_watts, figures.pue)
        energy_after = calc.monthly_energy_kwh(figures.power_watts * power_factor, new_pue)
        savings_usd = (energy_now - energy_after) * self.config.electricity_price_usd_per_kwh
        provenance: dict[str, Provenance | ProfileProvenance] = {
            "grid_carbon_intensity": grid.provenance,
            "pue": figures.pue_provenance,
            "current_power": self.power_provenance(snapshot, figures.power_watts),
            "electricity_price": Provenance(
                value=self.config.electricity_price_usd_per_kwh,
                unit="USD/kWh",
                year=None,
                basis="assumption for cost estimates (operator setting), not a cited tariff",
                publisher="operator settings (CARBON_KEPLER_ELECTRICITY_PRICE_USD_PER_KWH)",
                source="settings",
            ),
        }
        if std.limit is not None:
            provenance["standard_limit"] = std.limit
        return ComparisonResult(
            workload=wl.resolved.name,
            namespace=wl.pods[0].namespace,
            standard=std.code,
            region=reg.code,
            current_emissions_gCO2eq_hour=_r(figures.emissions_g_per_hour),
            optimized_emissions_gCO2eq_hour=_r(optimized_emissions),
            current_status=current_status,
            optimized_status=optimized_status,
            reduction_percent=_r(calc.percent(combined), 2),
            estimated_cost_savings_usd_month=_r(savings_usd, 2),
            implementation_steps=steps,
            current_monthly_kgCO2eq=_r(calc.monthly_kg(figures.emissions_g_per_hour)),
            optimized_monthly_kgCO2eq=_r(calc.monthly_kg(optimized_emissions)),
            current_intensity_gCO2eq_kWh=_r(intensity),
            optimized_intensity_gCO2eq_kWh=_r(optimized_intensity),
            impacts=impacts,
            combination_method=tr(
                language,
                "multiplicative: reduction = 1 − Π(1 − rᵢ) over the quantified optimisations",
                "곱셈 결합: 감축률 = 1 − Π(1 − rᵢ) (정량화된 항목만)",
            ),
            language=language,
            timestamp=_iso(now.astimezone(UTC)),
            provenance=provenance,
            data_source=self.data_source_info(snapshot, self.source.description),
            is_demo=snapshot.is_demo,
            notes=self.standard_notes(snapshot, figures, language) + self.window_notes(snapshot, window, language),
            **self.coverage_fields(self.coverage(snapshot, wl.pods, wl.pods[0].namespace)),
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
        if not 1 <= limit <= 1000:
            raise InvalidArgumentError(f"limit {limit} is out of range: use 1 to 1000")
        offset = 0
        if cursor:
            if not cursor.isdigit() or len(cursor) > 9:
                raise InvalidArgumentError(f"cursor {cursor[:40]!r} is not a cursor this server returned")
            offset = int(cursor)
        namespace = validate_namespace(namespace)
        std = self.standard(standard)
        reg = self.region(region)
        snapshot = await self.read(namespace, window)
        pods = self.namespace_pods(snapshot, namespace)
        grid = self.grid(reg)
        by_name: dict[str, list[PodReading]] = {}
        for pod in pods:
            by_name.setdefault(pod.name, []).append(pod)
        summaries: list[WorkloadSummary] = []
        owners = snapshot.owners_in(namespace)
        for ref, names in group_by_workload(by_name, owners).items():
            members = [pod for name in names for pod in by_name[name]]
            if ref.kind == "Job" and not owners and self.spread_like_daemonset(snapshot, members):
                ref = WorkloadRef(ref.name, "DaemonSet")
            figures = self.figures_for(snapshot, members, reg, grid.value)
            intensity = calc.effective_intensity_g_per_kwh(grid.value, figures.pue)
            summaries.append(
                WorkloadSummary(
                    workload=ref.name,
                    kind=ref.kind,
                    pods=len(members),
                    running_pods=sum(1 for p in members if p.running),
                    power_watts=_r(figures.power_watts),
                    pue=_r(figures.pue, 4),
                    intensity_gCO2eq_kWh=_r(intensity),
                    emissions_gCO2eq_hour=_r(figures.emissions_g_per_hour),
                    monthly_emissions_kgCO2eq=_r(calc.monthly_kg(figures.emissions_g_per_hour)),
                    status=self.evaluate(std, intensity=intensity, pue=figures.pue),
                )
            )
        summaries.sort(key=lambda s: (-s.emissions_gCO2eq_hour, s.workload))
        counts = {
            s: sum(1 for w in summaries if w.status == s) for s in ("COMPLIANT", "NON_COMPLIANT", "NOT_ASSESSABLE")
        }
        matching = [w for w in summaries if status_filter is None or w.status == status_filter]
        page = matching[offset : offset + limit]
        next_offset = offset + len(page)
        total_power = sum(w.power_watts for w in summaries)
        total_emissions = sum(w.emissions_gCO2eq_hour for w in summaries)
        summary = tr(
            language,
            f"{len(summaries)} workloads in {namespace}: {counts['COMPLIANT']} compliant, "
            f"{counts['NON_COMPLIANT']} non-compliant with {std.code}; {fmt(total_power)} W, "
            f"{fmt(total_emissions)} gCO2eq/h in total.",
            f"{namespace}의 워크로드 {len(summaries)}개: {std.code} 준수 {counts['COMPLIANT']}개, "
            f"미준수 {counts['NON_COMPLIANT']}개; 합계 {fmt(total_power)} W, {fmt(total_emissions)} gCO2eq/h.",
        )
        covered = sum(1 for name in by_name if owners is not None and name in owners)
        if owners is not None and covered:
            notes: list[str] = [
                tr(
                    language,
                    f"Workloads come from kube-state-metrics owner references ({covered} of {len(by_name)} pods); "
                    "the other pods are grouped by Kubernetes naming rules.",
                    f"워크로드는 kube-state-metrics 소유자 참조로 구했습니다 (파드 {len(by_name)}개 중 {covered}개); "
                    "나머지 파드는 쿠버네티스 이름 규칙으로 묶었습니다.",
                )
            ]
        else:
            notes = [
                tr(
                    language,
                    "Workloads are inferred from pod names by Kubernetes naming rules (Kepler exports no owners).",
                    "워크로드는 쿠버네티스 이름 규칙으로 파드 이름에서 추론했습니다 (Kepler는 소유자를 내보내지 않음).",
                )
            ]
        notes += self.window_notes(snapshot, window, language)
        if snapshot.is_demo:
            notes.append(
                tr(language, "Figures come from the built-in demo cluster.", "내장 데모 클러스터의 수치입니다.")
            )
        return WorkloadListResult(
            namespace=namespace,
            standard=std.code,
            region=reg.code,
            status_filter=status_filter,
            total_workloads=len(summaries),
            compliant_count=counts["COMPLIANT"],
            non_compliant_count=counts["NON_COMPLIANT"],
            not_assessable_count=counts["NOT_ASSESSABLE"],
            matching_count=len(matching),
            workloads=page,
            omitted_count=len(matching) - next_offset,
            next_cursor=str(next_offset) if next_offset < len(matching) else None,
            total_power_watts=_r(total_power),
            total_emissions_gCO2eq_hour=_r(total_emissions),
            grid_carbon_intensity_gCO2eq_kWh=_r(grid.value),
            summary=summary,
            language=language,
            timestamp=_iso(self._clock().astimezone(UTC)),
            provenance={
                "grid_carbon_intensity": grid.provenance,
                **({"standard_limit": std.limit} if std.limit else {}),
            },
            data_source=self.data_source_info(snapshot, self.source.description),
            is_demo=snapshot.is_demo,
            notes=notes,
            **self.coverage_fields(self.coverage(snapshot, pods, None)),
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
        current = self.region(current_region)
        codes = list(dict.fromkeys(comparison_regions or self.reference.regions))
        if len(codes) > 50:
            raise InvalidArgumentError("comparison_regions lists more than 50 regions")
        regions = [self.region(code) for code in codes]
        if current.code not in {r.code for r in regions}:
            regions.insert(0, current)
        snapshot = await self.read(namespace, window)
        wl = self.workload_pods(snapshot, workload, namespace)
        figures = self.figures_for(snapshot, wl.pods, current, current.comparison_intensity.value)
        base = calc.emissions_g_per_hour(figures.power_watts, figures.pue, current.comparison_intensity.value)
        rows: list[RegionFigures] = []
        for reg in regions:
            grid = reg.comparison_intensity.value
            emissions = calc.emissions_g_per_hour(figures.power_watts, figures.pue, grid)
            rows.append(
                RegionFigures(
                    region=reg.code,
                    name=reg.name,
                    name_ko=reg.name_ko,
                    country=reg.country,
                    grid_carbon_intensity_gCO2eq_kWh=grid,
                    effective_intensity_gCO2eq_kWh=_r(calc.effective_intensity_g_per_kwh(grid, figures.pue)),
                    emissions_gCO2eq_hour=_r(emissions),
                    monthly_emissions_kgCO2eq=_r(calc.monthly_kg(emissions)),
                    savings_percent=_r(
                        calc.percent(calc.reduction_fraction(current.comparison_intensity.value, grid)), 2
                    ),
                    is_current=reg.code == current.code,
                    intensity_provenance=reg.comparison_intensity,
                )
            )
        rows.sort(key=lambda row: (row.grid_carbon_intensity_gCO2eq_kWh, row.region))
        best = rows[0]
        best_region = next(r for r in regions if r.code == best.region)
        residency: list[str] = []
        if best_region.country != current.country:
            residency.append(current.data_residency_ko if language == "ko" else current.data_residency)
        if best.region == current.code or best.savings_percent <= 0:
            text = tr(
                language,
                f"Stay in {current.code}: none of the compared regions has a cleaner grid on this basis.",
                f"{current.code}에 유지하세요: 비교한 리전 중 더 깨끗한 전력망이 없습니다.",
            )
        else:
            text = tr(
                language,
                f"Moving to {best.region} ({best.name}) would cut emissions by {fmt(best.savings_percent)}% "
                f"({fmt(base - best.emissions_gCO2eq_hour)} gCO2eq/h) at the same PUE. Weigh latency to your users "
                "and data-residency duties first.",
                f"{best.region} ({best.name_ko})로 옮기면 같은 PUE에서 배출량이 {fmt(best.savings_percent)}% "
                f"({fmt(base - best.emissions_gCO2eq_hour)} gCO2eq/h) 줄어듭니다. 사용자 지연 시간과 데이터 소재지 의무를 "
                "먼저 검토하세요.",
            )
            if residency:
                text += " " + residency[0]
        notes = self.standard_notes(snapshot, figures, language) + self.window_notes(snapshot, window, language)
        notes.append(
            tr(
                language,
                "All regions use Electricity Maps 2024 yearly lifecycle averages so they compare like with like; "
                "Korean compliance figures use the official national factor instead.",
                "모든 리전은 동일 비교를 위해 Electricity Maps 2024 연평균 전과정 값을 사용합니다. 한국 준수 판정에는 "
                "공식 국가 배출계수를 사용합니다.",
            )
        )
        return RegionalComparisonResult(
            workload=wl.resolved.name,
            namespace=wl.pods[0].namespace,
            current_region=current.code,
            power_watts=_r(figures.power_watts),
            pue=_r(figures.pue, 4),
            comparison_basis="Electricity Maps yearly lifecycle average, 2024",
            comparisons=rows,
            best_region=best.region,
            best_region_savings_percent=max(0.0, best.savings_percent),
            migration_recommendation=text,
            data_residency=residency,
            language=language,
            timestamp=_iso(self._clock().astimezone(UTC)),
            provenance={
                "pue": figures.pue_provenance,
                "current_power": self.power_provenance(snapshot, figures.power_watts),
                "current_region_intensity": current.comparison_intensity,
            },
            data_source=self.data_source_info(snapshot, self.source.description),
            is_demo=snapshot.is_demo,
            notes=notes,
            **self.coverage_fields(self.coverage(snapshot, wl.pods, wl.pods[0].namespace)),
        )

    @staticmethod
    def check_duration(duration_hours: float, name: str = "duration_hours") -> None:
        if not (MIN_DURATION_HOURS <= duration_hours <= MAX_DURATION_HOURS) or math.isnan(duration_hours):
            raise InvalidArgumentError(
                f"{name} {duration_hours} is out of range: use {MIN_DURATION_HOURS} to {MAX_DURATION_HOURS:g} hours "
                f"(the search looks {SCHEDULE_HORIZON_HOURS} h ahead)"
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
        self.check_duration(duration_hours)
        reg = self.region(region)
        snapshot = await self.read(namespace, window)
        wl = self.workload_pods(snapshot, workload, namespace)
        grid = self.grid(reg)
        figures = self.figures_for(snapshot, wl.pods, reg, grid.value)
        now = self._clock()
        tz = ZoneInfo(reg.timezone)
        observed, history_note = await self.observed_schedule(snapshot, wl, tz, now, language)
        observed_start: datetime | None = None
        if observed is not None and observed.typical_start_local is not None:
            observed_start = next_start(int(observed.typical_start_local[:2]), now, tz)
        power = figures.power_watts
        if observed is not None and observed.power_while_running_watts:
            power = observed.power_while_running_watts
        current, ties, series, synthetic = self.search_windows(reg, grid.value, duration_hours, now, observed_start)
        span = timedelta(hours=duration_hours)
        local_now = now.astimezone(tz)
        current_start = observed_start or local_now

        def window_of(start: datetime, average: float) -> ScheduleWindow:
            energy_kwh = power / 1000.0 * figures.pue * duration_hours
            return ScheduleWindow(
                start=_iso(start),
                end=_iso(start + span),
                average_intensity_gCO2eq_kWh=_r(average),
                emissions_gCO2eq=_r(energy_kwh * average),
            )

        current_w = window_of(current_start, current)
        best_w = window_of(*ties[0])
        fraction = calc.reduction_fraction(current, ties[0][1])
        by_value = sorted(series[:24], key=lambda item: item[1])
        cleanest = [start.strftime("%H:00") for start, _ in by_value[:3]]
        dirtiest = [start.strftime("%H:00") for start, _ in reversed(by_value[-3:])]
        profile = self.reference.profile(reg.code)
        notes = self.standard_notes(snapshot, figures, language) + self.window_notes(snapshot, window, language)
        if history_note:
            notes.append(history_note)
        if profile is None:
            notes.append(
                tr(
                    language,
                    f"No hourly intensity data for {reg.code}: every hour equals the annual average, so no window is "
                    "cleaner than now.",
                    f"{reg.code}의 시간대별 배출계수 데이터가 없어 모든 시간이 연평균과 같으므로 지금보다 나은 시간대가 없습니다.",
                )
            )
        if observed_start is not None:
            usual = observed_start.strftime("%H:%M %Z")
            if round(ties[0][1], 9) >= round(current, 9):
                text = tr(
                    language,
                    f"Keep its usual start ({usual}, observed on {observed.runs_observed if observed else 0} runs): no "
                    f"window in the next {SCHEDULE_HORIZON_HOURS} h has a lower average intensity for a "
                    f"{duration_hours:g} h run.",
                    f"관측된 평소 시작 시각({usual}, {observed.runs_observed if observed else 0}회)을 유지하세요: 향후 "
                    f"{SCHEDULE_HORIZON_HOURS}시간 안에 {duration_hours:g}시간 실행의 평균 배출계수가 더 낮은 시간대가 없습니다.",
                )
            else:
                text = tr(
                    language,
                    f"Start at {best_w.start} instead of its usual {usual} (observed): the average intensity drops "
                    f"from {fmt(current)} to {fmt(ties[0][1])} gCO2eq/kWh (−{fmt(calc.percent(fraction))}%).",
                    f"관측된 평소 시작 {usual} 대신 {best_w.start}에 시작하세요: 평균 배출계수가 {fmt(current)}에서 "
                    f"{fmt(ties[0][1])} gCO2eq/kWh로 낮아집니다 (−{fmt(calc.percent(fraction))}%).",
                )
        elif ties[0][0] == local_now:
            text = tr(
                language,
                f"Run now: no window in the next {SCHEDULE_HORIZON_HOURS} h has a lower average intensity for a "
                f"{duration_hours:g} h run.",
                f"지금 실행하세요: 향후 {SCHEDULE_HORIZON_HOURS}시간 안에 {duration_hours:g}시간 실행의 평균 배출계수가 더 낮은 "
                "시간대가 없습니다.",
            )
        else:
            text = tr(
                language,
                f"Start at {best_w.start} instead of now: the average intensity drops from {fmt(current)} to "
                f"{fmt(ties[0][1])} gCO2eq/kWh (−{fmt(calc.percent(fraction))}%).",
                f"지금 대신 {best_w.start}에 시작하세요: 평균 배출계수가 {fmt(current)}에서 {fmt(ties[0][1])} gCO2eq/kWh로 "
                f"낮아집니다 (−{fmt(calc.percent(fraction))}%).",
            )
        if synthetic:
            text += " " + tr(
                language,
                "(Hourly shape from a synthetic model: a hint, not measured data.)",
                "(시간대별 형태는 합성 모델 값으로, 실측이 아닌 참고용입니다.)",
            )
        provenance: dict[str, Provenance | ProfileProvenance] = {
            "grid_carbon_intensity": grid.provenance,
            "pue": figures.pue_provenance,
        }
        if profile is not None:
            provenance["hourly_profile"] = profile.provenance
        return ScheduleResult(
            workload=wl.resolved.name,
            namespace=wl.pods[0].namespace,
            region=reg.code,
            timezone=reg.timezone,
            duration_hours=duration_hours,
            current_window_start=current_w.start,
            current_window_end=current_w.end,
            optimal_window_start=best_w.start,
            optimal_window_end=best_w.end,
            current_intensity_gCO2eq_kWh=_r(current),
            optimal_intensity_gCO2eq_kWh=_r(ties[0][1]),
            reduction_percent=_r(calc.percent(fraction), 2),
            recommendation=text,
            current_window=current_w,
            optimal_window=best_w,
            tied_optimal_windows=[window_of(start, value) for start, value in ties],
            cleanest_hours=cleanest,
            dirtiest_hours=dirtiest,
            power_watts=_r(power),
            pue=_r(figures.pue, 4),
            intensity_series=[HourlyIntensity(start=_iso(s), intensity_gCO2eq_kWh=_r(v)) for s, v in series],
            method=tr(
                language,
                "Carbon Aware SDK semantics: time-weighted rolling average over the run length, windows fully "
                "covered by data, all tied minima; candidates start now or on each full hour of the next 24 h",
                "Carbon Aware SDK 방식: 실행 길이에 대한 시간 가중 이동 평균, 데이터로 완전히 덮인 구간만, 동률 최솟값 모두; "
                "후보는 지금 또는 향후 24시간의 매 정시",
            ),
            language=language,
            timestamp=_iso(now.astimezone(UTC)),
            provenance=provenance,
            data_source=self.data_source_info(snapshot, self.source.description),
            is_demo=snapshot.is_demo,
            notes=notes,
            current_window_basis="observed" if observed_start is not None else "now",
            observed_schedule=observed,
            **self.coverage_fields(self.coverage(snapshot, wl.pods, wl.pods[0].namespace)),
        )

    async def observed_schedule(
        self, snapshot: Snapshot, wl: WorkloadPods, tz: ZoneInfo, now: datetime, language: Language
    ) -> tuple[ObservedSchedule | None, str | None]:
        """When the workload drew energy over the past days (windowed sources), and a note when unknown."""
        source = self.source
        if not snapshot.windowed or not isinstance(source, WindowedSource) or not wl.pods:
            return None, None
        namespace = wl.pods[0].namespace
        if wl.resolved.kind == "Pod":
            pattern = promql.pod_name_regex([wl.resolved.name])
        else:
            pattern = promql.workload_pods_regex(wl.resolved.name, wl.resolved.kind)
        generation = "legacy" if snapshot.generation == "legacy" else "current"
        days = self.config.history_days
        try:
            history: History = await source.history(
                namespace, pattern, self.energy_zones(wl.pods), generation, days, snapshot.taken_at
            )
        except SourceError as exc:
            return None, tr(
                language,
                f"The observed schedule is unknown: the history query failed ({exc}); the current window is now.",
                f"관측 일정을 알 수 없습니다: 이력 조회 실패 ({exc}); 현재 창은 지금입니다.",
            )
        observed = observe(history.points, tz, days, history.query)
        if observed is None:
            return None, tr(
                language,
                f"Prometheus shows no energy for this workload in the past {days} days, so the current window is now.",
                f"Prometheus에 최근 {days}일간 이 워크로드의 에너지가 없어 현재 창은 지금입니다.",
            )
        if observed.typical_start_local is None:
            return observed, tr(
                language,
                f"The workload ran without a break over the past {days} days: there is no start time to move.",
                f"최근 {days}일 동안 쉬지 않고 실행되어 옮길 시작 시각이 없습니다.",
            )
        return observed, None

    async def pod_metrics(self, namespace: str, pod: str) -> PodMetrics:
        """A pod's power by zone, energy and node usage ratio."""
        namespace = validate_namespace(namespace)
        pod = validate_object_name(pod, what="pod name")
        snapshot = await self.read(namespace)
        pods = self.namespace_pods(snapshot, namespace)
        matches = [p for p in pods if p.name == pod]
        if not matches:
            resolved = resolve_workload(pod, namespace, sorted({p.name for p in pods}))
            matches = [p for p in pods if p.name in set(resolved.pods)]
        reading = sorted(matches, key=lambda p: (not p.running, p.name))[0]
        zones = reading.zone_power_watts
        cpu = zones.get("package", zones.get("core", 0.0) + zones.get("uncore", 0.0))
        node = snapshot.node(reading.node)
        return PodMetrics(
            namespace=namespace,
            pod=reading.name,
            node=reading.node,
            state=reading.state,
            cpu_watts=_r(cpu),
            dram_watts=_r(zones.get("dram", 0.0)),
            total_watts=_r(reading.power_watts),
            joules=_r(reading.energy_joules),
            zone_watts={k: _r(v) for k, v in sorted(zones.items())},
            zone_joules={k: _r(v) for k, v in sorted(reading.zone_energy_joules.items())},
            cpu_usage_ratio=None if node is None else node.usage_ratio,
            timestamp=_iso(snapshot.taken_at.astimezone(UTC)),
            collection_method=snapshot.power_method,
            data_source=self.data_source_info(snapshot, self.source.description),
            is_demo=snapshot.is_demo,
        )
