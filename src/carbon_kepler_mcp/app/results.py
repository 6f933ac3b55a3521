"""The structured results every adapter returns (MCP output schemas, CLI ``--json``, REST bodies).

Field names of the original design are kept (``grid_carbon_intensity_gCO2eq_kWh`` ...); new fields carry
their unit in the name. Every figure's provenance travels in ``provenance`` and ``data_source``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from carbon_kepler_mcp.domain.i18n import Language
from carbon_kepler_mcp.reference import ProfileProvenance, Provenance

Status = Literal["COMPLIANT", "NON_COMPLIANT", "NOT_ASSESSED"]
StatusReason = Literal[
    "within_limit",
    "over_limit",
    "not_measurable",
    "outside_jurisdiction",
    "not_yet_in_force",
    "no_longer_in_force",
    "default_pue",
    "basis_mismatch",
    "no_energy",
    "insufficient_coverage",
    "scoring_not_pass_fail",
    "budget_within",
    "budget_exceeded",
    "budget_projected_over",
    "budget_needs_history",
    "budget_no_matching_pods",
]
"""Why a status is what it is (docs/methodology.md §6.3): the two assessed reasons, or what stopped a verdict."""

OptimizationType = Literal["temporal_shift", "resource_rightsizing", "regional_migration", "pue_improvement"]
PueSource = Literal["operator_node_setting", "operator_setting", "source_facility", "region_default"]
MonthlyBasis = Literal["observed_window", "continuous_at_current_power", "not_projected"]
"""What a monthly figure rests on (docs/methodology.md §6.3): a window of at least a day scaled to a 730 h month,
today's power as if it ran all month (services), or nothing (batch work without a day of observed runs)."""
MONTHLY_DESCRIPTION = (
    "kgCO2eq per 730 h month, on monthly_basis: observed_window = the window's emissions scaled to 730 h (a window "
    "of at least a day); continuous_at_current_power = current emissions × 730 h (if it ran continuously at "
    "today's power); null for batch work (Job, CronJob) without a day of observed runs"
)


class FrozenModel(BaseModel):
    """The base of every result model: immutable once built."""

    model_config = ConfigDict(frozen=True)


class DataSourceInfo(FrozenModel):
    """Where the power figures come from."""

    kind: str = Field(
        description="'kepler' (direct scrape), 'prometheus' (Prometheus HTTP API) or 'demo' (built-in demo cluster)"
    )
    is_demo: bool = Field(description="True when the figures come from the built-in demo cluster, not a real one")
    description: str = Field(description="Endpoints read (credentials removed)")
    kepler_generation: str = Field(description="'current' (Kepler >=0.10), 'legacy' (0.7) or 'mixed'")
    kepler_versions: list[str] = Field(description="Versions reported by kepler_build_info")
    power_method: str = Field(description="How power was obtained from Kepler's series")
    scraped_at: str = Field(description="When the metrics were read (ISO 8601, UTC)")
    warnings: list[str] = Field(description="Partial data, endpoints down, counter resets, ...")
    window_seconds: int | None = Field(
        default=None, description="Energy window of a windowed source (Prometheus); null for instant power"
    )
    queries: list[str] = Field(
        default_factory=list[str], description="The PromQL the source ran (paste into your Prometheus UI to check)"
    )
    missing_series: list[str] = Field(
        default_factory=list[str],
        description="Series the source looked for and did not find (owners, CPU requests/usage, ...)",
    )
    leaves_out: list[str] = Field(
        default_factory=list[str],
        description="What no power or emissions figure of the answer includes: node_idle_power (unless "
        "idle_allocation shares it), embodied_emissions (reported apart, never added) (docs/methodology.md §1)",
    )
    idle_allocation: str = Field(
        default="none",
        description="How node idle power was shared into workloads: none (Kepler's active share only), "
        "proportional (to each workload's power) or cpu_request (to its CPU request)",
    )
    power_measurement: dict[str, str] = Field(
        default_factory=dict[str, str],
        description="Per node: measured (hardware meter), estimated (a model) or simulated (Kepler's fake meter, or "
        "the demo cluster)",
    )
    unknown_zones: dict[str, dict[str, float]] = Field(
        default_factory=dict[str, dict[str, float]],
        description="Per node, zones outside the known RAPL ones with their watts: reported, not in IT power",
    )


