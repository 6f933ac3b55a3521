"""Versioned, cited reference data: cloud regions, comparison standards and hourly profiles.

The data ships inside the package as three TOML files in ``carbon_kepler_mcp/data``:

``regions.toml``
    ``[meta]`` (version, date, the generic on-premises PUE), ``[korea_factors]`` (the official Korean
    grid factors and third-party cross-checks) and one ``[regions.<code>]`` table per cloud region.
``standards.toml``
    ``[meta]`` and one ``[standards.<CODE>]`` table per comparison standard.
``profiles.toml``
    ``[meta]`` and one ``[profiles.<region code>]`` table per hourly intensity profile.

Every number carries a :class:`Provenance`: value, unit, data year, basis, publisher and source.

**Operator overrides.** :func:`load_reference_data` takes an optional directory (for example a
mounted ConfigMap). Each of ``regions.toml``, ``standards.toml`` and ``profiles.toml`` found there
*replaces* the shipped file of the same name as a whole; files are never merged, so an override
file must be complete (copy the shipped file and edit it). Files of other names are ignored.
Any problem (missing directory, unreadable file, TOML syntax error, invalid field) raises
:class:`~carbon_kepler_mcp.errors.DataError` naming the file and the failing field.

The shipped data is parsed once and cached; every model is frozen, so sharing it is safe.
"""

from __future__ import annotations

import difflib
import functools
import math
import tomllib
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Final, Literal, Self, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from carbon_kepler_mcp.errors import DataError, InvalidArgumentError, UnknownRegionError, UnknownStandardError

__all__ = [
    "DATA_FILES",
    "EmissionScope",
    "GridMix",
    "HourlyProfile",
    "KoreaFactors",
    "LegalStatus",
    "ProfileProvenance",
    "Provenance",
    "PueScoring",
    "ReferenceData",
    "Region",
    "Site",
    "Standard",
    "StandardCategory",
    "StandardGroup",
    "StandardKind",
    "StandardMetric",
    "load_reference_data",
]

REGIONS_FILE: Final = "regions.toml"
STANDARDS_FILE: Final = "standards.toml"
PROFILES_FILE: Final = "profiles.toml"
DATA_FILES: Final = (REGIONS_FILE, STANDARDS_FILE, PROFILES_FILE)
"""The file names an override directory may hold; each replaces the shipped file of that name."""
SITES_FILE: Final = "sites.toml"
"""The operator's own sites (name, grid zone, PUE), *added* to the regions; there is no shipped file."""
ON_PREM: Final = "onprem"
"""The provider of on-premises sites: a place to report, never a destination a move is proposed to."""

HOURS_PER_DAY: Final = 24
PROFILE_MEAN_TOLERANCE: Final = 0.05
"""How far the mean of a profile row may be from 1.0 (the rows are multipliers of the daily mean)."""

_MAX_REPORTED_ERRORS: Final = 10
_T = TypeVar("_T")

NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
PartialIsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
DataYear = Annotated[int, Field(ge=1900, le=2100)]

StandardKind = Literal["carbon_intensity", "pue", "not_assessable", "informational"]
LegalStatus = Literal["statutory", "statutory_reporting", "voluntary", "target", "benchmark", "design_standard"]
StandardMetric = Literal["effective_intensity_g_per_kwh", "pue"]
StandardGroup = Literal["korea", "global"]
StandardCategory = Literal[
    "statute",
    "reporting_duty",
    "certification_scoring",
    "voluntary_pact",
    "roadmap",
    "design_standard",
    "product_benchmark",
    "operator_target",
    "operator_budget",
]
"""What kind of thing a standard is; its verdict sentence says so (docs/methodology.md §6.3)."""
EmissionScope = Literal["direct", "lifecycle"]
"""A grid factor's scope: combustion only (national inventories) or with upstream emissions (Electricity Maps)."""

_METRIC_FOR_KIND: Final[Mapping[str, str]] = {"carbon_intensity": "effective_intensity_g_per_kwh", "pue": "pue"}
_INTENSITY_UNIT_PREFIX: Final = "gCO2"
_PUE_UNIT: Final = "ratio"


