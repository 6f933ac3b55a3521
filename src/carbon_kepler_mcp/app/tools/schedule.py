"""When to run a workload: the start in the next 24 h with the lowest average grid intensity over the run.

With a windowed source (Prometheus) the current window is the workload's *observed* usual start, from a
range query over the past days; without history it is now.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from carbon_kepler_mcp.app.common import (
    ProvenanceMap,
    energy_zones,
    figure_notes,
    iso,
    kepler_generation,
    snapshot_fields,
    utc_iso,
)
from carbon_kepler_mcp.app.context import AppContext, WorkloadPods
from carbon_kepler_mcp.app.intensity import ask_forecast, signal_text
from carbon_kepler_mcp.app.intensity import info as intensity_info
from carbon_kepler_mcp.app.intensity import provenance as intensity_provenance
from carbon_kepler_mcp.app.observed import next_start, observe
from carbon_kepler_mcp.app.requests import ScheduleRequest
from carbon_kepler_mcp.app.results import HourlyIntensity, ObservedSchedule, ScheduleResult, ScheduleWindow
from carbon_kepler_mcp.app.shifting import (
    SCHEDULE_HORIZON_HOURS,
    WindowSearch,
    check_duration,
    search_forecast,
    search_windows,
)
from carbon_kepler_mcp.domain import calculations as calc
from carbon_kepler_mcp.domain.i18n import Language, fmt, josa, tr
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.errors import InsufficientDataError, SourceError
from carbon_kepler_mcp.sources import promql
from carbon_kepler_mcp.sources.base import History, Snapshot, WindowedSource
from carbon_kepler_mcp.sources.intensity.base import IntensitySeries


async def run(ctx: AppContext, req: ScheduleRequest) -> ScheduleResult:
    """The start time in the next 24 h with the lowest average grid intensity over the run."""
    workload, namespace, duration_hours, region, language, window = (
        req.workload_name,
        req.namespace,
        req.duration_hours,
        req.region,
        req.language,
        req.window,
    )
    check_duration(duration_hours)
    reg = ctx.region(region)
    snapshot = await ctx.read(namespace, window)
    wl = ctx.workload_pods(snapshot, workload, namespace)
    grid = ctx.grid(reg)
    figures = ctx.figures_for(snapshot, wl.pods, reg, grid.value, wl.resolved.kind)
    now = ctx.now()
    tz = ZoneInfo(reg.timezone)
    observed, history_note = await observed_schedule(ctx, snapshot, wl, tz, now, language)
    observed_start: datetime | None = None
    if observed is not None and observed.typical_start_local is not None:
        observed_start = next_start(int(observed.typical_start_local[:2]), now, tz)
    power = figures.power_watts
    if observed is not None and observed.power_while_running_watts:
        power = observed.power_while_running_watts
    horizon_hours = SCHEDULE_HORIZON_HOURS + math.ceil(duration_hours) + 1
    forecast, intensity_notes = await ask_forecast(ctx, reg, now, horizon_hours, language)
    live: IntensitySeries | None = None
    found: WindowSearch | None = None
    if forecast is not None:
        try:
            found = search_forecast(forecast, duration_hours, now, tz, observed_start)
            live = forecast
        except InsufficientDataError as exc:
            intensity_notes.append(
                tr(
                    language,
                    f"The {forecast.provider} forecast cannot place this run ({exc}); the shipped hourly data is "
                    "used instead, which quantifies no saving.",
                    f"{forecast.provider} 예측으로는 이 실행을 배치할 수 없어({exc}) 내장된 시간대별 데이터를 대신 "
                    "사용합니다. 이 데이터로는 절감량을 정량화하지 않습니다.",
                )
            )
    if found is None:
        found = search_windows(ctx.reference, reg, grid.value, duration_hours, now, observed_start)
    current, ties, series, synthetic = found
    span = timedelta(hours=duration_hours)
    local_now = now.astimezone(tz)
    energy_kwh = power / 1000.0 * figures.pue * duration_hours
    # A marginal signal prices a change in load (the saving of a shift), never a window's total emissions.
    totals = not synthetic and (live is None or live.signal == "average")

    def window_of(start: datetime, average: float) -> ScheduleWindow:
        return ScheduleWindow(
            start=iso(start),
            end=iso(_after(start, span, tz)),
            average_grid_intensity_gCO2eq_kWh=rounded(average),
            emissions_gCO2eq=rounded(energy_kwh * average) if totals else None,
        )

    current_w = window_of(observed_start or local_now, current)
    best_at, best = ties[0]
    best_w = window_of(best_at, best)
    fraction = calc.reduction_fraction(current, best)
    by_value = sorted(series[:24], key=lambda item: item[1])
    profile = ctx.reference.profile(reg.code)
    notes = figure_notes(snapshot, figures, window, language)
    if history_note:
        notes.append(history_note)
    notes.extend(intensity_notes)
    saving = None if synthetic else max(0.0, energy_kwh * (current - best))
    if live is not None and saving is not None:
        notes.append(
            tr(
                language,
                f"Quantified from the {live.provider} forecast ({live.signal} signal): starting at {best_w.start} "
                f"instead saves {fmt(saving)} gCO2eq per run ({fmt(energy_kwh, 3)} kWh × "
                f"{fmt(current - best)} gCO2eq/kWh)."
                + (
                    " A marginal signal measures the emissions a shift avoids; it is not added to the annual-factor "
                    "emissions of any report."
                    if live.signal == "marginal"
                    else ""
                ),
                f"{live.provider} 예측({signal_text(language, live.signal)} 신호)으로 정량화했습니다: {best_w.start}에 "
                f"시작하면 실행 1회당 {fmt(saving)} gCO2eq를 줄입니다({fmt(energy_kwh, 3)} kWh × "
                f"{fmt(current - best)} gCO2eq/kWh)."
                + (
                    " 한계 신호는 시간 이동으로 피하는 배출량을 나타내며, 어떤 보고서의 연간 배출계수 기반 배출량에도 "
                    "더하지 않습니다."
                    if live.signal == "marginal"
                    else ""
                ),
            )
        )
    if live is None and profile is None:
        notes.append(
            tr(
                language,
                f"No hourly intensity data for {reg.code}: every hour equals the annual average, so no window is "
                "cleaner than now.",
                f"{reg.code}의 시간대별 탄소 집약도 데이터가 없어 모든 시간이 연평균과 같으므로 지금보다 나은 시간대가 없습니다.",
            )
        )
    reason: str | None = None
    if synthetic:
        reason = tr(
            language,
            f"The only hourly data for {reg.code} is a synthetic shape (a merit-order model, not measured): it "
            "points to a window as a hint, but no saving, percentage or gram figure rests on it. Configure measured "
            "or forecast hourly intensity (an Electricity Maps or WattTime provider) to quantify a shift.",
            f"{reg.code}의 시간대별 데이터는 합성 형태(메리트 오더 모델, 실측 아님)뿐입니다. 참고용으로 시간대를 가리키지만 "
            "절감량, 비율, 배출량은 이 데이터로 계산하지 않습니다. 시간 이동을 정량화하려면 실측 또는 예측 시간대별 "
            "탄소 집약도(Electricity Maps 또는 WattTime 공급자)를 설정하세요.",
        )
        text = tr(
            language,
            f"A hint from a synthetic hourly shape: it points to {best_w.start} for a {duration_hours:g} h run. "
            "No saving is claimed until measured or forecast hourly intensity is configured.",
            f"합성 시간대별 프로파일에 따른 참고 사항: {duration_hours:g}시간 실행에 {josa(best_w.start, '를')} 가리킵니다. 실측 또는 "
            "예측 시간대별 탄소 집약도를 설정하기 전에는 절감량을 제시하지 않습니다.",
        )
    elif observed_start is not None:
        runs = observed.runs_observed if observed else 0
        text = _observed_text(language, observed_start, runs, best_w.start, current, best, fraction, duration_hours)
    else:
        text = _now_text(language, best_at == local_now, best_w.start, current, best, fraction, duration_hours)
    provenance: ProvenanceMap = {"grid_carbon_intensity": grid.provenance, "pue": figures.pue_provenance}
    if live is not None:
        provenance["forecast_intensity"] = intensity_provenance(live, rounded(best))
    elif profile is not None:
        provenance["hourly_profile"] = profile.provenance
    return ScheduleResult(
        workload=wl.resolved.name,
        namespace=wl.namespace,
        region=reg.code,
        timezone=reg.timezone,
        duration_hours=duration_hours,
        current_window_start=current_w.start,
        current_window_end=current_w.end,
        optimal_window_start=best_w.start,
        optimal_window_end=best_w.end,
        current_schedule=readable_window(observed_start or local_now, span, tz),
        optimal_schedule=readable_window(best_at, span, tz),
        current_carbon_intensity=rounded(current),
        optimal_carbon_intensity=rounded(best),
        current_grid_intensity_gCO2eq_kWh=rounded(current),
        optimal_grid_intensity_gCO2eq_kWh=rounded(best),
        reduction_percent=None if synthetic else rounded(calc.percent(fraction), 2),
        quantified=not synthetic,
        not_quantified_reason=reason,
        recommendation=text,
        current_window=current_w,
        optimal_window=best_w,
        tied_optimal_windows=[window_of(start, value) for start, value in ties],
        cleanest_hours=[start.strftime("%H:00") for start, _ in by_value[:3]],
        dirtiest_hours=[start.strftime("%H:00") for start, _ in reversed(by_value[-3:])],
        power_watts=rounded(power),
        pue=rounded(figures.pue, 4),
        intensity_series=[HourlyIntensity(start=iso(s), grid_intensity_gCO2eq_kWh=rounded(v)) for s, v in series],
        method=tr(
            language,
            "Carbon Aware SDK semantics: time-weighted rolling average over the run length, windows fully "
            "covered by data, all tied minima; candidates start now or on each full hour of the next 24 h",
            "Carbon Aware SDK 방식: 실행 길이에 대한 시간 가중 이동 평균, 데이터로 완전히 덮인 구간만, 동률 최솟값 모두; "
            "후보는 지금 또는 향후 24시간의 매 정시",
        )
        if live is None
        else tr(
            language,
            f"Carbon Aware SDK semantics over the {live.provider} forecast: time-weighted rolling average over the "
            "run length, starting now and advancing by the forecast's own resolution, windows fully covered by the "
            "forecast, all tied minima; candidates start within the next 24 h",
            f"{live.provider} 예측에 Carbon Aware SDK 방식 적용: 실행 길이에 대한 시간 가중 이동 평균, 지금부터 예측 자체의 "
            "시간 간격만큼 이동, 예측으로 완전히 덮인 구간만, 동률 최솟값 모두; 후보는 향후 24시간 안에 시작",
        ),
        language=language,
        timestamp=utc_iso(now),
        provenance=provenance,
        notes=notes,
        current_window_basis="observed" if observed_start is not None else "now",
        intensity_provider=None if live is None else intensity_info(live, now, language),
        shift_saving_gCO2eq=None if saving is None else rounded(saving),
        shift_saving_signal=None if saving is None else (live.signal if live is not None else "average"),
        observed_schedule=observed,
        **snapshot_fields(ctx, snapshot, wl.pods, wl.namespace, language),
    )


def _observed_text(
    language: Language,
    observed_start: datetime,
    runs: int,
    best_start: str,
    current: float,
    best: float,
    fraction: float,
    duration_hours: float,
) -> str:
    """The recommendation against the workload's observed usual start."""
    usual = observed_start.strftime("%H:%M %Z")
    if round(best, 9) >= round(current, 9):
        return tr(
            language,
            f"Keep its usual start ({usual}, observed on {runs} runs): no "
            f"window in the next {SCHEDULE_HORIZON_HOURS} h has a lower average intensity for a "
            f"{duration_hours:g} h run.",
            f"관측된 평소 시작 시각({usual}, {runs}회)을 유지하세요: 향후 "
            f"{SCHEDULE_HORIZON_HOURS}시간 안에 {duration_hours:g}시간 실행의 평균 탄소 집약도가 더 낮은 시간대가 없습니다.",
        )
    return tr(
        language,
        f"Start at {best_start} instead of its usual {usual} (observed): the average intensity drops "
        f"from {fmt(current)} to {fmt(best)} gCO2eq/kWh (−{fmt(calc.percent(fraction))}%).",
        f"관측된 평소 시작 {usual} 대신 {best_start}에 시작하세요: 평균 탄소 집약도가 {fmt(current)}에서 "
        f"{fmt(best)} gCO2eq/kWh로 낮아집니다 (−{fmt(calc.percent(fraction))}%).",
    )


