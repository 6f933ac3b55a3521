"""Benchmark: tool calls end to end over a large demo cluster scraped over HTTP, cold and warm.

Usage::

    .venv/bin/python benchmarks/bench_tools.py [--pods 4000] [--repeat 5] [--calls 50] [--output docs/performance.md]

A :func:`~carbon_kepler_mcp.demo.large_cluster` with two per-process series per pod (at least 40,000
samples) is rendered once and served from a separate process on 127.0.0.1 (as a real Kepler exporter runs
apart from this server), so every scrape is byte for byte the text that prometheus_client is timed on. Measured:

* prometheus_client parsing that text (the yardstick of the ≥ 10× target);
* a cold ``list_workloads`` of the largest namespace on a fresh :class:`KeplerSource` + :class:`AppContext`
  (HTTP fetch, parse, index, group, assess), and the fetch + parse + index part alone (``source.snapshot()``);
* warm calls on one service (cached snapshot): ``list_workloads``, ``assess`` of one Deployment, and
  ``list_workloads_by_compliance`` through the MCP layer in process (pydantic validation and serialisation).

With ``--output`` only the part of the file between ``<!-- bench_tools:start -->`` and
``<!-- bench_tools:end -->`` is rewritten; other benchmarks own other marked sections of the same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Generator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import anyio
from mcp import Client
from prometheus_client.parser import text_string_to_metric_families

import _report  # benchmarks/_report.py: the scripts run with benchmarks/ on sys.path
from _report import call
from carbon_kepler_mcp.adapters.mcp.server import build_server
from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.demo import large_cluster
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.parser import parse_columns
from carbon_kepler_mcp.kepler.readings import current_readings
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.kepler import KeplerSource

START_MARKER = "<!-- bench_tools:start -->"
END_MARKER = "<!-- bench_tools:end -->"
TARGET_RATIO = 10.0
MIN_SAMPLES = 40_000
NOW = 1_767_225_600.0  # 2026-01-01T00:00:00Z: the exporter's frozen clock, so every scrape is the same text
UPTIME_SECONDS = 3600.0
LIMIT = 100


@dataclass(frozen=True, slots=True)
class Figures:
    """Everything one run measured (seconds unless the name says otherwise)."""

    samples: int
    text_bytes: int
    pods: int
    namespace: str
    namespace_pods: int
    workload: str
    render: float
    parse: float
    readings: float
    prometheus: float
    cold_list: list[float]
    cold_gc: list[float]
    cold_snapshot: list[float]
    warm_list: list[float]
    warm_assess: list[float]
    warm_mcp: list[float]


def sample_count(text: str) -> int:
    """Samples in a text exposition: lines that are neither empty nor comments."""
    return sum(1 for line in text.splitlines() if line and not line.startswith("#"))


def _prometheus_parse(text: str) -> int:
    """Parse with prometheus_client, consuming every family and sample; return the sample count."""
    count = 0
    for family in text_string_to_metric_families(text):
        count += len(family.samples)  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]
    return count


def _best_of(repeat: int, func: Callable[[], object]) -> float:
    """The best wall time of `repeat` runs of `func`, in seconds."""
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


async def _timed(call: Awaitable[object]) -> float:
    """Seconds until `call` (a coroutine not yet started) finishes."""
    start = time.perf_counter()
    await call
    return time.perf_counter() - start


class GcClock:
    """Sums the wall time of the cyclic garbage collector's passes while installed (any thread)."""

    def __init__(self) -> None:
        self.total = 0.0
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._started

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


def fresh_service(*urls: str) -> AppContext:
    """A new source and context over the endpoints (nothing cached)."""
    source = KeplerSource(list(urls), cache_ttl_seconds=60)
    return AppContext(source, load_reference_data(), AppConfig())


async def largest_namespace(*urls: str) -> tuple[str, int]:
    """The namespace with the most pod series (ties: first by name), found with an untimed scrape."""
    service = fresh_service(*urls)
    try:
        snapshot = await service.source.snapshot()
    finally:
        await service.aclose()
    sizes = {ns: len({pod.name for pod in snapshot.pods_in(ns)}) for ns in snapshot.namespaces}
    namespace = min(sizes, key=lambda ns: (-sizes[ns], ns))
    return namespace, sizes[namespace]


async def _cold(url: str, namespace: str, repeat: int) -> tuple[list[float], list[float], list[float]]:
    """Cold list_workloads times (and the GC pauses inside them), cold snapshot times: fresh source each."""
    lists: list[float] = []
    pauses: list[float] = []
    snapshots: list[float] = []
    for _ in range(repeat):
        service = fresh_service(url)
        gc.collect()  # every cold run starts from the same heap, whatever the previous run left behind
        try:
            with GcClock() as collector:
                lists.append(
                    await _timed(call(service, "list_workloads_by_compliance", namespace=namespace, limit=LIMIT))
                )
            pauses.append(collector.total)
        finally:
            await service.aclose()
        source = KeplerSource([url], cache_ttl_seconds=60)
        gc.collect()
        try:
            snapshots.append(await _timed(source.snapshot()))
        finally:
            await source.aclose()
    return lists, pauses, snapshots