class StandardInfo(FrozenModel):
    """A standard and what it really is."""

    code: str
    name: str
    name_ko: str
    kind: str = Field(description="carbon_intensity | pue | not_assessable | informational")
    category: str = Field(
        description="statute | reporting_duty | certification_scoring | voluntary_pact | roadmap | design_standard "
        "| product_benchmark | operator_target | operator_budget"
    )
    legal_status: str = Field(
        description="statutory | statutory_reporting | voluntary | target | benchmark | design_standard"
    )
    legal_status_note: str
    metric: str | None
    limit: float | None
    limit_unit: str | None
    effective_from: str | None
    effective_until: str | None = None
    applies_in: list[str] = Field(default_factory=list[str], description="Countries it applies in ([] = anywhere)")


class PueScore(FrozenModel):
    """A certification's PUE points under its published rules (reported instead of a pass/fail verdict)."""

    pue: float
    points: float | None = Field(description="PUE points earned; null when the PUE is above the published scale")
    max_pue_points: float
    total_points: float
    pass_mark: float = Field(description="Points certification needs in all (PUE and the other criteria)")
    rules: str


class BudgetStatus(FrozenModel):
    """A carbon budget's verdict on a workload or namespace (docs/methodology.md §6.3.1)."""

    budget: str = Field(description="The budget's name in the policy file")
    scope: str = Field(description="What it covers: a namespace, a workload or a label selector")
    status: Status
    status_reason: StatusReason
    sentence: str
    unit: Literal["kgCO2eq", "kWh"]
    budget_per_month: float = Field(description="This month's budget (after the reduction path), in `unit`")
    month_to_date: float | None = Field(description="Used so far this month, in `unit`")
    projected_month: float | None = Field(
        description="Month to date + the rest of the month at the observed average rate, in `unit`"
    )
    headroom: float | None = Field(description="budget − projected (negative: over), in `unit`")
    exceeded_on: str | None = Field(
        description="The day (UTC) the projection crosses the budget; null when it does not this month"
    )
    observed_seconds: float | None = Field(description="How much of the month the data covers")


class SciResult(FrozenModel):
    """SCI = (O + M) / R over the window, for a workload the policy file names a functional unit for."""

    unit: str = Field(description="What one functional unit is (policy file)")
    rate_query: str = Field(description="The operator's PromQL rate of work")
    query: str | None = Field(default=None, description="The query the server ran (the rate's mean over the window)")
    window_seconds: int | None
    functional_units: float | None = Field(default=None, description="R = mean rate × window seconds")
    operational_gCO2eq: float | None = Field(default=None, description="O: the window's operational emissions")
    embodied_gCO2eq: float | None = Field(
        default=None, description="M: embodied emissions apportioned over the window; null when not included"
    )
    sci_gCO2eq_per_unit: float | None = Field(default=None, description="(O + M) / R; null with the reason")
    sentence: str


class PueDetail(FrozenModel):
    """The PUE used and where it came from."""

    value: float = Field(description="Power-weighted PUE of the workload's pods")
    source: PueSource = Field(description="Which setting or default supplied it")
    detail: str
    per_node: dict[str, float] = Field(description="PUE applied to each node the workload runs on")
    operator_supplied: bool = Field(description="False when a default stands in for your facility's real PUE")


class PodFigures(FrozenModel):
    """One pod's share of a workload."""

    pod: str
    node: str
    state: str
    power_watts: float
    pue: float
    emissions_gCO2eq_hour: float
    energy_joules: float = Field(
        description="IT energy Kepler counted for this pod so far (direct scrape) or over the window (Prometheus)"
    )
    cpu_request_cores: float | None = Field(default=None, description="CPU request (kube-state-metrics), cores")
    cpu_usage_avg_cores: float | None = Field(default=None, description="Average CPU use over the window (cAdvisor)")
    cpu_usage_p95_cores: float | None = Field(
        default=None, description="95th percentile of 5-minute CPU use over the window (cAdvisor)"
    )
    cpu_dram_power_watts: float | None = Field(default=None, description="Kepler's CPU+DRAM share, W")
    gpu_power_watts: float | None = Field(default=None, description="Kepler's GPU share, W")
    idle_allocated_power_watts: float | None = Field(default=None, description="Allocated node idle power, W")


