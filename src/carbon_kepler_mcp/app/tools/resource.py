"""One resource's power: a node, pod, container or process with its zones, parents and children."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC

from carbon_kepler_mcp.app.common import data_source_info
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.explore_common import iso, node_table, not_found, percent, rounded
from carbon_kepler_mcp.app.explore_results import (
    ChildPower,
    NodePowerShare,
    ResourceKind,
    ResourcePowerResult,
    ResourceRef,
)
from carbon_kepler_mcp.app.footprint import Grid
from carbon_kepler_mcp.app.requests import MAX_LIMIT, ResourcePowerRequest
from carbon_kepler_mcp.app.resource_find import find_container, find_process
from carbon_kepler_mcp.app.tools.summary import node_share
from carbon_kepler_mcp.detail import (
    ContainerReading,
    DetailScrape,
    ProcessReading,
    container_readings,
    node_zone_readings,
)
from carbon_kepler_mcp.domain import calculations as calc
from carbon_kepler_mcp.domain.i18n import Language, tr
from carbon_kepler_mcp.domain.paging import check_limit, paginate, query_fingerprint
from carbon_kepler_mcp.errors import InsufficientDataError, InvalidArgumentError, SourceError
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.readings import PodReading, it_total
from carbon_kepler_mcp.names import safe_repr, validate_namespace, validate_object_name
from carbon_kepler_mcp.reference import Region
from carbon_kepler_mcp.sources.base import Snapshot

_IT_RULE = "IT power = package + dram (core and uncore lie inside package; psys/platform alone when only it exists)"


def _zones(zones: Mapping[str, float]) -> dict[str, float]:
    return {zone: rounded(value) for zone, value in sorted(zones.items())}


async def run(ctx: AppContext, req: ResourcePowerRequest) -> ResourcePowerResult:
    """A node's, pod's, container's or process's power and energy by zone, parents and children."""
    kind, name, namespace, region, limit, cursor, language = (
        req.kind,
        req.name,
        req.namespace,
        req.region,
        req.limit,
        req.cursor,
        req.language,
    )
    check_limit(limit, MAX_LIMIT)
    if kind not in ("node", "pod", "container", "process"):
        raise InvalidArgumentError(f"kind {safe_repr(str(kind))} is unknown: use node, pod, container or process")
    reg = ctx.region(region)
    ns = None if namespace is None else validate_namespace(namespace)
    snapshot = await ctx.read(namespace)
    grid = ctx.grid(reg)
    builder = ResourceBuilder(ctx, snapshot, reg, grid, language)
    if kind == "node":
        await builder.node(validate_object_name(name, what="node name"))
    elif kind == "pod":
        if ns is None:
            raise InvalidArgumentError("namespace is required for kind=pod")
        await builder.pod(validate_object_name(name, what="pod name"), ns)
    elif kind == "container":
        await find_container(builder, name, ns)
    else:
        await find_process(builder, name, ns)
    return builder.result(kind, limit, cursor)


class ResourceBuilder:
    """Collects one resource's figures, parents and children, then builds the result."""

    def __init__(self, app: AppContext, snapshot: Snapshot, reg: Region, grid: Grid, language: Language):
        self.ctx = app
        self.snapshot = snapshot
        self.reg = reg
        self.grid = grid
        self.language: Language = language
        self.name = ""
        self.namespace: str | None = None
        self.node_name = ""
        self.state = schema.STATE_RUNNING
        self.identifiers: dict[str, str] = {}
        self.power = 0.0
        self.energy = 0.0
        self.zone_w: dict[str, float] = {}
        self.zone_j: dict[str, float] = {}
        self.parents: list[ResourceRef] = []
        self.children_kind: str | None = None
        self.children: list[ChildPower] = []
        self.breakdown: NodePowerShare | None = None
        self.notes: list[str] = []

    # parents

    def node_ref(self, node: str) -> ResourceRef:
        reading = self.snapshot.node(node)
        return ResourceRef(
            kind="node",
            name=node,
            namespace=None,
            id=None,
            power_watts=None if reading is None else rounded(reading.power_watts),
        )

    def pod_ref(self, pod: PodReading) -> ResourceRef:
        return ResourceRef(
            kind="pod", name=pod.name, namespace=pod.namespace, id=pod.uid or None, power_watts=rounded(pod.power_watts)
        )

    @staticmethod
    def container_ref(container: ContainerReading) -> ResourceRef:
        return ResourceRef(
            kind="container",
            name=container.name,
            namespace=None,
            id=container.container_id,
            power_watts=rounded(container.power_watts),
        )

    def set_children(self, kind: str, children: list[ChildPower]) -> None:
        self.children_kind = kind
        self.children = sorted(
            children, key=lambda c: (-c.power_watts, c.state != schema.STATE_RUNNING, c.name, c.id or "")
        )

    def share_of(self, power: float) -> float | None:
        return None if self.power <= 0 else rounded(percent(power, self.power), 2)

    async def optional_detail(
        self, families: Collection[str], endpoints: Collection[str] | None
    ) -> DetailScrape | None:
        try:
            scrape = await self.ctx.fetch_detail(self.snapshot, families, endpoints)
        except (SourceError, InsufficientDataError) as exc:
            self.notes.append(
                tr(self.language, f"Children not listed: {exc}", f"하위 항목을 나열하지 못했습니다: {exc}")
            )
            return None
        self.notes.extend(scrape.warnings)
        return scrape

    # kinds

    async def node(self, name: str) -> None:
        reading = self.snapshot.node(name)
        if reading is None:
            raise not_found(
                "node",
                name,
                [n.name for n in self.snapshot.nodes],
                f"in the metrics from {self.ctx.source.description}",
            )
        self.name = self.node_name = name
        self.namespace = None
        self.power = reading.power_watts
        scrape = await self.optional_detail(schema.NODE_ZONE_FAMILIES, [reading.endpoint])
        zones = (
            None if scrape is None else next((z for z in node_zone_readings(scrape.samples) if z.node == name), None)
        )
        if zones is None:
            self.energy = 0.0
            self.notes.append(
                tr(
                    self.language,
                    "Zone figures and energy are unavailable for this node (no zone-labelled node series read).",
                    "이 노드의 영역별 수치와 에너지를 읽지 못했습니다.",
                )
            )
        else:
            self.zone_w, self.zone_j = dict(zones.zone_power_watts), dict(zones.zone_energy_joules)
            self.energy = it_total(zones.zone_energy_joules)
        table = node_table(self.snapshot)
        pods = [p for p in self.snapshot.pods if p.node == name]
        scope_power = sum(p.power_watts for p in pods if p.running)
        self.breakdown = node_share(self.ctx, self.snapshot, self.reg, table[name], scope_power)
        self.set_children(
            "pod",
            [
                ChildPower(
                    kind="pod",
                    name=p.name,
                    namespace=p.namespace,
                    id=p.uid or None,
                    state=p.state,
                    power_watts=rounded(p.power_watts),
                    energy_joules=rounded(p.energy_joules),
                    share_of_parent_percent=self.share_of(p.power_watts),
                )
                for p in pods
            ],
        )

    async def pod(self, name: str, namespace: str) -> None:
        pods = self.ctx.namespace_pods(self.snapshot, namespace)
        matches = sorted((p for p in pods if p.name == name), key=lambda p: (not p.running, p.uid))
        if not matches:
            raise not_found(
                "pod",
                name,
                sorted({p.name for p in pods}),
                f"in namespace {safe_repr(namespace)} (for a workload, use search_resources)",
            )
        pod = matches[0]
        if len(matches) > 1:
            self.notes.append(
                tr(
                    self.language,
                    f"{len(matches)} series share this pod name (a re-created pod); shown: uid {pod.uid}, state {pod.state}.",
                    f"이 파드 이름의 시계열이 {len(matches)}개입니다(재생성된 파드). 표시: uid {pod.uid}, 상태 {pod.state}.",
                )
            )
        self.set_pod(pod)
        self.parents = [self.node_ref(pod.node)]
        scrape = await self.optional_detail(schema.CONTAINER_FAMILIES, [pod.endpoint])
        if scrape is not None:
            containers = [c for c in container_readings(scrape.samples) if c.pod_uid == pod.uid]
            self.set_children("container", [self.container_child(c) for c in containers])
            if not containers:
                self.notes.append(
                    tr(
                        self.language,
                        "Kepler exports no container series for this pod.",
                        "Kepler가 이 파드의 컨테이너 시계열을 내보내지 않습니다.",
                    )
                )

    def set_pod(self, pod: PodReading) -> None:
        self.name, self.namespace, self.node_name, self.state = pod.name, pod.namespace, pod.node, pod.state
        self.identifiers = {"pod_id": pod.uid}
        self.power, self.energy = pod.power_watts, pod.energy_joules
        self.zone_w, self.zone_j = dict(pod.zone_power_watts), dict(pod.zone_energy_joules)

    def container_child(self, c: ContainerReading) -> ChildPower:
        return ChildPower(
            kind="container",
            name=c.name,
            namespace=self.namespace,
            id=c.container_id,
            state=c.state,
            power_watts=rounded(c.power_watts),
            energy_joules=rounded(c.energy_joules),
            share_of_parent_percent=self.share_of(c.power_watts),
        )

    def process_child(self, p: ProcessReading) -> ChildPower:
        return ChildPower(
            kind="process",
            name=f"{p.pid} ({p.comm})",
            namespace=self.namespace,
            id=p.pid,
            state=p.state,
            power_watts=rounded(p.power_watts),
            energy_joules=rounded(p.energy_joules),
            share_of_parent_percent=self.share_of(p.power_watts),
        )

    # result

    def result(self, kind: ResourceKind, limit: int, cursor: str | None) -> ResourcePowerResult:
        language = self.language
        pue, _, detail = self.ctx.node_pue(self.snapshot, self.node_name, self.reg)
        emissions = calc.emissions_g_per_hour(self.power, pue, self.grid.value)
        parent_power = self.parents[0].power_watts if self.parents else None
        share = None if not parent_power else rounded(percent(self.power, parent_power), 2)
        fingerprint = query_fingerprint(
            "resource",
            {"kind": kind, "name": self.name, "namespace": self.namespace, "node": self.node_name, "limit": limit},
        )
        page = paginate(
            self.children,
            limit=limit,
            cursor=cursor,
            fingerprint=fingerprint,
            snapshot_seconds=int(self.snapshot.taken_at.timestamp()),
        )
        power_provenance = self.ctx.power_provenance(self.snapshot, self.power)
        if kind == "node":
            power_provenance = power_provenance.model_copy(
                update={"notes": "node power: Kepler's node series, active + idle, package + dram"}
            )
        notes = list(self.notes)
        if self.snapshot.is_demo:
            notes.insert(
                0,
                tr(
                    language,
                    "Figures come from the built-in demo cluster, not from a real cluster.",
                    "수치는 실제 클러스터가 아닌 내장 데모 클러스터에서 나온 것입니다.",
                ),
            )
        notes.append(tr(language, f"PUE {pue:.2f} from {detail}.", f"PUE {pue:.2f}: {detail}."))
        if page.stale:
            notes.append(
                tr(
                    language,
                    "The metrics were refreshed since the previous page: items may have moved between pages.",
                    "이전 페이지 이후 메트릭이 갱신되어 항목이 페이지 사이에서 이동했을 수 있습니다.",
                )
            )
        return ResourcePowerResult(
            kind=kind,
            name=self.name,
            namespace=self.namespace,
            node=self.node_name,
            state=self.state,
            identifiers=self.identifiers,
            power_watts=rounded(self.power),
            energy_joules=rounded(self.energy),
            zone_power_watts=_zones(self.zone_w),
            zone_energy_joules=_zones(self.zone_j),
            it_power_rule=_IT_RULE,
            share_of_parent_percent=share,
            pue=pue,
            grid_carbon_intensity_gCO2eq_kWh=rounded(self.grid.value),
            region=self.reg.code,
            emissions_gCO2eq_hour=rounded(emissions),
            monthly_emissions_kgCO2eq=rounded(calc.monthly_kg(emissions)),
            parents=self.parents,
            children_kind=self.children_kind,
            children_total_count=page.total,
            children=page.items,
            omitted_count=page.omitted,
            next_cursor=page.next_cursor,
            node_breakdown=self.breakdown,
            language=language,
            timestamp=iso(self.snapshot.taken_at.astimezone(UTC)),
            provenance={"grid_carbon_intensity": self.grid.provenance, "current_power": power_provenance},
            data_source=data_source_info(self.snapshot, self.ctx.source.description),
            is_demo=self.snapshot.is_demo,
            notes=notes,
        )
