"""Benchmark: a cold call on scrapes shaped as real current-generation nodes send them, one and several endpoints.

Usage::

    .venv/bin/python benchmarks/bench_real_node.py [--pods 5000] [--rss-pods 10000] [--repeat 5] [--output docs/performance.md]

Real current-generation Kepler nodes export four zones (package, core, uncore, dram) in both the watts and the
joules family of every pod, so nearly every sample of a busy node is one the server reads (unlike the
``bench_tools`` shape, mostly per-process series the parser skips). :func:`~carbon_kepler_mcp.demo.large_cluster`
with no process series renders that shape: 8 pod samples per pod. Three variants of the same ``--pods`` pods:

* one node, one endpoint (5,000 pods: about 40,000 samples);
* three nodes and ten nodes, each node's Kepler served by its own process on 127.0.0.1, which
  :class:`KeplerSource` fetches concurrently.

Measured per variant: prometheus_client parsing the same texts (best of 3), a cold
``list_workloads_by_compliance`` of the largest namespace in process (fresh ``KeplerSource`` + ``AppContext``,
as ``bench_tools`` does) and over Streamable HTTP (a ``serve --transport http`` process with the cache off, so
every call scrapes, parses and groups anew), and the ratio. Peak RSS (``VmHWM``) of a fresh process that makes
one cold call at ``--rss-pods`` pods on one endpoint.

With ``--output`` only the part between ``<!-- bench_real_node:start -->`` and ``<!-- bench_real_node:end -->``
is rewritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Generator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

import _report  # benchmarks/_report.py: the scripts run with benchmarks/ on sys.path
import bench_tools  # the exporter process, prometheus_client's parse, best-of and the fresh service
from _report import call
from bench_mcp import server_process
from carbon_kepler_mcp.demo import large_cluster
from carbon_kepler_mcp.demo.cluster import DemoCluster
from carbon_kepler_mcp.demo.multi import node_cluster
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.parser import parse_columns
from carbon_kepler_mcp.kepler.readings import current_readings

START_MARKER = "<!-- bench_real_node:start -->"
END_MARKER = "<!-- bench_real_node:end -->"
TARGET_RATIO = 15.0
TOOL = "list_workloads_by_compliance"
LIMIT = 100
NODE_VARIANTS = (1, 3, 10)


@dataclass(frozen=True, slots=True)
class Variant:
    """What one variant measured (seconds)."""

    nodes: int
    samples: int
    text_bytes: int
    namespace: str
    namespace_pods: int
    prometheus: float
    cold: list[float]
    cold_http: list[float]
    parse: float | None = None
    readings: float | None = None


def _texts(pods: int, nodes: int) -> list[str]:
    """One scrape per node: the node's Kepler renders only its node and its pods, as the DaemonSet does."""
    cluster: DemoCluster = large_cluster(bench_tools.NOW - bench_tools.UPTIME_SECONDS, pod_count=pods, node_count=nodes)
    return [node_cluster(cluster, node.name).render(bench_tools.NOW) for node in cluster.nodes]


@contextmanager
def _exporters(texts: Sequence[str]) -> Generator[list[str]]:
    """Each text served by its own process on 127.0.0.1."""
    with ExitStack() as stack:
        yield [stack.enter_context(bench_tools._exporter_process(text)) for text in texts]  # pyright: ignore[reportPrivateUsage]


async def _cold(urls: Sequence[str], namespace: str, repeat: int) -> list[float]:
    times: list[float] = []
    for _ in range(repeat):
        service = bench_tools.fresh_service(*urls)
        gc.collect()  # every cold run starts from the same heap
        try:
            start = time.perf_counter()
            await call(service, TOOL, namespace=namespace, limit=LIMIT)
            times.append(time.perf_counter() - start)
        finally:
            await service.aclose()
    return times


