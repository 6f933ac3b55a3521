"""Recommendation candidates: quantities, status flips and ranking, as pure functions."""

from __future__ import annotations

import pytest

from carbon_kepler_mcp.app import recommendations as recs


def test_pue_improvement_reduction_is_one_minus_target_over_current() -> None:
    candidate = recs.pue_candidate("en", pue=1.6, target_pue=1.2, grid_g_per_kwh=400, limit_g_per_kwh=None)
    assert candidate is not None
    assert candidate.reduction_fraction == pytest.approx(1 - 1.2 / 1.6)


def test_no_pue_candidate_when_the_target_is_already_met() -> None:
    assert recs.pue_candidate("en", pue=1.2, target_pue=1.4, grid_g_per_kwh=400, limit_g_per_kwh=None) is None


def test_a_pue_improvement_flips_a_pue_standard_when_it_reaches_the_limit() -> None:
    candidate = recs.pue_candidate(
        "en", pue=1.6, target_pue=1.4, grid_g_per_kwh=417.3, limit_g_per_kwh=None, pue_limit=1.4
    )
    assert candidate is not None and candidate.changes_compliance_status


def test_a_pue_improvement_that_stays_above_the_pue_limit_does_not_flip() -> None:
    candidate = recs.pue_candidate(
        "en", pue=1.6, target_pue=1.4, grid_g_per_kwh=417.3, limit_g_per_kwh=None, pue_limit=1.3
    )
    assert candidate is not None and not candidate.changes_compliance_status


def test_reaching_exactly_the_intensity_limit_counts_as_a_flip() -> None:
    # 417.3 × 1.4 = 584.22 (to float rounding) is the KR_CARBON_2050 limit itself: compliant at equality.
    candidate = recs.pue_candidate("en", pue=1.6, target_pue=1.4, grid_g_per_kwh=417.3, limit_g_per_kwh=584.22)
    assert candidate is not None and candidate.changes_compliance_status


def test_migration_to_a_dirtier_region_is_not_suggested() -> None:
    candidate = recs.migration_candidate(
        "en",
        current_region="eu-north-1",
        current_comparison_g_per_kwh=21,
        target_region="ap-northeast-2",
        target_name="Seoul",
        target_comparison_g_per_kwh=423,
        pue=1.2,
        limit_g_per_kwh=None,
        current_effective_g_per_kwh=25.2,
        leaves_country=None,
    )
    assert candidate is None


def test_ranking_puts_the_largest_reduction_first_and_unquantified_last_with_savings() -> None:
    small = recs.pue_candidate("en", pue=1.5, target_pue=1.4, grid_g_per_kwh=400, limit_g_per_kwh=None)
    large = recs.pue_candidate("en", pue=2.0, target_pue=1.0, grid_g_per_kwh=400, limit_g_per_kwh=None)
    assert small is not None and large is not None
    # 100 g/h observed over a day as 48 kg/month (a workload busier at night, say): a lever's monthly saving is its
    # share of that figure, not of 100 g/h × 730 h.
    ranked = recs.rank([recs.rightsizing_candidate("en"), small, large], emissions_g_per_hour=100.0, monthly_kg=48.0)
    assert [o.estimated_reduction_percent for o in ranked] == [50.0, round((1 - 1.4 / 1.5) * 100, 2), None]
    assert ranked[0].estimated_savings_gCO2eq_hour == 50.0
    assert ranked[0].estimated_savings_kgCO2eq_month == pytest.approx(48.0 * 0.5)
    unprojected = recs.rank([large], emissions_g_per_hour=100.0, monthly_kg=None)  # a Job without observed runs
    assert (
        unprojected[0].estimated_savings_gCO2eq_hour == 50.0 and unprojected[0].estimated_savings_kgCO2eq_month is None
    )
    assert [o.rank for o in ranked] == [1, 2, 3]


def test_migration_out_of_any_country_names_its_data_protection_duties() -> None:
    def candidate(country: str | None) -> recs.Candidate | None:
        return recs.migration_candidate(
            "en",
            current_region="us-east-1",
            current_comparison_g_per_kwh=403,
            target_region="eu-north-1",
            target_name="Stockholm",
            target_comparison_g_per_kwh=21,
            pue=1.2,
            limit_g_per_kwh=None,
            current_effective_g_per_kwh=483.6,
            leaves_country=country,
        )

    leaving_us, leaving_korea, staying = candidate("US"), candidate("KR"), candidate(None)
    assert leaving_us is not None and "out of US" in leaving_us.description
    assert leaving_korea is not None and "PIPA" in leaving_korea.description
    assert staying is not None and "Moving data out" not in staying.description