def _now_text(
    language: Language,
    now_is_best: bool,
    best_start: str,
    current: float,
    best: float,
    fraction: float,
    duration_hours: float,
) -> str:
    """The recommendation against starting now."""
    if now_is_best:
        return tr(
            language,
            f"Run now: no window in the next {SCHEDULE_HORIZON_HOURS} h has a lower average intensity for a "
            f"{duration_hours:g} h run.",
            f"지금 실행하세요: 향후 {SCHEDULE_HORIZON_HOURS}시간 안에 {duration_hours:g}시간 실행의 평균 탄소 집약도가 더 낮은 "
            "시간대가 없습니다.",
        )
    return tr(
        language,
        f"Start at {best_start} instead of now: the average intensity drops from {fmt(current)} to "
        f"{fmt(best)} gCO2eq/kWh (−{fmt(calc.percent(fraction))}%).",
        f"지금 대신 {best_start}에 시작하세요: 평균 탄소 집약도가 {fmt(current)}에서 {fmt(best)} gCO2eq/kWh로 "
        f"낮아집니다 (−{fmt(calc.percent(fraction))}%).",
    )


async def observed_schedule(
    ctx: AppContext, snapshot: Snapshot, wl: WorkloadPods, tz: ZoneInfo, now: datetime, language: Language
) -> tuple[ObservedSchedule | None, str | None]:
    """When the workload drew energy over the past days (windowed sources), and a note when unknown."""
    source = ctx.source
    if not snapshot.windowed or not isinstance(source, WindowedSource) or not wl.pods:
        return None, None
    if wl.resolved.kind == "Pod":
        pattern = promql.pod_name_regex([wl.resolved.name])
    else:
        pattern = promql.workload_pods_regex(wl.resolved.name, wl.resolved.kind)
    days = ctx.config.history_days
    try:
        history: History = await source.history(
            wl.namespace, pattern, energy_zones(wl.pods), kepler_generation(snapshot), days, snapshot.taken_at
        )
    except SourceError as exc:
        return None, tr(
            language,
            f"The observed schedule is unknown: the history query failed ({exc}); the current window is now.",
            f"관측 일정을 알 수 없습니다: 이력 조회 실패 ({exc}); 현재 창은 지금입니다.",
        )
    observed = observe(history.points, tz, days, history.query)
    if observed is None:
        return None, tr(
            language,
            f"Prometheus shows no energy for this workload in the past {days} days, so the current window is now.",
            f"Prometheus에 최근 {days}일간 이 워크로드의 에너지가 없어 현재 창은 지금입니다.",
        )
    if observed.typical_start_local is None:
        return observed, tr(
            language,
            f"The workload ran without a break over the past {days} days: there is no start time to move.",
            f"최근 {days}일 동안 쉬지 않고 실행되어 옮길 시작 시각이 없습니다.",
        )
    return observed, None


def readable_window(start: datetime, span: timedelta, tz: ZoneInfo) -> str:
    """``2026-12-04 10:00 KST - 14:00 KST`` in the region's local time (the end's date when it differs)."""
    local_start, local_end = start.astimezone(tz), _after(start, span, tz)
    end_format = "%H:%M %Z" if local_end.date() == local_start.date() else "%Y-%m-%d %H:%M %Z"
    return f"{local_start.strftime('%Y-%m-%d %H:%M %Z')} - {local_end.strftime(end_format)}"


def _after(start: datetime, span: timedelta, tz: ZoneInfo) -> datetime:
    """``start + span`` in absolute time, shown in ``tz``: aware datetimes add wall-clock time, so across a
    daylight-saving change a 4 h window would otherwise last 3 or 5 real hours."""
    return (start.astimezone(UTC) + span).astimezone(tz)
