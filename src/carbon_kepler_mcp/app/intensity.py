"""Live and historical grid intensity for the tools: the provider chain asked for a region, its answer described
(provider, signal, basis, age) and every fallback or failure said in English and Korean.

The chain (:mod:`carbon_kepler_mcp.sources.intensity.chain`) returns one provider's series, never a splice; this
module only maps a region to the providers' zones, asks, and words what happened. When no provider is configured
or none answers, the callers keep the shipped annual factor (and, for scheduling hints, the labelled synthetic
shape) and say so.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from carbon_kepler_mcp.app.common import energy_zones, kepler_generation, utc_iso
from carbon_kepler_mcp.app.context import AppContext, WorkloadPods
from carbon_kepler_mcp.app.footprint import Figures
from carbon_kepler_mcp.app.results import IntensityProviderInfo
from carbon_kepler_mcp.domain.i18n import Language, tr
from carbon_kepler_mcp.domain.units import joules_to_kwh
from carbon_kepler_mcp.errors import ConfigError, IntensityProviderError, SourceError
from carbon_kepler_mcp.reference import Provenance, Region
from carbon_kepler_mcp.sources import promql
from carbon_kepler_mcp.sources.base import Snapshot, WindowedSource
from carbon_kepler_mcp.sources.intensity.base import HOUR, FallbackStep, IntensitySeries
from carbon_kepler_mcp.sources.intensity.chain import ChainError, IntensityChain

__all__ = [
    "Asked",
    "WindowTimeResolved",
    "ask_forecast",
    "ask_history",
    "ask_latest",
    "info",
    "provenance",
    "series_notes",
    "signal_text",
    "window_time_resolved",
]

_REASONS: Final = {
    "unauthorised": ("unauthorised: check its credentials", "인증 실패: 자격 증명을 확인하세요"),
    "forbidden": (
        "refused: the plan does not cover this zone or endpoint",
        "거부됨: 요금제가 이 구역이나 엔드포인트를 포함하지 않습니다",
    ),
    "rate_limited": ("rate-limited", "요청 한도 초과"),
    "unavailable": ("unavailable", "응답 불가"),
    "timeout": ("timed out", "시간 초과"),
    "no_data": ("no data", "데이터 없음"),
    "bad_answer": ("an answer this server cannot read", "읽을 수 없는 응답"),
    "not_configured": ("not configured for this region", "이 리전에 설정되지 않음"),
    "partial": ("incomplete data", "일부 데이터 누락"),
}
_SIGNAL_KO: Final = {"average": "평균", "marginal": "한계"}

Asked = tuple[IntensitySeries | None, list[str]]
"""The series (None when there is none to use) and the notes saying what was asked and what happened."""


def signal_text(language: Language, signal: str) -> str:
    """``average`` / ``marginal`` in the answer's language."""
    return tr(language, signal, f"{_SIGNAL_KO.get(signal, signal)}({signal})")


def _step(language: Language, step: FallbackStep) -> str:
    en, ko = _REASONS.get(step.reason, (step.reason, step.reason))
    return tr(
        language,
        f"Intensity provider {step.provider} was skipped ({en}): {step.message}.",
        f"탄소 집약도 공급자 {step.provider}을(를) 건너뛰었습니다({ko}): {step.message}.",
    )


def _used(language: Language, series: IntensitySeries) -> str:
    fell_back = bool(series.skipped)
    return tr(
        language,
        f"Grid intensity from {series.provider} (zone {series.zone}, {series.signal} signal, basis {series.basis})"
        + (", after falling back along the chain." if fell_back else "."),
        f"전력망 탄소 집약도는 {series.provider}(구역 {series.zone}, {signal_text(language, series.signal)} 신호, "
        f"기준 {series.basis})에서 가져왔습니다"
        + (". 공급자 체인에서 대체 공급자로 넘어간 결과입니다." if fell_back else "."),
    )


def _failed(
    language: Language, exc: IntensityProviderError | ConfigError, fallback_en: str, fallback_ko: str
) -> list[str]:
    steps = exc.steps if isinstance(exc, ChainError) else ()
    notes = [_step(language, s) for s in steps]
    if not steps:
        notes.append(
            tr(
                language,
                f"No grid-intensity provider answered ({exc}).",
                f"탄소 집약도 공급자가 응답하지 않았습니다({exc}).",
            )
        )
    notes.append(tr(language, fallback_en, fallback_ko))
    return notes