class Coverage(FrozenModel):
    """What a windowed answer covers (Prometheus source)."""

    window_seconds: int | None = Field(description="Energy window; null for a direct scrape's instant power")
    window_start: str | None = Field(description="ISO 8601, UTC")
    window_end: str | None = Field(description="ISO 8601, UTC: the instant every query was evaluated at")
    nodes: int = Field(description="Nodes the counted pods ran on")
    pods: int = Field(description="Pods (pod series sets) counted")
    running_pods: int
    window_energy_joules: float | None = Field(
        description="IT energy the pods really used in the window, by Kepler's counters (growth between each "
        "pod's first and last sample); null for a direct scrape"
    )
    covered_seconds: float | None = Field(
        description="How long the pods' series held data in the window (the union of their spans); null for a "
        "direct scrape"
    )
    average_power_watts: float | None = Field(
        description="window_energy_joules ÷ covered_seconds: average IT power while there was data (never "
        "diluted by time without data); null when nothing was covered"
    )
    promql: str | None = Field(
        default=None, description="One query giving the same window energy (J), pinned to window_end with @"
    )
    power_breakdown: PowerBreakdown | None = Field(
        default=None, description="CPU+DRAM, GPU and allocated idle power of the pods, apart and together"
    )
    embodied: EmbodiedFigures | None = Field(
        default=None, description="Embodied emissions (SCI M) of the pods' hardware share, beside operational"
    )


class PowerBreakdown(FrozenModel):
    """What a workload's IT power adds up, line by line (the boundary of the figure)."""

    cpu_dram_watts: float = Field(description="Kepler's active CPU package + DRAM share of the pods, W")
    gpu_watts: float = Field(description="Kepler's GPU share of the pods (kepler_pod_gpu_watts), W")
    idle_allocated_watts: float = Field(
        description="Node idle power shared into the pods by idle_allocation (0 when it is 'none'), W"
    )
    total_watts: float = Field(description="cpu_dram_watts + gpu_watts + idle_allocated_watts: the IT power used")
    idle_allocation: str = Field(description="none | proportional | cpu_request")


class EmbodiedFigures(FrozenModel):
    """Embodied (manufacturing) emissions of the hardware the pods reserve: the SCI's M, beside operational.

    Never added to a compliance figure: verdicts rest on operational emissions only.
    """

    available: bool = Field(description="False when a node's hardware is unknown (no gram figure is made up)")
    embodied_gCO2eq_hour: float | None = Field(
        description="M per hour of the running pods: Σ TE × (1 h / lifetime) × (reserved cores / node cores)"
    )
    window_embodied_gCO2eq: float | None = Field(
        default=None, description="M over the window: Σ TE × (covered seconds / lifetime) × share (windowed only)"
    )
    per_node_gCO2eq_hour: dict[str, float] = Field(default_factory=dict[str, float])
    method: str
    hardware: dict[str, str] = Field(default_factory=dict[str, str], description="Node → hardware type and source")
    missing_nodes: list[str] = Field(default_factory=list[str], description="Nodes without hardware data")
    in_compliance_figure: bool = Field(default=False, description="Always false: M is reported, never judged")


class ResultEnvelope(FrozenModel):
    """The fields every tool result carries: language, time, provenance of each figure, source and notes."""

    language: Language
    timestamp: str
    provenance: dict[str, Provenance | ProfileProvenance]
    data_source: DataSourceInfo
    is_demo: bool
    notes: list[str]


class CoverageEnvelope(ResultEnvelope):
    """The envelope of the workload results (assess, compare, list, regions, schedule), with what they cover."""

    window_seconds: int | None = Field(default=None, description="Energy window used; null = instant power")
    node_count: int | None = Field(default=None, description="Nodes the answer's pods ran on")
    pod_count: int | None = Field(default=None, description="Pod series sets the answer covers")
    coverage: Coverage | None = Field(default=None, description="Window, nodes, pods and energy the answer covers")