def _frozen() -> ConfigDict:
    return ConfigDict(frozen=True, extra="forbid")


def _check_intensity(field: str, provenance: Provenance) -> None:
    if not provenance.unit.startswith(_INTENSITY_UNIT_PREFIX):
        raise ValueError(
            f"{field} must be a carbon intensity in gCO2eq/kWh (or gCO2/kWh), got unit {provenance.unit!r}"
        )


def _check_pue(field: str, provenance: Provenance) -> None:
    if provenance.unit != _PUE_UNIT:
        raise ValueError(f"{field} is a PUE and must have unit {_PUE_UNIT!r}, got {provenance.unit!r}")
    if provenance.value < 1.0:
        raise ValueError(
            f"{field} is a PUE and must be >= 1.0 (total facility energy / IT energy), got {provenance.value}"
        )


class Provenance(BaseModel):
    """One cited number: the value and everything needed to say where it comes from."""

    model_config = _frozen()

    value: float
    """The number itself, in :attr:`unit`. Finite and non-negative."""
    unit: NonEmptyStr
    """``"gCO2eq/kWh"``, ``"ratio"``, ``"%"`` ..."""
    year: DataYear | None = None
    """The data year the value describes (None for multi-year averages; the basis then names the period)."""
    basis: NonEmptyStr
    """What the value measures, e.g. "national, consumption-side, direct CO2+CH4+N2O, annual average"."""
    publisher: NonEmptyStr
    source: NonEmptyStr
    """URL(s) or document references."""
    published: PartialIsoDate | None = None
    """Publication date, ISO ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, if known."""
    license: str | None = None
    notes: str | None = None
    synthetic: bool = False
    """True for modelled, not measured or officially published, values."""
    not_for_reporting: bool = False
    """True when the value must never enter a compliance or disclosure total."""
    emission_scope: EmissionScope | None = None
    """Grid factors and intensity limits: direct or lifecycle. A limit is only compared with a factor of its scope."""

    @field_validator("value")
    @classmethod
    def _finite_non_negative(cls, value: float) -> float:
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"value must be a finite number >= 0, got {value}")
        return value


class ProfileProvenance(BaseModel):
    """Provenance header of an hourly profile: :class:`Provenance` without a single value."""

    model_config = _frozen()

    unit: NonEmptyStr
    year: DataYear | None = None
    basis: NonEmptyStr
    publisher: NonEmptyStr
    source: NonEmptyStr
    published: PartialIsoDate | None = None
    license: str | None = None
    notes: str | None = None
    synthetic: bool = False
    not_for_reporting: bool = False


class GridMix(BaseModel):
    """Generation shares of a national grid for one year, with their provenance."""

    model_config = _frozen()

    year: DataYear
    total_twh: Annotated[float, Field(gt=0)] | None = None
    """Total generation the shares refer to, in TWh."""
    shares_percent: dict[str, float]
    """Share of generation per source, in percent; may sum to less than 100 (minor sources omitted)."""
    basis: NonEmptyStr
    publisher: NonEmptyStr
    source: NonEmptyStr
    published: PartialIsoDate | None = None
    notes: str | None = None

    @field_validator("shares_percent")
    @classmethod
    def _shares_are_percentages(cls, shares: dict[str, float]) -> dict[str, float]:
        if not shares:
            raise ValueError("shares_percent must name at least one source")
        for source, share in shares.items():
            if not math.isfinite(share) or not 0 <= share <= 100:
                raise ValueError(f"share of {source!r} must be between 0 and 100 percent, got {share}")
        total = sum(shares.values())
        if total > 100.5:
            raise ValueError(f"shares_percent sum to {total:.1f}%, more than 100%")
        return shares