async def _warm(url: str, namespace: str, calls: int) -> tuple[str, list[float], list[float], list[float]]:
    """Warm list_workloads, assess and MCP list_workloads_by_compliance times on one service."""
    service = fresh_service(url)
    try:
        first = await call(service, "list_workloads_by_compliance", namespace=namespace, limit=200)
        deployments = [w.workload for w in first.workloads if w.kind == "Deployment"]
        if not deployments:
            raise SystemExit(f"the grouping found no Deployment in namespace {namespace!r}")
        workload = deployments[0]
        await call(service, "assess_workload_compliance", workload_name=workload, namespace=namespace)
        lists = [
            await _timed(call(service, "list_workloads_by_compliance", namespace=namespace, limit=LIMIT))
            for _ in range(calls)
        ]
        assessments = [
            await _timed(call(service, "assess_workload_compliance", workload_name=workload, namespace=namespace))
            for _ in range(calls)
        ]
        arguments = {"namespace": namespace, "limit": LIMIT}
        async with Client(build_server(service, close_context=False)) as client:
            warm_up = await client.call_tool("list_workloads_by_compliance", arguments)
            if warm_up.is_error or warm_up.structured_content is None:
                raise SystemExit(f"list_workloads_by_compliance failed through MCP: {warm_up.content}")
            mcp_times: list[float] = []
            for _ in range(calls):
                start = time.perf_counter()
                result = await client.call_tool("list_workloads_by_compliance", arguments)
                mcp_times.append(time.perf_counter() - start)
                if result.is_error:
                    raise SystemExit(f"list_workloads_by_compliance failed through MCP: {result.content}")
    finally:
        await service.aclose()
    return workload, lists, assessments, mcp_times


def _components(text: str, repeat: int) -> tuple[float, float]:
    """Best times of parse_columns (wanted families) and current_readings on `text`, as the source runs them."""
    parse = _best_of(repeat, lambda: parse_columns(text, schema.ALL_FAMILIES))
    wanted = parse_columns(text, schema.ALL_FAMILIES)
    readings = _best_of(repeat, lambda: current_readings(wanted, "bench"))
    return parse, readings


@contextmanager
def _exporter_process(text: str) -> Generator[str]:
    """Serve the rendered scrape from a separate process on 127.0.0.1, as a real Kepler exporter runs apart.

    The text is rendered once (its cost is reported on its own row) and served as a static file by
    ``python -m http.server``, so the timed tool calls measure this server's work, not the exporter's.
    """
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "metrics").write_text(text, encoding="utf-8")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        process = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", folder],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            yield f"http://127.0.0.1:{port}/metrics"
        finally:
            process.terminate()
            process.wait(timeout=10)


def measure(pods: int, repeat: int, calls: int) -> Figures:
    """Build and serve the cluster, then time every case."""
    cluster = large_cluster(NOW - UPTIME_SECONDS, pod_count=pods, process_lines_per_pod=2)
    text = cluster.render(NOW)
    samples = sample_count(text)
    if samples < MIN_SAMPLES:
        raise SystemExit(f"the scrape holds {samples:,} samples, fewer than {MIN_SAMPLES:,}: raise --pods")
    render = _best_of(3, lambda: cluster.render(NOW).encode("utf-8"))
    parse, readings = _components(text, repeat)
    parsed = _prometheus_parse(text)
    if parsed != samples:
        raise SystemExit(f"prometheus_client returned {parsed:,} samples, the text holds {samples:,}")
    prometheus = _best_of(max(1, min(repeat, 3)), lambda: _prometheus_parse(text))

    async def timed_cases() -> Figures:
        with _exporter_process(text) as url:
            namespace, namespace_pods = await largest_namespace(url)
            cold_list, cold_gc, cold_snapshot = await _cold(url, namespace, repeat)
            workload, warm_list, warm_assess, warm_mcp = await _warm(url, namespace, calls)
        return Figures(
            samples=samples,
            text_bytes=len(text.encode("utf-8")),
            pods=pods,
            namespace=namespace,
            namespace_pods=namespace_pods,
            workload=workload,
            render=render,
            parse=parse,
            readings=readings,
            prometheus=prometheus,
            cold_list=cold_list,
            cold_gc=cold_gc,
            cold_snapshot=cold_snapshot,
            warm_list=warm_list,
            warm_assess=warm_assess,
            warm_mcp=warm_mcp,
        )

    return anyio.run(timed_cases)


