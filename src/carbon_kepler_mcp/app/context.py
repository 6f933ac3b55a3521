"""The application context: what every tool shares, and the one place a workload's figures are computed.

Each tool is a module of :mod:`carbon_kepler_mcp.app.tools` with one ``async def run(ctx, request) -> Result``;
the adapters (MCP, HTTP, CLI) are generated from :mod:`carbon_kepler_mcp.app.registry`. The context holds the
metrics source, the reference data with the operator's overrides applied, the configuration and the clock, and it
reads snapshots, resolves names and computes the figures of a set of pods (:meth:`AppContext.figures_for`).
"""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from carbon_kepler_mcp.app import footprint
from carbon_kepler_mcp.app.embodied import HardwareSpec
from carbon_kepler_mcp.app.footprint import Figures, Grid
from carbon_kepler_mcp.app.results import PueSource, StandardInfo
from carbon_kepler_mcp.domain.footprint_math import IDLE_ALLOCATIONS, IdleAllocation
from carbon_kepler_mcp.domain.i18n import Language
from carbon_kepler_mcp.domain.names import (
    validate_namespace,
    validate_object_name,
    validate_region_code,
    validate_standard_code,
)
from carbon_kepler_mcp.domain.window import DEFAULT_WINDOW_SECONDS, parse_window
from carbon_kepler_mcp.domain.workloads import ResolvedWorkload, looks_like_daemonset, resolve_workload
from carbon_kepler_mcp.errors import (
    InsufficientDataError,
    InvalidArgumentError,
    UnknownNamespaceError,
    UnknownWorkloadError,
)
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.policy import Policy
from carbon_kepler_mcp.reference import Provenance, ReferenceData, Region, Standard
from carbon_kepler_mcp.sources.base import MetricsSource, Snapshot, WindowedSource
from carbon_kepler_mcp.sources.detail import DetailScrape, scrape_detail
from carbon_kepler_mcp.sources.intensity.chain import IntensityChain

__all__ = [
    "KOREA_CARBON_BENCHMARK",
    "KOREA_PUE_STANDARD",
    "OPERATOR_PUE_TARGET",
    "AppConfig",
    "AppContext",
    "DetailFetcher",
]

DetailFetcher = Callable[[MetricsSource, Collection[str], Collection[str] | None], Awaitable[DetailScrape]]
"""``(source, families, endpoints shown or None for all) -> DetailScrape``."""


async def _fetch_detail(
    source: MetricsSource, families: Collection[str], endpoints: Collection[str] | None
) -> DetailScrape:
    return await scrape_detail(source, families, endpoints=endpoints)


REQUESTED_IDLE_ALLOCATION: ContextVar[IdleAllocation | None] = ContextVar("requested_idle_allocation", default=None)
"""The ``idle_allocation`` argument of the tool call being answered (set by the registry around each run)."""


KOREA_CARBON_BENCHMARK = "KR_CARBON_2050"
KOREA_PUE_STANDARD = "KR_PUE_GREEN_DC"
OPERATOR_PUE_TARGET = "KOREA_PUE_TARGET"
"""The code of the operator's own PUE target when ``KOREA_PUE_TARGET`` is set."""


KOREA = "KR"


@dataclass(frozen=True, slots=True)
class WorkloadPods:
    """A workload name resolved to its pods in a snapshot."""

    resolved: ResolvedWorkload
    pods: tuple[PodReading, ...]

    @property
    def running(self) -> tuple[PodReading, ...]:
        return tuple(p for p in self.pods if p.running)

    @property
    def namespace(self) -> str:
        """The namespace of the pods (resolution never returns an empty workload)."""
        return self.pods[0].namespace


@dataclass(frozen=True)
class AppConfig:
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
    accept_default_pue: bool = False
    """Let a built-in default PUE (the region's) decide verdicts; off, so a verdict rests on the operator's PUE."""
    idle_allocation: IdleAllocation = "none"
    """How node idle power is shared into workloads when a call names no ``idle_allocation``."""
    node_hardware: Mapping[str, HardwareSpec] = field(default_factory=dict[str, HardwareSpec])
    """The operator's hardware (embodied emissions, lifetime, cores) per node, by node name."""
    intensity_zones: Mapping[str, Mapping[str, str]] = field(default_factory=dict[str, Mapping[str, str]])
    """Per-region provider zones from the settings, over the data file's (``{"region": {"provider": "zone"}}``)."""


