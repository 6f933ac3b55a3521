"""The shipped reference data (regions, standards, profiles) and its loader."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import cast

import pytest
from pydantic import BaseModel

from carbon_kepler_mcp.errors import DataError, InvalidArgumentError, UnknownRegionError, UnknownStandardError
from carbon_kepler_mcp.reference import (
    DATA_FILES,
    HourlyProfile,
    ProfileProvenance,
    Provenance,
    ReferenceData,
    Standard,
    load_reference_data,
)

EXPECTED_REGIONS = {
    "ap-northeast-2",
    "ap-northeast-1",
    "ap-northeast-3",
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "eu-north-1",
    "ap-southeast-1",
    # Google Cloud
    "asia-northeast3",
    "asia-northeast1",
    "asia-northeast2",
    "asia-east1",
    "asia-southeast1",
    "europe-west1",
    "europe-west3",
    "europe-west4",
    "europe-north1",
    "us-central1",
    "us-east4",
    "us-west1",
    # Azure
    "koreacentral",
    "koreasouth",
    "japaneast",
    "japanwest",
    "eastasia",
    "southeastasia",
    "northeurope",
    "westeurope",
    "germanywestcentral",
    "francecentral",
    "swedencentral",
    "uksouth",
    "eastus",
    "westus",
    "centralus",
    # on-premises sites by grid zone
    "onprem-kr",
    "onprem-jp-tk",
    "onprem-jp-kn",
    "onprem-sg",
    "onprem-de",
    "onprem-gb",
    "onprem-us-mida-pjm",
}
EXPECTED_STANDARDS = {
    "KR_CARBON_2050",
    "KR_PUE_GREEN_DC",
    "KR_ENERGY_USE_RATIONALIZATION",
    "KR_DISTRIBUTED_ENERGY_ACT",
    "US_EPA_ENERGY_STAR",
    "EU_COC_DC",
    "ASHRAE_THERMAL_90_4",
    "DE_ENEFG_NEW_DC",
    "DE_ENEFG_EXISTING_2027",
    "DE_ENEFG_EXISTING_2030",
    "CNDCP_COOL_CLIMATE",
    "CNDCP_WARM_CLIMATE",
    "SG_GREEN_DC_ROADMAP",
    "EU_EED_REPORTING",
}
NIGHT_HOURS = range(7)  # 00-06 KST
NOON = 12


def shipped() -> ReferenceData:
    return load_reference_data()


def shipped_text(name: str) -> str:
    return resources.files("carbon_kepler_mcp").joinpath("data").joinpath(name).read_text(encoding="utf-8")


def all_provenance(node: object, path: str = "data") -> Iterator[tuple[str, Provenance | ProfileProvenance]]:
    """Every Provenance (and profile provenance header) reachable from ``node``, with its path."""
    if isinstance(node, Provenance | ProfileProvenance):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from all_provenance(getattr(node, name), f"{path}.{name}")
    elif isinstance(node, dict):
        for key, value in cast("dict[object, object]", node).items():
            yield from all_provenance(value, f"{path}[{key!r}]")
    elif isinstance(node, tuple):
        for index, value in enumerate(cast("tuple[object, ...]", node)):
            yield from all_provenance(value, f"{path}[{index}]")


# --- the shipped data -----------------------------------------------------------------------------


def test_shipped_data_loads_and_validates() -> None:
    data = shipped()
    assert set(data.regions) == EXPECTED_REGIONS
    assert set(data.standards) == EXPECTED_STANDARDS
    assert data.version == "2026.11.0"
    assert set(data.file_versions) == set(DATA_FILES)
    assert data.overridden_files == ()


def test_shipped_data_is_parsed_once_and_shared() -> None:
    assert load_reference_data() is load_reference_data()


def test_every_provenance_has_a_non_empty_source_and_publisher() -> None:
    found = list(all_provenance(shipped()))
    assert len(found) > 50
    for path, provenance in found:
        assert provenance.source.strip(), path
        assert provenance.publisher.strip(), path
        assert provenance.basis.strip(), path


def test_region_codes_are_their_table_keys() -> None:
    for code, region in shipped().regions.items():
        assert region.code == code
        assert region.provider in {"aws", "gcp", "azure", "onprem"}


def test_korea_compliance_intensity_is_the_official_2023_factor_not_the_electricity_maps_value() -> None:
    seoul = shipped().region("ap-northeast-2")
    assert seoul.compliance_intensity.value == 417.3
    assert seoul.compliance_intensity.year == 2023
    assert seoul.compliance_intensity.published == "2025-12-17"
    assert "consumption-side" in seoul.compliance_intensity.basis
    assert seoul.comparison_intensity.value == 423
    assert seoul.comparison_intensity.year == 2024
    assert "lifecycle" in seoul.comparison_intensity.basis
    assert seoul.compliance_intensity.value != seoul.comparison_intensity.value


def test_korea_compliance_intensity_is_the_korea_factors_default() -> None:
    data = shipped()
    assert data.region("ap-northeast-2").compliance_intensity == data.korea_factors.default


def test_korea_factors_keep_the_earlier_official_values_and_third_party_cross_checks() -> None:
    factors = shipped().korea_factors
    assert factors.k_ets_allocation.value == 454.1
    assert factors.legacy.value == 459.4
    third_party = {(factor.value, factor.year) for factor in factors.third_party}
    assert {(443, 2023), (423, 2024), (423, 2025), (415.65, 2024), (430.567, 2023), (356.57, 2024)} <= third_party
    assert any(factor.value == 555 for factor in factors.third_party)


def test_regions_other_than_korea_use_the_comparison_basis_for_compliance_and_say_so() -> None:
    data = shipped()
    for code, region in data.regions.items():
        if region.country == "KR":  # every Korean region and site: the official factor, on its own basis
            assert region.compliance_intensity.value == data.korea_factors.default.value == 417.3, code
            assert region.comparison_intensity.value == 423, code
            continue
        assert region.compliance_intensity.value == region.comparison_intensity.value, code
        assert region.compliance_intensity.notes is not None
        assert "No official national factor" in region.compliance_intensity.notes


def test_every_region_defaults_to_its_provider_s_fleet_pue_and_asks_for_the_real_one() -> None:
    # Cloud Carbon Footprint's constants (carbon.md §9.4): AWS 1.135, GCP 1.10, Azure 1.185; on-premises the
    # Uptime 2024 survey average 1.56.
    expected = {"aws": 1.135, "gcp": 1.1, "azure": 1.185, "onprem": 1.56}
    for region in shipped().regions.values():
        assert region.default_pue.value == expected[region.provider], region.code
        assert region.default_pue.notes is not None
        assert "PUE" in region.default_pue.notes and "require" in region.default_pue.notes


def test_generic_on_premises_pue_is_the_uptime_2024_average() -> None:
    pue = shipped().generic_on_prem_pue
    assert (pue.value, pue.year) == (1.56, 2024)


def test_korean_grid_mix_is_the_2024_motie_mix() -> None:
    mix = shipped().region("ap-northeast-2").grid_mix
    assert mix is not None
    assert mix.year == 2024
    assert mix.shares_percent == {"nuclear": 31.7, "coal": 28.1, "gas": 28.1, "new_and_renewable": 10.6}
    assert mix.notes is not None
    assert "fuel cells" in mix.notes


def test_korean_data_residency_note_points_to_pipa_article_28_8_without_a_verdict() -> None:
    seoul = shipped().region("ap-northeast-2")
    assert "28-8" in seoul.data_residency
    assert "check whether" in seoul.data_residency
    assert "제28조의8" in seoul.data_residency_ko
    for code in ("eu-west-1", "eu-central-1", "eu-north-1"):
        assert "GDPR Chapter V" in shipped().region(code).data_residency


# --- standards ------------------------------------------------------------------------------------

STANDARD_CODES = sorted(EXPECTED_STANDARDS)


@pytest.mark.parametrize("code", STANDARD_CODES)
def test_standard_kind_decides_whether_it_has_a_metric_and_a_limit(code: str) -> None:
    standard = shipped().standard(code)
    if standard.kind in {"carbon_intensity", "pue"}:
        assert standard.limit is not None
        assert standard.limit.value > 0
        assert standard.metric == ("pue" if standard.kind == "pue" else "effective_intensity_g_per_kwh")
    else:
        assert standard.limit is None
        assert standard.metric is None


@pytest.mark.parametrize("code", STANDARD_CODES)
def test_no_korean_standard_is_a_statutory_pue_limit(code: str) -> None:
    standard = shipped().standard(code)
    if standard.jurisdiction == "KR":
        assert not (standard.legal_status == "statutory" and standard.kind == "pue")
        assert standard.group == "korea"
    else:
        assert standard.group == "global"


@pytest.mark.parametrize("code", STANDARD_CODES)
def test_standard_is_described_in_english_and_korean_with_sources(code: str) -> None:
    standard = shipped().standard(code)
    assert standard.code == code
    assert standard.sources
    for text in (standard.legal_status_note_ko, standard.description_ko, standard.name_ko):
        assert any("\uac00" <= char <= "\ud7a3" for char in text), "Korean text expected"


def test_kr_carbon_2050_limit_is_the_official_factor_times_the_green_dc_pue_band() -> None:
    data = shipped()
    carbon = data.standard("KR_CARBON_2050")
    green_dc = data.standard("KR_PUE_GREEN_DC")
    assert carbon.limit is not None
    assert green_dc.limit is not None
    assert carbon.legal_status == "benchmark"
    expected = data.korea_factors.default.value * green_dc.limit.value
    assert carbon.limit.value == pytest.approx(expected, abs=0.005)


def test_green_dc_pue_band_is_voluntary_and_says_no_statute_sets_a_pue_limit() -> None:
    green_dc = shipped().standard("KR_PUE_GREEN_DC")
    assert green_dc.legal_status == "voluntary"
    assert "no Korean statute sets a PUE limit" in green_dc.legal_status_note


@pytest.mark.parametrize(
    ("code", "limit", "effective_from"),
    [
        ("DE_ENEFG_NEW_DC", 1.2, "2026-07-01"),
        ("DE_ENEFG_EXISTING_2027", 1.5, "2027-07-01"),
        ("DE_ENEFG_EXISTING_2030", 1.3, "2030-07-01"),
        ("CNDCP_COOL_CLIMATE", 1.3, "2025-01-01"),
        ("CNDCP_WARM_CLIMATE", 1.4, "2025-01-01"),
    ],
)
def test_pue_standards_carry_the_cited_limits_and_dates(code: str, limit: float, effective_from: str) -> None:
    standard: Standard = shipped().standard(code)
    assert standard.limit is not None
    assert standard.limit.value == limit
    assert standard.effective_from is not None
    assert standard.effective_from.isoformat() == effective_from


# --- profiles -------------------------------------------------------------------------------------


def korean_profile() -> HourlyProfile:
    profile = shipped().profile("ap-northeast-2")
    assert profile is not None
    return profile


def test_each_profile_row_has_24_values_averaging_one() -> None:
    for profile in shipped().profiles.values():
        for season, row in profile.seasons.items():
            assert len(row) == 24, season
            assert statistics.fmean(row) == pytest.approx(1.0, abs=0.02), season


def test_annual_profile_is_cleanest_at_midday_not_at_night() -> None:
    annual = korean_profile().seasons["annual"]
    night_mean = statistics.fmean(annual[hour] for hour in NIGHT_HOURS)
    assert annual[NOON] < night_mean
    assert night_mean >= 1.0


def test_korean_profile_is_labelled_synthetic_and_not_for_reporting() -> None:
    provenance = korean_profile().provenance
    assert provenance.synthetic
    assert provenance.not_for_reporting
    assert provenance.notes is not None
    assert "never for compliance totals" in provenance.notes


@pytest.mark.parametrize(
    ("month", "season"),
    [(1, "winter"), (2, "winter"), (3, "spring"), (5, "spring"), (6, "summer"), (9, "autumn"), (12, "winter")],
)
def test_months_map_to_their_meteorological_season(month: int, season: str) -> None:
    profile = korean_profile()
    assert profile.season_for(month) == season
    assert profile.multipliers_for(month) == profile.seasons[season]


def test_multipliers_for_rejects_a_month_outside_1_to_12() -> None:
    with pytest.raises(InvalidArgumentError):
        korean_profile().multipliers_for(13)


def test_regions_without_a_profile_get_none() -> None:
    assert shipped().profile("us-east-1") is None


# --- lookups --------------------------------------------------------------------------------------


def test_lookups_ignore_case_and_surrounding_spaces() -> None:
    data = shipped()
    assert data.region(" AP-NORTHEAST-2 ").code == "ap-northeast-2"
    assert data.standard("kr_pue_green_dc").code == "KR_PUE_GREEN_DC"


def test_unknown_region_raises_with_known_codes_and_suggestions() -> None:
    with pytest.raises(UnknownRegionError) as caught:
        shipped().region("ap-northeast-9")
    assert "ap-northeast-2" in caught.value.suggestions
    assert "us-east-1" in str(caught.value)


def test_unknown_standard_raises_with_suggestions() -> None:
    with pytest.raises(UnknownStandardError) as caught:
        shipped().standard("KR_PUE_GREEN")
    assert caught.value.suggestions[0] == "KR_PUE_GREEN_DC"


def test_profile_of_an_unknown_region_raises() -> None:
    with pytest.raises(UnknownRegionError):
        shipped().profile("mars-1")


# --- operator overrides ---------------------------------------------------------------------------


def test_override_dir_with_a_valid_regions_file_changes_a_value(tmp_path: Path) -> None:
    text = shipped_text("regions.toml")
    assert text.count("value = 1.135") == 9  # the nine AWS regions
    (tmp_path / "regions.toml").write_text(text.replace("value = 1.135", "value = 1.21"), encoding="utf-8")
    data = load_reference_data(tmp_path)
    assert data.region("ap-northeast-2").default_pue.value == 1.21
    assert data.overridden_files == ("regions.toml",)
    assert data.standards == shipped().standards
    assert shipped().region("ap-northeast-2").default_pue.value == 1.135


def test_override_dir_with_broken_toml_raises_data_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "standards.toml").write_text("[meta\nversion = 1\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"standards\.toml.*not valid TOML"):
        load_reference_data(tmp_path)


def test_override_with_an_invalid_field_names_the_file_and_the_field(tmp_path: Path) -> None:
    text = shipped_text("regions.toml").replace("value = 1.135", "value = 0.9", 1)
    (tmp_path / "regions.toml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_reference_data(tmp_path)
    message = str(caught.value)
    assert str(tmp_path / "regions.toml") in message
    assert "regions.ap-northeast-2" in message
    assert "must be >= 1.0" in message


def test_override_profile_row_must_have_24_values(tmp_path: Path) -> None:
    text = shipped_text("profiles.toml").replace("annual = [1.06, ", "annual = [", 1)
    (tmp_path / "profiles.toml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"profiles\.toml[\s\S]*profiles\.ap-northeast-2\.seasons[\s\S]*23 values"):
        load_reference_data(tmp_path)


def test_override_pue_standard_without_a_limit_is_rejected(tmp_path: Path) -> None:
    text = shipped_text("standards.toml")
    start = text.index("[standards.DE_ENEFG_NEW_DC.limit]")
    end = text.index("[standards.DE_ENEFG_EXISTING_2027]")
    (tmp_path / "standards.toml").write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(DataError, match=r"standards\.DE_ENEFG_NEW_DC[\s\S]*needs a limit"):
        load_reference_data(tmp_path)


def test_override_table_key_must_equal_the_code(tmp_path: Path) -> None:
    text = shipped_text("standards.toml").replace('code = "EU_COC_DC"', 'code = "EU_COC"', 1)
    (tmp_path / "standards.toml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"EU_COC_DC.*must be equal"):
        load_reference_data(tmp_path)


def test_override_profile_for_an_unknown_region_is_rejected(tmp_path: Path) -> None:
    text = shipped_text("profiles.toml").replace("ap-northeast-2", "ap-northeast-7")
    (tmp_path / "profiles.toml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"profiles\.toml.*ap-northeast-7.*not in"):
        load_reference_data(tmp_path)


def test_missing_override_dir_raises_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        load_reference_data(tmp_path / "absent")


def test_unreadable_override_file_raises_data_error(tmp_path: Path) -> None:
    (tmp_path / "regions.toml").mkdir()
    with pytest.raises(DataError, match=r"Cannot read .*regions\.toml"):
        load_reference_data(tmp_path)


def test_empty_override_dir_gives_the_shipped_data(tmp_path: Path) -> None:
    data = load_reference_data(tmp_path)
    assert data.overridden_files == ()
    assert data.regions == shipped().regions
