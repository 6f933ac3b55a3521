"""The dashboard in a real browser: headless Debian Chromium driven by Playwright, against the demo cluster.

Each test fails on any console error, page error or failed request, and on any request that leaves the
server (the page must work offline). Numbers on the pages are compared with the REST API's answers from the
same server. With ``CARBON_KEPLER_UPDATE_SCREENSHOTS=1`` the screenshots also replace those in ``docs/images``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Playwright, Request, sync_playwright

from carbon_kepler_mcp.bootstrap import build_web_app
from tests.web_harness import CHROMIUM_ARGS, chromium_or_skip, frozen_demo_service, serve_in_thread

pytestmark = pytest.mark.slow

DOCS_IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    app = build_web_app(frozen_demo_service(), close_context=True)
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = chromium_or_skip()
    browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


class Watch:
    """What went wrong in the page, and where it tried to go."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[str] = []
        self.foreign: list[str] = []

    def console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https") and f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign.append(request.url)

    def failed(self, request: Request) -> None:
        self.problems.append(f"request failed: {request.url} {request.failure}")


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    watch = Watch(server)
    page.on("console", watch.console)
    page.on("pageerror", lambda error: watch.problems.append(f"page error: {error}"))
    page.on("request", watch.request)
    page.on("requestfailed", watch.failed)
    try:
        yield page
    finally:
        context.close()
    assert watch.problems == []
    assert watch.foreign == []


def rest(server: str, tool: str, **arguments: Any) -> dict[str, Any]:
    response = httpx2.post(f"{server}/tools/{tool}", json=arguments)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def screenshot(page: Page, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("CARBON_KEPLER_UPDATE_SCREENSHOTS") == "1":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_IMAGES / f"{name}.png")


def shown(scope: Page | Locator, selector: str) -> tuple[str, float]:
    """The text and the exact value of a figure on the page."""
    element = scope.locator(selector)
    value = element.get_attribute("data-value")
    assert value is not None, selector
    return element.inner_text(), float(value)


