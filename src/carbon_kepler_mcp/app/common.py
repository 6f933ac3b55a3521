"""What the use cases share: constants, a resolved workload, and the parts every result carries.

Every result names its data source, what it covers (window, nodes, pods, a query that reproduces its watts)
and the notes that qualify its figures. These helpers build those parts the same way for every use case.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from carbon_kepler_mcp.app.embodied import embodied_figures
from carbon_kepler_mcp.app.results import Coverage, DataSourceInfo, PowerBreakdown
from carbon_kepler_mcp.domain.i18n import Language, fmt, tr
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.domain.window import format_window
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.reference import ProfileProvenance, Provenance
from carbon_kepler_mcp.sources import promql
from carbon_kepler_mcp.sources.base import Snapshot

if TYPE_CHECKING:
    from carbon_kepler_mcp.app.context import AppContext
    from carbon_kepler_mcp.app.footprint import Figures, Grid

DEFAULT_BATCH_HOURS = 4.0

ProvenanceMap = dict[str, Provenance | ProfileProvenance]


def iso(moment: datetime) -> str:
    """A moment as results show it, to the second, in its own time zone."""
    return moment.isoformat(timespec="seconds")


def utc_iso(moment: datetime) -> str:
    """A result's timestamp: the moment in UTC, to the second."""
    return iso(moment.astimezone(UTC))


class CoverageFields(TypedDict):
    """The coverage fields every result model carries."""

    window_seconds: int | None
    node_count: int
    pod_count: int
    coverage: Coverage


class SnapshotFields(CoverageFields):
    """The fields every workload result takes from its snapshot: where it came from and what it covers."""

    data_source: DataSourceInfo
    is_demo: bool


def leaves_out(snapshot: Snapshot) -> list[str]:
    """What no gram or watt figure of the answer includes (docs/methodology.md §1, the boundary): node idle power
    unless it is allocated, and embodied emissions (reported apart, never added)."""
    return (["node_idle_power"] if snapshot.idle_allocation == "none" else []) + ["embodied_emissions"]


def data_source_info(snapshot: Snapshot, description: str) -> DataSourceInfo:
    """Where a snapshot came from."""
    return DataSourceInfo(
        kind=snapshot.source_kind,
        is_demo=snapshot.is_demo,
        description=description,
        kepler_generation=snapshot.generation,
        kepler_versions=list(snapshot.kepler_versions),
        power_method=snapshot.power_method,
        scraped_at=utc_iso(snapshot.taken_at),
        warnings=list(snapshot.warnings),
        window_seconds=snapshot.window_seconds,
        queries=list(snapshot.queries),
        missing_series=list(snapshot.missing_series),
        leaves_out=leaves_out(snapshot),
        idle_allocation=snapshot.idle_allocation,
        power_measurement={
            node.name: "simulated" if snapshot.is_demo else node.power_measurement for node in snapshot.nodes
        },
        unknown_zones={
            node.name: {zone: rounded(watts) for zone, watts in node.unknown_zone_power_watts.items()}
            for node in snapshot.nodes
            if node.unknown_zone_power_watts
        },
    )


def power_breakdown(snapshot: Snapshot, pods: Sequence[PodReading]) -> PowerBreakdown:
    """The pods' IT power line by line: Kepler's CPU+DRAM share, its GPU share, the allocated idle power."""
    counted = [p for p in pods if p.running or snapshot.windowed]
    return PowerBreakdown(
        cpu_dram_watts=rounded(sum(p.cpu_dram_power_watts for p in counted)),
        gpu_watts=rounded(sum(p.gpu_power_watts for p in counted)),
        idle_allocated_watts=rounded(sum(p.idle_power_watts for p in counted)),
        total_watts=rounded(sum(p.power_watts for p in counted)),
        idle_allocation=snapshot.idle_allocation,
    )


def energy_zones(pods: Sequence[PodReading]) -> list[str]:
    """The zones the IT total of these pods adds (the rule of ``readings.it_total``)."""
    seen = {zone for pod in pods for zone in pod.zone_energy_joules}
    if "package" in seen:
        return ["package", "dram"]
    if seen & {"core", "uncore", "dram"}:
        return ["core", "uncore", "dram"]
    for zone in ("psys", "platform"):
        if zone in seen:
            return [zone]
    return ["package", "dram"]


def kepler_generation(snapshot: Snapshot) -> str:
    """The Kepler metric generation to query: ``legacy`` or ``current``."""
    return "legacy" if snapshot.generation == "legacy" else "current"


