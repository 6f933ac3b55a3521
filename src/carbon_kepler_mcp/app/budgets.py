"""A carbon budget's verdict: month-to-date use plus the rest of the month at the observed rate, against the budget.

The month is the calendar month in the site's time zone. Month-to-date energy is Σ Prometheus's hourly IT energy of
the budget's pods since the month began (the report tool's query); the rate is that energy over the wall time from
the first hour with data (or the month's start) to now — hours inside that span without energy are the workload's
idle part of its duty cycle, time before the first sample is unknown and not counted. A projection needs a day of
observed data. Emissions use the scope's current PUE and the grid factor of the compliance figures
(docs/methodology.md §6.3.1).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from carbon_kepler_mcp.app.common import energy_zones, kepler_generation
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.footprint import Grid
from carbon_kepler_mcp.app.results import BudgetStatus, StatusReason
from carbon_kepler_mcp.domain.i18n import Language, fmt, tr
from carbon_kepler_mcp.domain.units import grams_to_kilograms, joules_to_kwh, rounded
from carbon_kepler_mcp.domain.workloads import WorkloadKind
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.policy import Budget
from carbon_kepler_mcp.reference import Region
from carbon_kepler_mcp.sources import promql
from carbon_kepler_mcp.sources.base import HistoryPoint, Snapshot, WindowedSource

__all__ = ["MIN_OBSERVED_SECONDS", "budget_status", "covering_budget", "labelled_pods"]

MIN_OBSERVED_SECONDS = 86_400
"""A projection to the month's end needs a day of data."""