def _p95(values: list[float]) -> float:
    """95th percentile, nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f}" if seconds >= 0.01 else f"{seconds * 1e3:,.2f}"


def report(f: Figures, repeat: int, calls: int) -> str:
    """The markdown section (without markers)."""
    cold_best = min(f.cold_list)
    cold_median = statistics.median(f.cold_list)
    ratio = f.prometheus / cold_best
    ratio_median = f.prometheus / cold_median
    met = "met" if ratio >= TARGET_RATIO else "**not met**"
    today = dt.datetime.now(dt.UTC).date().isoformat()
    rows = [
        ("scrape: samples (non-comment lines) / size", f"{f.samples:,} / {f.text_bytes / 1e6:.1f} MB"),
        (
            "`prometheus_client.parser.text_string_to_metric_families`, fully consumed (best)",
            f"{_ms(f.prometheus)} ms",
        ),
        (
            f"cold `list_workloads` (fetch, parse, index, group, assess): best / median of {repeat}",
            f"{_ms(cold_best)} / {_ms(cold_median)} ms",
        ),
        (
            f"cold `source.snapshot()` alone (fetch, parse, index): best / median of {repeat}",
            f"{_ms(min(f.cold_snapshot))} / {_ms(statistics.median(f.cold_snapshot))} ms",
        ),
        ("exporter side, not in the tool calls: demo rendering + encoding the scrape (best)", f"{_ms(f.render)} ms"),
        ("↳ `parse_columns(text, schema.ALL_FAMILIES)` on the same text (best)", f"{_ms(f.parse)} ms"),
        ("↳ `current_readings` of the parsed runs (best)", f"{_ms(f.readings)} ms"),
        (
            "↳ cyclic-GC pauses inside the cold `list_workloads` calls: median",
            f"{_ms(statistics.median(f.cold_gc))} ms",
        ),
        (
            "**prometheus_client parse / cold `list_workloads`** (best; median)",
            f"**{ratio:.1f}×** ({ratio_median:.1f}×)",
        ),
        (f"≥ {TARGET_RATIO:g}× target (on the best cold run)", met),
        (
            f"warm `list_workloads` (cached snapshot): median / p95 of {calls}",
            f"{_ms(statistics.median(f.warm_list))} / {_ms(_p95(f.warm_list))} ms",
        ),
        (
            f"warm `assess` of Deployment `{f.workload}`: median / p95 of {calls}",
            f"{_ms(statistics.median(f.warm_assess))} / {_ms(_p95(f.warm_assess))} ms",
        ),
        (
            f"warm MCP `list_workloads_by_compliance` in process: median / p95 of {calls}",
            f"{_ms(statistics.median(f.warm_mcp))} / {_ms(_p95(f.warm_mcp))} ms",
        ),
    ]
    return "\n".join(
        [
            "## Tool calls end to end (`benchmarks/bench_tools.py`)",
            "",
            f"`large_cluster(pod_count={f.pods:,}, process_lines_per_pod=2)` rendered once and served by a separate "
            "process on 127.0.0.1 (one endpoint; every scrape is the exact text prometheus_client parses). Tool calls ask "
            f"for the largest namespace, `{f.namespace}` ({f.namespace_pods} pods), `limit={LIMIT}`. A cold call "
            "builds a fresh `KeplerSource` and `AppContext` (construction and a `gc.collect()` before it not timed); warm calls reuse one "
            "service whose snapshot is cached (`cache_ttl_seconds=60`). `time.perf_counter`; prometheus_client: best "
            f"of {max(1, min(repeat, 3))}. Rows marked ↳ are parts of the cold path timed on their own to show where "
            "the time goes; they overlap (the parse and readings times include the cyclic-GC passes they trigger, "
            "which `gc.callbacks` times inside the cold calls).",
            "",
            "| measure | figure |",
            "| --- | ---: |",
            *(f"| {measure} | {figure} |" for measure, figure in rows),
            "",
            f"Measured {today} with Python {platform.python_version()} ({platform.python_implementation()}) on "
            f"{platform.platform()}, {platform.machine()}, `os.cpu_count()` = {os.cpu_count()}. The exporter is a "
            "separate process (`python -m http.server` serving the pre-rendered scrape), as Kepler runs apart from this server.",
        ]
    )


def write_section(path: Path, section: str) -> None:
    """Replace this benchmark's marked section of ``path`` (see benchmarks/_report.py)."""
    _report.write_section(path, START_MARKER, END_MARKER, section)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pods", type=int, default=4000, help="pods in the cluster (12 samples each)")
    parser.add_argument("--repeat", type=int, default=5, help="cold runs per case")
    parser.add_argument("--calls", type=int, default=50, help="timed warm calls per case")
    parser.add_argument("--output", type=Path, help="markdown file whose bench_tools section to rewrite")
    args = parser.parse_args(argv)
    if args.pods < 1 or args.repeat < 1 or args.calls < 1:
        parser.error("--pods, --repeat and --calls must be positive")
    figures = measure(args.pods, args.repeat, args.calls)
    section = report(figures, args.repeat, args.calls)
    sys.stdout.write(section + "\n")
    if args.output is not None:
        write_section(args.output, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
