"""Finding a container or a process for :mod:`.resource` by name, id or pid."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from carbon_kepler_mcp.app.explore_common import not_found
from carbon_kepler_mcp.app.explore_results import ResourceRef
from carbon_kepler_mcp.detail import ContainerReading, ProcessReading, container_readings, process_readings
from carbon_kepler_mcp.domain.i18n import tr
from carbon_kepler_mcp.errors import AmbiguousWorkloadError, InvalidArgumentError, NotFoundError
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.names import safe_repr, validate_object_name

if TYPE_CHECKING:
    from carbon_kepler_mcp.app.tools.resource import ResourceBuilder


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
                "<container> with a namespace, or a container id (12-64 hex digits)"
            )
        if namespace is None:
            raise InvalidArgumentError(
                "namespace is required for a container name; or pass the container id (12-64 hex digits)"
            )
    scope_pods = builder.snapshot.pods if namespace is None else builder.ctx.namespace_pods(builder.snapshot, namespace)
    endpoints = sorted({p.endpoint for p in scope_pods}) if namespace is not None else None
    scrape = await builder.ctx.fetch_detail(builder.snapshot, schema.CONTAINER_FAMILIES, endpoints)
    builder.notes.extend(scrape.warnings)
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
            f"process {safe_repr(name)} is not a pid: pass <pid> or <node>/<pid>, a pid being 1-10 digits"
        )
    endpoints: list[str] | None = None
    if node is not None:
        reading = builder.snapshot.node(node)
        if reading is None:
            raise not_found("node", node, [n.name for n in builder.snapshot.nodes], "in the metrics")
        endpoints = [reading.endpoint]
    families = schema.PROCESS_FAMILIES | schema.CONTAINER_FAMILIES
    scrape = await builder.ctx.fetch_detail(builder.snapshot, families, endpoints)
    builder.notes.extend(scrape.warnings)
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
            + "; list a container's processes with get_resource_power(kind='container', ...)"
        )
    nodes = sorted({p.node for p in matches})
    if len(nodes) > 1:
        raise AmbiguousWorkloadError(
            f"pid {pid} runs on {len(nodes)} nodes ({', '.join(nodes)}); pass <node>/<pid>",
            suggestions=[f"{n}/{pid}" for n in nodes],
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
