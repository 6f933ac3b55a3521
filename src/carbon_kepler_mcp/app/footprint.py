"""The figures of a set of pods: power, power-weighted PUE and emissions, with the provenance of each.

Every use case, and the explorer (:mod:`carbon_kepler_mcp.app.explorer_old`), computes a workload's footprint here:
``E = Σ pod power × node PUE × grid intensity`` (:mod:`carbon_kepler_mcp.domain.calculations`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC

from carbon_kepler_mcp.app.results import MonthlyBasis, PodFigures, PueDetail, PueSource
from carbon_kepler_mcp.domain import calculations as calc
from carbon_kepler_mcp.domain.footprint_math import IdleAllocation
from carbon_kepler_mcp.domain.footprint_math import share_residual as calc_share
from carbon_kepler_mcp.domain.units import HOURS_PER_MONTH, grams_to_kilograms, joules_to_kwh, rounded
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.reference import Provenance, Region
from carbon_kepler_mcp.sources.base import Snapshot

NodePue = tuple[float, PueSource, str]
"""A node's PUE, the kind of source it comes from, and the setting or facility that names it."""

# Weakest first: the PUE of a mix of nodes is only as reportable as its weakest source.
_WEAKEST_FIRST: tuple[PueSource, ...] = (
    "region_default",
    "source_facility",
    "operator_setting",
    "operator_node_setting",
)


@dataclass(frozen=True, slots=True)
class Grid:
    """The grid intensity (gCO2eq/kWh) used for a region's compliance figures, with its provenance."""

    value: float
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Figures:
    """Power, PUE and emissions of a set of pods."""

    power_watts: float
    pue: float
    pue_detail: PueDetail
    pue_provenance: Provenance
    emissions_g_per_hour: float
    per_pod: tuple[PodFigures, ...]
    window_emissions_g: float | None = None
    """Windowed sources: Σ pod window energy (kWh) × its node's PUE × grid, in grams."""
    monthly_kg: float | None = None
    monthly_basis: MonthlyBasis = "continuous_at_current_power"

    def share(self, fraction: float) -> float | None:
        """``fraction`` of the monthly figure (a lever's saving per month), None when there is no monthly figure."""
        return None if self.monthly_kg is None else self.monthly_kg * fraction


BATCH_KINDS = frozenset({"Job", "CronJob"})
"""Kinds that run to completion: their time can shift, and their month needs observed runs."""

MIN_OBSERVED_WINDOW_SECONDS = 86_400
"""A window this long (a day) shows a duty cycle; shorter ones are not scaled to a month."""


def monthly(
    snapshot: Snapshot, emissions_g_per_hour: float, window_emissions_g: float | None, *, batch: bool
) -> tuple[float | None, MonthlyBasis]:
    """The monthly figure (kg per 730 h) and what it rests on: observed, continuous, or not projected."""
    window = snapshot.window_seconds
    if window is not None and window >= MIN_OBSERVED_WINDOW_SECONDS and window_emissions_g is not None:
        return grams_to_kilograms(window_emissions_g * HOURS_PER_MONTH * 3600 / window), "observed_window"
    if batch:
        return None, "not_projected"
    return calc.monthly_kg(emissions_g_per_hour), "continuous_at_current_power"


