"""The structured results of the exploring tools (hotspots, top consumers, summaries, resource detail,
search and migration): MCP output schemas and ``--json`` bodies.

Conventions are those of :mod:`carbon_kepler_mcp.app.results`: frozen models, units in field names, every figure's
provenance in ``provenance`` and ``data_source``, ``is_demo``, ``notes`` and ``language``. Every list is a
page: ``total_count`` items match, the page holds at most ``limit`` of them, ``omitted_count`` says how many
come after it and ``next_cursor`` fetches them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from carbon_kepler_mcp.app.results import (
    MONTHLY_DESCRIPTION,
    FrozenModel,
    MonthlyBasis,
    ResultEnvelope,
    Status,
    StatusReason,
)
from carbon_kepler_mcp.reference import Provenance

Level = Literal["workload", "pod"]
SortBy = Literal["power", "efficiency", "emissions"]
ResourceKind = Literal["node", "pod", "container", "process"]
SearchKind = Literal["workload", "pod", "container"]
Priority = Literal["high", "medium", "low"]
ActionType = Literal["alert", "resource_rightsizing", "temporal_shift", "regional_migration", "pue_improvement"]
LatencyClass = Literal["same_metro", "regional", "continental", "long_haul", "unknown"]

_PAGE_OMITTED = "Matching items after this page (fetch them with next_cursor)"
_PAGE_CURSOR = "Pass as cursor (with the same other arguments) to get the next page; null on the last page"


class Efficiency(FrozenModel):
    """How much node power stands behind each watt Kepler attributes to a consumer (see docs/methodology.md)."""

    node_overhead_watts_per_watt: float | None = Field(
        description="Watts of node power Kepler attributes to no pod (idle + system + unattributed) per watt it "
        "attributes to pods, on the nodes where the consumer's running pods are, weighted by the consumer's power "
        "on each node. 0 = every node watt is attributed to pods; lower is better"
    )
    idle_inclusive_power_watts: float | None = Field(
        description="power_watts × (1 + node_overhead_watts_per_watt): the consumer's IT power if the unattributed "
        "node power were shared in proportion to attributed power"
    )
    unavailable_reason: str | None = Field(description="Why the measure is null, when it is")


class Consumer(FrozenModel):
    """A workload (or pod) with its power, status and emissions."""

    rank: int = Field(description="1 = first in the requested order")
    level: Level
    namespace: str
    name: str
    kind: str = Field(description="Workload kind inferred from pod names (Deployment, Job, ...), or Pod")
    pods: int = Field(description="Pod series (running and terminated)")
    running_pods: int
    nodes: list[str] = Field(description="Nodes of the running pods")
    power_watts: float = Field(description="IT power of the running pods (Kepler package + dram), W")
    share_of_scope_percent: float = Field(description="power_watts / total power of the scope × 100")
    pue: float = Field(description="Power-weighted PUE of the consumer's nodes")
    effective_intensity_gCO2eq_kWh: float = Field(description="grid intensity × PUE")
    status: Status | None = Field(description="Against the standard; null when the compliance check is off")
    status_reason: StatusReason | None = Field(default=None, description="Why (docs/methodology.md §6.3)")
    pue_status: Status | None = Field(description="Against the PUE standard; null when the compliance check is off")
    pue_status_reason: StatusReason | None = Field(default=None, description="Why (docs/methodology.md §6.3)")
    emissions_gCO2eq_hour: float = Field(description="IT kW × PUE × grid intensity")
    monthly_emissions_kgCO2eq: float | None = Field(description=MONTHLY_DESCRIPTION)
    monthly_basis: MonthlyBasis
    efficiency: Efficiency


class Hotspot(Consumer):
    """A consumer that crossed the power threshold or failed a compliance check."""

    reasons: list[str] = Field(description="Why it is a hotspot")


class PreventiveAction(FrozenModel):
    """One preventive action for a hotspot, quantified where the data allows."""

    type: ActionType
    priority: Priority
    resource: str = Field(description="namespace/name of the hotspot")
    title: str
    reason: str
    quantified: bool = Field(description="False when the data needed for a number is missing")
    estimated_reduction_percent: float | None
    estimated_savings_watts: float | None = Field(
        description="Power saved: IT watts for right-sizing, facility watts (IT × ΔPUE) for PUE improvement, 0 for "
        "actions that move or time the same energy (alert, temporal shift, migration); null when not quantified"
    )
    estimated_savings_gCO2eq_hour: float | None
    estimated_savings_kgCO2eq_month: float | None
    changes_compliance_status: bool
    data_basis: str = Field(description="What the estimate rests on (and how reliable that is)")
    implementation_steps: list[str]


class HotspotsResult(ResultEnvelope):
    """Power hotspots, highest power first, with preventive actions."""

    scope: Literal["cluster", "namespace"]
    namespace: str | None
    level: Level
    standard: str
    pue_standard: str
    region: str
    power_threshold_watts: float
    include_compliance_check: bool
    total_count: int = Field(description="Hotspots found in the scope")
    hotspots: list[Hotspot]
    omitted_count: int = Field(description=_PAGE_OMITTED)
    next_cursor: str | None = Field(description=_PAGE_CURSOR)
    hotspot_power_watts: float = Field(description="IT power of every hotspot (all pages)")
    scope_power_watts: float = Field(description="IT power of every running pod in the scope")
    preventive_actions: list[PreventiveAction] = Field(
        description="Actions for the hotspots on this page, high priority first, then by CO2e saved"
    )
    grid_carbon_intensity_gCO2eq_kWh: float
    summary: str


class TopConsumersResult(ResultEnvelope):
    """Consumers ranked by power, emissions or efficiency."""

    scope: Literal["cluster", "namespace"]
    namespace: str | None
    level: Level
    sort_by: SortBy
    standard: str
    region: str
    total_count: int = Field(description="Consumers in the scope")
    consumers: list[Consumer]
    omitted_count: int = Field(description=_PAGE_OMITTED)
    next_cursor: str | None = Field(description=_PAGE_CURSOR)
    scope_power_watts: float
    grid_carbon_intensity_gCO2eq_kWh: float
    order: str = Field(description="The order applied")
    efficiency_method: str
    summary: str


class NodePowerShare(FrozenModel):
    """A node's power and the part of it Kepler attributes to no pod."""

    node: str
    total_power_watts: float = Field(description="Node IT power (package + dram), active + idle, W")
    attributed_power_watts: float = Field(description="Sum of the running pods' power on the node, W")
    unattributed_power_watts: float = Field(description="total − attributed: idle + system + unattributed, W")
    unattributed_percent: float = Field(description="unattributed / total × 100")
    idle_power_watts: float | None = Field(description="Kepler's idle power of the node, when exported")
    active_unattributed_watts: float | None = Field(
        description="Kepler's active power minus the pods' power: processes outside pods (kubelet, container "
        "runtime, kernel threads, system daemons), when Kepler exports active power"
    )
    usage_ratio: float | None = Field(description="Kepler's CPU usage ratio of the node")
    running_pods: int = Field(description="Running pods on the node (all namespaces)")
    scope_power_watts: float = Field(description="Power of the scope's running pods on this node, W")
    pue: float


