"""One pod's power by zone, its energy, and the usage ratio of its node."""

from __future__ import annotations

from typing import TYPE_CHECKING

from carbon_kepler_mcp.app.common import data_source_info, utc_iso
from carbon_kepler_mcp.app.results import PodMetrics
from carbon_kepler_mcp.domain.names import validate_namespace, validate_object_name
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.domain.workloads import resolve_workload

if TYPE_CHECKING:
    from carbon_kepler_mcp.app.context import AppContext


async def pod_metrics(ctx: AppContext, namespace: str, pod: str) -> PodMetrics:
    """A pod's power by zone, energy and node usage ratio (a workload name picks its first running pod)."""
    namespace = validate_namespace(namespace)
    pod = validate_object_name(pod, what="pod name")
    snapshot = await ctx.read(namespace)
    pods = ctx.namespace_pods(snapshot, namespace)
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
        cpu_watts=rounded(cpu),
        dram_watts=rounded(zones.get("dram", 0.0)),
        total_watts=rounded(reading.power_watts),
        joules=rounded(reading.energy_joules),
        zone_watts={k: rounded(v) for k, v in sorted(zones.items())},
        zone_joules={k: rounded(v) for k, v in sorted(reading.zone_energy_joules.items())},
        cpu_usage_ratio=None if node is None else node.usage_ratio,
        timestamp=utc_iso(snapshot.taken_at),
        collection_method=snapshot.power_method,
        data_source=data_source_info(snapshot, ctx.source.description),
        is_demo=snapshot.is_demo,
    )
