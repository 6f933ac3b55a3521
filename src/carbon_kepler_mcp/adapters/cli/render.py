"""Text rendering of results for people at a terminal (the CLI without ``--json``), in English or Korean.

Tables are laid out by ``rich``, which measures East Asian width, so Korean columns line up.
"""

from __future__ import annotations

import io
import typing
from collections.abc import Sequence

from pydantic import BaseModel
from rich import box
from rich.console import Console
from rich.table import Table

from carbon_kepler_mcp.app.results import (
    AssessmentResult,
    ComparisonResult,
    DataSourceInfo,
    RegionalComparisonResult,
    ScheduleResult,
    WorkloadListResult,
)
from carbon_kepler_mcp.domain.i18n import KO_WORDS, STATUS_KO, Language, tr

LABELS: dict[str, tuple[str, str]] = {
    "#": ("#", "#"),
    "workload": ("workload", "워크로드"),
    "kind": ("kind", "종류"),
    "running": ("running", "실행 중"),
    "watts": ("watts", "전력(W)"),
    "PUE": ("PUE", "PUE"),
    "status": ("status", "상태"),
    "standard": ("standard", "기준"),
    "power (IT)": ("power (IT)", "전력(IT)"),
    "grid intensity": ("grid intensity", "전력망 탄소 집약도"),
    "effective intensity": ("effective intensity", "실효 탄소 집약도"),
    "target": ("target", "목표"),
    "emissions": ("emissions", "배출량"),
    "optimisation": ("optimisation", "최적화"),
    "reduction %": ("reduction %", "감축률 %"),
    "kgCO2eq/month saved": ("kgCO2eq/month saved", "월 절감 kgCO2eq"),
    "basis": ("basis", "근거"),
    "current": ("current", "현재"),
    "optimised": ("optimised", "최적화 후"),
    "reduction": ("reduction", "감축"),
    "cost savings": ("cost savings", "비용 절감"),
    "changes status basis": ("changes status basis", "판정 기준 변경"),
    "data": ("data", "데이터"),
    "steps": ("steps", "실행 단계"),
    "region": ("region", "리전"),
    "name": ("name", "이름"),
    "savings %": ("savings %", "절감률 %"),
    "now": ("now", "지금"),
    "best": ("best", "최적"),
    "cleanest hours": ("cleanest hours", "가장 깨끗한 시간대"),
    "dirtiest hours": ("dirtiest hours", "가장 탁한 시간대"),
    "namespace": ("namespace", "네임스페이스"),
    "share %": ("share %", "비중 %"),
    "kgCO2eq/month": ("kgCO2eq/month", "월 kgCO2eq"),
    "node": ("node", "노드"),
    "total W": ("total W", "총 전력(W)"),
    "attributed W": ("attributed W", "배분 전력(W)"),
    "unattributed %": ("unattributed %", "미배분 %"),
    "state": ("state", "상태"),
    "energy J": ("energy J", "에너지(J)"),
    "start": ("start", "시작"),
    "hours with data": ("hours with data", "데이터 있는 시간"),
    "kWh (facility)": ("kWh (facility)", "kWh(설비)"),
    "gCO2eq": ("gCO2eq", "gCO2eq"),
    "recommended": ("recommended", "권장"),
    "priority": ("priority", "우선순위"),
    "action": ("action", "조치"),
    "source": ("source", "출처"),
    "DEMO DATA: the built-in demo cluster, not a real cluster": (
        "DEMO DATA: the built-in demo cluster, not a real cluster",
        "데모 데이터: 실제 클러스터가 아닌 내장 데모 클러스터입니다",
    ),
    "warning": ("warning", "경고"),
    "note": ("note", "참고"),
    "more": ("more", "개 더 있음"),
    "pod series": ("pod series", "파드 시계열"),
    "per month": ("per month", "월"),
}

# Enum values shown in table cells, in Korean (the English output shows the values as the API has them).
VALUES_KO: dict[str, str] = {
    **STATUS_KO,
    **KO_WORDS,
    "running": "실행 중",
    "idle": "유휴",
    "mixed": "혼합",
    "terminated": "종료됨",
    "temporal_shift": "시간 이동",
    "resource_rightsizing": "리소스 적정화",
    "regional_migration": "리전 이전",
    "pue_improvement": "PUE 개선",
    "operator_node_setting": "노드별 운영자 설정",
    "operator_setting": "운영자 설정",
    "source_facility": "설비 값",
    "region_default": "리전 기본값",
    "observed_window": "관측 기간 기준",
    "continuous_at_current_power": "현재 전력으로 계속 실행한다고 가정",
    "not_projected": "추정하지 않음",
    "statutory": "법적 의무",
    "statutory_reporting": "법적 신고 의무",
    "voluntary": "자율 인증",
    "target": "목표",
    "benchmark": "비교 기준",
    "design_standard": "설계 표준",
}
ENUM_COLUMNS = frozenset({"status", "kind", "state", "optimisation"})
"""Columns whose cells are enum values (translated in Korean); other cells are names and numbers."""


