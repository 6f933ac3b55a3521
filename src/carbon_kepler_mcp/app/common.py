"""What the use cases share: constants, a resolved workload, and the parts every result carries.

Every result names its data source, what it covers (window, nodes, pods, a query that reproduces its watts)
and the notes that qualify its figures. These helpers build those parts the same way for every use case.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from carbon_kepler_mcp.app.embodied import embodied_figures
from carbon_kepler_mcp.app.results import Coverage, DataSourceInfo, PowerBreakdown
from carbon_kepler_mcp.domain.i18n import Language, fmt, tr
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.domain.window import format_window
from carbon_kepler_mcp.domain.workloads import ResolvedWorkload
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


def data_source_info(snapshot: Snapshot, description: str, language: Language = "en") -> DataSourceInfo:
    """Where a snapshot came from (the description and power method in ``language``; warnings as the source
    wrote them)."""
    return DataSourceInfo(
        kind=snapshot.source_kind,
        is_demo=snapshot.is_demo,
        description=source_description(snapshot, description, language),
        kepler_generation=snapshot.generation,
        kepler_versions=list(snapshot.kepler_versions),
        power_method=power_method_text(snapshot, language),
        scraped_at=utc_iso(snapshot.taken_at),
        warnings=[warning_text(w, language) for w in snapshot.warnings],
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
    ctx: AppContext, snapshot: Snapshot, pods: Sequence[PodReading], namespace: str | None, language: Language = "en"
) -> SnapshotFields:
    """Data source, demo flag and coverage of a result over these pods."""
    covered = coverage(snapshot, pods, namespace).model_copy(
        update={
            "power_breakdown": power_breakdown(snapshot, pods),
            "embodied": embodied_figures(snapshot, pods, ctx.config.node_hardware, language),
        }
    )
    return {
        "data_source": data_source_info(snapshot, ctx.source.description, language),
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
            "내재(하드웨어) 배출량은 이 수치에 포함되지 않으며, 하드웨어를 알면 따로 보고합니다. 전력 배출계수는 해당 "
            "데이터 연도의 연평균(출처 정보 참조)으로, 최신 공표값을 현재 활동에 적용한 것입니다.",
        )
    )
    return notes


def figure_notes(snapshot: Snapshot, figures: Figures, window: str | int | None, language: Language) -> list[str]:
    """The notes of a workload result: what qualifies its figures, then what its window means."""
    return standard_notes(snapshot, figures, language) + window_notes(snapshot, window, language)


_CONFIDENCE_KO = {"high": "높음", "medium": "중간", "low": "낮음"}
_METHOD_KO = {
    "exact-pod": "이름이 같은 파드",
    "naming-rules": "쿠버네티스 이름 규칙으로 파드 이름에서 추론(소유자 참조 아님)",
    "owner-metadata": "소유자 메타데이터(kube_pod_owner 등)",
}


def resolution_text(resolved: ResolvedWorkload, language: Language) -> str:
    """How a workload name was matched to its pods, in ``language`` (the English note says it in full)."""
    if language != "ko":
        return resolved.note
    return (
        f"{resolved.kind} {resolved.name}의 파드 {len(resolved.pods)}개를 찾은 방법: "
        f"{_METHOD_KO.get(resolved.method, resolved.method)}; 종류 신뢰도: "
        f"{_CONFIDENCE_KO.get(resolved.confidence, resolved.confidence)}"
    )


def pue_source_text(source: str, detail: str, language: Language) -> str:
    """Where a PUE came from, in ``language`` (the English detail names the setting, facility or default)."""
    if language != "ko":
        return detail
    if source in ("operator_node_setting", "operator_setting"):
        return f"운영자 설정 {detail}"
    if source == "source_facility":
        return "메트릭 소스가 알려 준 설비 PUE(데모 클러스터에서는 예시 값이며 실측값이 아님)"
    return "리전 기본값(실측값이 아니므로 준수 판정에 쓰지 않음)"


def source_description(snapshot: Snapshot, description: str, language: Language) -> str:
    """The source's description in ``language``: endpoints (names) stay, the words around them are translated."""
    if language != "ko":
        return description
    if snapshot.source_kind == "demo" and not description.startswith("Prometheus"):
        return "내장 데모 클러스터(프로세스 내)"
    if description.startswith("Prometheus at "):
        url = description.removeprefix("Prometheus at ").removesuffix(" (demo cluster)")
        return f"Prometheus {url}" + (" (데모 클러스터)" if description.endswith("(demo cluster)") else "")
    return f"Kepler 직접 수집: {description}"


def power_method_text(snapshot: Snapshot, language: Language) -> str:
    """How power was obtained, in ``language`` (the English text, with its exact windows, is the source's)."""
    if language != "ko":
        return snapshot.power_method
    if snapshot.window_seconds is not None:
        return (
            "파드별 Kepler 줄(J) 카운터, package+dram 영역: 기간 에너지 = 기간 안 첫 샘플과 마지막 샘플 사이의 "
            "카운터 증가량(covered_seconds = 그 사이 시간), 현재 전력 = 최근 구간의 증가량 ÷ 샘플 사이 시간"
        )
    return {
        "current": "Kepler 와트 게이지(state=running), package+dram 영역",
        "legacy": "Kepler 0.7 줄(J) 카운터의 두 수집 사이 변화율(mode=dynamic)",
    }.get(snapshot.generation, "현재 버전 exporter는 와트 게이지, 구버전(0.7) exporter는 카운터 변화율")