async def _cold_http(urls: Sequence[str], namespace: str, repeat: int) -> list[float]:
    arguments = {"namespace": namespace, "limit": LIMIT}
    times: list[float] = []
    with server_process(urls, cache_ttl_seconds=0) as base:
        async with (
            httpx2.AsyncClient(timeout=60) as http,
            Client(streamable_http_client(f"{base}/mcp", http_client=http)) as client,
        ):
            for attempt in range(repeat + 1):  # the first call warms the process (imports, connections)
                start = time.perf_counter()
                result = await client.call_tool(TOOL, arguments)
                taken = time.perf_counter() - start
                if result.is_error:
                    raise SystemExit(f"{TOOL} failed over Streamable HTTP: {result.content}")
                if attempt:
                    times.append(taken)
    return times


def measure_variant(pods: int, nodes: int, repeat: int) -> Variant:
    """Render, serve and time one variant."""
    texts = _texts(pods, nodes)
    samples = sum(bench_tools.sample_count(text) for text in texts)
    prometheus = bench_tools._best_of(3, lambda: [bench_tools._prometheus_parse(t) for t in texts])  # pyright: ignore[reportPrivateUsage]
    parse = readings = None
    if nodes == 1:
        parse = bench_tools._best_of(repeat, lambda: parse_columns(texts[0], schema.ALL_FAMILIES))  # pyright: ignore[reportPrivateUsage]
        items = parse_columns(texts[0], schema.ALL_FAMILIES)
        readings = bench_tools._best_of(repeat, lambda: current_readings(items, "bench"))  # pyright: ignore[reportPrivateUsage]

    async def timed() -> Variant:
        with _exporters(texts) as urls:
            namespace, namespace_pods = await bench_tools.largest_namespace(*urls)
            cold = await _cold(urls, namespace, repeat)
            cold_http = await _cold_http(urls, namespace, repeat)
        return Variant(
            nodes=nodes,
            samples=samples,
            text_bytes=sum(len(t.encode("utf-8")) for t in texts),
            namespace=namespace,
            namespace_pods=namespace_pods,
            prometheus=prometheus,
            cold=cold,
            cold_http=cold_http,
            parse=parse,
            readings=readings,
        )

    return anyio.run(timed)