class IntensityProviderInfo(FrozenModel):
    """Which live or historical intensity series an answer used: provider, signal and basis, and its age."""

    provider: str = Field(description="'electricitymaps', 'watttime', 'casdk' or 'file'")
    zone: str = Field(description="The provider's zone (Electricity Maps zone, WattTime region, CASDK location)")
    signal: Literal["average", "marginal"] = Field(
        description="'average' (attributional, the grid mix) or 'marginal' (the generator that answers a change "
        "in load, WattTime co2_moer); never added to an average-factor total"
    )
    basis: str = Field(description="'lifecycle' or 'direct' (Electricity Maps), 'co2_moer' (WattTime), or declared")
    kind: Literal["latest", "history", "forecast"]
    source: str = Field(description="Where the series came from (URL without credentials, or the file path)")
    fetched_at: str = Field(description="When this server read it (ISO 8601, UTC)")
    generated_at: str | None = Field(default=None, description="When the provider computed it, if it says")
    first_point: str | None = Field(default=None, description="Start of the first point used (ISO 8601, UTC)")
    last_point_end: str | None = Field(default=None, description="End of the last point used (ISO 8601, UTC)")
    staleness_seconds: float | None = Field(
        default=None, description="How long before the answer the newest point ended (0 when it reaches ahead)"
    )
    points: int = Field(description="Points of the series used")
    skipped: list[str] = Field(description="Providers of the chain asked before this one, and why each failed")


class RightsizingPod(FrozenModel):
    """One pod's CPU request against its use."""

    pod: str
    node: str
    request_cores: float
    usage_p95_cores: float
    recommended_cores: float
    freed_cores: float
    idle_watts_per_core: float | None


class RightsizingDetail(FrozenModel):
    """Right-sizing from real CPU requests and usage (Prometheus source with kube-state-metrics and cAdvisor)."""

    quantified: bool
    method: str
    headroom: float = Field(description="Recommended request = p95 usage × (1 + headroom)")
    request_cores: float | None
    usage_p95_cores: float | None
    recommended_cores: float | None
    freed_cores: float | None
    released_idle_watts: float | None = Field(
        description="Node idle power held by the freed requests (idle W per core × freed cores)"
    )
    pods: list[RightsizingPod]
    missing_series: list[str] = Field(description="Series needed for a figure that Prometheus does not have")


class Optimization(FrozenModel):
    """One recommendation, quantified where the data allows."""

    type: OptimizationType
    rank: int = Field(description="1 = largest estimated reduction; unquantified ones come last")
    title: str
    description: str
    quantified: bool = Field(description="False when the data needed for a number is missing")
    estimated_reduction_percent: float | None
    estimated_savings_gCO2eq_hour: float | None
    estimated_savings_kgCO2eq_month: float | None
    data_basis: str = Field(description="What the estimate rests on (and how reliable that is)")
    changes_compliance_status: bool = Field(description="Whether applying it alone would change the status")
    estimated_new_intensity_gCO2eq_kWh: float | None = Field(
        default=None,
        description="The effective intensity (grid × PUE) once applied, where the optimisation changes it (PUE, "
        "region); null where it does not (a time shift or right-sizing changes emissions, not the intensity)",
    )