def test_clicking_namespace_workload_and_schedule_shows_the_numbers_of_the_rest_api(
    page: Page, server: str, tmp_path: Path
) -> None:
    page.goto(f"{server}/")
    assert page.locator("h1").inner_text() == "Namespaces"
    card = page.locator('[data-namespace="ai-team"]')
    listing = rest(server, "list_workloads_by_compliance", namespace="ai-team", limit=1000)
    assert card.locator('[data-testid="compliant"]').inner_text() == str(listing["compliant_count"])
    assert card.locator('[data-testid="non-compliant"]').inner_text() == str(listing["non_compliant_count"])
    screenshot(page, tmp_path, "dashboard-overview")

    card.get_by_role("link").click()
    page.wait_for_url("**/namespaces/ai-team?lang=en")
    counts = page.locator('[data-testid="namespace-counts"]')
    assert counts.locator('[data-testid="compliant"]').inner_text() == str(listing["compliant_count"])
    assert counts.locator('[data-testid="non-compliant"]').inner_text() == str(listing["non_compliant_count"])
    rows = page.locator('table[data-testid="workloads"] tbody tr')
    assert rows.count() == len(listing["workloads"])
    for index, workload in enumerate(listing["workloads"]):  # highest emissions first, as REST orders them
        row = rows.nth(index)
        assert row.get_attribute("data-workload") == workload["workload"]
        text, value = shown(row, '[data-testid="emissions"]')
        assert value == workload["emissions_gCO2eq_hour"] and text == f"{workload['emissions_gCO2eq_hour']:,.1f}"
        text, value = shown(row, '[data-testid="power"]')
        assert value == workload["power_watts"] and text == f"{workload['power_watts']:,.1f}"
        assert shown(row, '[data-testid="pue"]')[0] == f"{workload['pue']:,.2f}"
        assert row.locator("[data-status]").get_attribute("data-status") == workload["status"]

    page.get_by_role("link", name="ml-training-job").click()
    page.wait_for_url("**/workloads/ml-training-job?lang=en")
    assessed = rest(server, "assess_workload_compliance", workload_name="ml-training-job", namespace="ai-team")
    figures = {
        "power": "current_power_watts",
        "emissions": "carbon_emissions_gCO2eq_hour",
        "grid-intensity": "grid_carbon_intensity_gCO2eq_kWh",
        "intensity": "estimated_workload_intensity_gCO2eq_kWh",
    }
    for testid, field in figures.items():
        text, value = shown(page, f'[data-testid="figures"] [data-testid="{testid}"]')
        assert value == assessed[field] and text == f"{assessed[field]:,.1f}", testid
    assert shown(page, '[data-testid="figures"] [data-testid="pue"]')[0] == f"{assessed['pue']:,.2f}"
    assert page.locator('[data-testid="status"] [data-status]').get_attribute("data-status") == assessed["status"]
    ranked = page.locator('[data-testid="recommendations"] > li')
    assert [ranked.nth(i).get_attribute("data-type") for i in range(ranked.count())] == [
        o["type"] for o in assessed["optimizations"]
    ]
    screenshot(page, tmp_path, "dashboard-workload")

    page.get_by_test_id("schedule-link").click()
    page.wait_for_url("**/workloads/ml-training-job/schedule?lang=en")
    schedule = rest(server, "calculate_optimal_schedule", workload_name="ml-training-job", namespace="ai-team")
    assert page.get_by_test_id("optimal-start").get_attribute("datetime") == schedule["optimal_window_start"]
    text, value = shown(page, '[data-testid="optimal-intensity"]')
    assert value == schedule["optimal_grid_intensity_gCO2eq_kWh"] and text == f"{value:,.1f}"
    # The demo's Seoul profile is synthetic: the page shows the window as a hint and no reduction figure.
    assert schedule["reduction_percent"] is None
    assert page.get_by_test_id("reduction-hint").inner_text() == "A hint, not a saving"
    assert page.locator('[data-testid="reduction"]').count() == 0
    chart = page.locator("svg.chart-intensity")
    assert chart.get_attribute("data-optimal-start") == schedule["optimal_window_start"]
    assert chart.get_attribute("data-optimal-end") == schedule["optimal_window_end"]
    assert page.locator("svg.chart-intensity rect.hour").count() == len(schedule["intensity_series"])
    assert page.locator("svg.chart-intensity rect.hour-optimal").count() == int(schedule["duration_hours"])
    assert page.get_by_test_id("optimal-window").is_visible()
    screenshot(page, tmp_path, "dashboard-schedule")


def test_the_language_switch_turns_the_page_korean_and_keeps_every_number(page: Page, server: str) -> None:
    page.goto(f"{server}/namespaces/ai-team/workloads/ml-training-job")
    english_figures = page.locator('[data-testid="figures"] .fig').all_inner_texts()
    page.get_by_test_id("lang-switch").click()
    page.wait_for_url("**lang=ko")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator('[data-testid="status"] [data-status]').inner_text() == "미준수"
    assert page.get_by_role("heading", name="예상 감축량 순 권장 사항").is_visible()
    assert page.locator('[data-testid="figures"] .fig').all_inner_texts() == english_figures
    korean = rest(
        server, "assess_workload_compliance", workload_name="ml-training-job", namespace="ai-team", language="ko"
    )
    assert page.get_by_test_id("recommendation").inner_text() == korean["recommendation"]
    page.get_by_role("link", name="개요").first.click()  # the choice is remembered on other pages
    assert page.locator("h1").inner_text() == "네임스페이스"
    page.get_by_test_id("lang-switch").click()
    assert page.locator("html").get_attribute("lang") == "en"


def test_the_regional_chart_ranks_regions_like_the_rest_api(page: Page, server: str, tmp_path: Path) -> None:
    page.goto(f"{server}/namespaces/ai-team/workloads/ml-training-job")
    page.get_by_test_id("regions-link").click()
    page.wait_for_url("**/regions?lang=en")
    compared = rest(server, "get_regional_comparison", workload_name="ml-training-job", namespace="ai-team")
    bars = page.locator("svg.chart-bars g.bar-row")
    assert [bars.nth(i).get_attribute("data-key") for i in range(bars.count())] == [
        c["region"] for c in compared["comparisons"]
    ]
    assert [float(bars.nth(i).get_attribute("data-value") or "nan") for i in range(bars.count())] == [
        c["emissions_gCO2eq_hour"] for c in compared["comparisons"]
    ]
    best = page.locator("svg.chart-bars g.bar-row.best")
    assert best.get_attribute("data-key") == compared["best_region"]
    screenshot(page, tmp_path, "dashboard-regions")


