"""The one verdict rule: when a standard judges a workload, and what it says (docs/methodology.md §6.3).

A verdict is given only when (a) the standard applies to the site's country and the day, (b) every input it
depends on is measured or set by the operator — a built-in default PUE decides nothing unless the operator opted in
— and the grid factor is on the limit's basis, and (c) the data covers enough of the window. Otherwise the status
is ``NOT_ASSESSED`` with a machine-readable reason and a sentence saying what to configure. Pods are judged one by
one, at their own node's PUE, so a workload spread over facilities is not averaged into a pass. Certification
scoring reports points, never pass/fail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from carbon_kepler_mcp.app.common import covered_seconds
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.footprint import Figures, Grid
from carbon_kepler_mcp.app.results import PueScore, Status, StatusReason
from carbon_kepler_mcp.domain import calculations as calc
from carbon_kepler_mcp.domain.i18n import Language, fmt, tr
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.reference import Region, Standard
from carbon_kepler_mcp.sources.base import Snapshot

__all__ = ["MIN_VERDICT_COVERAGE", "Verdict", "hypothetical", "judge", "standard_label"]

MIN_VERDICT_COVERAGE = 0.5
"""Share of a window the workload's series must cover for a verdict (a fresh install holding 30 s of an hour
gives none)."""

_ASSESSED: frozenset[StatusReason] = frozenset({"within_limit", "over_limit"})


@dataclass(frozen=True, slots=True)
class Verdict:
    """A standard's verdict on a workload, with the reason and the sentence that says it."""

    status: Status
    reason: StatusReason
    sentence: str
    failing_pods: tuple[str, ...] = ()
    score: PueScore | None = None

    @property
    def assessed(self) -> bool:
        return self.reason in _ASSESSED


def standard_label(std: Standard, language: Language) -> str:
    """The standard's code with what kind of thing it is, e.g. "KR_CARBON_2050 (this product's benchmark, ...)"."""
    since = "" if std.effective_from is None else std.effective_from.isoformat()
    kinds: dict[str, tuple[str, str]] = {
        "statute": (
            f"a {std.jurisdiction} statute" + (f" applying since {since}" if since else ""),
            f"{std.jurisdiction} 법률" + (f", {since}부터 적용" if since else ""),
        ),
        "reporting_duty": (f"a {std.jurisdiction} reporting duty", f"{std.jurisdiction} 보고 의무"),
        "certification_scoring": (
            "a certification that scores PUE, not a pass/fail limit",
            "PUE에 점수를 매기는 인증, 준수·미준수를 가르는 한도 아님",
        ),
        "voluntary_pact": (
            "a voluntary pact binding only its signatories",
            "서명사에만 적용되는 자율 협약",
        ),
        "roadmap": ("a government roadmap target, not a legal requirement", "정부 로드맵 목표, 법적 의무 아님"),
        "design_standard": ("a design standard", "설계 표준"),
        "product_benchmark": (
            "this product's own benchmark, not a legal requirement",
            "이 제품의 자체 벤치마크, 법적 의무 아님",
        ),
        "operator_target": ("your own target", "운영자가 정한 목표"),
        "operator_budget": ("your carbon budget", "운영자가 정한 탄소 예산"),
    }
    en, ko = kinds[std.category]
    return tr(language, f"{std.code} ({en})", f"{std.code}({ko})")