def coverage(snapshot: Snapshot, pods: Sequence[PodReading], namespace: str | None) -> Coverage:
    """What an answer covers: window, nodes, pods, energy, and a query that reproduces its watts."""
    window = snapshot.window_seconds
    end = snapshot.taken_at.astimezone(UTC)
    covered = None if window is None else covered_seconds(pods)
    query: str | None = None
    if window is not None and namespace is not None and pods:
        query = promql.workload_check_query(
            kepler_generation(snapshot),
            namespace,
            [p.name for p in pods],
            energy_zones(pods),
            window,
            end.timestamp(),
        )
    return Coverage(
        window_seconds=window,
        window_start=None if window is None else iso(end - timedelta(seconds=window)),
        window_end=None if window is None else iso(end),
        nodes=len({p.node for p in pods}),
        pods=len(pods),
        running_pods=sum(1 for p in pods if p.running),
        window_energy_joules=None if window is None else rounded(sum(p.energy_joules for p in pods)),
        covered_seconds=None if covered is None else rounded(covered, 1),
        average_power_watts=None if not covered else rounded(sum(p.energy_joules for p in pods) / covered),
        promql=query,
    )


def covered_seconds(pods: Sequence[PodReading]) -> float | None:
    """The union of the pods' spans (a rollout's old and new pods overlap; each second counts once)."""
    spans = sorted(p.span for p in pods if p.span is not None)
    if not spans:
        return None
    total, (start, end) = 0.0, spans[0]
    for first, last in spans[1:]:
        if first > end:
            total += end - start
            start, end = first, last
        else:
            end = max(end, last)
    return total + end - start


def coverage_fields(coverage: Coverage) -> CoverageFields:
    """The flat fields every result carries beside ``coverage``."""
    return {
        "window_seconds": coverage.window_seconds,
        "node_count": coverage.nodes,
        "pod_count": coverage.pods,
        "coverage": coverage,
    }


def snapshot_fields(
    ctx: AppContext, snapshot: Snapshot, pods: Sequence[PodReading], namespace: str | None
) -> SnapshotFields:
    """Data source, demo flag and coverage of a result over these pods."""
    covered = coverage(snapshot, pods, namespace).model_copy(
        update={
            "power_breakdown": power_breakdown(snapshot, pods),
            "embodied": embodied_figures(snapshot, pods, ctx.config.node_hardware),
        }
    )
    return {
        "data_source": data_source_info(snapshot, ctx.source.description),
        "is_demo": snapshot.is_demo,
        **coverage_fields(covered),
    }


def figure_provenance(ctx: AppContext, snapshot: Snapshot, grid: Grid, figures: Figures) -> ProvenanceMap:
    """Provenance of the three figures a workload's emissions rest on: grid intensity, PUE, measured power."""
    return {
        "grid_carbon_intensity": grid.provenance,
        "pue": figures.pue_provenance,
        "current_power": ctx.power_provenance(snapshot, figures.power_watts),
    }


def overhead_notes(snapshot: Snapshot, language: Language) -> list[str]:
    """A sentence on Kepler's pseudo-pods (host processes, kernel threads), kept out of every workload figure."""
    running = [p for p in snapshot.overhead_pods if p.running]
    if not running:
        return []
    names = ", ".join(sorted({f"{p.namespace}/{p.name}" for p in running}))
    watts = fmt(sum(p.power_watts for p in running), 2)
    return [
        tr(
            language,
            f"Kepler's pseudo-pods ({names}, {watts} W) stand for processes outside any pod; they are node "
            "overhead, not workloads, and get no compliance verdict.",
            f"Kepler의 의사 파드({names}, {watts} W)는 어떤 파드에도 속하지 않는 프로세스를 나타냅니다. 워크로드가 아닌 "
            "노드 오버헤드이며 준수 판정을 받지 않습니다.",
        )
    ]


def window_notes(snapshot: Snapshot, window: str | int | None, language: Language) -> list[str]:
    """Sentences about the window (what power means, a window the source could not apply), then node overhead.

    The overhead sentence rides here because every workload answer and every list carries these notes.
    """
    return _window_sentences(snapshot, window, language) + overhead_notes(snapshot, language)


