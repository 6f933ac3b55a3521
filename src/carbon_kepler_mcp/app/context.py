"""The application context: what every tool shares, and the one place a workload's figures are computed.

Each tool is a module of :mod:`carbon_kepler_mcp.app.tools` with one ``async def run(ctx, request) -> Result``;
the adapters (MCP, HTTP, CLI) are generated from :mod:`carbon_kepler_mcp.app.registry`. The context holds the
metrics source, the reference data with the operator's overrides applied, the configuration and the clock, and it
reads snapshots, resolves names and computes the figures of a set of pods (:meth:`AppContext.figures_for`).
"""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from carbon_kepler_mcp.app import footprint
from carbon_kepler_mcp.app.footprint import Figures, Grid
from carbon_kepler_mcp.app.results import PueSource, StandardInfo
from carbon_kepler_mcp.domain.i18n import Language
from carbon_kepler_mcp.domain.names import (
    validate_namespace,
    validate_object_name,
    validate_region_code,
    validate_standard_code,
)
from carbon_kepler_mcp.domain.window import DEFAULT_WINDOW_SECONDS, parse_window
from carbon_kepler_mcp.domain.workloads import ResolvedWorkload, looks_like_daemonset, resolve_workload
from carbon_kepler_mcp.errors import InsufficientDataError, UnknownNamespaceError, UnknownWorkloadError
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.reference import Provenance, ReferenceData, Region, Standard
from carbon_kepler_mcp.sources.base import MetricsSource, Snapshot, WindowedSource
from carbon_kepler_mcp.sources.detail import DetailScrape, scrape_detail

__all__ = ["KOREA_CARBON_BENCHMARK", "KOREA_PUE_STANDARD", "AppConfig", "AppContext", "DetailFetcher"]

DetailFetcher = Callable[[MetricsSource, Collection[str], Collection[str] | None], Awaitable[DetailScrape]]
"""``(source, families, endpoints shown or None for all) -> DetailScrape``."""


async def _fetch_detail(
    source: MetricsSource, families: Collection[str], endpoints: Collection[str] | None
) -> DetailScrape:
    return await scrape_detail(source, families, endpoints=endpoints)


KOREA_CARBON_BENCHMARK = "KR_CARBON_2050"
KOREA_PUE_STANDARD = "KR_PUE_GREEN_DC"


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
    ) -> None:
        self.source = source
        self.reference = reference
        self.config = config or AppConfig()
        self._clock = clock
        self._fetch_detail = detail_fetcher

    def now(self) -> datetime:
        """The clock (injected in tests, the wall clock otherwise)."""
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
    def standard_info(standard: Standard, language: Language = "en") -> StandardInfo:
        """The summary of a standard that travels in results (its legal-status note in ``language``)."""
        return StandardInfo(
            code=standard.code,
            name=standard.name,
            name_ko=standard.name_ko,
            kind=standard.kind,
            legal_status=standard.legal_status,
            legal_status_note=standard.legal_status_note_ko if language == "ko" else standard.legal_status_note,
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