def judge(
    ctx: AppContext,
    std: Standard,
    *,
    region: Region,
    grid: Grid,
    snapshot: Snapshot,
    figures: Figures,
    pods: Sequence[PodReading],
    language: Language,
) -> Verdict:
    """The verdict of ``std`` on the workload made of ``pods`` (whose figures are ``figures``)."""
    today = ctx.now().date()
    label = standard_label(std, language)
    refusal = _not_applicable(std, region, today, label, language)
    if refusal is not None:
        return refusal
    if figures.pue_detail.source == "region_default" and not ctx.config.accept_default_pue:
        return _not_assessed(
            "default_pue",
            tr(
                language,
                f"{label}: not assessed, because the PUE is the built-in default for {region.code} "
                f"({region.default_pue.value:g}, {region.default_pue.publisher}), not your facility's. Set "
                "CARBON_KEPLER_PUE (or CARBON_KEPLER_NODE_PUE per node), or accept the default for verdicts with "
                "CARBON_KEPLER_ACCEPT_DEFAULT_PUE=true.",
                f"{label}: PUE가 시설의 실제 값이 아니라 {region.code}의 기본값({region.default_pue.value:g}, "
                f"{region.default_pue.publisher})이므로 평가하지 않습니다. CARBON_KEPLER_PUE(노드별로는 "
                "CARBON_KEPLER_NODE_PUE)를 설정하거나, CARBON_KEPLER_ACCEPT_DEFAULT_PUE=true로 기본값을 판정에 쓰도록 "
                "허용하세요.",
            ),
        )
    limit = std.limit
    assert limit is not None  # _not_applicable refused every kind without a limit
    if std.kind == "carbon_intensity" and limit.emission_scope is not None:
        scope = grid.provenance.emission_scope
        if scope != limit.emission_scope:
            return _not_assessed(
                "basis_mismatch",
                tr(
                    language,
                    f"{label}: not assessed, because its limit is on a {limit.emission_scope} basis and the grid "
                    f"factor for {region.code} is {scope or 'of unknown scope'} ({grid.provenance.basis}); comparing "
                    "them would mix bases.",
                    f"{label}: 한도는 {_scope_ko(limit.emission_scope)} 기준인데 {region.code}의 전력 배출계수는 "
                    f"{_scope_ko(scope)} 기준({grid.provenance.basis})이라 기준이 섞이므로 평가하지 않습니다.",
                ),
            )
    judged = [p for p in pods if p.running or (snapshot.windowed and p.energy_joules > 0)]
    if not judged:
        return _not_assessed(
            "no_energy",
            tr(
                language,
                f"{label}: not assessed, because no pod of the workload ran or used energy in what was read.",
                f"{label}: 읽은 데이터에서 실행 중이거나 에너지를 쓴 파드가 없으므로 평가하지 않습니다.",
            ),
        )
    window = snapshot.window_seconds
    if window:
        covered = covered_seconds(judged) or 0.0
        if covered < MIN_VERDICT_COVERAGE * window:
            return _not_assessed(
                "insufficient_coverage",
                tr(
                    language,
                    f"{label}: not assessed, because the workload's series cover {fmt(covered, 0)} s of the "
                    f"{window} s window, under the {fmt(MIN_VERDICT_COVERAGE * 100, 0)} % a verdict needs. Ask "
                    "again when Prometheus holds more data, or with a shorter window.",
                    f"{label}: 워크로드 시계열이 {window}초 구간 중 {fmt(covered, 0)}초만 담고 있어 판정에 필요한 "
                    f"{fmt(MIN_VERDICT_COVERAGE * 100, 0)}%에 못 미치므로 평가하지 않습니다. Prometheus에 데이터가 더 "
                    "쌓인 뒤 다시 묻거나 구간을 줄이세요.",
                ),
            )
    if std.scoring is not None:
        return _scored(std, figures, label, language)
    return _pass_fail(std, grid, figures, {p.name for p in judged}, label, language)


def _not_applicable(std: Standard, region: Region, today: date, label: str, language: Language) -> Verdict | None:
    """NOT_ASSESSED when the standard measures nothing we read, or does not apply to the site or the day."""
    if std.limit is None or std.kind not in ("carbon_intensity", "pue"):
        return _not_assessed(
            "not_measurable",
            tr(
                language,
                f"{label} cannot be judged from power data: {std.legal_status_note}",
                f"{label}은(는) 전력 데이터로 판정할 수 없습니다: {std.legal_status_note_ko}",
            ),
        )
    if std.applies_in and region.country not in std.applies_in:
        where = ", ".join(std.applies_in) if len(std.applies_in) <= 3 else f"{std.jurisdiction}"
        return _not_assessed(
            "outside_jurisdiction",
            tr(
                language,
                f"{label} applies only to sites in {where}; region {region.code} is in {region.country}, so it is "
                "not assessed. Choose a standard that applies there, or a carbon budget of your own.",
                f"{label}은(는) {where}의 시설에만 적용됩니다. {region.code} 리전은 {region.country}에 있으므로 평가하지 "
                "않습니다. 그곳에 적용되는 기준이나 자체 탄소 예산을 고르세요.",
            ),
        )
    if std.effective_from is not None and today < std.effective_from:
        return _not_assessed(
            "not_yet_in_force",
            tr(
                language,
                f"{label} applies from {std.effective_from.isoformat()}; it is not assessed before then.",
                f"{label}은(는) {std.effective_from.isoformat()}부터 적용되므로 그 전에는 평가하지 않습니다.",
            ),
        )
    if std.effective_until is not None and today > std.effective_until:
        return _not_assessed(
            "no_longer_in_force",
            tr(
                language,
                f"{label} applied until {std.effective_until.isoformat()}; it is no longer assessed.",
                f"{label}은(는) {std.effective_until.isoformat()}까지 적용되었으므로 더 이상 평가하지 않습니다.",
            ),
        )
    return None