def figures_for(
    snapshot: Snapshot,
    pods: Sequence[PodReading],
    region: Region,
    grid: float,
    node_pues: Mapping[str, NodePue],
    *,
    batch: bool = False,
) -> Figures:
    """The figures of ``pods``, each pod at the PUE of its node (``node_pues`` holds every node of the pods).

    ``batch``: the pods are a Job's or CronJob's, whose monthly figure needs observed runs.
    """
    loads: list[tuple[float, float]] = []
    per_pod: list[PodFigures] = []
    emissions = 0.0
    window_emissions = 0.0
    for pod in pods:
        pue = node_pues[pod.node][0]
        pod_emissions = calc.emissions_g_per_hour(pod.power_watts, pue, grid)
        emissions += pod_emissions
        window_emissions += joules_to_kwh(pod.energy_joules) * pue * grid
        if pod.running or snapshot.windowed:
            # A window's average power includes pods that ended inside the window.
            loads.append((pod.power_watts, pue))
        per_pod.append(_pod_figures(snapshot, pod, pue, pod_emissions))
    per_node = {node: pue for node, (pue, _, _) in node_pues.items()}
    if not loads:
        loads = [(0.0, pue) for pue in per_node.values()] or [(0.0, region.default_pue.value)]
    pue = calc.weighted_pue(loads)
    sources: set[PueSource] = {source for _, source, _ in node_pues.values()}
    detail = PueDetail(
        value=rounded(pue, 4),
        source=_weakest(sources),
        detail="; ".join(sorted({d for _, _, d in node_pues.values()})) or region.default_pue.publisher,
        per_node=dict(sorted(per_node.items())),
        operator_supplied=sources <= {"operator_setting", "operator_node_setting"} and bool(sources),
    )
    windowed = snapshot.window_seconds is not None
    month, basis = monthly(snapshot, emissions, window_emissions if windowed else None, batch=batch)
    return Figures(
        power_watts=sum(p.power_watts for p in pods if p.running or snapshot.windowed),
        pue=pue,
        pue_detail=detail,
        pue_provenance=_pue_provenance(pue, sources, detail, region),
        emissions_g_per_hour=emissions,
        per_pod=tuple(per_pod),
        window_emissions_g=window_emissions if windowed else None,
        monthly_kg=month,
        monthly_basis=basis,
    )


def _weakest(sources: set[PueSource]) -> PueSource:
    """The least reportable source of a mix of nodes (the region default when there is none)."""
    for source in _WEAKEST_FIRST:
        if source in sources:
            return source
    return "region_default"


def _pod_figures(snapshot: Snapshot, pod: PodReading, pue: float, emissions: float) -> PodFigures:
    cpu = snapshot.pod_cpu.get((pod.namespace, pod.name))
    return PodFigures(
        pod=pod.name,
        node=pod.node,
        state=pod.state,
        power_watts=rounded(pod.power_watts),
        pue=pue,
        emissions_gCO2eq_hour=rounded(emissions),
        energy_joules=rounded(pod.energy_joules),
        cpu_request_cores=None if cpu is None else cpu.request_cores,
        cpu_usage_avg_cores=None if cpu is None or cpu.usage_avg_cores is None else rounded(cpu.usage_avg_cores, 4),
        cpu_usage_p95_cores=None if cpu is None or cpu.usage_p95_cores is None else rounded(cpu.usage_p95_cores, 4),
        cpu_dram_power_watts=rounded(pod.cpu_dram_power_watts),
        gpu_power_watts=rounded(pod.gpu_power_watts),
        idle_allocated_power_watts=rounded(pod.idle_power_watts),
    )


