"""Live and historical grid intensity for the tools: the provider chain asked for a region, its answer described
(provider, signal, basis, age) and every fallback or failure said in English and Korean.

The chain (:mod:`carbon_kepler_mcp.sources.intensity.chain`) returns one provider's series, never a splice; this
module only maps a region to the providers' zones, asks, and words what happened. When no provider is configured
or none answers, the callers keep the shipped annual factor (and, for scheduling hints, the labelled synthetic
shape) and say so.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Final

from carbon_kepler_mcp.app.common import utc_iso
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.results import IntensityProviderInfo
from carbon_kepler_mcp.domain.i18n import Language, tr
from carbon_kepler_mcp.errors import ConfigError, IntensityProviderError
from carbon_kepler_mcp.reference import Provenance, Region
from carbon_kepler_mcp.sources.intensity.base import FallbackStep, IntensitySeries
from carbon_kepler_mcp.sources.intensity.chain import ChainError, IntensityChain

__all__ = [
    "Asked",
    "ask_forecast",
    "ask_history",
    "ask_latest",
    "info",
    "provenance",
    "series_notes",
    "signal_text",
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
