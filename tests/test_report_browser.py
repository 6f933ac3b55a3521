"""The emissions report page in headless Chromium, over a real Prometheus: the chart and table show the REST
answer's figures, the CSV link downloads the same rows, and the page reads in Korean."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest
from playwright.sync_api import Browser

from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.bootstrap import build_web_app
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.prometheus import PrometheusSource

# Fixtures are found by name in the module: importing them is how pytest shares them with this file.
from tests.test_dashboard_browser import browser, playwright, rest, shown  # noqa: F401  # pyright: ignore[reportUnusedImport]
from tests.test_prometheus_integration import (
    HISTORY_DAYS,
    LiveDemo,
    live_demo,  # noqa: F401  # pyright: ignore[reportUnusedImport]
)
from tests.web_harness import serve_in_thread


@pytest.fixture(scope="module")
def prometheus_server(live_demo: LiveDemo) -> Iterator[str]:  # noqa: F811
    source = PrometheusSource(live_demo.prometheus.url, cache_ttl_seconds=0)
    ctx = AppContext(source, load_reference_data(), AppConfig())
    with serve_in_thread(build_web_app(ctx, close_context=True)) as url:
        yield url


def test_the_report_page_charts_and_tables_the_rest_rows_and_downloads_them_as_csv(
    browser: Browser,  # noqa: F811
    prometheus_server: str,
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"{prometheus_server}/namespaces/production/workloads/web-app?lang=en")
        page.get_by_test_id("report-link").click()
        page.wait_for_url("**/namespaces/production/report?**")
        query = f"workload=nightly-report&days={HISTORY_DAYS}&lang=en"
        page.goto(f"{prometheus_server}/namespaces/batch/report?{query}")
        answer = rest(
            prometheus_server, "get_emissions_report", namespace="batch", workload_name="nightly-report",
            days=HISTORY_DAYS,
        )  # fmt: skip
        text, value = shown(page, '[data-testid="total-emissions"]')
        assert value == answer["total_emissions_gCO2eq"] and text == f"{value:,.1f}"
        assert shown(page, '[data-testid="coverage"]')[1] == answer["coverage_percent"]
        bars = page.locator('[data-testid="report-chart"] g.bar-row')
        assert bars.count() == len(answer["rows"])
        for index, row in enumerate(answer["rows"]):
            assert bars.nth(index).get_attribute("data-key") == row["start"]
            assert float(bars.nth(index).get_attribute("data-value") or "nan") == (row["emissions_gCO2eq"] or 0.0)
        cells = page.locator('[data-testid="report-table"] [data-testid="row-emissions"]')
        assert [c.get_attribute("data-value") for c in cells.all()] == [
            str(r["emissions_gCO2eq"]) for r in answer["rows"]
        ]
        href = page.get_by_test_id("report-csv").get_attribute("href")
        assert href is not None and href.startswith("/namespaces/batch/report.csv?")
        csv = httpx2.get(prometheus_server + href)
        assert csv.headers["content-type"].startswith("text/csv")
        assert csv.text.strip().splitlines()[-1].startswith("total,batch,nightly-report")
        page.goto(f"{prometheus_server}/namespaces/batch/report?workload=nightly-report&lang=ko")
        assert page.locator("h1").inner_text() == "배출량 보고서"
    finally:
        page.close()


def test_the_report_page_on_a_direct_scrape_says_history_needs_prometheus(browser: Browser) -> None:  # noqa: F811
    from tests.web_harness import frozen_demo_service

    with serve_in_thread(build_web_app(frozen_demo_service(), close_context=True)) as url:
        page = browser.new_page()
        try:
            response = page.goto(f"{url}/namespaces/batch/report?lang=en")
            assert response is not None and response.status >= 400
            assert "PROMETHEUS_URL" in page.content()
        finally:
            page.close()