class AssessmentResult(CoverageEnvelope):
    """Compliance assessment of one workload."""

    workload: str
    namespace: str
    standard: str
    status: Status
    status_reason: StatusReason
    status_note: str = Field(description="The verdict in a sentence: what the standard is and what decided it")
    failing_pods: list[str] = Field(description="Pods over the limit, each judged at its own node's PUE")
    current_power_watts: float = Field(description="IT power of the workload's running pods (Kepler), W")
    grid_carbon_intensity_gCO2eq_kWh: float
    estimated_workload_intensity_gCO2eq_kWh: float = Field(description="grid intensity × PUE")
    pue: float
    pue_status: Status
    pue_status_reason: StatusReason
    pue_status_note: str
    pue_score: PueScore | None = Field(description="Certification scoring: PUE points instead of pass/fail")
    budget_status: BudgetStatus | None = Field(
        default=None, description="The carbon budget covering the workload (policy file), if one does"
    )
    sci: SciResult | None = Field(
        default=None, description="SCI per functional unit, when the policy file names one for the workload"
    )
    carbon_emissions_gCO2eq_hour: float = Field(description="IT kW × PUE × grid intensity")
    recommendation: str
    optimizations: list[Optimization]
    region: str
    workload_kind: str
    resolution: str = Field(description="How the name was resolved to pods")
    pods: list[PodFigures]
    facility_power_watts: float
    window_emissions_gCO2eq: float | None = Field(
        default=None,
        description="Emissions of the window's energy (coverage.window_energy_joules × PUE × grid), finished pods "
        "included; null for a direct scrape",
    )
    time_resolved_window_emissions_gCO2eq: float | None = Field(
        default=None,
        description="Time-resolved SCI over the window: Σ(each hour's facility energy × that hour's provider "
        "intensity, average signal); null without a provider, with a marginal one, or with a gap. The status "
        "still rests on the annual factor",
    )
    intensity_provider: IntensityProviderInfo | None = Field(
        default=None, description="The historical series behind the time-resolved figure (provider, signal, basis)"
    )
    monthly_emissions_kgCO2eq: float | None = Field(description=MONTHLY_DESCRIPTION)
    monthly_basis: MonthlyBasis
    target_intensity_gCO2eq_kWh: float | None
    gap_percent: float | None = Field(description="(intensity − target) / target × 100; positive = over")
    standard_detail: StandardInfo
    pue_standard: StandardInfo
    pue_target: float | None
    pue_detail: PueDetail
    rightsizing: RightsizingDetail | None = Field(
        default=None, description="CPU requests vs usage and what right-sizing would release"
    )


class OptimizationImpact(FrozenModel):
    """The effect of one optimisation in a comparison."""

    type: OptimizationType
    quantified: bool
    reduction_percent: float | None
    affects_intensity: bool = Field(description="Whether it changes the effective intensity the status is judged on")
    parameters: dict[str, str | float | None]
    data_basis: str
    note: str


class ComparisonResult(CoverageEnvelope):
    """Current vs optimised emissions of one workload."""

    workload: str
    namespace: str
    standard: str
    region: str
    current_emissions_gCO2eq_hour: float
    optimized_emissions_gCO2eq_hour: float
    current_status: Status
    optimized_status: Status
    reduction_percent: float = Field(description="1 − Π(1 − rᵢ) over the quantified optimisations, in %")
    estimated_cost_savings_usd_month: float
    implementation_steps: list[str]
    current_monthly_kgCO2eq: float | None = Field(description=MONTHLY_DESCRIPTION)
    optimized_monthly_kgCO2eq: float | None
    monthly_basis: MonthlyBasis
    current_effective_intensity_gCO2eq_kWh: float
    optimized_effective_intensity_gCO2eq_kWh: float
    impacts: list[OptimizationImpact]
    combination_method: str


class WorkloadSummary(FrozenModel):
    """One workload in a namespace listing."""

    workload: str
    kind: str
    pods: int
    running_pods: int
    power_watts: float
    pue: float
    effective_intensity_gCO2eq_kWh: float = Field(description="grid intensity × PUE")
    emissions_gCO2eq_hour: float
    monthly_emissions_kgCO2eq: float | None = Field(description=MONTHLY_DESCRIPTION)
    monthly_basis: MonthlyBasis
    status: Status
    status_reason: StatusReason
    failing_pods: list[str] = Field(description="Pods over the limit, each judged at its own node's PUE")
    budget_status: BudgetStatus | None = Field(
        default=None, description="The carbon budget covering the workload (policy file), if one does"
    )


class WorkloadListResult(CoverageEnvelope):
    """Workloads of a namespace by compliance, highest emissions first."""

    namespace: str
    standard: str
    region: str
    status_filter: Status | None
    total_workloads: int = Field(description="Workloads in the namespace before the status filter")
    compliant_count: int
    non_compliant_count: int
    not_assessed_count: int
    matching_count: int = Field(description="Workloads matching the status filter")
    workloads: list[WorkloadSummary]
    omitted_count: int = Field(description="Matching workloads after this page (fetch them with next_cursor)")
    next_cursor: str | None = Field(description="Pass as cursor to get the next page")
    total_power_watts: float
    total_emissions_gCO2eq_hour: float
    grid_carbon_intensity_gCO2eq_kWh: float
    summary: str