def label(key: str, language: Language) -> str:
    """A fixed label in the chosen language."""
    en, ko = LABELS.get(key, (key, key))
    return ko if language == "ko" else en


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], language: Language = "en") -> str:
    """A table laid out by rich (East Asian width aware); numbers are right-aligned."""
    grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for index, header in enumerate(headers):
        numeric = bool(rows) and all(isinstance(row[index], int | float) for row in rows)
        grid.add_column(label(header, language), justify="right" if numeric else "left", no_wrap=True)
    enums = [header in ENUM_COLUMNS for header in headers]
    for row in rows:
        grid.add_row(*(_cell(v, language, enum=e) for v, e in zip(row, enums, strict=True)))
    out = io.StringIO()
    _console(out).print(grid)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()).strip("\n")


def _console(out: io.StringIO) -> Console:
    # markup off: a cell like "[benchmark]" or a name with brackets is text, not a rich style tag.
    return Console(file=out, width=400, color_system=None, highlight=False, emoji=False, markup=False)


def value_text(value: str, language: Language) -> str:
    """An enum value as the terminal shows it ("NON_COMPLIANT" → "미준수" in Korean)."""
    return VALUES_KO.get(value, value) if language == "ko" else value


def _cell(value: object, language: Language = "en", *, enum: bool = False) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if value is None:
        return "-"
    if isinstance(value, bool):
        return tr(language, "yes" if value else "no", "예" if value else "아니요")
    if enum and isinstance(value, str):
        return value_text(value, language)
    return str(value)


def _pairs(rows: Sequence[tuple[str, object]], language: Language = "en") -> str:
    keys = [label(k, language) for k, _ in rows]
    out = io.StringIO()
    grid = Table(box=None, show_header=False, pad_edge=False)
    grid.add_column(no_wrap=True)
    grid.add_column()
    for key, (_, value) in zip(keys, rows, strict=True):
        grid.add_row(key, _cell(value, language))
    _console(out).print(grid)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()).strip("\n")


def _source(info: DataSourceInfo, notes: Sequence[str], language: Language = "en") -> str:
    generation = tr(
        language,
        f"{info.kepler_generation} Kepler",
        {"current": "Kepler 0.10 이상", "legacy": "Kepler 0.7"}.get(info.kepler_generation, "Kepler 여러 버전"),
    )
    lines = [f"{label('source', language)}: {info.description} ({generation}; {info.power_method})"]
    if info.is_demo:
        lines.append(label("DEMO DATA: the built-in demo cluster, not a real cluster", language))
    lines.extend(f"{label('warning', language)}: {w}" for w in info.warnings)
    lines.extend(f"{label('note', language)}: {n}" for n in notes)
    return "\n".join(lines)


def _breakdown(r: AssessmentResult, lang: Language) -> str:
    """`` = CPU+DRAM … + GPU … + idle share …`` when the power has more than Kepler's CPU+DRAM line."""
    b = r.coverage.power_breakdown if r.coverage is not None else None
    if b is None or (not b.gpu_watts and not b.idle_allocated_watts):
        return ""
    parts = [f"CPU+DRAM {b.cpu_dram_watts:,.1f}", f"GPU {b.gpu_watts:,.1f}"]
    if b.idle_allocated_watts:
        parts.append(tr(lang, "idle share", "유휴 몫") + f" {b.idle_allocated_watts:,.1f} ({b.idle_allocation})")
    return " = " + " + ".join(parts) + " W"


def _pue_line(r: AssessmentResult, lang: Language) -> str:
    """The PUE, where it came from, and the PUE standard's answer: its points when it scores, else its status."""
    score = r.pue_score
    if score is not None:
        points = "-" if score.points is None else f"{score.points:g}"
        return tr(
            lang,
            f"{r.pue:.3f} ({r.pue_detail.source}) -> {points} of {score.max_pue_points:g} PUE points "
            f"({r.pue_standard.code}, a score, not pass/fail)",
            f"{r.pue:.3f} ({value_text(r.pue_detail.source, lang)}) -> {r.pue_standard.code} PUE 점수 "
            f"{score.max_pue_points:g}점 중 {points}점(준수 판정이 아닌 점수)",
        )
    return tr(
        lang,
        f"{r.pue:.3f} ({r.pue_detail.source}) -> {r.pue_status} vs {r.pue_standard.code}",
        f"{r.pue:.3f} ({value_text(r.pue_detail.source, lang)}) -> {r.pue_standard.code} "
        f"{value_text(r.pue_status, lang)}",
    )