# The metrics source's warnings (composed in sources/ and kepler/, in English), in Korean: one pattern per
# warning, its values carried over. A warning without a pattern keeps its English after a Korean lead.
_WARNINGS_KO: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), korean)
    for pattern, korean in (
        (
            r"(?P<e>\S+): skipped (?P<n>\d+) pod series with an unknown state label",
            r"\g<e>: 'state' 레이블 값을 알 수 없는 파드 시계열 \g<n>개를 건너뛰었습니다",
        ),
        (
            r"(?P<e>\S+): (?P<n>\d+) series appeared twice with the same labels \(a malformed scrape\); each was "
            r"counted once",
            r"\g<e>: 레이블이 같은 시계열 \g<n>개가 두 번 나왔습니다(잘못된 수집 결과). 각각 한 번만 셌습니다",
        ),
        (
            r"(?P<e>\S+): (?P<n>\d+) series had NaN/Inf values .*",
            r"\g<e>: 시계열 \g<n>개의 값이 NaN/Inf였습니다(Kepler가 읽지 못한 영역). 그 영역은 빼고 읽은 영역으로 IT "
            r"합계를 냈습니다",
        ),
        (
            r"(?P<e>\S+): (?P<n>\d+) counters went down between two scrapes .*",
            r"\g<e>: 두 수집 사이에 카운터 \g<n>개가 줄었습니다(Kepler 재시작?). Prometheus rate()처럼 재설정 "
            r"시점부터 증가량을 셌습니다",
        ),
        (
            r"(?P<e>\S+): (?P<n>\d+) pod\(s\) appeared between the two scrapes \(e\.g\. (?P<p>[^)]*)\).*",
            r"\g<e>: 두 수집 사이에 파드 \g<n>개가 새로 나타났습니다(예: \g<p>). 전력에는 샘플 두 개가 필요하므로 다음 "
            r"수집까지 0 W로 셉니다",
        ),
        (
            r"(?P<n>\d+) pods have fewer than two samples in the window \(just started\?\), .*: (?P<p>.*)",
            r"파드 \g<n>개는 기간 안의 샘플이 두 개 미만이라(방금 시작?) 에너지도 전력도 아직 셀 수 없습니다: \g<p>",
        ),
        (
            r"Kepler's counters reset in the window for (?P<n>\d+) pods \(a Kepler restart\).*: (?P<p>.*)",
            r"기간 안에 파드 \g<n>개의 Kepler 카운터가 재설정되었습니다(Kepler 재시작). 에너지는 기간 끝까지 외삽한 "
            r"Prometheus increase() 값입니다: \g<p>",
        ),
        (
            r"node (?P<node>\S+): Kepler reports no dram zone for its pods, .*",
            r"노드 \g<node>: Kepler가 파드의 dram 영역을 보고하지 않아 수치는 CPU package만입니다",
        ),
        (
            r"node (?P<node>\S+): Kepler stopped reporting at (?P<t>\S+) .*",
            r"노드 \g<node>: Kepler가 \g<t>에 보고를 멈췄습니다. 그 뒤의 에너지는 빠져 있어 해당 파드의 수치가 낮습니다",
        ),
        (
            r"node (?P<node>\S+): Prometheus holds Kepler data only from (?P<t>\S+) \(the last (?P<p>\S+) of the "
            r"window\).*",
            r"노드 \g<node>: Prometheus에는 \g<t>(기간의 마지막 \g<p>)부터의 Kepler 데이터만 있습니다. 그 전의 "
            r"에너지는 답에 없습니다(노드나 Kepler 추가, 또는 보존 기간이 기간보다 짧음)",
        ),
        (
            r"node (?P<node>\S+): Kepler's counters reset (?P<n>\d+) time\(s\) in the window .*",
            r"노드 \g<node>: 기간 안에 Kepler 카운터가 \g<n>번 재설정되었습니다(Kepler 재시작). 재시작 직전 마지막 "
            r"수집과 재시작 사이의 사용량은 빠져 있습니다",
        ),
        (
            r"Kepler's pseudo-pods \((?P<p>.*)\) are host processes and kernel threads outside any pod.*",
            r"Kepler의 의사 파드(\g<p>)는 파드 밖의 호스트 프로세스와 커널 스레드로, 워크로드가 아닌 노드 "
            r"오버헤드로 보고합니다",
        ),
        (
            r"pods owned by (?P<k>.*) are grouped by naming rules .*",
            r"\g<k>이(가) 소유한 파드는 이름 규칙으로 묶었습니다(이 서버는 기본 컨트롤러만 압니다)",
        ),
        (
            r"(?P<m>.*) — pods on that endpoint's node are missing from this answer",
            r"\g<m> — 그 엔드포인트 노드의 파드는 이 답에서 빠졌습니다",
        ),
        (
            r"(?P<m>.*) — the figures that need it are missing from this answer",
            r"\g<m> — 그 데이터가 필요한 수치는 이 답에서 빠졌습니다",
        ),
    )
)


def warning_text(warning: str, language: Language) -> str:
    """A metrics-source warning in ``language``."""
    if language != "ko":
        return warning
    for pattern, korean in _WARNINGS_KO:
        if (match := pattern.fullmatch(warning)) is not None:
            return match.expand(korean)
    return f"메트릭 소스 경고(원문): {warning}"