class RegionFigures(FrozenModel):
    """A workload's figures if it ran in one region."""

    region: str
    name: str
    name_ko: str
    country: str
    grid_carbon_intensity_gCO2eq_kWh: float = Field(description="Comparison basis (same for every region)")
    effective_intensity_gCO2eq_kWh: float
    emissions_gCO2eq_hour: float
    monthly_emissions_kgCO2eq: float | None = Field(description=MONTHLY_DESCRIPTION)
    monthly_basis: MonthlyBasis
    savings_percent: float = Field(description="Versus the current region; negative = worse")
    is_current: bool
    intensity_provenance: Provenance


class RegionalComparisonResult(CoverageEnvelope):
    """The same workload in other regions, on one consistent intensity basis."""

    workload: str
    namespace: str
    current_region: str
    power_watts: float
    pue: float
    comparison_basis: str
    comparisons: list[RegionFigures]
    best_region: str
    best_region_savings_percent: float
    migration_recommendation: str
    data_residency: list[str]


class ScheduleWindow(FrozenModel):
    """A run window and its average grid intensity."""

    start: str = Field(description="ISO 8601 with the region's local UTC offset")
    end: str
    average_grid_intensity_gCO2eq_kWh: float = Field(description="Average grid intensity over the window")
    emissions_gCO2eq: float | None = Field(
        description="The workload's power × PUE × average intensity × duration; null when the hourly data is the "
        "synthetic shape (a hint, on which no gram figure rests)"
    )


class HourlyIntensity(FrozenModel):
    """One hour of the intensity series used for the search."""

    start: str
    grid_intensity_gCO2eq_kWh: float


class ObservedSchedule(FrozenModel):
    """When a workload actually drew energy, from a range query over past days."""

    history_days: int
    runs_observed: int = Field(description="Starts seen: an active hour after an inactive one")
    typical_start_local: str | None = Field(description="Most frequent start hour, local time (HH:00)")
    last_run_start: str | None = Field(description="ISO 8601, local offset")
    average_run_hours: float | None
    power_while_running_watts: float | None = Field(description="Mean IT power over the active hours")
    active_hours_local: list[str] = Field(description="Local hours of day with activity on at least one day")
    hourly_energy_share: list[float] = Field(description="Share of the energy per local hour of day, 0-23")
    threshold_watts: float = Field(description="An hour counts as active above this average power")
    query: str = Field(description="The query_range PromQL (step 1h)")


class ScheduleResult(CoverageEnvelope):
    """When to run a workload for the lowest average grid intensity."""

    workload: str
    namespace: str
    region: str
    timezone: str
    duration_hours: float
    current_window_start: str
    current_window_end: str
    optimal_window_start: str
    optimal_window_end: str
    current_schedule: str = Field(description="The current window, readable: 2026-12-04 10:00 KST - 14:00 KST")
    optimal_schedule: str = Field(description="The optimal window, readable, in the region's local time")
    current_carbon_intensity: float = Field(description="Average grid intensity of the current window, gCO2eq/kWh")
    optimal_carbon_intensity: float = Field(description="Average grid intensity of the optimal window, gCO2eq/kWh")
    current_grid_intensity_gCO2eq_kWh: float = Field(description="Same as current_carbon_intensity")
    optimal_grid_intensity_gCO2eq_kWh: float = Field(description="Same as optimal_carbon_intensity")
    reduction_percent: float | None = Field(
        description="Lower average intensity of the optimal window, %; null when the hourly data is synthetic"
    )
    quantified: bool = Field(description="Whether the saving rests on measured or forecast hourly intensity")
    not_quantified_reason: str | None = Field(default=None, description="Why reduction and grams are null")
    recommendation: str
    current_window: ScheduleWindow
    optimal_window: ScheduleWindow
    tied_optimal_windows: list[ScheduleWindow] = Field(description="Every window with the minimal average (CASDK)")
    cleanest_hours: list[str]
    dirtiest_hours: list[str]
    power_watts: float
    pue: float
    intensity_series: list[HourlyIntensity]
    method: str
    current_window_basis: Literal["observed", "now"] = Field(
        default="now", description="'observed': the workload's usual start seen in Prometheus; 'now': no history"
    )
    observed_schedule: ObservedSchedule | None = Field(
        default=None, description="When the workload actually drew energy over the past days (Prometheus)"
    )
    intensity_provider: IntensityProviderInfo | None = Field(
        default=None, description="The live forecast searched (provider, signal, basis, age); null = shipped data"
    )
    shift_saving_gCO2eq: float | None = Field(
        default=None,
        description="Run energy × (current − optimal average intensity), from measured or forecast data only; "
        "null when the hourly data is the synthetic shape",
    )
    shift_saving_signal: Literal["average", "marginal"] | None = Field(
        default=None, description="The signal the saving rests on ('marginal': avoided marginal emissions)"
    )