class AppContext:
    """What every tool reads: source, reference data, configuration and clock."""

    def __init__(
        self,
        source: MetricsSource,
        reference: ReferenceData,
        config: AppConfig | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        detail_fetcher: DetailFetcher = _fetch_detail,
        policy: Policy | None = None,
        intensity: IntensityChain | None = None,
    ) -> None:
        self.source = source
        self.intensity = intensity
        """The grid-intensity providers (None: the shipped annual factors and hourly shape only)."""
        self.reference = reference
        self.policy = policy or Policy()
        """The operator's budgets (:mod:`carbon_kepler_mcp.policy`)."""
        self.config = config or AppConfig()
        self._clock = clock
        self._fetch_detail = detail_fetcher

    def now(self) -> datetime:
        """The clock (injected in tests, the wall clock otherwise)."""
        return self._clock()

    async def aclose(self) -> None:
        """Release the metrics source and the intensity providers."""
        await self.source.aclose()
        if self.intensity is not None:
            await self.intensity.aclose()

    # --- reference data ------------------------------------------------------------------------------

    def region(self, code: str | None) -> Region:
        """A region by code (default region when None)."""
        return self.reference.region(validate_region_code(code or self.config.default_region))

    def intensity_zones(self, region: Region) -> dict[str, str]:
        """Provider → zone for ``region``: the settings' mapping, else the data file's, else the defaults
        (Electricity Maps and the operator's file: the region's Electricity Maps zone; the Carbon Aware SDK: the
        region code). WattTime has no default: its regions must be mapped."""
        zones = {"electricitymaps": region.em_zone, "file": region.em_zone, "casdk": region.code}
        zones |= dict(region.zones)
        zones |= dict(self.config.intensity_zones.get(region.code, {}))
        return zones

    def standard(self, code: str | None) -> Standard:
        """A standard by code, with the operator's Korean overrides applied.

        KR_CARBON_2050's limit is derived data (Korean grid factor × the Green DC full-score PUE band, or the
        operator's ``KOREA_PUE_TARGET``), so either override re-derives it the same way. ``KOREA_PUE_TARGET`` itself
        is the operator's own PUE target (:meth:`pue_standard`); the certification's bands stay as published.
        """
        code = validate_standard_code(code or self.config.default_standard)
        if code == OPERATOR_PUE_TARGET and self.config.korea_pue_target_override is not None:
            return self.pue_standard()
        standard = self.reference.standard(code)
        pue_override = self.config.korea_pue_target_override
        grid_override = self.config.korea_intensity_override_g_per_kwh
        if standard.limit is None or standard.code != KOREA_CARBON_BENCHMARK:
            return standard
        if pue_override is None and grid_override is None:
            return standard
        factor = grid_override if grid_override is not None else self.reference.korea_factors.default.value
        green_dc = self.reference.standard(KOREA_PUE_STANDARD).limit
        assert green_dc is not None  # shipped data: KR_PUE_GREEN_DC is a PUE standard with a limit
        pue = pue_override if pue_override is not None else green_dc.value
        update: dict[str, object] = {
            "value": round(factor * pue, 6),
            "basis": f"derived: Korean grid factor {factor:g} gCO2eq/kWh × PUE {pue:g}"
            + (" (KOREA_PUE_TARGET)" if pue_override is not None else " (KR_PUE_GREEN_DC full-score band)"),
            "publisher": "derived from operator settings (KOREA_CARBON_INTENSITY / KOREA_PUE_TARGET)",
            "notes": f"replaces the shipped {standard.limit.value:g} because an override is set",
        }
        if grid_override is not None:  # the operator's factor has no data year or citation of ours
            update |= {"year": None, "source": "operator settings (KOREA_CARBON_INTENSITY) and the shipped data"}
        return standard.model_copy(update={"limit": standard.limit.model_copy(update=update)})

    def pue_standard(self) -> Standard:
        """What ``pue_status`` is judged against: the operator's ``KOREA_PUE_TARGET`` when set (pass/fail), else
        the configured PUE standard (by default the Green DC certification, which scores rather than fails)."""
        target = self.config.korea_pue_target_override
        if target is None:
            return self.standard(self.config.pue_standard)
        return Standard(
            code=OPERATOR_PUE_TARGET,
            name="Your facility PUE target (KOREA_PUE_TARGET)",
            name_ko="운영자가 정한 시설 PUE 목표(KOREA_PUE_TARGET)",
            jurisdiction="KR",
            group="korea",
            kind="pue",
            category="operator_target",
            legal_status="target",
            legal_status_note="Your own target, set in KOREA_PUE_TARGET; it binds no one else.",
            legal_status_note_ko="KOREA_PUE_TARGET으로 운영자가 정한 자체 목표이며, 다른 누구에게도 의무가 아닙니다.",
            description=f"The operator's PUE target {target:g}, judged pass/fail on every node's PUE.",
            description_ko=f"운영자가 정한 PUE 목표 {target:g}이며, 노드마다 PUE로 준수 여부를 판정합니다.",
            metric="pue",
            limit=Provenance(
                value=target,
                unit="ratio",
                basis="the operator's own facility PUE target",
                publisher="operator setting KOREA_PUE_TARGET",
                source="settings",
            ),
            applies_to="The operator's own facilities.",
            sources=("operator settings (KOREA_PUE_TARGET)",),
        )

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
    def standard_info(standard: Standard, language: Language = "en") -> StandardInfo:
        """The summary of a standard that travels in results (its legal-status note in ``language``)."""
        return StandardInfo(
            code=standard.code,
            name=standard.name,
            name_ko=standard.name_ko,
            kind=standard.kind,
            category=standard.category,
            legal_status=standard.legal_status,
            legal_status_note=standard.legal_status_note_ko if language == "ko" else standard.legal_status_note,
            metric=standard.metric,
            limit=None if standard.limit is None else standard.limit.value,
            limit_unit=None if standard.limit is None else standard.limit.unit,
            effective_from=None if standard.effective_from is None else standard.effective_from.isoformat(),
            effective_until=None if standard.effective_until is None else standard.effective_until.isoformat(),
            applies_in=list(standard.applies_in),
        )

    # --- snapshots and names -------------------------------------------------------------------------

    async def read(
        self, namespace: str | None, window: str | int | None = None, idle_allocation: IdleAllocation | None = None
    ) -> Snapshot:
        """The snapshot for a question: one namespace over the window (Prometheus), or the direct scrape.

        ``window`` is validated here (5 minutes to 7 days) whatever the source, so a bad value is an error
        everywhere; a source without windows (direct Kepler scrape) then reports instant power.
        ``idle_allocation`` (default: the configured one) shares node idle power into the pods
        (:func:`footprint.allocate_idle`); the snapshot says which allocation it carries.
        """
        seconds = parse_window(window) if window is not None else self.config.default_window_seconds
        if namespace is not None:
            namespace = validate_namespace(namespace)
        allocation = idle_allocation or REQUESTED_IDLE_ALLOCATION.get() or self.config.idle_allocation
        if allocation not in IDLE_ALLOCATIONS:
            raise InvalidArgumentError(f"idle_allocation {allocation!r} is not one of {', '.join(IDLE_ALLOCATIONS)}")
        if isinstance(self.source, WindowedSource):
            snapshot = await self.source.window_snapshot(namespace, seconds)
            if allocation == "none":
                return snapshot
            # Shares need every pod of the nodes, not only the namespace's: read the whole cluster (cached).
            cluster = snapshot if namespace is None else await self.source.window_snapshot(None, seconds)
        else:
            snapshot = cluster = await self.source.snapshot()
            if allocation == "none":
                return snapshot
        shares, warnings = footprint.allocate_idle(cluster, allocation)
        return snapshot.with_idle_allocation(footprint.with_idle_shares(snapshot.pods, shares), allocation, warnings)

    def namespace_pods(self, snapshot: Snapshot, namespace: str) -> tuple[PodReading, ...]:
        """Every pod of a namespace; an unknown namespace is an error that names the close ones."""
        pods = snapshot.pods_in(namespace)
        if not pods:
            known = snapshot.namespaces
            near = difflib.get_close_matches(namespace, known, n=5, cutoff=0.5)
            shown = ", ".join(known[:30]) + (" ..." if len(known) > 30 else "")
            pseudo = [p for p in snapshot.overhead_pods if p.namespace == namespace]
            if pseudo:
                watts = sum(p.power_watts for p in pseudo if p.running)
                names = ", ".join(sorted({p.name for p in pseudo}))
                raise UnknownNamespaceError(
                    f"namespace {namespace!r} holds only Kepler's pseudo-pod {names} ({watts:.2f} W): processes "
                    "outside any pod, reported as node overhead, not as a workload, so it has no compliance verdict"
                    + self._endpoints_failed(snapshot)
                    + f"; namespaces with pods: {shown or 'none'}",
                    suggestions=known[:5],
                    ko=f"네임스페이스 {namespace!r}에는 Kepler의 의사 파드 {names}({watts:.2f} W)만 있습니다: 파드 밖 "
                    "프로세스를 노드 오버헤드로 보고한 것으로, 워크로드가 아니므로 준수 판정이 없습니다. 파드가 있는 "
                    f"네임스페이스: {shown or '없음'}",
                )
            raise UnknownNamespaceError(
                f"no pods of namespace {namespace!r} in the metrics from {self.source.description}"
                + self._endpoints_failed(snapshot)
                + f"; namespaces with pods: {shown or 'none'}"
                + (f". Did you mean {', '.join(repr(n) for n in near)}?" if near else ""),
                suggestions=near or known[:5],
                ko=f"메트릭에 네임스페이스 {namespace!r}의 파드가 없습니다"
                + (
                    f"(응답하지 않은 엔드포인트: {'; '.join(snapshot.failed_endpoints)})"
                    if snapshot.failed_endpoints
                    else ""
                )
                + f". 파드가 있는 네임스페이스: {shown or '없음'}"
                + (f". 혹시 {', '.join(repr(n) for n in near)}을(를) 찾으셨나요?" if near else ""),
            )
        return pods

    @staticmethod
    def _endpoints_failed(snapshot: Snapshot) -> str:
        """``; not found on the endpoints that answered; 1 of 3 endpoints failed: ...``, or "" if none failed."""
        failed = snapshot.failed_endpoints
        if not failed:
            return ""
        return (
            f" (not found on the endpoints that answered; {len(failed)} of {snapshot.endpoints_asked} endpoints "
            f"failed: {'; '.join(failed)})"
        )

    def workload_pods(self, snapshot: Snapshot, name: str, namespace: str) -> WorkloadPods:
        """A workload name resolved to its pods (owner references first, then naming rules)."""
        namespace = validate_namespace(namespace)
        name = validate_object_name(name)
        pods = self.namespace_pods(snapshot, namespace)
        try:
            resolved = resolve_workload(name, namespace, sorted({p.name for p in pods}), snapshot.owners_in(namespace))
        except UnknownWorkloadError as exc:
            if not snapshot.failed_endpoints:
                raise
            raise UnknownWorkloadError(
                f"{exc}{self._endpoints_failed(snapshot)}",
                suggestions=exc.suggestions,
                ko=f"{exc.text('ko')} (응답하지 않은 엔드포인트가 있습니다: {'; '.join(snapshot.failed_endpoints)})",
            ) from exc
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

    # --- figures (carbon_kepler_mcp.app.footprint) ----------------------------------------------

    def shiftable(self, snapshot: Snapshot, namespace: str, name: str, kind: str, pods: Sequence[PodReading]) -> bool:
        """Whether a workload's runs can move in time: batch work (not a DaemonSet named like a Job), or marked
        shiftable by the operator in the policy file."""
        batch = kind in footprint.BATCH_KINDS and not self.spread_like_daemonset(snapshot, pods)
        return batch or self.policy.is_shiftable(namespace, name)

    def node_pue(self, snapshot: Snapshot, node: str, region: Region) -> tuple[float, PueSource, str]:
        """A node's PUE: operator setting for the node, the operator's site (sites.toml), operator setting, the
        source's facility, region default."""
        if node in self.config.node_pue:
            return self.config.node_pue[node], "operator_node_setting", f"CARBON_KEPLER_NODE_PUE[{node}]"
        if region.operator_site:  # the operator's own figure for this site, more specific than CARBON_KEPLER_PUE
            site = region.default_pue
            return site.value, "operator_setting", f"sites.toml [sites.{region.code}]: {site.basis}"
        if self.config.pue is not None:
            return self.config.pue, "operator_setting", "CARBON_KEPLER_PUE"
        facility = snapshot.facilities.get(node)
        if facility is not None:
            return facility.pue, "source_facility", f"{facility.facility}: {facility.note}"
        default = region.default_pue
        return default.value, "region_default", f"{default.publisher}: {default.basis}"

    def figures_for(
        self, snapshot: Snapshot, pods: Sequence[PodReading], region: Region, grid: float, kind: str | None = None
    ) -> Figures:
        """Power, power-weighted PUE and emissions of ``pods``, each at its node's PUE."""
        node_pues = {pod.node: self.node_pue(snapshot, pod.node, region) for pod in pods}
        # A Job's pods spread one per node are a DaemonSet's (workloads.looks_like_daemonset): not batch work.
        batch = kind in footprint.BATCH_KINDS and not self.spread_like_daemonset(snapshot, pods)
        return footprint.figures_for(snapshot, pods, region, grid, node_pues, batch=batch)

    def power_provenance(self, snapshot: Snapshot, power_watts: float) -> Provenance:
        """Provenance of measured power from this service's source."""
        return footprint.power_provenance(snapshot, power_watts, self.source.description)

    async def fetch_detail(
        self, snapshot: Snapshot, families: Collection[str], endpoints: Collection[str] | None
    ) -> DetailScrape:
        """Container and process series of the endpoints shown (Kepler 0.10 and later only)."""
        if snapshot.generation == "legacy":
            raise InsufficientDataError(
                "container and process detail needs Kepler 0.10 or later (zone-labelled container and process "
                "series); this source runs Kepler 0.7: ask for kind=pod or kind=node instead"
            )
        return await self._fetch_detail(self.source, families, endpoints)