def _assessment(r: AssessmentResult, lang: Language) -> str:
    head = _pairs(
        [
            (
                "workload",
                f"{r.namespace}/{r.workload} ({r.workload_kind}, "
                + tr(lang, f"{len(r.pods)} pod series)", f"파드 시계열 {len(r.pods)}개)"),
            ),
            ("standard", f"{r.standard} [{value_text(r.standard_detail.legal_status, lang)}]"),
            ("status", value_text(r.status, lang)),
            ("power (IT)", f"{r.current_power_watts:,.1f} W" + _breakdown(r, lang)),
            ("PUE", _pue_line(r, lang)),
            ("grid intensity", f"{r.grid_carbon_intensity_gCO2eq_kWh:,.1f} gCO2eq/kWh ({r.region})"),
            ("effective intensity", f"{r.estimated_workload_intensity_gCO2eq_kWh:,.1f} gCO2eq/kWh"),
            ("target", "-" if r.target_intensity_gCO2eq_kWh is None else f"{r.target_intensity_gCO2eq_kWh:,.2f}"),
            (
                "emissions",
                f"{r.carbon_emissions_gCO2eq_hour:,.1f} gCO2eq/h"
                + (
                    tr(
                        lang,
                        f" = {r.monthly_emissions_kgCO2eq:,.2f} kg/month ({r.monthly_basis})",
                        f" = 월 {r.monthly_emissions_kgCO2eq:,.2f} kg ({value_text(r.monthly_basis, lang)})",
                    )
                    if r.monthly_emissions_kgCO2eq is not None
                    else tr(
                        lang,
                        " (batch work: no monthly figure without observed runs)",
                        " (배치 작업: 관측된 실행 없이는 월간 수치 없음)",
                    )
                ),
            ),
        ],
        lang,
    )
    opts = table(
        ["#", "optimisation", "reduction %", "kgCO2eq/month saved", "basis"],
        [
            [o.rank, o.title, o.estimated_reduction_percent, o.estimated_savings_kgCO2eq_month, o.data_basis]
            for o in r.optimizations
        ],
        lang,
    )
    return f"{head}\n\n{r.recommendation}\n\n{opts}\n\n{_source(r.data_source, r.notes, lang)}"


def _comparison(r: ComparisonResult, lang: Language) -> str:
    head = _pairs(
        [
            ("workload", f"{r.namespace}/{r.workload}"),
            ("current", f"{r.current_emissions_gCO2eq_hour:,.1f} gCO2eq/h ({value_text(r.current_status, lang)})"),
            (
                "optimised",
                f"{r.optimized_emissions_gCO2eq_hour:,.1f} gCO2eq/h ({value_text(r.optimized_status, lang)})",
            ),
            ("reduction", f"{r.reduction_percent:.2f} % ({r.combination_method})"),
            (
                "cost savings",
                tr(
                    lang,
                    f"{r.estimated_cost_savings_usd_month:,.2f} USD/month",
                    f"월 {r.estimated_cost_savings_usd_month:,.2f} USD",
                ),
            ),
        ],
        lang,
    )
    impacts = table(
        ["optimisation", "reduction %", "changes status basis", "data"],
        [[i.type, i.reduction_percent, i.affects_intensity, i.data_basis] for i in r.impacts],
        lang,
    )
    steps = "\n".join(f"  {n}. {s}" for n, s in enumerate(r.implementation_steps, start=1))
    return f"{head}\n\n{impacts}\n\n{label('steps', lang)}:\n{steps}\n\n{_source(r.data_source, r.notes, lang)}"


def _listing(r: WorkloadListResult, lang: Language) -> str:
    rows = [
        [w.workload, w.kind, w.running_pods, w.power_watts, w.pue, w.emissions_gCO2eq_hour, w.status]
        for w in r.workloads
    ]
    body = table(["workload", "kind", "running", "watts", "PUE", "gCO2eq/h", "status"], rows, lang)
    more = f"\n({r.omitted_count} {label('more', lang)}; --cursor {r.next_cursor})" if r.next_cursor else ""
    return f"{r.summary}\n\n{body}{more}\n\n{_source(r.data_source, r.notes, lang)}"


def _regions(r: RegionalComparisonResult, lang: Language) -> str:
    rows = [
        [
            c.region + (" *" if c.is_current else ""),
            c.name_ko if lang == "ko" else c.name,
            c.grid_carbon_intensity_gCO2eq_kWh,
            c.emissions_gCO2eq_hour,
            c.savings_percent,
        ]
        for c in r.comparisons
    ]
    body = table(["region", "name", "gCO2eq/kWh", "gCO2eq/h", "savings %"], rows, lang)
    return f"{body}\n\n{r.migration_recommendation}\n\n{_source(r.data_source, r.notes, lang)}"