def _window_sentences(snapshot: Snapshot, window: str | int | None, language: Language) -> list[str]:
    if snapshot.window_seconds is not None:
        shown = format_window(snapshot.window_seconds)
        return [
            tr(
                language,
                f"Power now comes from each running pod's latest samples in Prometheus (the last few minutes); the "
                f"window figures (coverage) are the energy Kepler's counters grew by in the last {shown}, over the "
                "seconds the pods' series really hold data.",
                f"현재 전력은 Prometheus에 있는 실행 중인 각 파드의 최근 몇 분 샘플에서 구했습니다. 구간 수치(coverage)는 "
                f"최근 {shown} 동안 Kepler 카운터가 늘어난 에너지이며, 파드 시계열에 실제 데이터가 있는 시간을 기준으로 "
                "합니다.",
            )
        ]
    if window is not None:
        return [
            tr(
                language,
                "The window was not applied: a direct Kepler scrape gives instant power. Set PROMETHEUS_URL for "
                "windowed energy.",
                "윈도가 적용되지 않았습니다: Kepler 직접 수집은 순간 전력입니다. 윈도 에너지는 PROMETHEUS_URL을 설정하세요.",
            )
        ]
    return []


def standard_notes(snapshot: Snapshot, figures: Figures, language: Language) -> list[str]:
    """Sentences that qualify a workload's figures: demo data, a PUE that is not measured, idle power."""
    notes: list[str] = []
    if snapshot.is_demo:
        notes.append(
            tr(
                language,
                "Figures come from the built-in demo cluster, not from a real cluster.",
                "수치는 실제 클러스터가 아닌 내장 데모 클러스터에서 나온 것입니다.",
            )
        )
    if not figures.pue_detail.operator_supplied:
        notes.append(
            tr(
                language,
                "PUE is not your facility's measured value (see pue_detail); set CARBON_KEPLER_PUE or "
                "CARBON_KEPLER_NODE_PUE for compliance reporting.",
                "PUE가 실측값이 아닙니다(pue_detail 참조). 준수 보고에는 CARBON_KEPLER_PUE 또는 "
                "CARBON_KEPLER_NODE_PUE를 설정하세요.",
            )
        )
    if snapshot.idle_allocation == "none":
        notes.append(
            tr(
                language,
                "Pod power is Kepler's active share; node idle power is not attributed to pods.",
                "파드 전력은 Kepler가 배분한 활성 전력이며 노드 유휴 전력은 포함되지 않습니다.",
            )
        )
    else:
        basis_en, basis_ko = {
            "proportional": ("in proportion to each pod's own power", "각 파드의 전력에 비례하여"),
            "cpu_request": ("in proportion to each pod's CPU request", "각 파드의 CPU 요청량에 비례하여"),
        }.get(snapshot.idle_allocation, (snapshot.idle_allocation, snapshot.idle_allocation))
        notes.append(
            tr(
                language,
                f"Pod power includes a share of node idle power (idle_allocation={snapshot.idle_allocation}, "
                f"{basis_en}): the pods of each node add up to the node's power.",
                f"파드 전력에 노드 유휴 전력의 몫이 포함됩니다(idle_allocation={snapshot.idle_allocation}, "
                f"{basis_ko} 배분): 각 노드의 파드 전력을 합하면 노드 전력과 같습니다.",
            )
        )
    if any(p.gpu_power_watts for p in snapshot.pods):
        notes.append(
            tr(
                language,
                "GPU power (Kepler's kepler_pod_gpu_watts) is part of the IT power; coverage.power_breakdown shows "
                "CPU+DRAM and GPU apart.",
                "GPU 전력(Kepler의 kepler_pod_gpu_watts)이 IT 전력에 포함됩니다. CPU+DRAM과 GPU 전력은 "
                "coverage.power_breakdown에 따로 표시됩니다.",
            )
        )
    notes.append(
        tr(
            language,
            "Embodied (hardware) emissions are not in these figures (see embodied where the hardware is known). The "
            "grid factor is the annual average of its data year (see provenance), the latest published, applied to "
            "today's activity.",
            "내재(하드웨어) 배출량은 이 수치에 포함되지 않습니다(하드웨어를 아는 경우 embodied 참조). 전력 배출계수는 "
            "해당 데이터 연도의 연평균(provenance 참조)으로, 최신 공표값을 현재 활동에 적용한 것입니다.",
        )
    )
    return notes


def figure_notes(snapshot: Snapshot, figures: Figures, window: str | int | None, language: Language) -> list[str]:
    """The notes of a workload result: what qualifies its figures, then what its window means."""
    return standard_notes(snapshot, figures, language) + window_notes(snapshot, window, language)