def series_notes(language: Language, series: IntensitySeries | None, error: Exception | None = None) -> list[str]:
    """What was asked and what happened, for a series (its skipped providers, then the one used) or a failure."""
    if series is not None:
        return [*(_step(language, s) for s in series.skipped), _used(language, series)]
    if isinstance(error, ChainError):
        return [_step(language, s) for s in error.steps]
    if error is not None:
        return [
            tr(
                language,
                f"No grid-intensity provider answered ({error}).",
                f"탄소 집약도 공급자가 응답하지 않았습니다({error}).",
            )
        ]
    return []


async def _ask(
    ctx: AppContext,
    region: Region,
    call: Callable[[IntensityChain, dict[str, str]], Awaitable[IntensitySeries]],
    language: Language,
    fallback_en: str,
    fallback_ko: str,
) -> Asked:
    chain = ctx.intensity
    if chain is None:
        return None, []
    try:
        series = await call(chain, ctx.intensity_zones(region))
    except (IntensityProviderError, ConfigError) as exc:
        return None, _failed(language, exc, fallback_en, fallback_ko)
    return series, [*(_step(language, s) for s in series.skipped), _used(language, series)]


async def ask_history(ctx: AppContext, region: Region, start: datetime, end: datetime, language: Language) -> Asked:
    """Past intensity of ``region`` over ``[start, end)``."""
    return await _ask(
        ctx,
        region,
        lambda chain, zones: chain.history(zones, start, end),
        language,
        "No time-resolved figure: the annual factor alone is used.",
        "시간대별 배출량을 계산하지 않았습니다: 연간 배출계수만 사용합니다.",
    )


async def ask_forecast(ctx: AppContext, region: Region, now: datetime, hours: int, language: Language) -> Asked:
    """The forecast of ``region`` for ``hours`` ahead of ``now``."""
    return await _ask(
        ctx,
        region,
        lambda chain, zones: chain.forecast(zones, now, hours),
        language,
        "No forecast: the search falls back to the shipped hourly data, which quantifies no saving.",
        "예측이 없어 내장된 시간대별 데이터로 찾습니다. 이 데이터로는 절감량을 정량화하지 않습니다.",
    )


async def ask_latest(ctx: AppContext, region: Region, language: Language) -> Asked:
    """The latest intensity of ``region``."""
    return await _ask(
        ctx,
        region,
        lambda chain, zones: chain.latest(zones),
        language,
        "No live value: the annual factors below are what this server has.",
        "실시간 값이 없어 아래의 연간 배출계수만 제공합니다.",
    )


def info(series: IntensitySeries, now: datetime, language: Language) -> IntensityProviderInfo:
    """What a result says about the series it used."""
    first = series.points[0].start if series.points else None
    last = series.points[-1].end if series.points else None
    return IntensityProviderInfo(
        provider=series.provider,
        zone=series.zone,
        signal=series.signal,
        basis=series.basis,
        kind=series.kind,
        source=series.source,
        fetched_at=utc_iso(series.fetched_at),
        generated_at=None if series.generated_at is None else utc_iso(series.generated_at),
        first_point=None if first is None else utc_iso(first),
        last_point_end=None if last is None else utc_iso(last),
        staleness_seconds=series.staleness_seconds(now),
        points=len(series.points),
        skipped=[_step(language, s) for s in series.skipped],
    )


def provenance(series: IntensitySeries, value: float) -> Provenance:
    """The provenance of a figure built from ``series`` (``value`` is the figure's mean intensity)."""
    names = {
        "electricitymaps": "Electricity Maps (API v3)",
        "watttime": "WattTime (API v3)",
        "casdk": "Green Software Foundation Carbon Aware SDK (operator's WebAPI)",
        "file": "operator-supplied intensity series",
    }
    return Provenance(
        value=value,
        unit="gCO2eq/kWh",
        year=series.points[0].start.year if series.points else None,
        basis=f"{series.signal} signal, {series.basis}, zone {series.zone}, {series.kind} "
        f"({len(series.points)} points)",
        publisher=names.get(series.provider, series.provider),
        source=series.source,
        published=series.fetched_at.date().isoformat(),
        not_for_reporting=series.signal == "marginal",
        notes="marginal signal: for time-shift decisions, never for an emissions inventory"
        if series.signal == "marginal"
        else None,
    )


