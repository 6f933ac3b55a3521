"""Hostile exporters against the real sources over 127.0.0.1: every call ends within the configured deadline,
memory stays within one budget, no lock spans the network, failures are remembered, bad data is refused.

Time bounds are written against the source's own deadline (``DEADLINE``), never as a benchmark: a call that
gives up must do so within the deadline plus a fixed allowance for scheduling on a loaded CI machine.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from typing import Any

import anyio
import httpx2
import pytest

from carbon_kepler_mcp.errors import ResponseTooLargeError, SourceError, SourceTimeoutError
from carbon_kepler_mcp.sources.base import Snapshot
from carbon_kepler_mcp.sources.kepler import KeplerSource
from carbon_kepler_mcp.sources.prometheus import PrometheusSource
from tests.hostile_exporter import HostileExporter, hostile_exporter

pytestmark = pytest.mark.anyio

DEADLINE = 1.0
"""The scrape deadline these tests configure, in seconds."""
ALLOWANCE = 2.0
"""Scheduling slack on a busy machine, added to the deadline in every time bound."""


@pytest.fixture(scope="module")
def exporter() -> Iterator[HostileExporter]:
    with hostile_exporter(huge_bytes=4 * 1024 * 1024, halves_bytes=48 * 1024, pause_seconds=0.3) as running:
        yield running


def _source(*urls: str, **options: Any) -> KeplerSource:
    return KeplerSource(list(urls), timeout_seconds=DEADLINE, cache_ttl_seconds=60, **options)


@pytest.mark.parametrize("path", ["/drip", "/hang"])
async def test_a_slow_drip_or_a_hang_after_the_headers_ends_within_the_deadline(
    exporter: HostileExporter, path: str
) -> None:
    source = _source(exporter.url(path))
    started = time.monotonic()
    with pytest.raises(SourceTimeoutError) as timed_out:
        await source.snapshot()
    elapsed = time.monotonic() - started
    await source.aclose()
    # A per-read timeout would never fire on the drip (a byte every 0.2 s); the total deadline does.
    assert elapsed < DEADLINE + ALLOWANCE
    message = str(timed_out.value)
    assert f"within {DEADLINE:g} s" in message
    assert "gave up after 1." in message  # the real time spent: the 1.0 s deadline, plus a little


async def test_eight_callers_on_a_hung_endpoint_share_one_scrape_and_all_get_its_error_in_one_deadline(
    exporter: HostileExporter,
) -> None:
    source = _source(exporter.url("/hang"))
    before = exporter.requests["/hang"]
    outcomes: list[BaseException] = []

    async def call() -> None:
        try:
            await source.snapshot()
        except SourceError as exc:
            outcomes.append(exc)

    started = time.monotonic()
    async with anyio.create_task_group() as group:
        for _ in range(8):
            group.start_soon(call)
    elapsed = time.monotonic() - started
    await source.aclose()
    # One scrape for all eight (single flight), so all eight end after one deadline, not 1, 2, ... 8 of them.
    assert len(outcomes) == 8 and all(isinstance(o, SourceTimeoutError) for o in outcomes)
    assert exporter.requests["/hang"] - before == 1
    assert elapsed < DEADLINE + ALLOWANCE


async def test_a_failed_scrape_is_remembered_so_the_next_caller_is_answered_at_once(
    exporter: HostileExporter,
) -> None:
    source = _source(exporter.url("/hang"), failure_ttl_seconds=60)
    before = exporter.requests["/hang"]
    with pytest.raises(SourceTimeoutError):
        await source.snapshot()
    started = time.monotonic()
    with pytest.raises(SourceTimeoutError):
        await source.snapshot()
    again = time.monotonic() - started
    assert exporter.requests["/hang"] - before == 1  # the second caller did not ask the hung exporter again
    assert again < DEADLINE  # answered from memory, not after another deadline
    source.invalidate()  # forgetting the failure lets the next call try again
    with pytest.raises(SourceTimeoutError):
        await source.snapshot()
    assert exporter.requests["/hang"] - before == 2
    await source.aclose()


async def test_the_cached_answer_is_served_while_a_refresh_hangs(exporter: HostileExporter) -> None:
    now = [0.0]
    exporter.hang_toggle.clear()
    source = KeplerSource(
        [exporter.url("/ok"), exporter.url("/toggle")],
        timeout_seconds=DEADLINE,
        cache_ttl_seconds=60,
        clock=lambda: now[0],
    )
    first = await source.snapshot()
    assert not first.failed_endpoints
    exporter.hang_toggle.set()
    now[0] = 61.0  # the cached snapshot is now older than the TTL
    seen: dict[str, Snapshot | float] = {}

    async def refresh() -> None:
        seen["refreshed"] = await source.snapshot()  # the leader: waits for the hung endpoint's deadline

    async def reader() -> None:
        await anyio.sleep(0.05)  # let the refresh start first
        started = time.monotonic()
        seen["served"] = await source.snapshot()
        seen["served_after"] = time.monotonic() - started
        seen["refresh_running"] = 1.0 if "refreshed" not in seen else 0.0

    async with anyio.create_task_group() as group:
        group.start_soon(refresh)
        group.start_soon(reader)
    exporter.hang_toggle.clear()
    await source.aclose()
    # The reader got the previous snapshot at once, while the refresh was still waiting on the hung endpoint.
    assert seen["served"] is first
    assert seen["refresh_running"] == 1.0
    assert isinstance(seen["served_after"], float) and seen["served_after"] < DEADLINE
    refreshed = seen["refreshed"]
    assert isinstance(refreshed, Snapshot) and refreshed is not first
    assert len(refreshed.failed_endpoints) == 1 and "within 1 s" in refreshed.failed_endpoints[0]


@pytest.mark.parametrize("path", ["/huge", "/gzip"])
async def test_a_huge_body_or_a_gzip_bomb_is_refused_at_the_size_cap(exporter: HostileExporter, path: str) -> None:
    source = _source(exporter.url(path), max_bytes=256 * 1024)
    with pytest.raises(ResponseTooLargeError, match=r"more than 262,144 bytes"):
        await source.snapshot()
    assert source.memory_budget.used_bytes == 0  # everything the refused body held is given back
    await source.aclose()


async def test_the_memory_budget_bounds_every_endpoint_together(exporter: HostileExporter) -> None:
    # Each endpoint sends ~48 KiB in two halves 0.3 s apart, under the 64 KiB cap of one endpoint. Three at
    # once hold 3 × 24 KiB = 72 KiB after their first halves; the budget of 64 KiB refuses whoever passes it.
    urls = [exporter.url("/halves") + f"?node={i}" for i in range(3)]
    source = _source(*urls, max_bytes=64 * 1024, memory_budget_bytes=64 * 1024)
    snapshot = await source.snapshot()
    refused = [f for f in snapshot.failed_endpoints if "memory budget of 65,536 bytes" in f]
    assert refused, snapshot.failed_endpoints
    assert len(snapshot.endpoints) + len(snapshot.failed_endpoints) == 3
    assert source.memory_budget.used_bytes == 0
    await source.aclose()


async def test_a_body_under_the_cap_but_over_the_budget_is_refused_clearly(exporter: HostileExporter) -> None:
    source = _source(exporter.url("/halves"), max_bytes=1024 * 1024, memory_budget_bytes=32 * 1024)
    with pytest.raises(ResponseTooLargeError, match=r"memory budget of 32,768 bytes.*scrape_memory_budget_bytes"):
        await source.snapshot()
    await source.aclose()


async def _pod_watts(source: KeplerSource) -> tuple[dict[str, float], Snapshot]:
    snapshot = await source.snapshot()
    await source.aclose()
    return {f"{p.namespace}/{p.name}": p.power_watts for p in snapshot.pods}, snapshot


async def test_a_series_sent_twice_in_one_scrape_is_counted_once_with_a_warning(exporter: HostileExporter) -> None:
    plain, _ = await _pod_watts(_source(exporter.url("/ok")))
    doubled, snapshot = await _pod_watts(_source(exporter.url("/duplicates")))
    assert doubled == plain  # not twice the watts
    assert plain["production/web-app-7d9f8b6c5-kx2vq"] > 0
    assert any("appeared more than once in one scrape" in w for w in snapshot.warnings)
    assert "access_token" not in " ".join(snapshot.warnings)


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/negative", "were negative"),
        ("/nan", "had NaN/Inf values"),  # the readings' own rule: the zone counts as not read
        ("/overflow", "larger than 1e+18"),
    ],
)
async def test_negative_non_finite_and_overflowing_values_are_refused_per_series(
    exporter: HostileExporter, path: str, why: str
) -> None:
    plain, plain_snapshot = await _pod_watts(_source(exporter.url("/ok")))
    broken, snapshot = await _pod_watts(_source(exporter.url(path)))
    pod = "production/web-app-7d9f8b6c5-kx2vq"
    assert any(why in w for w in snapshot.warnings), snapshot.warnings
    # Every figure stays a finite, non-negative number: the broken series is left out, never summed.
    assert all(math.isfinite(w) and w >= 0 for w in broken.values())
    assert all(math.isfinite(n.power_watts) and n.power_watts >= 0 for n in snapshot.nodes)
    # The other pods are untouched; the broken pod lost only its package zone (dram still counts).
    assert {k: v for k, v in broken.items() if k != pod} == {k: v for k, v in plain.items() if k != pod}
    assert broken.get(pod, 0.0) < plain[pod]
    assert len(plain_snapshot.nodes) == len(snapshot.nodes)


async def test_a_prometheus_that_hangs_ends_within_its_query_deadline() -> None:
    hang = anyio.Event()

    async def handler(request: httpx2.Request) -> httpx2.Response:
        if hang.is_set():
            await anyio.sleep(3600)  # until the deadline cancels it
        return httpx2.Response(200, json={"status": "success", "data": {"resultType": "vector", "result": []}})

    now = [0.0]
    source = PrometheusSource(
        "http://prometheus.test:9090",
        timeout_seconds=DEADLINE,
        transport=httpx2.MockTransport(handler),
        clock=lambda: now[0],
    )
    with pytest.raises(SourceError):
        await source.window_snapshot("production", 3600)  # no pods: refused, and remembered briefly
    hang.set()
    now[0] = 100.0
    started = time.monotonic()
    with pytest.raises(SourceTimeoutError, match=r"within 1 s \(the whole query's deadline; gave up after 1\.\d s\)"):
        await source.window_snapshot("batch", 3600)
    assert time.monotonic() - started < DEADLINE + ALLOWANCE
    await source.aclose()