def _schedule(r: ScheduleResult, lang: Language) -> str:
    head = _pairs(
        [
            ("workload", f"{r.namespace}/{r.workload} ({r.power_watts:,.1f} W, PUE {r.pue:.3f})"),
            ("now", f"{r.current_schedule}: {r.current_grid_intensity_gCO2eq_kWh:,.1f} gCO2eq/kWh"),
            ("best", f"{r.optimal_schedule}: {r.optimal_grid_intensity_gCO2eq_kWh:,.1f} gCO2eq/kWh"),
            (
                "reduction",
                f"{r.reduction_percent:.2f} %"
                if r.reduction_percent is not None
                else tr(lang, "– (a hint, not a saving)", "– (절감량이 아닌 참고 사항)"),
            ),
            ("cleanest hours", ", ".join(r.cleanest_hours)),
            ("dirtiest hours", ", ".join(r.dirtiest_hours)),
        ],
        lang,
    )
    return f"{head}\n\n{r.recommendation}\n\n{_source(r.data_source, r.notes, lang)}"


_LIST_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    # Columns of the exploring results' main list: (label, field).
    "hotspots": (("#", "rank"), ("namespace", "namespace"), ("name", "name"), ("kind", "kind"), ("watts", "power_watts"),
                 ("share %", "share_of_scope_percent"), ("PUE", "pue"), ("status", "status"),
                 ("kgCO2eq/month", "monthly_emissions_kgCO2eq")),
    "consumers": (("#", "rank"), ("namespace", "namespace"), ("name", "name"), ("kind", "kind"), ("watts", "power_watts"),
                  ("share %", "share_of_scope_percent"), ("PUE", "pue"), ("status", "status"),
                  ("kgCO2eq/month", "monthly_emissions_kgCO2eq")),
    "hits": (("namespace", "namespace"), ("name", "name"), ("kind", "kind"), ("state", "state"),
             ("watts", "power_watts"), ("status", "status"), ("kgCO2eq/month", "monthly_emissions_kgCO2eq")),
    "candidates": (("#", "rank"), ("region", "region"), ("name", "name"), ("gCO2eq/kWh", "grid_carbon_intensity_gCO2eq_kWh"),
                   ("gCO2eq/h", "emissions_gCO2eq_hour"), ("recommended", "recommended")),
    "nodes": (("node", "node"), ("total W", "total_power_watts"), ("attributed W", "attributed_power_watts"),
              ("unattributed %", "unattributed_percent"), ("PUE", "pue")),
    "children": (("kind", "kind"), ("name", "name"), ("state", "state"), ("watts", "power_watts"),
                 ("energy J", "energy_joules")),
    "rows": (("start", "start"), ("hours with data", "hours_with_data"), ("energy J", "it_energy_joules"),
             ("kWh (facility)", "facility_energy_kwh"), ("gCO2eq", "emissions_gCO2eq")),
}  # fmt: skip


def _field(item: object, name: str, lang: Language) -> object:
    # A region's Korean name where the item has one (name_ko beside name).
    if lang == "ko" and hasattr(item, f"{name}_ko"):
        return getattr(item, f"{name}_ko")
    return getattr(item, name, None)


def _generic(result: BaseModel, lang: Language) -> str:
    """The exploring results: their summary sentence, their main list as a table, then source and notes."""
    parts: list[str] = []
    for key in ("summary", "recommendation"):
        value = getattr(result, key, None)
        if isinstance(value, str) and value:
            parts.append(value)
    for field, columns in _LIST_COLUMNS.items():
        items: object = getattr(result, field, None)
        if isinstance(items, list) and items:
            listed = typing.cast(list[object], items)
            rows = [[_field(item, name, lang) for _, name in columns] for item in listed]
            parts.append(table([c for c, _ in columns], rows, lang))
    info = getattr(result, "data_source", None)
    notes: list[str] = getattr(result, "notes", [])
    if isinstance(info, DataSourceInfo):
        parts.append(_source(info, notes, lang))
    return "\n\n".join(parts) if parts else result.model_dump_json(indent=2)


def text(result: BaseModel, language: Language = "en") -> str:
    """A result as text for a terminal, labels in ``language``."""
    if isinstance(result, AssessmentResult):
        return _assessment(result, language)
    if isinstance(result, ComparisonResult):
        return _comparison(result, language)
    if isinstance(result, WorkloadListResult):
        return _listing(result, language)
    if isinstance(result, RegionalComparisonResult):
        return _regions(result, language)
    if isinstance(result, ScheduleResult):
        return _schedule(result, language)
    return _generic(result, language)
