"""The arithmetic, as pure functions. docs/methodology.md states each formula; this is what the code does.

* Facility power = IT power × PUE (SCI, ISO/IEC 21031: E includes data-centre overhead, usually as PUE).
* Emissions rate (gCO2eq/h) = IT power (kW) × PUE × grid intensity (gCO2eq/kWh).
* Effective workload intensity (gCO2eq per kWh of IT energy) = grid intensity × PUE.
* Per month = per hour × 730 h (8760 h / 12).
* Independent reductions combine by multiplication: 1 − Π(1 − rᵢ), never by addition.
"""

from __future__ import annotations

from collections.abc import Iterable

from carbon_kepler_mcp.domain.units import HOURS_PER_MONTH, grams_to_kilograms, watts_to_kwh_per_hour


def facility_power_watts(it_power_watts: float, pue: float) -> float:
    """Facility power drawn for an IT load: IT power × PUE."""
    return it_power_watts * pue


def emissions_g_per_hour(it_power_watts: float, pue: float, intensity_g_per_kwh: float) -> float:
    """Emissions rate of a constant IT load in gCO2eq per hour: kW × PUE × g/kWh."""
    return watts_to_kwh_per_hour(it_power_watts) * pue * intensity_g_per_kwh


def effective_intensity_g_per_kwh(grid_intensity_g_per_kwh: float, pue: float) -> float:
    """gCO2eq emitted per kWh of IT energy once facility overhead is counted: grid × PUE."""
    return grid_intensity_g_per_kwh * pue


def monthly_kg(emissions_g_per_hour_value: float) -> float:
    """kgCO2eq per month (730 h) for an hourly rate in grams."""
    return grams_to_kilograms(emissions_g_per_hour_value * HOURS_PER_MONTH)


def monthly_energy_kwh(it_power_watts: float, pue: float) -> float:
    """Facility energy per month (730 h) of a constant IT load, in kWh."""
    return watts_to_kwh_per_hour(facility_power_watts(it_power_watts, pue)) * HOURS_PER_MONTH


def weighted_pue(loads: Iterable[tuple[float, float]]) -> float:
    """Power-weighted mean PUE of ``(it_power_watts, pue)`` pairs.

    This is the PUE that makes ``Σ power × PUE = (Σ power) × PUE``. With no power at all (every pod idle or
    terminated) the plain mean of the PUEs is returned; with no loads, 1.0 is invalid, so ValueError.
    """
    pairs = list(loads)
    if not pairs:
        raise ValueError("weighted_pue needs at least one load")
    total = sum(power for power, _ in pairs)
    if total <= 0:
        return sum(pue for _, pue in pairs) / len(pairs)
    return sum(power * pue for power, pue in pairs) / total


def combine_reductions(fractions: Iterable[float]) -> float:
    """Combined fractional reduction of independent measures: 1 − Π(1 − rᵢ)."""
    remaining = 1.0
    for fraction in fractions:
        remaining *= 1.0 - fraction
    return 1.0 - remaining


def reduction_fraction(before: float, after: float) -> float:
    """Fractional reduction from ``before`` to ``after`` (negative when it grows); 0 when before is 0."""
    if before == 0:
        return 0.0
    return (before - after) / before


def gap_percent(value: float, limit: float) -> float:
    """How far ``value`` is above (+) or below (−) ``limit``, in percent of the limit."""
    return (value - limit) / limit * 100.0


def percent(fraction: float) -> float:
    """A fraction as a percentage."""
    return fraction * 100.0