class PowerSummaryResult(ResultEnvelope):
    """Totals, averages, compliance rate, top consumers and the power no pod accounts for."""

    scope: Literal["cluster", "namespace"]
    namespace: str | None
    standard: str
    region: str
    workload_count: int
    pod_series_count: int = Field(description="Pod series, running and terminated")
    running_pod_count: int
    total_power_watts: float = Field(description="IT power of the scope's running pods, W")
    average_power_watts_per_workload: float
    average_power_watts_per_running_pod: float
    total_emissions_gCO2eq_hour: float
    monthly_emissions_kgCO2eq: float = Field(
        description="Σ of the workloads' monthly figures (see each one's monthly_basis); batch work without "
        "observed runs has none and is left out (notes say how many)"
    )
    compliant_count: int
    non_compliant_count: int
    not_assessed_count: int
    compliance_rate_percent: float | None = Field(
        description="compliant / (compliant + non-compliant) workloads × 100; null when none is assessable"
    )
    top_consumers: list[Consumer] = Field(description="The three workloads with the highest power")
    node_count: int = Field(description="Nodes that run the scope's running pods")
    cluster_node_count: int = Field(description="Nodes the metrics source reported")
    node_power_watts: float = Field(description="Total IT power of the nodes counted in node_count, W")
    attributed_power_watts: float = Field(description="Power Kepler attributes to pods (all namespaces) on them, W")
    unattributed_power_watts: float = Field(description="node_power_watts − attributed_power_watts, W")
    unattributed_percent: float | None = Field(description="unattributed / node power × 100")
    unattributed_explanation: str
    nodes: list[NodePowerShare] = Field(description="Per node, most unattributed power first")
    nodes_total_count: int
    omitted_count: int = Field(description="Nodes after this page (fetch them with next_cursor)")
    next_cursor: str | None = Field(description=_PAGE_CURSOR)
    grid_carbon_intensity_gCO2eq_kWh: float
    summary: str


class ResourceRef(FrozenModel):
    """A parent in the chain process → container → pod → node."""

    kind: str = Field(description="container, pod, node or vm")
    name: str
    namespace: str | None
    id: str | None = Field(description="Container id, pod uid or VM id where Kepler exports one")
    power_watts: float | None


class ChildPower(FrozenModel):
    """One child of a resource (pods of a node, containers of a pod, processes of a container)."""

    kind: str
    name: str
    namespace: str | None
    id: str | None
    state: str
    power_watts: float
    energy_joules: float
    share_of_parent_percent: float | None = Field(description="power_watts / the parent's power × 100")


