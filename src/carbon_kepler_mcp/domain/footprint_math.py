"""Pure arithmetic of the whole footprint: idle power shared into workloads, embodied emissions, SCI.

* **Idle allocation** (:func:`share_residual`): what a node draws beyond its workloads' Kepler share (idle power,
  node overhead, GPU idle) split among its workloads by weights, so that the workloads of the node add up to the
  node. ``proportional`` weighs by each workload's own (active) figure, ``cpu_request`` by its CPU request.
* **Embodied emissions** (:func:`embodied_g`): the SCI's M = TE × (TiR / EL) × (RR / ToR).
* **SCI** (:func:`sci`): (O + M) / R, per functional unit.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Final, Literal, TypeVar

IdleAllocation = Literal["none", "proportional", "cpu_request"]
IDLE_ALLOCATIONS: Final[tuple[IdleAllocation, ...]] = ("none", "proportional", "cpu_request")

HOURS_PER_YEAR: Final = 8_760.0
SECONDS_PER_YEAR: Final = HOURS_PER_YEAR * 3_600.0

K = TypeVar("K", bound=Hashable)


def share_residual(residual: float, weights: Mapping[K, float]) -> dict[K, float]:
    """``residual`` split in proportion to ``weights`` (negative weights count as 0).

    Nothing to share (residual ≤ 0) or no positive weight gives every key 0: a node whose workloads already add up
    to (or above) its measured power has no idle power left to share.
    """
    positive = {key: max(0.0, weight) for key, weight in weights.items()}
    total = sum(positive.values())
    if residual <= 0 or total <= 0:
        return dict.fromkeys(weights, 0.0)
    return {key: residual * weight / total for key, weight in positive.items()}


def embodied_g(
    total_embodied_kg: float, lifetime_years: float, reserved_seconds: float, reserved_share: float
) -> float:
    """SCI M in grams: TE × (TiR / EL) × (RR / ToR), with ``reserved_share`` = RR / ToR (0 to 1).

    >>> round(embodied_g(1433.125, 4.0, 3600.0, 16 / 64), 4)  # a quarter of a 1433 kg server for one hour
    10.2249
    """
    if lifetime_years <= 0:
        raise ValueError("lifetime_years must be positive")
    share = min(1.0, max(0.0, reserved_share))
    return total_embodied_kg * 1000.0 * (reserved_seconds / (lifetime_years * SECONDS_PER_YEAR)) * share


def sci(operational_g: float, embodied_grams: float, functional_units: float) -> float:
    """SCI = (O + M) / R in gCO2eq per functional unit (ISO/IEC 21031:2024).

    Raises:
        ValueError: ``functional_units`` is not positive (an SCI over no work is undefined, never 0 or ∞).
    """
    if not functional_units > 0:
        raise ValueError("the functional unit count R must be positive")
    return (operational_g + embodied_grams) / functional_units