def test_swagger_ui_runs_offline_and_lists_every_tool(page: Page, server: str) -> None:
    page.goto(f"{server}/docs")
    page.wait_for_selector("#operations-tools-assess_workload_compliance")
    tools = httpx2.get(f"{server}/tools").json()
    for tool in tools:
        assert page.locator(f"#operations-tools-{tool['name']}").count() == 1


def test_the_watch_itself_catches_console_errors_and_requests_to_other_origins(browser: Browser, server: str) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        watch = Watch(server)
        page.on("console", watch.console)
        page.on("request", watch.request)
        page.goto(f"{server}/no-such-page")  # a 404 problem document: the browser logs the failed load
        page.evaluate("console.error('boom')")
        page.route("http://192.0.2.1/**", lambda route: route.abort())  # never leaves the machine
        page.evaluate("fetch('http://192.0.2.1/x').catch(() => null)")  # evaluate awaits the promise
    finally:
        context.close()
    assert any("boom" in problem for problem in watch.problems)
    assert watch.foreign == ["http://192.0.2.1/x"]


# Debian's Korean faces: fonts-noto-cjk ("Noto Sans CJK KR") or fonts-nanum ("NanumGothic", ...); .ci/run installs one.
KOREAN_FACES = ("Noto Sans CJK KR", "Noto Sans KR", "NanumGothic", "NanumBarunGothic", "NanumSquare")
KOREAN_PAGES = [
    "/",
    "/namespaces/ai-team",
    "/namespaces/ai-team/workloads/ml-training-job",
    "/namespaces/ai-team/workloads/ml-training-job/schedule",
    "/namespaces/ai-team/workloads/ml-training-job/regions",
    "/namespaces/production/workloads/web-app",
]

# Every element whose content is wider than its box, unless the box scrolls or clips on purpose (a table wrapper
# scrolls sideways), and whether the page itself scrolls sideways.
OVERFLOWS_JS = """() => {
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (['inline', 'none', 'contents'].includes(style.display) || el.closest('svg')) continue;
    if (style.overflowX !== 'visible' || el.clientWidth === 0 || el.closest('.sr-only')) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      found.push(`${el.tagName.toLowerCase()}.${el.className}: ${el.scrollWidth} > ${el.clientWidth}: `
        + el.textContent.trim().slice(0, 60));
    }
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) found.push(`page: ${doc.scrollWidth} > ${doc.clientWidth}`);
  return found;
}"""


def rendered_faces(page: Page, selector: str) -> set[str]:
    """The font families Chromium actually drew the text of ``selector`` with (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    send: Callable[..., dict[str, Any]] = cdp.send  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
    try:
        send("DOM.enable")
        send("CSS.enable")
        root: int = send("DOM.getDocument")["root"]["nodeId"]
        node: int = send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts: list[dict[str, Any]] = send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    return {str(font["familyName"]) for font in fonts}


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_korean_pages_render_hangul_in_a_korean_face_and_nothing_overflows(
    browser: Browser, server: str, tmp_path: Path, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ko-KR")
    try:
        page = context.new_page()
        watch = Watch(server)
        page.on("console", watch.console)
        page.on("request", watch.request)
        for path in KOREAN_PAGES:
            page.goto(f"{server}{path}?lang=ko")
            assert page.locator("html").get_attribute("lang") == "ko"
            assert page.evaluate(OVERFLOWS_JS) == [], f"{path} at {width}px"
        page.goto(f"{server}/namespaces/ai-team/workloads/ml-training-job?lang=ko")
        faces = rendered_faces(page, "h1")
        assert faces & set(KOREAN_FACES), (
            f"Hangul drawn with {faces}: install fonts-nanum or fonts-noto-cjk (.ci/run does)"
        )
        assert rendered_faces(page, '[data-testid="recommendation"]') & set(KOREAN_FACES)
        screenshot(page, tmp_path, f"dashboard-workload-ko{'' if width == 1280 else '-phone'}")
    finally:
        context.close()
    assert watch.problems == [] and watch.foreign == []
