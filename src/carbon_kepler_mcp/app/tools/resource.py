"""One resource's power: a node, pod, container or process with its zones, parents and children."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import UTC

from carbon_kepler_mcp.app.common import data_source_info, pue_source_text, warning_text
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.explore_common import iso, node_table, not_found, percent
from carbon_kepler_mcp.app.explore_results import (
    ChildPower,
    NodePowerShare,
    ResourceKind,
    ResourcePowerResult,
    ResourceRef,
)
from carbon_kepler_mcp.app.footprint import Grid
from carbon_kepler_mcp.app.requests import MAX_LIMIT, ResourcePowerRequest
from carbon_kepler_mcp.app.tools.summary import node_share
from carbon_kepler_mcp.domain import calculations as calc
from carbon_kepler_mcp.domain.i18n import Language, tr
from carbon_kepler_mcp.domain.names import safe_repr, validate_namespace, validate_object_name
from carbon_kepler_mcp.domain.paging import check_limit, paginate, query_fingerprint
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.errors import (
    AmbiguousWorkloadError,
    InsufficientDataError,
    InvalidArgumentError,
    NotFoundError,
    SourceError,
)
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.readings import (
    ContainerReading,
    PodReading,
    ProcessReading,
    container_readings,
    it_total,
    node_zone_readings,
    process_readings,
)
from carbon_kepler_mcp.reference import Region
from carbon_kepler_mcp.sources.base import Snapshot
from carbon_kepler_mcp.sources.detail import DetailScrape

_IT_RULE_KO = "IT 전력 = package + dram (core와 uncore는 package 안에 포함; psys/platform만 있으면 그 값만 사용)"
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
            raise InvalidArgumentError(
                "namespace is required for kind=pod", ko="kind=pod에는 namespace 인수가 필요합니다"
            )
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
        self.notes.extend(warning_text(w, self.language) for w in scrape.warnings)
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
        pue, pue_source, detail = self.ctx.node_pue(self.snapshot, self.node_name, self.reg)
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
        notes.append(
            tr(
                language,
                f"PUE {pue:.2f} from {detail}.",
                f"PUE {pue:.2f}: {pue_source_text(pue_source, detail, language)}.",
            )
        )
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
            it_power_rule=tr(language, _IT_RULE, _IT_RULE_KO),
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
            data_source=data_source_info(self.snapshot, self.ctx.source.description, language),
            is_demo=self.snapshot.is_demo,
            notes=notes,
        )


# --- finding a container or a process by name, id or pid ------------------------------------------------

_HEX_ID = re.compile(r"[0-9a-f]{12,64}")
_PID = re.compile(r"[1-9][0-9]{0,9}")
_LABEL = re.compile(r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?")


async def find_container(builder: ResourceBuilder, name: str, namespace: str | None) -> None:
    """Fill the builder with one container: by id (prefix), <pod>/<container>, or <container> in a namespace."""
    pods_by_uid = {p.uid: p for p in builder.snapshot.pods if p.uid}
    wanted_pod: str | None = None
    if _HEX_ID.fullmatch(name):
        by_id, container_name = name, None
    else:
        by_id = None
        pod_part, sep, container_name = name.rpartition("/")
        if sep:
            wanted_pod = validate_object_name(pod_part, what="pod name")
        if not _LABEL.fullmatch(container_name):
            raise InvalidArgumentError(
                f"container {safe_repr(container_name)} is not a valid container name: it must be 1-63 lowercase "
                "letters, digits or '-', starting and ending with a letter or digit; pass <pod>/<container>, "
                "<container> with a namespace, or a container id (12-64 hex digits)",
                ko=f"컨테이너 {safe_repr(container_name)}은(는) 올바른 컨테이너 이름이 아닙니다: 소문자, 숫자, '-'로 된 "
                "1~63자이고 영문자나 숫자로 시작하고 끝나야 합니다. <pod>/<container>, 네임스페이스와 함께 <container>, "
                "또는 컨테이너 ID(16진수 12~64자)를 주세요",
            )
        if namespace is None:
            raise InvalidArgumentError(
                "namespace is required for a container name; or pass the container id (12-64 hex digits)",
                ko="컨테이너 이름에는 namespace 인수가 필요합니다. 또는 컨테이너 ID(16진수 12~64자)를 주세요",
            )
    scope_pods = builder.snapshot.pods if namespace is None else builder.ctx.namespace_pods(builder.snapshot, namespace)
    endpoints = sorted({p.endpoint for p in scope_pods}) if namespace is not None else None
    scrape = await builder.ctx.fetch_detail(builder.snapshot, schema.CONTAINER_FAMILIES, endpoints)
    builder.notes.extend(warning_text(w, builder.language) for w in scrape.warnings)
    candidates: list[ContainerReading] = []
    for c in container_readings(scrape.samples):
        pod = pods_by_uid.get(c.pod_uid)
        if namespace is not None and (pod is None or pod.namespace != namespace):
            continue
        if by_id is not None and not c.container_id.startswith(by_id):
            continue
        if container_name is not None and c.name != container_name:
            continue
        if wanted_pod is not None and (pod is None or pod.name != wanted_pod):
            continue
        candidates.append(c)
    ids = sorted({c.container_id for c in candidates})
    if not ids:
        where = f"in namespace {safe_repr(namespace)}" if namespace else "in the metrics"
        known = sorted(
            {
                f"{pods_by_uid[c.pod_uid].name}/{c.name}"
                for c in container_readings(scrape.samples)
                if c.pod_uid in pods_by_uid and (namespace is None or pods_by_uid[c.pod_uid].namespace == namespace)
            }
        )
        raise not_found("container", name, known, where)
    if len(ids) > 1:
        labels = sorted(
            {
                f"{pods_by_uid[c.pod_uid].name}/{c.name}" if c.pod_uid in pods_by_uid else c.container_id
                for c in candidates
            }
        )
        raise AmbiguousWorkloadError(
            f"container {safe_repr(name)} matches {len(ids)} containers: {', '.join(labels[:10])}"
            f"{' ...' if len(labels) > 10 else ''}; pass <pod>/<container> or a container id",
            suggestions=labels,
            ko=f"컨테이너 {safe_repr(name)}이(가) 컨테이너 {len(ids)}개와 일치합니다: {', '.join(labels[:10])}"
            f"{' ...' if len(labels) > 10 else ''}. <pod>/<container>나 컨테이너 ID를 주세요",
        )
    container = sorted((c for c in candidates), key=lambda c: (not c.running,))[0]
    pod = pods_by_uid.get(container.pod_uid)
    builder.name, builder.node_name, builder.state = container.name, container.node, container.state
    builder.namespace = pod.namespace if pod else namespace
    builder.identifiers = {
        "container_id": container.container_id,
        "pod_id": container.pod_uid,
        "runtime": container.runtime,
    }
    builder.power, builder.energy = container.power_watts, container.energy_joules
    builder.zone_w, builder.zone_j = dict(container.zone_power_watts), dict(container.zone_energy_joules)
    builder.parents = ([builder.pod_ref(pod)] if pod else []) + [builder.node_ref(container.node)]
    if pod is None:
        builder.notes.append(
            tr(
                builder.language,
                "Its pod is not in the pod series (finished and dropped?).",
                "소속 파드가 파드 시계열에 없습니다 (종료 후 제거?).",
            )
        )
    processes = await builder.optional_detail(schema.PROCESS_FAMILIES, [container.endpoint])
    if processes is not None:
        builder.set_children(
            "process",
            [
                builder.process_child(p)
                for p in process_readings(processes.samples)
                if p.container_id == container.container_id
            ],
        )


async def find_process(builder: ResourceBuilder, name: str, namespace: str | None) -> None:
    """Fill the builder with one process: <pid> or <node>/<pid>, optionally within a namespace."""
    node_part, sep, pid = name.rpartition("/")
    node = validate_object_name(node_part, what="node name") if sep else None
    if not _PID.fullmatch(pid):
        raise InvalidArgumentError(
            f"process {safe_repr(name)} is not a pid: pass <pid> or <node>/<pid>, a pid being 1-10 digits",
            ko=f"프로세스 {safe_repr(name)}은(는) PID가 아닙니다: <pid> 또는 <node>/<pid>를 주세요(PID는 숫자 1~10자리)",
        )
    endpoints: list[str] | None = None
    if node is not None:
        reading = builder.snapshot.node(node)
        if reading is None:
            raise not_found("node", node, [n.name for n in builder.snapshot.nodes], "in the metrics")
        endpoints = [reading.endpoint]
    families = schema.PROCESS_FAMILIES | schema.CONTAINER_FAMILIES
    scrape = await builder.ctx.fetch_detail(builder.snapshot, families, endpoints)
    builder.notes.extend(warning_text(w, builder.language) for w in scrape.warnings)
    containers = {c.container_id: c for c in sorted(container_readings(scrape.samples), key=lambda c: not c.running)}
    pods_by_uid = {p.uid: p for p in builder.snapshot.pods if p.uid}
    matches: list[ProcessReading] = []
    for p in process_readings(scrape.samples):
        if p.pid != pid or (node is not None and p.node != node):
            continue
        if namespace is not None:
            container = containers.get(p.container_id)
            pod = None if container is None else pods_by_uid.get(container.pod_uid)
            if pod is None or pod.namespace != namespace:
                continue
        matches.append(p)
    if not matches:
        raise NotFoundError(
            f"no process with pid {pid}"
            + (f" on node {node}" if node else "")
            + (f" in namespace {namespace}" if namespace else "")
            + "; list a container's processes with get_resource_power(kind='container', ...)",
            ko=f"PID {pid}인 프로세스가 없습니다"
            + (f"(노드 {node})" if node else "")
            + (f"(네임스페이스 {namespace})" if namespace else "")
            + ". 컨테이너의 프로세스는 get_resource_power(kind='container', ...)로 나열하세요",
        )
    nodes = sorted({p.node for p in matches})
    if len(nodes) > 1:
        raise AmbiguousWorkloadError(
            f"pid {pid} runs on {len(nodes)} nodes ({', '.join(nodes)}); pass <node>/<pid>",
            suggestions=[f"{n}/{pid}" for n in nodes],
            ko=f"PID {pid}이(가) 노드 {len(nodes)}개({', '.join(nodes)})에서 실행 중입니다. <node>/<pid>를 주세요",
        )
    proc = sorted(matches, key=lambda p: (not p.running, p.comm))[0]
    builder.name, builder.node_name, builder.state = f"{proc.pid}", proc.node, proc.state
    builder.identifiers = {"pid": proc.pid, "comm": proc.comm, "exe": proc.exe, "type": proc.type}
    if proc.container_id:
        builder.identifiers["container_id"] = proc.container_id
    if proc.vm_id:
        builder.identifiers["vm_id"] = proc.vm_id
    builder.power, builder.energy = proc.power_watts, proc.energy_joules
    builder.zone_w, builder.zone_j = dict(proc.zone_power_watts), dict(proc.zone_energy_joules)
    parents: list[ResourceRef] = []
    container = containers.get(proc.container_id) if proc.container_id else None
    if container is not None:
        parents.append(builder.container_ref(container))
        pod = pods_by_uid.get(container.pod_uid)
        if pod is not None:
            builder.namespace = pod.namespace
            parents.append(builder.pod_ref(pod))
    elif proc.type == schema.PROCESS_TYPE_VM and proc.vm_id:
        parents.append(ResourceRef(kind="vm", name=proc.vm_id, namespace=None, id=proc.vm_id, power_watts=None))
    parents.append(builder.node_ref(proc.node))
    builder.parents = parents
