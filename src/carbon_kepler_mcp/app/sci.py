"""SCI per functional unit (ISO/IEC 21031:2024): (O + M) / R over the window, every input shown.

O is the window's operational emissions (``window_emissions_gCO2eq``), M the embodied emissions apportioned to the
workload over the same window where known, and R the operator's rate of work (policy file) averaged over the window
× the window's seconds (docs/methodology.md, SCI).
"""

from __future__ import annotations

from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.results import SciResult
from carbon_kepler_mcp.domain.i18n import Language, fmt, tr
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.errors import CarbonKeplerError
from carbon_kepler_mcp.sources.base import Snapshot

__all__ = ["sci_for"]


async def sci_for(
    ctx: AppContext,
    namespace: str,
    workload: str,
    snapshot: Snapshot,
    *,
    operational_g: float | None,
    embodied_g: float | None,
    language: Language,
) -> SciResult | None:
    """The SCI of a workload the policy file names a functional unit for; None when it names none."""
    unit = ctx.policy.functional_unit(namespace, workload)
    if unit is None:
        return None
    base = {"unit": unit.unit, "rate_query": unit.rate_query, "window_seconds": snapshot.window_seconds}
    rate_of = getattr(ctx.source, "functional_units_rate", None)
    window = snapshot.window_seconds
    if rate_of is None or window is None or operational_g is None:
        return SciResult.model_validate(
            base
            | {
                "sentence": tr(
                    language,
                    "SCI needs a window of energy and the rate of work from Prometheus; a direct Kepler scrape has "
                    "neither: point the server at Prometheus (PROMETHEUS_URL).",
                    "SCI에는 구간 에너지와 Prometheus의 작업량 비율이 필요하지만 Kepler 직접 수집에는 둘 다 없습니다. "
                    "Prometheus를 지정하세요(PROMETHEUS_URL).",
                ),
            }
        )
    try:
        rate, query = await rate_of(unit.rate_query, window)
    except CarbonKeplerError as exc:
        return SciResult.model_validate(
            base
            | {
                "sentence": tr(
                    language,
                    f"SCI not computed: Prometheus refused or failed the rate of work query ({exc}).",
                    f"SCI를 계산하지 않았습니다: Prometheus가 작업량 비율 쿼리를 거부했거나 실패했습니다({exc}).",
                )
            }
        )
    if rate is None or rate <= 0:
        return SciResult.model_validate(
            base
            | {
                "query": query,
                "sentence": tr(
                    language,
                    f"SCI not computed: the rate of work query returned {'nothing' if rate is None else 'no work'} "
                    f"over the window; check rate_query for {namespace}/{workload} in the policy file.",
                    f"SCI를 계산하지 않았습니다: 작업량 비율 쿼리가 구간 동안 "
                    f"{'아무 값도 돌려주지 않았습니다' if rate is None else '작업량 0을 돌려주었습니다'}. 정책 파일의 "
                    f"{namespace}/{workload} rate_query를 확인하세요.",
                ),
            }
        )
    units = rate * window
    embodied = embodied_g or 0.0
    sci = (operational_g + embodied) / units
    left_out = embodied_g is None
    return SciResult.model_validate(
        base
        | {
            "query": query,
            "functional_units": rounded(units, 3),
            "operational_gCO2eq": rounded(operational_g, 6),
            "embodied_gCO2eq": None if embodied_g is None else rounded(embodied_g, 6),
            "sci_gCO2eq_per_unit": sci,
            "sentence": tr(
                language,
                f"SCI = (O {fmt(operational_g, 3)} g + M {fmt(embodied, 3)} g) / R {fmt(units, 0)} {unit.unit} = "
                f"{sci:.6g} gCO2eq per {unit.unit} over {window} s"
                + (" (embodied emissions not included)." if left_out else "."),
                f"SCI = (O {fmt(operational_g, 3)} g + M {fmt(embodied, 3)} g) / R {fmt(units, 0)} {unit.unit} = "
                f"{window}초 동안 {unit.unit}당 {sci:.6g} gCO2eq" + (" (내재 배출량 미포함)." if left_out else "."),
            ),
        }
    )
