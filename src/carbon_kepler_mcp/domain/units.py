"""Unit conversions, each in exactly one place.

Names carry their units (``energy_joules``, ``power_watts``, ``intensity_g_per_kwh``); these
functions are the only places where one unit becomes another.
"""

from __future__ import annotations

JOULES_PER_KWH = 3_600_000.0
"""1 kWh = 1000 W × 3600 s."""

SECONDS_PER_HOUR = 3600.0

HOURS_PER_MONTH = 730.0
"""Average hours in a month: 8760 h / 12. Used for every "per month" figure."""

GRAMS_PER_KILOGRAM = 1000.0

LBS_PER_MWH_TO_G_PER_KWH = 0.45359237
"""1 lb = 453.59237 g and 1 MWh = 1000 kWh (WattTime reports lbs/MWh)."""


def joules_to_kwh(energy_joules: float) -> float:
    """Energy in kWh from joules (Kepler counters are joules)."""
    return energy_joules / JOULES_PER_KWH


def kwh_to_joules(energy_kwh: float) -> float:
    """Energy in joules from kWh."""
    return energy_kwh * JOULES_PER_KWH


def watts_to_kwh_per_hour(power_watts: float) -> float:
    """Energy in kWh that a constant power draws in one hour."""
    return power_watts / 1000.0


def grams_to_kilograms(mass_grams: float) -> float:
    """Mass in kg from grams."""
    return mass_grams / GRAMS_PER_KILOGRAM


def lbs_per_mwh_to_g_per_kwh(intensity_lbs_per_mwh: float) -> float:
    """Carbon intensity in gCO2eq/kWh from lbs/MWh."""
    return intensity_lbs_per_mwh * LBS_PER_MWH_TO_G_PER_KWH


def rounded(value: float, digits: int = 3) -> float:
    """A figure as results show it (3 decimals unless told)."""
    return round(value, digits)