@dataclass(frozen=True)
class WindowTimeResolved:
    """The time-resolved emissions of a window (None when they cannot be given), the series, and what happened."""

    emissions_g: float | None
    series: IntensitySeries | None
    notes: list[str]


SHORT_WINDOW_SECONDS: Final = 7200
"""Below two hours a window holds at most one whole hour: its energy is weighted by the window's mean intensity."""


async def window_time_resolved(
    ctx: AppContext,
    snapshot: Snapshot,
    wl: WorkloadPods,
    region: Region,
    figures: Figures,
    grid: float,
    language: Language,
) -> WindowTimeResolved | None:
    """Σ(facility energy of each hour of the window × that hour's intensity), on the Prometheus path.

    Whole UTC hours inside the window take their energy from the hourly history and their own intensity; the
    window's energy outside them (its ragged start and end) takes the mean intensity of those edges. A window
    under two hours is its energy × the window's mean intensity. None without a provider or a windowed source;
    no figure (with the reason) for a marginal signal or a gap in the provider's data.
    """
    window = snapshot.window_seconds
    source = ctx.source
    if (
        ctx.intensity is None
        or window is None
        or not isinstance(source, WindowedSource)
        or figures.window_emissions_g is None
    ):
        return None
    end = snapshot.taken_at
    start = end - timedelta(seconds=window)
    series, notes = await ask_history(ctx, region, start, end, language)
    if series is None:
        return WindowTimeResolved(None, None, notes)
    if series.signal == "marginal":
        notes.append(
            tr(
                language,
                f"{series.provider} gives a marginal signal: it prices a change in load, so the window's emissions "
                "stay on the annual factor.",
                f"{series.provider}은(는) 한계 신호를 제공합니다. 한계 신호는 부하 변화의 영향을 나타내므로 창의 배출량은 연간 "
                "배출계수로 유지합니다.",
            )
        )
        return WindowTimeResolved(None, series, notes)
    gap = tr(
        language,
        f"{series.provider} has a gap in the window, so no time-resolved window figure is given (no hour is filled "
        "from another basis).",
        f"{series.provider} 데이터에 창 안의 공백이 있어 시간대별 창 배출량을 제시하지 않습니다(어떤 시간도 다른 기준으로 "
        "채우지 않음).",
    )
    window_kwh = figures.window_emissions_g / grid if grid > 0 else 0.0  # Σ pod kWh × its node's PUE
    if window < SHORT_WINDOW_SECONDS:
        mean = series.mean_over(start, end)
        if mean is None:
            return WindowTimeResolved(None, series, [*notes, gap])
        return WindowTimeResolved(window_kwh * mean, series, notes)
    kind, name = wl.resolved.kind, wl.resolved.name
    pattern = promql.pod_name_regex([name]) if kind == "Pod" else promql.workload_pods_regex(name, kind)
    try:
        history = await source.history(
            wl.namespace, pattern, energy_zones(wl.pods), kepler_generation(snapshot), math.ceil(window / 86_400), end
        )
    except SourceError as exc:
        return WindowTimeResolved(
            None,
            series,
            [
                *notes,
                tr(language, f"The hourly energy query failed ({exc}).", f"시간별 에너지 조회에 실패했습니다({exc})."),
            ],
        )
    hours = {p.end - HOUR: p.joules for p in history.points if p.end - HOUR >= start and p.end <= end}
    by_hour = series.hourly()
    if any(hour not in by_hour for hour in hours):
        return WindowTimeResolved(None, series, [*notes, gap])
    whole = {hour: joules_to_kwh(joules) * figures.pue for hour, joules in hours.items()}
    resolved = math.fsum(kwh * by_hour[hour] for hour, kwh in whole.items())
    # The ragged start and end of the window around its whole hours (or all of it when it holds none).
    edges = [(start, min(hours)), (max(hours) + HOUR, end)] if hours else [(start, end)]
    edges = [(a, b) for a, b in edges if b > a]
    remainder = max(0.0, window_kwh - math.fsum(whole.values()))
    if edges and remainder > 0:
        seconds = math.fsum((b - a).total_seconds() for a, b in edges)
        means = [series.mean_over(a, b) for a, b in edges]
        if any(m is None for m in means):
            return WindowTimeResolved(None, series, [*notes, gap])
        edge_mean = math.fsum((b - a).total_seconds() * (m or 0.0) for (a, b), m in zip(edges, means, strict=True))
        resolved += remainder * edge_mean / seconds
    return WindowTimeResolved(resolved, series, notes)