class Region(BaseModel):
    """A cloud region: its grid intensities (comparison and compliance basis), PUE default and context."""

    model_config = _frozen()

    code: NonEmptyStr
    """The region code, e.g. ``ap-northeast-2``; filled from the table key when the file omits it."""
    name: NonEmptyStr
    name_ko: NonEmptyStr
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    """ISO 3166-1 alpha-2."""
    provider: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$")]
    timezone: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$")]
    """IANA time-zone name, e.g. ``Asia/Seoul``."""
    em_zone: NonEmptyStr
    """Electricity Maps zone key."""
    zones: dict[str, NonEmptyStr] = Field(default_factory=dict[str, str])
    """Zones of other intensity providers (``watttime``, ``casdk``, ``file``; ``electricitymaps`` overrides
    ``em_zone``), e.g. ``{ watttime = "CAISO_NORTH" }``."""
    comparison_intensity: Provenance
    """The one consistent basis used to compare regions with each other (Electricity Maps yearly lifecycle)."""
    compliance_intensity: Provenance
    """The figure for compliance outputs: the official national factor where one is shipped."""
    alternatives: tuple[Provenance, ...] = ()
    """Other published figures for the same region, for showing a range."""
    default_pue: Provenance
    """Fallback PUE when the operator supplies none."""
    grid_mix: GridMix | None = None
    data_residency: NonEmptyStr
    """What to check before moving workloads *out of* this region's country (English)."""
    data_residency_ko: NonEmptyStr
    operator_site: bool = False
    """True for a site from the operator's ``sites.toml``: its ``default_pue`` is the operator's own figure."""

    @model_validator(mode="after")
    def _check_units(self) -> Self:
        _check_intensity("comparison_intensity", self.comparison_intensity)
        _check_intensity("compliance_intensity", self.compliance_intensity)
        for index, alternative in enumerate(self.alternatives):
            _check_intensity(f"alternatives[{index}]", alternative)
        _check_pue("default_pue", self.default_pue)
        return self


class PueScoring(BaseModel):
    """Published PUE points of a certification: ``bands`` as (highest PUE, points), best band first."""

    model_config = _frozen()

    bands: tuple[tuple[float, float], ...] = Field(min_length=1)
    max_pue_points: float = Field(gt=0)
    total_points: float = Field(gt=0)
    pass_mark: float = Field(gt=0)
    rules: NonEmptyStr
    """Which rules the bands are (e.g. "2012 Green Data Center certification rules")."""
    rules_ko: NonEmptyStr

    @model_validator(mode="after")
    def _check_bands(self) -> Self:
        limits = [pue for pue, _ in self.bands]
        if limits != sorted(limits) or len(set(limits)) != len(limits):
            raise ValueError("scoring bands must be listed best (lowest PUE) first, each PUE once")
        return self

    def points(self, pue: float) -> float | None:
        """The PUE points a facility earns, or None when its PUE is above the published scale."""
        for highest, points in self.bands:
            if pue <= highest + 1e-9:
                return points
        return None


