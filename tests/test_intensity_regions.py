"""Regions beyond AWS: Google Cloud and Azure regions and on-premises sites, each on the Electricity Maps 2024
lifecycle comparison basis of its grid zone (Korea: the official factor for compliance), and the operator's own
sites from sites.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from carbon_kepler_mcp.errors import DataError, UnknownRegionError
from carbon_kepler_mcp.reference import load_reference_data


def test_cloud_regions_carry_their_zone_s_yearly_factor() -> None:
    data = load_reference_data()
    # co2.js yearly_2024.json (@ 27cbe83): KR 423, BE 153, FR 33, US-MIDW-MISO 487, JP-TK 539.
    cases = {
        "asia-northeast3": ("gcp", "KR", 423, 417.3),
        "koreacentral": ("azure", "KR", 423, 417.3),
        "koreasouth": ("azure", "KR", 423, 417.3),
        "europe-west1": ("gcp", "BE", 153, 153),
        "francecentral": ("azure", "FR", 33, 33),
        "us-central1": ("gcp", "US-MIDW-MISO", 487, 487),
        "japaneast": ("azure", "JP-TK", 539, 539),
        "onprem-kr": ("onprem", "KR", 423, 417.3),
    }
    for code, (provider, zone, comparison, compliance) in cases.items():
        region = data.region(code)
        assert (region.provider, region.em_zone) == (provider, zone), code
        assert region.comparison_intensity.value == comparison and region.comparison_intensity.year == 2024, code
        assert "lifecycle" in region.comparison_intensity.basis, code
        assert region.compliance_intensity.value == compliance, code


def test_on_premises_sites_are_never_a_destination() -> None:
    data = load_reference_data()
    assert all(r.provider != "onprem" for r in data.cloud_regions())
    assert data.cleanest_region().code == "eu-north-1"  # 21 g/kWh; swedencentral ties at 21, eu-north-1 sorts first
    assert data.region("onprem-de").default_pue.value == 1.56


def test_an_unknown_region_lists_the_known_ones() -> None:
    with pytest.raises(UnknownRegionError) as caught:
        load_reference_data().region("korea-central")
    message = str(caught.value)
    assert "koreacentral" in message and "asia-northeast3" in message and "onprem-kr" in message


def test_an_operator_site_takes_its_zone_s_factors_and_its_own_pue(tmp_path: Path) -> None:
    (tmp_path / "sites.toml").write_text(
        '[sites.pangyo-dc1]\nname = "Pangyo DC 1"\nname_ko = "판교 데이터센터 1"\nzone = "KR"\npue = 1.42\n'
        'pue_basis = "measured, 2025 annual average"\nzones = { watttime = "KR_TEST", file = "PANGYO" }\n',
        encoding="utf-8",
    )
    data = load_reference_data(tmp_path)
    site = data.region("pangyo-dc1")
    assert (site.provider, site.country, site.timezone, site.em_zone) == ("onprem", "KR", "Asia/Seoul", "KR")
    assert site.compliance_intensity.value == 417.3 and site.comparison_intensity.value == 423
    assert site.default_pue.value == 1.42 and site.default_pue.basis == "measured, 2025 annual average"
    assert site.default_pue.publisher == "operator data file sites.toml"
    assert site.name_ko == "판교 데이터센터 1"
    assert site.zones == {"watttime": "KR_TEST", "file": "PANGYO"}
    assert "pangyo-dc1" not in {r.code for r in data.cloud_regions()}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[sites.dc1]\nname = "x"\nzone = "XX-NOWHERE"\npue = 1.3\n', "known zones: .*KR"),
        ('[sites.koreacentral]\nname = "x"\nzone = "KR"\npue = 1.3\n', "already a region"),
        ('[sites.dc1]\nname = "x"\nzone = "KR"\npue = 0.9\n', "pue"),
        ('[sites.DC1]\nname = "x"\nzone = "KR"\npue = 1.3\n', "lower-case"),
    ],
)
def test_a_bad_site_is_refused_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "sites.toml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message) as caught:
        load_reference_data(tmp_path)
    assert "sites.toml" in str(caught.value)


@pytest.mark.anyio
async def test_a_site_s_pue_is_the_operator_s_in_every_figure(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from carbon_kepler_mcp.app.context import AppConfig, AppContext
    from carbon_kepler_mcp.sources.demo import DemoSource
    from tests.tools import tools

    (tmp_path / "sites.toml").write_text('[sites.pangyo-dc1]\nname = "Pangyo DC 1"\nzone = "KR"\npue = 1.42\n')
    ctx = AppContext(
        DemoSource(), load_reference_data(tmp_path), AppConfig(), clock=lambda: datetime(2026, 4, 14, 11, tzinfo=UTC)
    )
    result = await tools(ctx).assess("web-app", "production", region="pangyo-dc1")
    await ctx.aclose()
    # web-app: 39 W × 1.42 × 417.3 g/kWh / 1000 = 23.110 g/h, on the official Korean factor.
    assert result.pue == 1.42 and result.grid_carbon_intensity_gCO2eq_kWh == 417.3
    assert result.carbon_emissions_gCO2eq_hour == pytest.approx(39 * 1.42 * 417.3 / 1000, abs=1e-3)
    assert result.pue_detail.source == "operator_setting" and result.pue_detail.operator_supplied
    assert "sites.toml" in result.pue_detail.detail