def _scored(std: Standard, figures: Figures, label: str, language: Language) -> Verdict:
    """Certification scoring: the PUE points under the published rules, never pass/fail."""
    scoring = std.scoring
    assert scoring is not None
    pue = figures.pue
    points = scoring.points(pue)
    score = PueScore(
        pue=round(pue, 4),
        points=points,
        max_pue_points=scoring.max_pue_points,
        total_points=scoring.total_points,
        pass_mark=scoring.pass_mark,
        rules=scoring.rules,
    )
    if points is None:
        worst_pue, worst_points = scoring.bands[-1]
        earned_en = f"is above the published scale (its last band, PUE {worst_pue:g}, earns {worst_points:g} points)"
        earned_ko = f"공개된 점수표 범위를 벗어납니다(마지막 구간 PUE {worst_pue:g}이 {worst_points:g}점)"
    else:
        earned_en = f"earns {points:g} of {scoring.max_pue_points:g} PUE points"
        earned_ko = f"PUE 점수 {scoring.max_pue_points:g}점 중 {points:g}점입니다"
    sentence = tr(
        language,
        f"{label}: PUE {pue:.2f} {earned_en} under the {scoring.rules}; certification needs {scoring.pass_mark:g} of "
        f"{scoring.total_points:g} points in all, the rest from other criteria. A score, not a pass/fail verdict: "
        "set KOREA_PUE_TARGET for a pass/fail check against your own target.",
        f"{label}: PUE {pue:.2f}은(는) {scoring.rules_ko} 기준으로 {earned_ko}. 인증에는 다른 항목을 포함해 "
        f"{scoring.total_points:g}점 중 {scoring.pass_mark:g}점이 필요합니다. 준수·미준수 판정이 아니라 점수이며, "
        "자체 목표에 대한 준수 판정은 KOREA_PUE_TARGET을 설정하세요.",
    )
    return Verdict("NOT_ASSESSED", "scoring_not_pass_fail", sentence, score=score)


def _pass_fail(
    std: Standard, grid: Grid, figures: Figures, judged: set[str], label: str, language: Language
) -> Verdict:
    """Each judged pod at its own node's PUE against the limit; the workload fails if any pod does."""
    limit = std.limit
    assert limit is not None
    intensity = std.kind == "carbon_intensity"

    def value(pue: float) -> float:
        return calc.effective_intensity_g_per_kwh(grid.value, pue) if intensity else pue

    failing = tuple(sorted({p.pod for p in figures.per_pod if p.pod in judged and value(p.pue) > limit.value + 1e-9}))
    workload_value = value(figures.pue)
    shown = f"{fmt(workload_value)} gCO2eq/kWh" if intensity else f"{workload_value:.2f}"
    what_en = "effective intensity (grid × PUE)" if intensity else "PUE"
    what_ko = "실효 탄소 집약도(전력 배출계수 × PUE)" if intensity else "PUE"
    limit_shown = f"{fmt(limit.value)} gCO2eq/kWh" if intensity else f"{limit.value:.2f}"
    statute = std.category == "statute"
    if failing:
        pods = ", ".join(failing[:5]) + (" …" if len(failing) > 5 else "")
        sentence = tr(
            language,
            f"{'Does not comply with' if statute else 'Over'} {label}: {what_en} {shown} against the limit "
            f"{limit_shown}; pods over it, each at its node's PUE: {pods}.",
            f"{label} {'미준수' if statute else '기준 초과'}: {what_ko} {shown}, 한도 {limit_shown}. 노드별 PUE로 "
            f"보아 한도를 넘는 파드: {pods}.",
        )
        status: Status = "NON_COMPLIANT"
    else:
        sentence = tr(
            language,
            f"{'Complies with' if statute else 'Within'} {label}: {what_en} {shown} against the limit {limit_shown}.",
            f"{label} {'준수' if statute else '기준 이내'}: {what_ko} {shown}, 한도 {limit_shown}.",
        )
        status = "COMPLIANT"
    if std.category == "product_benchmark" and intensity:
        sentence += " " + tr(
            language,
            "With an annual grid factor this verdict is decided by the facility's PUE and the region, not by the "
            "workload's own energy; declare a carbon budget in the policy file for a verdict on its emissions.",
            "연간 전력 배출계수를 쓰므로 이 판정은 워크로드의 에너지가 아니라 시설 PUE와 리전으로 정해집니다. "
            "워크로드 배출량에 대한 판정은 정책 파일에 탄소 예산을 선언하세요.",
        )
    return Verdict(status, "over_limit" if failing else "within_limit", sentence, failing_pods=failing)


def _not_assessed(reason: StatusReason, sentence: str) -> Verdict:
    return Verdict("NOT_ASSESSED", reason, sentence)


def _scope_ko(scope: str | None) -> str:
    return {"direct": "직접 배출", "lifecycle": "전과정"}.get(scope or "", "범위를 알 수 없는")


def hypothetical(
    ctx: AppContext, std: Standard, current: Verdict, *, region: Region, grid: Grid, intensity: float, pue: float
) -> Status:
    """The status after a change (compare): judged only where the current one is, in the region it would run in."""
    if not current.assessed or std.limit is None:
        return "NOT_ASSESSED"
    if _not_applicable(std, region, ctx.now().date(), std.code, "en") is not None:
        return "NOT_ASSESSED"
    if std.kind == "carbon_intensity" and std.limit.emission_scope not in (None, grid.provenance.emission_scope):
        return "NOT_ASSESSED"
    value = intensity if std.kind == "carbon_intensity" else pue
    return "COMPLIANT" if value <= std.limit.value + 1e-9 else "NON_COMPLIANT"
