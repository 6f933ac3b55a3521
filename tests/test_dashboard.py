"""The dashboard's HTML, in process: pages, languages, errors as pages, and nothing loaded from elsewhere."""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from html.parser import HTMLParser

import httpx2
import pytest

from carbon_kepler_mcp.adapters.http.charts import Bar, HourPoint, bar_chart, intensity_chart, nice_ticks
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.bootstrap import build_web_app
from tests.web_harness import asgi_client

pytestmark = pytest.mark.anyio

WORKLOAD = "/namespaces/ai-team/workloads/ml-training-job"
PAGES = ["/", "/namespaces/ai-team", WORKLOAD, f"{WORKLOAD}/schedule", f"{WORKLOAD}/regions"]


@pytest.fixture
async def client(demo_service: AppContext) -> AsyncIterator[httpx2.AsyncClient]:
    async with asgi_client(build_web_app(demo_service)) as c:
        yield c


class Links(HTMLParser):
    """Every URL a page would make the browser load or follow."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_styles = 0
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.urls.append(value)
            if name == "style":
                self.inline_styles += 1
        if tag == "script":
            self.scripts += 1


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_renders_with_only_same_origin_urls_and_a_strict_policy(
    client: httpx2.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    links = Links()
    links.feed(response.text)
    assert links.urls
    assert all(url.startswith(("/", "?", "#")) for url in links.urls), links.urls
    assert links.inline_styles == 0 and links.scripts == 0  # the policy would block them
    assert '<html lang="en">' in response.text
    assert 'data-testid="demo-banner"' in response.text


async def test_the_static_assets_the_pages_use_are_served(client: httpx2.AsyncClient) -> None:
    css = await client.get("/static/style.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    icon = await client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.text.startswith("<svg")


async def test_korean_is_one_click_away_and_remembered(client: httpx2.AsyncClient) -> None:
    english = await client.get(WORKLOAD)
    assert 'href="/namespaces/ai-team/workloads/ml-training-job?lang=ko"' in english.text
    korean = await client.get(f"{WORKLOAD}?lang=ko")
    assert '<html lang="ko">' in korean.text
    assert "미준수" in korean.text and "예상 감축량 순 권장 사항" in korean.text
    assert "ckm_lang=ko" in korean.headers["set-cookie"]
    remembered = await client.get("/", headers={"cookie": "ckm_lang=ko"})
    assert '<html lang="ko">' in remembered.text and "네임스페이스" in remembered.text


async def test_unknown_names_and_bad_durations_are_pages_that_say_what_to_do(client: httpx2.AsyncClient) -> None:
    missing = await client.get("/namespaces/ai-team/workloads/ml-train")
    assert missing.status_code == 404
    assert "text/html" in missing.headers["content-type"]
    assert "<code>ml-training-job</code>" in missing.text  # suggested
    bad = await client.get(f"{WORKLOAD}/schedule?duration_hours=soon")
    assert bad.status_code == 422 and "not a number of hours" in bad.text
    long = await client.get(f"{WORKLOAD}/schedule?duration_hours=48")
    assert long.status_code == 422 and "out of range" in long.text


async def test_the_schedule_page_highlights_the_optimal_window_and_tables_every_hour(
    client: httpx2.AsyncClient,
) -> None:
    page = (await client.get(f"{WORKLOAD}/schedule?duration_hours=3")).text
    assert 'role="img"' in page and 'data-testid="optimal-window"' in page
    rows = re.findall(r'<tr><th scope="row"><time', page)
    assert len(rows) == 24
    assert page.count("✓") == 3  # three optimal hours for a 3 h run


def test_intensity_chart_puts_the_band_over_the_optimal_hours_only() -> None:
    start = datetime.fromisoformat("2026-04-15T00:00:00+09:00")
    points = [HourPoint(start + timedelta(hours=h), 400.0 - (30 if 10 <= h < 14 else 0)) for h in range(24)]
    svg = str(
        intensity_chart(
            points,
            optimal=(start + timedelta(hours=10), start + timedelta(hours=14)),
            now=start,
            title="t <b>",
            description="d",
            optimal_label="best",
            now_label="now",
        )
    )
    assert svg.count('class="hour hour-optimal"') == 4
    assert "t &lt;b&gt;" in svg  # text is escaped
    band = re.search(r'class="optimal-band" x="([\d.]+)" y="\d+" width="([\d.]+)"', svg)
    assert band is not None
    x, width = float(band.group(1)), float(band.group(2))
    assert x == pytest.approx(56 + 688 * 10 / 24, abs=0.1) and width == pytest.approx(688 * 4 / 24, abs=0.2)


def test_bar_chart_scales_bars_from_zero_to_the_largest_value() -> None:
    bars = [Bar("a", "A", 10.0, "10.0", "best"), Bar("b", "B", 40.0, "40.0", "current", tag="now")]
    svg = str(bar_chart(bars, title="x", description="y", chart_id="c", unit="g"))
    widths = [float(w) for w in re.findall(r'class="bar" x="\d+" y="\d+" width="([\d.]+)"', svg)]
    assert widths[1] == pytest.approx(4 * widths[0], rel=0.01)
    assert "40.0 · now" in svg


def test_nice_ticks_cover_the_range_with_round_steps() -> None:
    ticks = nice_ticks(352.4, 447.9)
    assert ticks[0] <= 352.4 and ticks[-1] >= 447.9
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert steps == {25.0}


async def test_the_workload_page_shows_cpu_dram_and_gpu_apart(client: httpx2.AsyncClient) -> None:
    page = await client.get(WORKLOAD)
    # ml-training-job: 2 × (165 + 28) = 386 W CPU+DRAM and 2 × 240 = 480 W GPU, 866 W together
    assert 'data-testid="power-breakdown">CPU+DRAM 386.0 · GPU 480.0 W' in page.text
    korean = await client.get(WORKLOAD + "?lang=ko")
    assert "CPU+DRAM 386.0 · GPU 480.0 W" in korean.text