def _vm_hwm_kib() -> int:
    """Peak resident set size of this process so far (``VmHWM``), in KiB."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise SystemExit("no VmHWM in /proc/self/status")


def _rss_child(url: str, namespace: str) -> None:
    """In a fresh process: the peak RSS before and after one cold call on `url` (printed as JSON)."""

    async def run() -> dict[str, int]:
        service = bench_tools.fresh_service(url)
        before = _vm_hwm_kib()
        try:
            await call(service, TOOL, namespace=namespace, limit=LIMIT)
            pods = len((await service.source.snapshot()).pods)  # cached: no second scrape
        finally:
            await service.aclose()
        return {"before_kib": before, "after_kib": _vm_hwm_kib(), "pods": pods}

    sys.stdout.write(json.dumps(anyio.run(run)) + "\n")


def measure_rss(pods: int) -> dict[str, int]:
    """Peak RSS of a fresh process making one cold call over a `pods`-pod, one-endpoint scrape."""
    texts = _texts(pods, 1)
    with _exporters(texts) as urls:
        namespace, _ = anyio.run(bench_tools.largest_namespace, *urls)
        out = subprocess.run(
            [sys.executable, __file__, "--rss-child", urls[0], namespace], check=True, capture_output=True, text=True
        ).stdout
    figures: dict[str, int] = json.loads(out)
    figures["samples"] = bench_tools.sample_count(texts[0])
    figures["bytes"] = len(texts[0].encode("utf-8"))
    return figures


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f}"


def report(variants: list[Variant], rss: dict[str, int], pods: int, repeat: int) -> str:
    """The markdown section (without markers)."""
    rows: list[str] = []
    for v in variants:
        best, best_http = min(v.cold), min(v.cold_http)
        rows.append(
            f"| {v.nodes} node{'s' if v.nodes > 1 else ''} / {v.nodes} endpoint{'s' if v.nodes > 1 else ''} "
            f"| {v.samples:,} / {v.text_bytes / 1e6:.1f} MB | `{v.namespace}` ({v.namespace_pods}) "
            f"| {_ms(v.prometheus)} | {_ms(best)} / {_ms(statistics.median(v.cold))} "
            f"| **{v.prometheus / best:.1f}×** | {_ms(best_http)} / {_ms(statistics.median(v.cold_http))} "
            f"| {v.prometheus / best_http:.1f}× |"
        )
    one = variants[0]
    ratio = one.prometheus / min(one.cold)
    met = "met" if ratio >= TARGET_RATIO else "**not met**"
    today = dt.datetime.now(dt.UTC).date().isoformat()
    lines = [
        "## Scrapes shaped as real nodes send them (`benchmarks/bench_real_node.py`)",
        "",
        f"`large_cluster(pod_count={pods:,}, node_count=N)` without process series: every pod exports four zones "
        "(package, core, uncore, dram) in both `kepler_pod_cpu_watts` and `kepler_pod_cpu_joules_total`, so nearly "
        "every sample is one the server reads. Each node's Kepler is served by its own process on 127.0.0.1 "
        "(`python -m http.server`, pre-rendered text); `KeplerSource` fetches the endpoints concurrently. "
        f"prometheus_client parses the same texts one after another, fully consumed (best of 3). A cold call is "
        f"`{TOOL}` of the largest namespace, `limit={LIMIT}`: in process on a fresh `KeplerSource` + `AppContext` "
        "(construction and a `gc.collect()` before it not timed), and over Streamable HTTP (official SDK client) "
        "to a `serve --transport http` process with the cache off (TTL 0), so every call fetches, parses, groups "
        f"and assesses anew (one untimed warm-up call first). Best / median of {repeat}, `time.perf_counter`.",
        "",
        "| endpoints | samples / size | namespace (pods) | prometheus_client (ms) | cold in process: best / median (ms) "
        "| **ratio** (best) | cold over Streamable HTTP: best / median (ms) | ratio (best) |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        f"≥ {TARGET_RATIO:g}× target on one endpoint (prometheus_client parse / best cold call in process): {met} "
        f"({ratio:.1f}×).",
        "",
    ]
    if one.parse is not None and one.readings is not None:
        lines.append(
            f"Parts of the one-endpoint cold call, timed on their own with the cyclic collector on (the source pauses "
            f"it around both; best of {repeat}): "
            f"`parse_columns(text, schema.ALL_FAMILIES)` {_ms(one.parse)} ms, `current_readings` of its runs "
            f"{_ms(one.readings)} ms; the rest is the fetch (HTTP, UTF-8 decoding), the snapshot and the tool."
        )
        lines.append("")
    lines += [
        f"Peak RSS at {rss['pods']:,} pods ({rss['samples']:,} samples, {rss['bytes'] / 1e6:.1f} MB, one endpoint): "
        f"a fresh process's `VmHWM` is {rss['before_kib'] / 1024:.0f} MiB after imports and setup and "
        f"{rss['after_kib'] / 1024:.0f} MiB after one cold `{TOOL}` (+{(rss['after_kib'] - rss['before_kib']) / 1024:.0f} MiB).",
        "",
        f"Measured {today} with Python {platform.python_version()} ({platform.python_implementation()}) on "
        f"{platform.platform()}, `os.cpu_count()` = {os.cpu_count()}: the exporters, the server process and the "
        "benchmark share these cores. The machine was shared with other jobs; figures vary by ±30 % between runs.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pods", type=int, default=5000, help="pods in every variant (8 samples each)")
    parser.add_argument("--rss-pods", type=int, default=10_000, help="pods for the peak RSS measurement")
    parser.add_argument("--repeat", type=int, default=5, help="cold calls per case")
    parser.add_argument("--output", type=Path, help="markdown file whose bench_real_node section to rewrite")
    parser.add_argument("--rss-child", nargs=2, metavar=("URL", "NAMESPACE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child:
        _rss_child(*args.rss_child)
        return 0
    if args.pods < 1 or args.rss_pods < 1 or args.repeat < 1:
        parser.error("--pods, --rss-pods and --repeat must be positive")
    variants = [measure_variant(args.pods, nodes, args.repeat) for nodes in NODE_VARIANTS]
    rss = measure_rss(args.rss_pods)
    section = report(variants, rss, args.pods, args.repeat)
    sys.stdout.write(section + "\n")
    if args.output is not None:
        _report.write_section(args.output, START_MARKER, END_MARKER, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