async def budget_status(
    ctx: AppContext,
    budget: Budget,
    *,
    region: Region,
    grid: Grid,
    snapshot: Snapshot,
    pods: tuple[PodReading, ...],
    kind: WorkloadKind | None,
    language: Language,
) -> BudgetStatus:
    """The verdict of ``budget`` on its scope (``pods``: the workload's or the namespace's, read in ``snapshot``)."""
    now = ctx.now()
    tz = ZoneInfo(region.timezone)
    local = now.astimezone(tz)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    days_in_month = calendar.monthrange(local.year, local.month)[1]
    month_end = month_start + timedelta(days=days_in_month)
    amount = budget.amount_for(local.year)
    base: dict[str, object] = {
        "budget": budget.name,
        "scope": budget.scope,
        "unit": budget.unit,
        "budget_per_month": rounded(amount, 4),
    }
    label = tr(language, f"Budget {budget.name} ({budget.scope})", f"예산 {budget.name}({budget.scope})")
    source = ctx.source
    if not isinstance(source, WindowedSource):
        return _not_assessed(
            base,
            "budget_needs_history",
            tr(
                language,
                f"{label}: not assessed, because a budget compares this month's energy and a direct Kepler scrape "
                "keeps no history; point the server at a Prometheus that scrapes Kepler (PROMETHEUS_URL).",
                f"{label}: 예산은 이번 달 에너지와 비교하는데 Kepler 직접 수집에는 이력이 없으므로 평가하지 않습니다. "
                "Kepler를 수집하는 Prometheus를 지정하세요(PROMETHEUS_URL).",
            ),
        )
    figures = ctx.figures_for(snapshot, pods, region, grid.value, kind)
    if budget.unit == "kgCO2eq" and figures.pue_detail.source == "region_default" and not ctx.config.accept_default_pue:
        return _not_assessed(
            base,
            "default_pue",
            tr(
                language,
                f"{label}: not assessed, because its emissions would rest on the built-in default PUE of "
                f"{region.code}; set CARBON_KEPLER_PUE (or CARBON_KEPLER_NODE_PUE), or budget kWh instead.",
                f"{label}: 배출량이 {region.code}의 기본 PUE에 의존하게 되므로 평가하지 않습니다. "
                "CARBON_KEPLER_PUE(또는 CARBON_KEPLER_NODE_PUE)를 설정하거나 kWh 예산을 쓰세요.",
            ),
        )
    if budget.selector:
        members = await labelled_pods(ctx, budget, (now - month_start).total_seconds())
        if not members:
            return _not_assessed(
                base,
                "budget_no_matching_pods",
                tr(
                    language,
                    f"{label}: not assessed, because no pod of namespace {budget.namespace} carried those labels "
                    "this month in kube-state-metrics' kube_pod_labels (its --metric-labels-allowlist must name the "
                    "label keys).",
                    f"{label}: 이번 달 kube-state-metrics의 kube_pod_labels에서 {budget.namespace} 네임스페이스에 그 "
                    "레이블을 단 파드가 없으므로 평가하지 않습니다(--metric-labels-allowlist에 레이블 키가 있어야 "
                    "합니다).",
                ),
            )
        pattern = promql.pod_name_regex(members)
    elif budget.workload is None:
        pattern = ".+"
    else:
        pattern = (
            promql.pod_name_regex([budget.workload])
            if kind == "Pod"
            else promql.workload_pods_regex(budget.workload, kind or "Deployment")
        )
    # A day back at least, so a projection on the 1st still rests on a day of data (last month's hours).
    since = min(month_start, now - timedelta(days=1))
    days = max(1, -(-int((now - since).total_seconds()) // 86_400))
    history = await source.history(
        budget.namespace, pattern, energy_zones(pods), kepler_generation(snapshot), days, now
    )
    points = sorted((p for p in history.points if since < p.end <= now), key=lambda p: p.end)
    month_joules = sum(p.joules for p in points if p.end > month_start)
    if not points:
        observed = 0.0
        rate_j_per_s = 0.0
    else:
        first = points[0].end - timedelta(hours=1)
        observed = (now - max(first, since)).total_seconds()
        rate_j_per_s = sum(p.joules for p in points) / observed if observed > 0 else 0.0

    def in_unit(joules: float) -> float:
        kwh = joules_to_kwh(joules)
        return kwh if budget.unit == "kWh" else grams_to_kilograms(kwh * figures.pue * grid.value)

    month_to_date = in_unit(month_joules)
    fields: dict[str, object] = base | {
        "month_to_date": rounded(month_to_date, 4),
        "observed_seconds": rounded(observed, 0),
    }
    if observed < MIN_OBSERVED_SECONDS:
        return _not_assessed(
            fields,
            "budget_needs_history",
            tr(
                language,
                f"{label}: not assessed, because Prometheus holds {fmt(observed / 3600)} h of its data and a "
                f"projection to the month's end needs {MIN_OBSERVED_SECONDS // 3600} h. So far this month: "
                f"{fmt(month_to_date, 3)} {budget.unit} of {fmt(amount, 3)}.",
                f"{label}: Prometheus에 데이터가 {fmt(observed / 3600)}시간 분량만 있어, 월말까지 예측하는 데 필요한 "
                f"{MIN_OBSERVED_SECONDS // 3600}시간에 못 미치므로 평가하지 않습니다. 이번 달 사용량: "
                f"{fmt(month_to_date, 3)} {budget.unit} / {fmt(amount, 3)}.",
            ),
        )
    remaining = (month_end - local).total_seconds()
    projected = month_to_date + in_unit(rate_j_per_s * remaining)
    headroom = amount - projected
    exceeded_on: str | None = None
    if month_to_date > amount:
        reason: StatusReason = "budget_exceeded"
        crossed = _crossing(points, month_start, amount, in_unit)
        exceeded_on = None if crossed is None else crossed.astimezone(tz).date().isoformat()
    elif projected > amount:
        reason = "budget_projected_over"
        rate_unit_per_s = in_unit(rate_j_per_s)
        at = local + timedelta(seconds=(amount - month_to_date) / rate_unit_per_s)
        exceeded_on = at.date().isoformat()
    else:
        reason = "budget_within"
    numbers_en = (
        f"{fmt(month_to_date, 3)} {budget.unit} so far this month, {fmt(projected, 3)} projected at the observed "
        f"rate, against {fmt(amount, 3)}"
    )
    numbers_ko = (
        f"이번 달 지금까지 {fmt(month_to_date, 3)} {budget.unit}, 관측된 속도로 월말 예상 {fmt(projected, 3)}, "
        f"예산 {fmt(amount, 3)}"
    )
    if reason == "budget_within":
        sentence = tr(
            language,
            f"{label}: within budget: {numbers_en}; {fmt(headroom, 3)} {budget.unit} of headroom.",
            f"{label}: 예산 이내: {numbers_ko}. 남은 여유 {fmt(headroom, 3)} {budget.unit}.",
        )
    elif reason == "budget_exceeded":
        sentence = tr(
            language,
            f"{label}: over budget: {numbers_en}"
            + (f"; exceeded on {exceeded_on}" if exceeded_on else "")
            + f", by {fmt(-headroom, 3)} {budget.unit} at the month's end.",
            f"{label}: 예산 초과: {numbers_ko}"
            + (f". {exceeded_on}에 초과했고" if exceeded_on else ".")
            + f" 월말에는 {fmt(-headroom, 3)} {budget.unit} 초과할 전망입니다.",
        )
    else:
        sentence = tr(
            language,
            f"{label}: projected over budget: {numbers_en}; at this rate it is exceeded on {exceeded_on}, by "
            f"{fmt(-headroom, 3)} {budget.unit} at the month's end.",
            f"{label}: 예산 초과 전망: {numbers_ko}. 이 속도라면 {exceeded_on}에 초과하고 월말에는 "
            f"{fmt(-headroom, 3)} {budget.unit} 초과합니다.",
        )
    return BudgetStatus.model_validate(
        fields
        | {
            "status": "COMPLIANT" if reason == "budget_within" else "NON_COMPLIANT",
            "status_reason": reason,
            "sentence": sentence,
            "projected_month": rounded(projected, 4),
            "headroom": rounded(headroom, 4),
            "exceeded_on": exceeded_on,
        }
    )


async def labelled_pods(ctx: AppContext, budget: Budget, window_seconds: float) -> tuple[str, ...]:
    """The pods of the budget's namespace its label selector chose in the window (empty without the labels)."""
    find = getattr(ctx.source, "pods_with_labels", None)
    if find is None:
        return ()
    seconds = max(300, min(31 * 86_400, int(window_seconds) or 300))
    pods, _ = await find(budget.namespace, budget.selector, seconds)
    return tuple(pods)


async def covering_budget(
    ctx: AppContext, namespace: str, workload: str, pods: tuple[PodReading, ...]
) -> Budget | None:
    """The budget covering a workload: its own, else a label-selector budget choosing any of its pods, else its
    namespace's."""
    own = ctx.policy.covering(namespace, workload)
    if own is not None and own.workload is not None:
        return own
    names = {p.name for p in pods}
    for budget in ctx.policy.selector_budgets(namespace):
        if names & set(await labelled_pods(ctx, budget, 31 * 86_400)):
            return budget
    return own


def _crossing(
    points: Sequence[HistoryPoint], month_start: datetime, amount: float, in_unit: Callable[[float], float]
) -> datetime | None:
    """The end of the hour in which this month's cumulative use first passed ``amount``."""
    total = 0.0
    for point in points:
        if point.end <= month_start:
            continue
        total += point.joules
        if in_unit(total) > amount:
            return point.end
    return None


def _not_assessed(fields: dict[str, object], reason: StatusReason, sentence: str) -> BudgetStatus:
    return BudgetStatus.model_validate(
        {
            "month_to_date": None,
            "observed_seconds": None,
            **fields,
            "status": "NOT_ASSESSED",
            "status_reason": reason,
            "sentence": sentence,
            "projected_month": None,
            "headroom": None,
            "exceeded_on": None,
        }
    )
