"""Indicative network latency between cloud regions: a physical lower bound, never a measurement.

Cloud providers publish the metro area of a region, not where its data centres are. Each region below gets
the coordinates of the city its name refers to (for regions named after a US state, the town its data-centre
cluster is commonly reported in: Ashburn for N. Virginia, Boardman for Oregon), rounded to 0.01° as listed by
GeoNames (geonames.org). An error of a few tens of kilometres changes an intercontinental estimate by well
under 1 ms.

The estimate is the great-circle distance (haversine, mean Earth radius 6371.0088 km) travelled twice at the
speed of light in optical fibre (about 200,000 km/s, refractive index ≈ 1.5): ``RTT ≥ 2 × d / 200 km/ms``.
Real round trips are longer, typically 1.5-2×, because fibre follows cables and roads, and routers and
switches add delay. Measure before deciding (e.g. from the users' networks to each region's endpoints).

Classes by distance: ``same_metro`` < 100 km, ``regional`` < 1,500 km (round trips of a few to ~15 ms),
``continental`` < 4,000 km, ``long_haul`` beyond (≥ 40 ms round trip before any routing detour).
"""

from __future__ import annotations

import math
from typing import Final

from carbon_kepler_mcp.app.explore_results import LatencyClass, LatencyEstimate
from carbon_kepler_mcp.domain.i18n import Language, tr

__all__ = ["REGION_LOCATIONS", "estimate_latency", "great_circle_km"]

EARTH_MEAN_RADIUS_KM: Final = 6371.0088
"""IUGG mean Earth radius."""

FIBRE_KM_PER_MS: Final = 200.0
"""Light in optical fibre covers about 200 km per millisecond (c / 1.5)."""

REGION_LOCATIONS: Final[dict[str, tuple[str, float, float]]] = {
    "ap-northeast-2": ("Seoul", 37.57, 126.98),
    "ap-northeast-1": ("Tokyo", 35.69, 139.69),
    "ap-northeast-3": ("Osaka", 34.69, 135.50),
    "ap-southeast-1": ("Singapore", 1.29, 103.85),
    "us-east-1": ("Ashburn, Virginia", 39.04, -77.49),
    "us-west-2": ("Boardman, Oregon", 45.84, -119.70),
    "eu-west-1": ("Dublin", 53.35, -6.26),
    "eu-central-1": ("Frankfurt am Main", 50.11, 8.68),
    "eu-north-1": ("Stockholm", 59.33, 18.07),
}
"""Region code → (reference city, latitude °N, longitude °E), GeoNames city coordinates rounded to 0.01°."""

BASIS: Final = (
    "indicative lower bound: great-circle distance between the regions' reference cities (GeoNames coordinates) "
    "at the speed of light in fibre (200 km/ms), there and back; real round trips are typically 1.5-2× longer. "
    "Not a measurement"
)
BASIS_KO: Final = (
    "참고용 하한: 두 리전 기준 도시(GeoNames 좌표) 사이의 대권 거리를 광섬유 속 빛의 속도(200 km/ms)로 왕복한 "
    "값입니다. 실제 왕복 시간은 보통 1.5~2배 깁니다. 측정값이 아닙니다"
)
CITY_KO: Final[dict[str, str]] = {
    "Seoul": "서울",
    "Tokyo": "도쿄",
    "Osaka": "오사카",
    "Singapore": "싱가포르",
    "Ashburn, Virginia": "버지니아주 애슈번",
    "Boardman, Oregon": "오리건주 보드먼",
    "Dublin": "더블린",
    "Frankfurt am Main": "프랑크푸르트암마인",
    "Stockholm": "스톡홀름",
}
"""The reference cities in Korean (standard Korean exonyms)."""


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in km between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_MEAN_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _latency_class(distance_km: float) -> LatencyClass:
    if distance_km < 100:
        return "same_metro"
    if distance_km < 1_500:
        return "regional"
    if distance_km < 4_000:
        return "continental"
    return "long_haul"


def estimate_latency(from_region: str, to_region: str, language: Language = "en") -> LatencyEstimate:
    """The indicative minimum round trip between two regions, or an ``unknown`` class without coordinates."""
    start = REGION_LOCATIONS.get(from_region)
    end = REGION_LOCATIONS.get(to_region)
    if start is None or end is None:
        missing = from_region if start is None else to_region
        return LatencyEstimate(
            distance_km=None,
            indicative_min_rtt_ms=None,
            latency_class="unknown",
            basis=tr(
                language,
                f"no reference coordinates for region {missing}: latency not estimated",
                f"{missing} 리전의 기준 좌표가 없어 지연 시간을 추정하지 않았습니다",
            ),
        )
    distance = great_circle_km(start[1], start[2], end[1], end[2])
    return LatencyEstimate(
        distance_km=round(distance, 0),
        indicative_min_rtt_ms=round(2 * distance / FIBRE_KM_PER_MS, 1),
        latency_class=_latency_class(distance),
        basis=tr(
            language,
            f"{start[0]} → {end[0]}: {BASIS}",
            f"{CITY_KO.get(start[0], start[0])} → {CITY_KO.get(end[0], end[0])}: {BASIS_KO}",
        ),
    )