class PodMetrics(FrozenModel):
    """The ``workload-metrics://{namespace}/{pod}`` resource."""

    namespace: str
    pod: str
    node: str
    state: str
    cpu_watts: float = Field(description="CPU package (or core+uncore) power, W")
    dram_watts: float
    total_watts: float = Field(description="IT power without double counting: package + dram")
    joules: float = Field(description="IT energy Kepler counted for this pod so far")
    zone_watts: dict[str, float]
    zone_joules: dict[str, float]
    cpu_usage_ratio: float | None = Field(description="The node's CPU usage ratio (Kepler exports no per-pod ratio)")
    timestamp: str
    collection_method: str
    data_source: DataSourceInfo
    is_demo: bool


class ReportRow(FrozenModel):
    """One hour or one local day of a workload's (or namespace's) energy and emissions."""

    start: str = Field(description="ISO 8601 with the region's local UTC offset")
    end: str
    hours: int = Field(description="Hours in the row (a day across a daylight-saving change has 23 or 25)")
    hours_with_data: int = Field(description="Hours of the row Prometheus holds energy for")
    it_energy_joules: float | None = Field(description="IT energy by Kepler's counters; null when no hour has data")
    facility_energy_kwh: float | None = Field(description="it_energy_joules / 3.6e6 × PUE")
    emissions_gCO2eq: float | None = Field(description="facility_energy_kwh × grid intensity")
    time_resolved_emissions_gCO2eq: float | None = Field(
        default=None,
        description="Σ each hour's facility energy × that hour's provider intensity (average signal); null without "
        "a provider or when an hour with energy has no intensity",
    )


class EmissionsReportResult(ResultEnvelope):
    """Energy and emissions of a namespace or workload over past days, by hour or by local day."""

    namespace: str
    workload: str | None
    workload_kind: str | None
    region: str
    timezone: str
    granularity: Literal["hour", "day"]
    period_start: str = Field(description="ISO 8601, local offset: the start of the first hour reported")
    period_end: str
    pue: float = Field(description="PUE applied to every row (the workload's or namespace's current one)")
    grid_carbon_intensity_gCO2eq_kWh: float
    rows: list[ReportRow]
    total_it_energy_joules: float
    total_facility_energy_kwh: float
    total_emissions_gCO2eq: float
    total_emissions_kgCO2eq: float
    time_resolved_emissions_gCO2eq: float | None = Field(
        default=None,
        description="Time-resolved SCI: Σ(each hour's facility energy × that hour's intensity) from the provider "
        "(average signal only); null without a provider, with a marginal one, or when an hour lacks intensity. "
        "total_emissions_gCO2eq (the annual factor) stays the compliance basis in Korea",
    )
    time_resolved_emissions_kgCO2eq: float | None = None
    hours_without_intensity: int | None = Field(
        default=None, description="Hours with energy the provider has no intensity for (null: no average series)"
    )
    intensity_provider: IntensityProviderInfo | None = Field(
        default=None, description="The historical series used (provider, signal, basis, age); null = none"
    )
    hours_in_period: int
    hours_with_data: int
    coverage_percent: float = Field(description="hours_with_data / hours_in_period × 100")
    query: str = Field(description="The query_range PromQL (step 1h) behind the rows")
    budget_status: BudgetStatus | None = Field(
        default=None, description="The carbon budget covering the namespace or workload (policy file), if one does"
    )