class ResourcePowerResult(ResultEnvelope):
    """Power and energy of one node, pod, container or process by zone, with its parents and children."""

    kind: ResourceKind
    name: str
    namespace: str | None
    node: str
    state: str
    identifiers: dict[str, str] = Field(description="Kepler's labels that identify it (uid, container id, pid, ...)")
    power_watts: float = Field(description="IT power now: package + dram (core and uncore lie inside package), W")
    energy_joules: float = Field(description="IT energy Kepler counted so far (package + dram), J")
    zone_power_watts: dict[str, float] = Field(description="Watts per RAPL zone as exported (zones overlap)")
    zone_energy_joules: dict[str, float] = Field(description="Joules per RAPL zone as exported")
    it_power_rule: str
    share_of_parent_percent: float | None = Field(description="power_watts / the first parent's power × 100")
    pue: float
    grid_carbon_intensity_gCO2eq_kWh: float
    region: str
    emissions_gCO2eq_hour: float
    monthly_emissions_kgCO2eq: float = Field(
        description="emissions_gCO2eq_hour × 730 h / 1000: if it ran continuously at today's power"
    )
    parents: list[ResourceRef] = Field(description="From the direct parent up to the node")
    children_kind: str | None
    children_total_count: int
    children: list[ChildPower] = Field(description="Highest power first")
    omitted_count: int = Field(description="Children after this page (fetch them with next_cursor)")
    next_cursor: str | None = Field(description=_PAGE_CURSOR)
    node_breakdown: NodePowerShare | None = Field(description="kind=node: the power no pod accounts for")


class SearchHit(FrozenModel):
    """One workload, pod or container that matched the filters."""

    kind: SearchKind
    namespace: str
    name: str
    workload: str = Field(description="The workload it belongs to (the name itself for kind=workload)")
    pod: str | None = Field(description="The pod of a container")
    container_id: str | None
    nodes: list[str]
    state: str = Field(description="running, terminated, or mixed for a workload with both")
    power_watts: float
    pue: float
    status: Status
    emissions_gCO2eq_hour: float
    monthly_emissions_kgCO2eq: float | None = Field(description=MONTHLY_DESCRIPTION)
    monthly_basis: MonthlyBasis


class SearchResult(ResultEnvelope):
    """Workloads, pods or containers filtered by namespace, name pattern, power range and status."""

    kind: SearchKind
    namespace: str | None
    name_pattern: str | None
    min_power_watts: float | None
    max_power_watts: float | None
    status_filter: Status | None
    standard: str
    region: str
    total_count: int = Field(description="Items matching every filter")
    hits: list[SearchHit] = Field(description="Highest power first")
    omitted_count: int = Field(description=_PAGE_OMITTED)
    next_cursor: str | None = Field(description=_PAGE_CURSOR)
    matched_power_watts: float = Field(description="Power of every matching item (all pages)")
    grid_carbon_intensity_gCO2eq_kWh: float
    summary: str


class LatencyEstimate(FrozenModel):
    """An indicative lower bound on network round-trip time, never a measurement."""

    distance_km: float | None = Field(description="Great-circle distance between the regions' reference points")
    indicative_min_rtt_ms: float | None = Field(
        description="2 × distance ÷ 200,000 km/s (light in optical fibre): a physical lower bound; real round "
        "trips are typically 1.5-2× longer (fibre routes, equipment). Not a measurement"
    )
    latency_class: LatencyClass = Field(
        description="By distance: same_metro < 100 km, regional < 1,500 km, continental < 4,000 km, long_haul beyond"
    )
    basis: str


class MigrationCandidate(FrozenModel):
    """One region the workload could move to."""

    rank: int = Field(description="1 = largest saving")
    region: str
    name: str
    name_ko: str
    country: str
    recommended: bool = Field(description="True when its grid is cleaner than the current region's on one basis")
    grid_carbon_intensity_gCO2eq_kWh: float = Field(description="Comparison basis (same for every region)")
    emissions_gCO2eq_hour: float
    monthly_emissions_kgCO2eq: float | None = Field(description=MONTHLY_DESCRIPTION)
    savings_percent: float = Field(description="Versus the current region; negative = worse")
    savings_gCO2eq_hour: float
    savings_kgCO2eq_month: float | None
    crosses_border: bool = Field(description="The move leaves the current region's country")
    data_residency: list[str] = Field(description="Duties to check before moving data there")
    latency: LatencyEstimate
    intensity_provenance: Provenance


class MigrationResult(ResultEnvelope):
    """Regions ranked by the emissions a move would save, with residency and latency caveats."""

    workload: str
    namespace: str
    current_region: str
    power_watts: float
    pue: float
    current_emissions_gCO2eq_hour: float
    current_monthly_emissions_kgCO2eq: float | None = Field(description=MONTHLY_DESCRIPTION)
    monthly_basis: MonthlyBasis
    comparison_basis: str
    total_count: int = Field(description="Candidate regions (every compared region but the current one)")
    candidates: list[MigrationCandidate]
    omitted_count: int = Field(description=_PAGE_OMITTED)
    next_cursor: str | None = Field(description=_PAGE_CURSOR)
    best_region: str | None = Field(description="The region with the largest saving, null when none saves")
    recommendation: str
    latency_method: str
