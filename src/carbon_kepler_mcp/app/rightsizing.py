"""Right-sizing from real CPU requests and usage. Pure functions.

Kepler attributes a node's *active* power to pods by CPU use, so lowering a request does not lower the pod's
measured power. What an oversized request does cost is capacity: requested cores are held for the pod, and
the node's idle power is spent keeping them available. So the estimate is:

* recommended request = 95th percentile of the pod's 5-minute CPU use over the window × (1 + headroom),
  headroom 15 %, at least 10 millicores, rounded up to a millicore;
* freed cores = request − recommended (0 when the pod already uses more than its request allows);
* idle watts per core of a node = Kepler's node idle power over the window / the node's CPU capacity;
* released idle power = Σ freed cores × idle watts per core of the pod's node: the idle power that consolidating
  the freed capacity (fewer or smaller nodes) would stop drawing.

The reduction reported is the released idle power as a share of the workload's *footprint*: its measured
power plus the idle power its requests hold (Σ request × idle watts per core). It is an upper bound: it is
only realised when the cluster actually shrinks (cluster autoscaler, bin packing).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from carbon_kepler_mcp.app.results import RightsizingDetail, RightsizingPod
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.kepler.schema import NODE_IDLE_JOULES
from carbon_kepler_mcp.sources.base import PodCpu
from carbon_kepler_mcp.sources.promql import CADVISOR_CPU_USAGE, KSM_NODE_CAPACITY, KSM_POD_REQUESTS

__all__ = ["HEADROOM", "METHOD", "MIN_REQUEST_CORES", "Rightsizing", "recommend_cores", "rightsize"]

HEADROOM: Final = 0.15
"""Head room above the p95 usage, as the VPA recommender's default safety margin (15 %)."""

MIN_REQUEST_CORES: Final = 0.01
"""Never recommend less than 10 millicores."""

METHOD: Final = (
    "recommended request = p95 of 5-minute CPU use over the window × 1.15 (at least 10m); freed = request − "
    "recommended; released idle power = Σ freed cores × (Kepler node idle W / node CPU capacity); reduction = "
    "released / (measured power + Σ request × idle W per core). Kepler's active power follows use, not requests, "
    "so the saving is node idle power and is realised only when the freed capacity is consolidated away"
)


@dataclass(frozen=True, slots=True)
class Rightsizing:
    """The detail for the answer, and the fraction for ranking (None when not quantified)."""

    detail: RightsizingDetail
    reduction_fraction: float | None
    released_idle_watts: float | None


def recommend_cores(usage_p95_cores: float) -> float:
    """p95 × (1 + headroom), at least :data:`MIN_REQUEST_CORES`, rounded up to a millicore."""
    return max(MIN_REQUEST_CORES, math.ceil(usage_p95_cores * (1 + HEADROOM) * 1000 - 1e-9) / 1000)


def rightsize(
    pods: Sequence[PodReading],
    cpu: Mapping[tuple[str, str], PodCpu],
    node_idle_watts: Mapping[str, float],
    node_capacity: Mapping[str, float],
    missing_series: Sequence[str],
    power_watts: float,
) -> Rightsizing:
    """Right-size the workload's running pods (see the module docstring for the method)."""
    running = [p for p in pods if p.running] or list(pods)
    rows: list[RightsizingPod] = []
    missing: list[str] = [s for s in missing_series if s in (KSM_POD_REQUESTS, CADVISOR_CPU_USAGE)]
    no_idle = False
    raw: list[tuple[float, float, float | None]] = []  # request, freed, idle W per core (unrounded)
    for pod in running:
        figures = cpu.get((pod.namespace, pod.name))
        if figures is None or figures.request_cores is None or figures.usage_p95_cores is None:
            if figures is None or figures.request_cores is None:
                missing.append(KSM_POD_REQUESTS)
            if figures is None or figures.usage_p95_cores is None:
                missing.append(CADVISOR_CPU_USAGE)
            continue
        idle = node_idle_watts.get(pod.node)
        cores = node_capacity.get(pod.node)
        per_core = idle / cores if idle is not None and cores else None
        if per_core is None:
            no_idle = True
            missing.append(NODE_IDLE_JOULES if idle is None else KSM_NODE_CAPACITY)
        recommended = recommend_cores(figures.usage_p95_cores)
        raw.append((figures.request_cores, max(0.0, figures.request_cores - recommended), per_core))
        rows.append(
            RightsizingPod(
                pod=pod.name,
                node=pod.node,
                request_cores=round(figures.request_cores, 4),
                usage_p95_cores=round(figures.usage_p95_cores, 4),
                recommended_cores=recommended,
                freed_cores=round(max(0.0, figures.request_cores - recommended), 4),
                idle_watts_per_core=None if per_core is None else round(per_core, 4),
            )
        )
    missing = list(dict.fromkeys(missing))
    if not rows or len(rows) < len(running):
        detail = RightsizingDetail(
            quantified=False,
            method=METHOD,
            headroom=HEADROOM,
            request_cores=None,
            usage_p95_cores=None,
            recommended_cores=None,
            freed_cores=None,
            released_idle_watts=None,
            pods=rows,
            missing_series=missing or [KSM_POD_REQUESTS, CADVISOR_CPU_USAGE],
        )
        return Rightsizing(detail, None, None)
    request = sum(requested for requested, _, _ in raw)
    freed = sum(freed_cores for _, freed_cores, _ in raw)
    released: float | None = None
    fraction: float | None = None
    if not no_idle:
        released = sum(freed_cores * (per_core or 0.0) for _, freed_cores, per_core in raw)
        held = sum(requested * (per_core or 0.0) for requested, _, per_core in raw)
        footprint = power_watts + held
        fraction = released / footprint if footprint > 0 else 0.0
    detail = RightsizingDetail(
        quantified=fraction is not None,
        method=METHOD,
        headroom=HEADROOM,
        request_cores=round(request, 4),
        usage_p95_cores=round(sum(r.usage_p95_cores for r in rows), 4),
        recommended_cores=round(sum(r.recommended_cores for r in rows), 4),
        freed_cores=round(freed, 4),
        released_idle_watts=None if released is None else round(released, 6),
        pods=rows,
        missing_series=missing,
    )
    return Rightsizing(detail, fraction, released)