class Standard(BaseModel):
    """A standard, law or target a workload can be compared against, with an honest legal status.

    For kinds ``carbon_intensity`` and ``pue`` a workload complies when ``metric <= limit.value``;
    kinds ``not_assessable`` and ``informational`` have no metric and no limit.
    """

    model_config = _frozen()

    code: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]*$")]
    name: NonEmptyStr
    name_ko: NonEmptyStr
    jurisdiction: Annotated[str, StringConstraints(pattern=r"^([A-Z]{2}|international)$")]
    """ISO 3166-1 alpha-2 code, ``EU`` or ``international``."""
    group: StandardGroup
    """``korea`` for jurisdiction KR, ``global`` otherwise."""
    kind: StandardKind
    legal_status: LegalStatus
    legal_status_note: NonEmptyStr
    legal_status_note_ko: NonEmptyStr
    description: NonEmptyStr
    description_ko: NonEmptyStr
    metric: StandardMetric | None = None
    limit: Provenance | None = None
    effective_from: date | None = None
    effective_until: date | None = None
    """Last day the standard applies (None: still in force)."""
    category: StandardCategory
    applies_in: tuple[Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")], ...] = ()
    """ISO 3166-1 countries whose sites it applies to; empty = anywhere (benchmarks, the operator's own)."""
    scoring: PueScoring | None = None
    """Certification scoring: the published points per PUE band (category certification_scoring)."""
    applies_to: NonEmptyStr
    sources: tuple[NonEmptyStr, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_kind_rules(self) -> Self:
        expected_group = "korea" if self.jurisdiction == "KR" else "global"
        if self.group != expected_group:
            raise ValueError(f"group must be {expected_group!r} for jurisdiction {self.jurisdiction!r}")
        if (self.category == "certification_scoring") != (self.scoring is not None) and self.kind == "pue":
            raise ValueError("a PUE standard has [scoring] bands exactly when its category is certification_scoring")
        if self.effective_from and self.effective_until and self.effective_until < self.effective_from:
            raise ValueError("effective_until is before effective_from")
        expected_metric = _METRIC_FOR_KIND.get(self.kind)
        if expected_metric is None:
            if self.metric is not None or self.limit is not None:
                raise ValueError(f"a standard of kind {self.kind!r} has no metric and no limit; remove them")
            return self
        if self.metric != expected_metric:
            raise ValueError(f"a standard of kind {self.kind!r} needs metric = {expected_metric!r}")
        if self.limit is None:
            raise ValueError(f"a standard of kind {self.kind!r} needs a limit")
        if self.limit.value <= 0:
            raise ValueError(f"limit.value must be > 0, got {self.limit.value}")
        if self.kind == "pue":
            _check_pue("limit", self.limit)
        else:
            _check_intensity("limit", self.limit)
        return self


class HourlyProfile(BaseModel):
    """Hourly multipliers of the daily-mean grid intensity, per season, in the region's local time.

    ``seasons[name][h]`` is the multiplier for local hour ``h`` (0-23). ``season_months`` maps a season
    to its months (1-12); months not listed use the ``annual`` row.
    """

    model_config = _frozen()

    region: NonEmptyStr
    provenance: ProfileProvenance
    seasons: dict[str, tuple[float, ...]]
    season_months: dict[str, tuple[int, ...]] = Field(default_factory=dict[str, tuple[int, ...]])

    @field_validator("seasons")
    @classmethod
    def _check_rows(cls, seasons: dict[str, tuple[float, ...]]) -> dict[str, tuple[float, ...]]:
        if not seasons:
            raise ValueError("seasons must hold at least one row (e.g. 'annual')")
        for season, row in seasons.items():
            if len(row) != HOURS_PER_DAY:
                raise ValueError(f"season {season!r} has {len(row)} values; it needs exactly {HOURS_PER_DAY}")
            bad = [value for value in row if not math.isfinite(value) or value <= 0]
            if bad:
                raise ValueError(f"season {season!r}: multipliers must be > 0, got {bad}")
            mean = sum(row) / len(row)
            if abs(mean - 1.0) > PROFILE_MEAN_TOLERANCE:
                raise ValueError(
                    f"season {season!r}: multipliers are relative to the daily mean, so they must average 1.0 "
                    f"(± {PROFILE_MEAN_TOLERANCE}); they average {mean:.3f}"
                )
        return seasons

    @model_validator(mode="after")
    def _check_season_months(self) -> Self:
        seen: dict[int, str] = {}
        for season, months in self.season_months.items():
            if season not in self.seasons:
                raise ValueError(f"season_months names season {season!r}, which has no row in seasons")
            for month in months:
                if not 1 <= month <= 12:
                    raise ValueError(f"season {season!r}: month {month} is not in 1-12")
                if month in seen:
                    raise ValueError(f"month {month} is in both {seen[month]!r} and {season!r}")
                seen[month] = season
        if len(seen) < 12 and "annual" not in self.seasons:
            raise ValueError("season_months does not cover all 12 months, so seasons needs an 'annual' row")
        return self

    def season_for(self, month: int) -> str:
        """The season whose row applies to ``month`` (1-12): its listed season, otherwise ``annual``."""
        if not 1 <= month <= 12:
            raise InvalidArgumentError(f"month must be 1-12, got {month}")
        for season, months in self.season_months.items():
            if month in months:
                return season
        return "annual"

    def multipliers_for(self, month: int) -> tuple[float, ...]:
        """The 24 hourly multipliers (local hour 0-23) that apply in ``month`` (1-12)."""
        return self.seasons[self.season_for(month)]


class KoreaFactors(BaseModel):
    """Korea's official grid emission factors and third-party figures kept for cross-checks."""

    model_config = _frozen()

    default: Provenance
    """The current official factor: use for Scope 2 location-based, SCI (annual) and ESG figures."""
    k_ets_allocation: Provenance
    """The factor used at K-ETS allocation; use only to reproduce K-ETS figures."""
    legacy: Provenance
    """The long-running earlier official factor."""
    third_party: tuple[Provenance, ...] = ()
    """Non-official figures, for cross-checks only."""

    @model_validator(mode="after")
    def _check_units(self) -> Self:
        _check_intensity("default", self.default)
        _check_intensity("k_ets_allocation", self.k_ets_allocation)
        _check_intensity("legacy", self.legacy)
        for index, factor in enumerate(self.third_party):
            _check_intensity(f"third_party[{index}]", factor)
        return self


class ReferenceData(BaseModel):
    """Everything the reference files hold, validated and cross-checked."""

    model_config = _frozen()

    version: NonEmptyStr
    """Data version, from ``regions.toml`` ``[meta] version``."""
    regions: dict[str, Region]
    standards: dict[str, Standard]
    profiles: dict[str, HourlyProfile]
    korea_factors: KoreaFactors
    generic_on_prem_pue: Provenance
    """PUE for an on-premises site when the operator supplies none (industry survey average)."""
    file_versions: dict[str, str] = Field(default_factory=dict[str, str])
    """``[meta] version`` of each data file, keyed by file name."""
    overridden_files: tuple[str, ...] = ()
    """Names of the files that came from the operator's override directory instead of the package."""

    def cleanest_region(self) -> Region:
        """The cloud region with the lowest comparison-basis intensity: the one destination every lever proposes
        (on-premises sites are places to report, not destinations)."""
        return min(self.cloud_regions(), key=lambda r: (r.comparison_intensity.value, r.code))

    def cloud_regions(self) -> list[Region]:
        """Every region but the on-premises sites: the default destinations of a comparison."""
        return [r for r in self.regions.values() if r.provider != ON_PREM]

    def region(self, code: str) -> Region:
        """The region with ``code`` (case-insensitive); :class:`UnknownRegionError` if there is none."""
        key = code.strip().lower()
        found = self.regions.get(key)
        if found is None:
            raise UnknownRegionError(
                _unknown_message("region", code, self.regions),
                suggestions=_near(key, self.regions),
                ko=_unknown_message_ko("리전", code, self.regions, _near(key, self.regions)),
            )
        return found

    def standard(self, code: str) -> Standard:
        """The standard with ``code`` (case-insensitive); :class:`UnknownStandardError` if there is none."""
        key = code.strip().upper()
        found = self.standards.get(key)
        if found is None:
            raise UnknownStandardError(
                _unknown_message("standard", code, self.standards),
                suggestions=_near(key, self.standards),
                ko=_unknown_message_ko("기준", code, self.standards, _near(key, self.standards)),
            )
        return found

    def profile(self, region_code: str) -> HourlyProfile | None:
        """The hourly profile of a known region, or None when it has none.

        With no profile, callers treat every hour as the annual average and say so. An unknown region
        code raises :class:`UnknownRegionError`.
        """
        return self.profiles.get(self.region(region_code).code)


def _near(key: str, known: Mapping[str, object]) -> list[str]:
    return difflib.get_close_matches(key, list(known), n=3, cutoff=0.6)


def _unknown_message(what: str, code: str, known: Mapping[str, object]) -> str:
    message = f"Unknown {what} {code!r}. Known {what}s: {', '.join(known)}."
    near = _near(code.strip().lower() if what == "region" else code.strip().upper(), known)
    if near:
        message += f" Did you mean {' or '.join(near)}?"
    return message


class Site(BaseModel):
    """An operator's own site in ``sites.toml``: a name, the grid zone it draws from, and its PUE.

    It becomes a region (provider ``onprem``) with the intensities, country, time zone and data-residency text
    of the shipped region in the same grid zone (an ``onprem-*`` one first).
    """

    model_config = _frozen()

    name: NonEmptyStr
    name_ko: NonEmptyStr | None = None
    zone: NonEmptyStr
    """The Electricity Maps zone of the site's grid, e.g. ``KR`` or ``JP-TK``."""
    pue: Annotated[float, Field(ge=1.0, le=5.0)]
    pue_basis: NonEmptyStr = "the operator's PUE for this site"
    """How the PUE was obtained, e.g. ``measured, 2025 annual average``."""
    zones: dict[str, NonEmptyStr] = Field(default_factory=dict[str, str])
    """Intensity-provider zones of this site (``{ watttime = "…", file = "…" }``), over the shipped region's."""


class _SitesFile(BaseModel):
    model_config = _frozen()

    sites: dict[str, Site] = Field(min_length=1)


def _site_regions(sites: _SitesFile, regions: Mapping[str, Region], path: Path) -> dict[str, Region]:
    """The operator's sites as regions, built on the shipped region of the same grid zone."""
    built: dict[str, Region] = {}
    hint = f"Fix {path} (one [sites.<code>] table per site: name, zone, pue)."
    for code, site in sites.sites.items():
        if code != code.lower() or not 2 <= len(code) <= 32 or not all(c.isalnum() or c == "-" for c in code):
            raise DataError(f"{path}: site code {code!r} must be 2-32 lower-case letters, digits or '-'. {hint}")
        if code in regions:
            raise DataError(f"{path}: site code {code!r} is already a region; choose another code. {hint}")
        same_zone = sorted(
            (r for r in regions.values() if r.em_zone == site.zone), key=lambda r: (r.provider != ON_PREM, r.code)
        )
        if not same_zone:
            zones = sorted({r.em_zone for r in regions.values()})
            raise DataError(
                f"{path}: site {code!r} names grid zone {site.zone!r}; known zones: {', '.join(zones)}. {hint}"
            )
        base = same_zone[0]
        pue = Provenance(
            value=site.pue,
            unit=_PUE_UNIT,
            basis=site.pue_basis,
            publisher="operator data file sites.toml",
            source=str(path),
        )
        built[code] = base.model_copy(
            update={
                "code": code,
                "name": site.name,
                "name_ko": site.name_ko or site.name,
                "provider": ON_PREM,
                "default_pue": pue,
                "operator_site": True,
                "zones": {**base.zones, **site.zones},
            }
        )
    return built


def _unknown_message_ko(what: str, code: str, known: Mapping[str, object], near: Sequence[str]) -> str:
    message = f"알 수 없는 {what} {code!r}입니다. 사용할 수 있는 {what}: {', '.join(known)}."
    if near:
        message += f" 혹시 {' 또는 '.join(near)}을(를) 찾으셨나요?"
    return message


# --- file schemas ---------------------------------------------------------------------------------


class _FileMeta(BaseModel):
    model_config = _frozen()

    version: NonEmptyStr
    updated: date
    description: NonEmptyStr


class _RegionsMeta(_FileMeta):
    generic_on_prem_pue: Provenance

    @model_validator(mode="after")
    def _check_pue_unit(self) -> Self:
        _check_pue("generic_on_prem_pue", self.generic_on_prem_pue)
        return self


class _RegionsFile(BaseModel):
    model_config = _frozen()

    meta: _RegionsMeta
    korea_factors: KoreaFactors
    regions: dict[str, Region] = Field(min_length=1)

    @field_validator("regions", mode="before")
    @classmethod
    def _fill_codes(cls, raw: object) -> object:
        tables = _as_table(raw)
        if tables is None:
            return raw
        filled: dict[str, object] = {}
        for key, value in tables.items():
            entry = _as_table(value)
            filled[key] = value if entry is None else {"code": key, **entry}
        return filled

    @field_validator("regions")
    @classmethod
    def _keys_match_codes(cls, regions: dict[str, Region]) -> dict[str, Region]:
        _check_keys(regions, lambda region: region.code, "code", lowercase=True)
        return regions


class _StandardsFile(BaseModel):
    model_config = _frozen()

    meta: _FileMeta
    standards: dict[str, Standard] = Field(min_length=1)

    @field_validator("standards")
    @classmethod
    def _keys_match_codes(cls, standards: dict[str, Standard]) -> dict[str, Standard]:
        _check_keys(standards, lambda standard: standard.code, "code", lowercase=False)
        return standards


class _ProfilesFile(BaseModel):
    model_config = _frozen()

    meta: _FileMeta
    profiles: dict[str, HourlyProfile] = Field(default_factory=dict[str, HourlyProfile])

    @field_validator("profiles")
    @classmethod
    def _keys_match_regions(cls, profiles: dict[str, HourlyProfile]) -> dict[str, HourlyProfile]:
        _check_keys(profiles, lambda profile: profile.region, "region", lowercase=True)
        return profiles


def _as_table(raw: object) -> dict[str, object] | None:
    """``raw`` as a TOML table with string keys, or None when it is not a table."""
    if not isinstance(raw, dict):
        return None
    table = cast("dict[object, object]", raw)
    return {str(key): value for key, value in table.items()}


def _check_keys(tables: Mapping[str, _T], code_of: Callable[[_T], str], field: str, *, lowercase: bool) -> None:
    for key, table in tables.items():
        code = code_of(table)
        if key != code:
            raise ValueError(f"table [{key}] has {field} = {code!r}; the table key and {field} must be equal")
        if lowercase and key != key.lower():
            raise ValueError(f"table key [{key}] must be lower-case")


# --- loading --------------------------------------------------------------------------------------

_M = TypeVar("_M", bound=BaseModel)

_SHIPPED_HINT: Final = (
    "The data shipped with the package is broken, which is a packaging bug: reinstall carbon-kepler-mcp or report it."
)


def _override_hint(path: Path) -> str:
    return (
        f"Fix {path} (copy the shipped {path.name} as a template: an override file replaces the shipped one "
        f"as a whole), or remove {path.name} from the override directory to use the shipped data."
    )


def _shipped_label(name: str) -> str:
    return f"shipped data file {name}"


def _override_label(path: Path) -> str:
    return f"override data file {path}"


def _parse_toml(text: str, label: str, hint: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{label} is not valid TOML: {exc}. {hint}") from exc


def _short_repr(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(exc: ValidationError, label: str, hint: str) -> str:
    errors = exc.errors()
    lines = [f"{label} is invalid ({len(errors)} problem{'s' if len(errors) != 1 else ''}):"]
    for error in errors[:_MAX_REPORTED_ERRORS]:
        location = ".".join(str(part) for part in error["loc"]) or "(top level)"
        line = f"  - {location}: {error['msg']}"
        if error["type"] not in {"missing", "extra_forbidden"}:
            line += f" (got {_short_repr(error.get('input'))})"
        elif error["type"] == "extra_forbidden":
            line += " (unknown field: remove it or check its spelling)"
        lines.append(line)
    if len(errors) > _MAX_REPORTED_ERRORS:
        lines.append(f"  - ... and {len(errors) - _MAX_REPORTED_ERRORS} more")
    lines.append(hint)
    return "\n".join(lines)


def _validate(model: type[_M], table: dict[str, Any], label: str, hint: str) -> _M:
    try:
        return model.model_validate(table)
    except ValidationError as exc:
        raise DataError(_describe(exc, label, hint)) from exc


def _load_shipped(name: str, model: type[_M]) -> _M:
    resource = resources.files("carbon_kepler_mcp").joinpath("data").joinpath(name)
    try:
        text = resource.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"Cannot read the {_shipped_label(name)}: {exc}. {_SHIPPED_HINT}") from exc
    return _validate(model, _parse_toml(text, _shipped_label(name), _SHIPPED_HINT), _shipped_label(name), _SHIPPED_HINT)


def _load_override(directory: Path, name: str, model: type[_M]) -> _M | None:
    path = directory / name
    if not path.exists() and not path.is_symlink():
        return None
    label, hint = _override_label(path), _override_hint(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{label} is not UTF-8 text ({exc}). Save it as UTF-8. {hint}") from exc
    except OSError as exc:
        raise DataError(
            f"Cannot read {label}: {exc.strerror or exc}. Check that it is a readable regular file. {hint}"
        ) from exc
    return _validate(model, _parse_toml(text, label, hint), label, hint)


@functools.cache
def _shipped_regions() -> _RegionsFile:
    return _load_shipped(REGIONS_FILE, _RegionsFile)


@functools.cache
def _shipped_standards() -> _StandardsFile:
    return _load_shipped(STANDARDS_FILE, _StandardsFile)


@functools.cache
def _shipped_profiles() -> _ProfilesFile:
    return _load_shipped(PROFILES_FILE, _ProfilesFile)


def _assemble(
    regions: _RegionsFile,
    standards: _StandardsFile,
    profiles: _ProfilesFile,
    *,
    directory: Path | None,
    overridden: tuple[str, ...],
) -> ReferenceData:
    def label(name: str) -> str:
        if directory is not None and name in overridden:
            return _override_label(directory / name)
        return _shipped_label(name)

    for code in profiles.profiles:
        if code not in regions.regions:
            hint = _override_hint(directory / PROFILES_FILE) if directory is not None else _SHIPPED_HINT
            raise DataError(
                f"{label(PROFILES_FILE)}: profile [profiles.{code}] is for region {code!r}, which is not in "
                f"{label(REGIONS_FILE)} (known regions: {', '.join(regions.regions)}). "
                f"Rename the profile or add the region. {hint}"
            )
    return ReferenceData(
        version=regions.meta.version,
        regions=regions.regions,
        standards=standards.standards,
        profiles=profiles.profiles,
        korea_factors=regions.korea_factors,
        generic_on_prem_pue=regions.meta.generic_on_prem_pue,
        file_versions={
            REGIONS_FILE: regions.meta.version,
            STANDARDS_FILE: standards.meta.version,
            PROFILES_FILE: profiles.meta.version,
        },
        overridden_files=overridden,
    )


@functools.cache
def _shipped_reference_data() -> ReferenceData:
    return _assemble(_shipped_regions(), _shipped_standards(), _shipped_profiles(), directory=None, overridden=())


def load_reference_data(override_dir: Path | None = None) -> ReferenceData:
    """Load, validate and cross-check the reference data.

    Without ``override_dir`` this returns the shipped data, parsed once and cached. With it, each of
    ``regions.toml``, ``standards.toml`` and ``profiles.toml`` present in the directory replaces the
    shipped file of that name as a whole (no merging); absent files fall back to the shipped ones. A
    ``sites.toml`` there *adds* the operator's sites (:class:`Site`) as regions. Other files are ignored. Override results are not cached, so a changed ConfigMap
    is picked up by the next call.

    Raises:
        DataError: the directory is missing, a file is unreadable, is not valid TOML, or fails
            validation. The message names the file and the failing field and says how to fix it.
    """
    if override_dir is None:
        return _shipped_reference_data()
    directory = Path(override_dir)
    if not directory.is_dir():
        problem = "is not a directory" if directory.exists() else "does not exist"
        raise DataError(
            f"The reference-data override directory {directory} {problem}. It should hold any of "
            f"{', '.join(DATA_FILES)}; fix the path (or the volume mount), or unset it to use the shipped data."
        )
    regions = _load_override(directory, REGIONS_FILE, _RegionsFile)
    standards = _load_override(directory, STANDARDS_FILE, _StandardsFile)
    profiles = _load_override(directory, PROFILES_FILE, _ProfilesFile)
    overridden = tuple(
        name
        for name, part in ((REGIONS_FILE, regions), (STANDARDS_FILE, standards), (PROFILES_FILE, profiles))
        if part is not None
    )
    sites = _load_override(directory, SITES_FILE, _SitesFile)
    if sites is not None:
        base = regions if regions is not None else _shipped_regions()
        added = _site_regions(sites, base.regions, directory / SITES_FILE)
        regions = base.model_copy(update={"regions": {**base.regions, **added}})
    return _assemble(
        regions if regions is not None else _shipped_regions(),
        standards if standards is not None else _shipped_standards(),
        profiles if profiles is not None else _shipped_profiles(),
        directory=directory,
        overridden=overridden,
    )