def _pue_provenance(pue: float, sources: set[PueSource], detail: PueDetail, region: Region) -> Provenance:
    """The region default's own provenance, or a composite naming every source of a mix of nodes."""
    if sources == {"region_default"} or not sources:
        return region.default_pue
    publishers = {
        "operator_node_setting": "operator settings",
        "operator_setting": "operator settings",
        "source_facility": "carbon-kepler-mcp demo cluster (illustrative)",
        "region_default": region.default_pue.publisher,
    }
    return Provenance(
        value=rounded(pue, 4),
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


def power_provenance(snapshot: Snapshot, power_watts: float, source_description: str) -> Provenance:
    """Provenance of measured power: the exporter (via Prometheus or not), the method, the moment."""
    return Provenance(
        value=rounded(power_watts),
        unit="W",
        year=snapshot.taken_at.year,
        basis=snapshot.power_method,
        publisher=(
            "carbon-kepler-mcp demo cluster (Kepler-compatible exporter)"
            if snapshot.is_demo
            else "Kepler (CNCF) exporter"
        )
        + (" via Prometheus" if snapshot.windowed else ""),
        source=source_description,
        published=snapshot.taken_at.astimezone(UTC).date().isoformat(),
        synthetic=snapshot.is_demo,
        not_for_reporting=snapshot.is_demo,
        notes="Kepler attributes only the active share of node power to pods; idle power is not included"
        if snapshot.idle_allocation == "none"
        else f"Kepler's active share plus node idle power shared by {snapshot.idle_allocation} (idle_allocation)",
    )


def move_savings_g_per_hour(emissions_g_per_hour: float, current: Region, destination: Region) -> float:
    """What a move saves (negative when the destination is dirtier): emissions × the comparison-basis reduction.

    The one rule for a move's saving: the regional comparison and migration use it, and the assess lever
    takes the same fraction (``max(0, …)``).
    """
    fraction = calc.reduction_fraction(current.comparison_intensity.value, destination.comparison_intensity.value)
    return emissions_g_per_hour * fraction


# --- idle power shared into workloads (idle_allocation) ------------------------------------------------------

PodKey = tuple[str, str, str, str, str]
"""(namespace, pod, uid, node, state) of a pod reading."""


def pod_key(pod: PodReading) -> PodKey:
    return (pod.namespace, pod.name, pod.uid, pod.node, pod.state)


def allocate_idle(cluster: Snapshot, allocation: IdleAllocation) -> tuple[dict[PodKey, tuple[float, float]], list[str]]:
    """Each pod's share of its node's unattributed power, as (watts, joules), and warnings.

    Unattributed power = node power (CPU+DRAM+GPU, idle and overhead included) − Σ the node's workload pods' power:
    shared by ``proportional`` (each running pod's own power; window energy by its own energy) or ``cpu_request``
    (kube-state-metrics requests of the running pods; energy by request × covered seconds). With allocation on,
    the pods of a node then add up to the node. Window energy is shared only for windowed sources (a direct
    scrape's pod energy runs since Kepler began tracking each pod, which no node figure matches).
    ``cluster`` must hold every pod of the nodes (the whole cluster, not one namespace).
    """
    shares: dict[PodKey, tuple[float, float]] = {}
    warnings: list[str] = []
    if allocation == "none":
        return shares, warnings
    by_node: dict[str, list[PodReading]] = defaultdict(list)
    for pod in cluster.pods:
        by_node[pod.node].append(pod)
    fallback: list[str] = []
    for node_name, pods in sorted(by_node.items()):
        node = cluster.node(node_name)
        if node is None:
            warnings.append(f"node {node_name}: Kepler reports no node power, so no idle power is shared into its pods")
            continue
        running = [p for p in pods if p.running]
        residual_w = node.power_watts - sum(p.power_watts for p in running)
        residual_j = (
            node.power_watts * cluster.window_seconds - sum(p.energy_joules for p in pods)
            if cluster.window_seconds is not None
            else 0.0
        )
        power_weights: dict[PodKey, float]
        energy_weights: dict[PodKey, float]
        if allocation == "cpu_request":
            requests = {pod_key(p): _request(cluster, p) for p in pods}
            power_weights = {pod_key(p): requests[pod_key(p)] for p in running}
            energy_weights = {pod_key(p): requests[pod_key(p)] * (p.covered_seconds or 0.0) for p in pods}
            if not any(power_weights.values()) and not any(energy_weights.values()):
                fallback.append(node_name)
                power_weights = {pod_key(p): p.power_watts for p in running}
                energy_weights = {pod_key(p): p.energy_joules for p in pods}
        else:
            power_weights = {pod_key(p): p.power_watts for p in running}
            energy_weights = {pod_key(p): p.energy_joules for p in pods}
        watts = calc_share(residual_w, power_weights)
        joules = calc_share(residual_j, energy_weights)
        for pod in pods:
            key = pod_key(pod)
            shares[key] = (watts.get(key, 0.0), joules.get(key, 0.0))
    if fallback:
        warnings.append(
            f"no CPU requests (kube-state-metrics kube_pod_container_resource_requests) for the pods of "
            f"{', '.join(fallback)}: their idle power is shared in proportion to their own power instead"
        )
    return shares, warnings


def _request(snapshot: Snapshot, pod: PodReading) -> float:
    cpu = snapshot.pod_cpu.get((pod.namespace, pod.name))
    return 0.0 if cpu is None or cpu.request_cores is None else cpu.request_cores


def with_idle_shares(pods: Sequence[PodReading], shares: Mapping[PodKey, tuple[float, float]]) -> list[PodReading]:
    """The pods with their idle share added to power and energy (and kept apart in ``idle_*``)."""
    out: list[PodReading] = []
    for pod in pods:
        watts, joules = shares.get(pod_key(pod), (0.0, 0.0))
        if not watts and not joules:
            out.append(pod)
            continue
        out.append(
            replace(
                pod,
                power_watts=pod.power_watts + watts,
                energy_joules=pod.energy_joules + joules,
                idle_power_watts=watts,
                idle_energy_joules=joules,
            )
        )
    return out
