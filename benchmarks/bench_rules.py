"""Benchmark: the Prometheus source with and without the recording rules, at 5,000 and 50,000 pods.

Usage::

    .venv/bin/python benchmarks/bench_rules.py [--pods 5000,50000] [--repeat 3] [--output docs/performance.md]

For each size, 11 minutes of Kepler >= 0.10 pod counters (zones package, core, uncore, dram, one sample a minute)
and of what the recording rules record from them (``carbon_kepler:pod_zone_energy_joules_total``: package and dram,
no ``pod_id``; the ``carbon_kepler:rules_info`` marker) are backfilled with promtool into a fresh Prometheus (the
Debian binary on 127.0.0.1, no scraping, evaluation pinned to the end of the data). Side by side, against the
same Prometheus, with the rules' series read (the source finds them covering the 10-minute window) and without
(the raw counters, as a Prometheus without the rules):

* **Prometheus alone**: the snapshot's pod energy query for the whole cluster, sent by a bare HTTP client;
* **cluster-wide summary**: ``get_power_consumption_summary`` (a snapshot of every pod), cold cache;
* **one-namespace list**: ``list_workloads_by_compliance`` of one namespace (1/50 of the pods), cold cache.

With ``--output`` only the part of the file between ``<!-- bench_rules:start -->`` and ``<!-- bench_rules:end -->``
is rewritten.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import httpx2

import _report  # benchmarks/_report.py: the scripts run with benchmarks/ on sys.path
from _report import call
from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources import promql, recorded
from carbon_kepler_mcp.sources.prometheus import PrometheusSource

START_MARKER = "<!-- bench_rules:start -->"
END_MARKER = "<!-- bench_rules:end -->"
END = 1_790_000_040  # a whole minute; the data ends here and every query is evaluated here
WINDOW_SECONDS = 600
NAMESPACES = 50
PODS_PER_NODE = 100
RAW_ZONES = ("package", "core", "uncore", "dram")
SUFFIX = "bcdfghjklmnpqrstvwxz2456789"


@dataclass
class Row:
    pods: int
    raw_series: int
    recorded_series: int
    prometheus: dict[bool, list[float]]
    summary: dict[bool, list[float]]
    listing: dict[bool, list[float]]


def _pod(i: int) -> tuple[str, str, str, float]:
    """Namespace, pod name (a Deployment's: name-hash-suffix), node and package watts of pod ``i``."""
    suffix = "".join(SUFFIX[(i // 27**k) % 27] for k in range(5))
    return (
        f"ns-{i % NAMESPACES}",
        f"svc{(i // NAMESPACES) % 40}-6d4cf56db6-{suffix}",
        f"node-{i // PODS_PER_NODE}",
        5.0 + i % 7,
    )


def write_history(path: Path, pods: int) -> tuple[int, int]:
    """The raw and recorded series for ``pods`` pods; returns (raw series, recorded series)."""
    stamps = list(range(END - 660, END + 1, 60))
    share = {"package": 1.0, "core": 0.6, "uncore": 0.1, "dram": 0.2}
    with path.open("w", encoding="utf-8") as out:
        for family, zones, with_id in (
            (schema.POD_JOULES, RAW_ZONES, True),
            (recorded.POD_ZONE_JOULES, ("package", "dram"), False),
        ):
            for i in range(pods):
                namespace, pod, node, watts = _pod(i)
                uid = f',pod_id="uid-{i}"' if with_id else ""
                for zone in zones:
                    head = (
                        f'{family}{{pod_namespace="{namespace}",pod_name="{pod}",node_name="{node}",'
                        f'state="running",zone="{zone}"{uid}}}'
                    )
                    rate = watts * share[zone]
                    out.writelines(f"{head} {rate * (t - stamps[0]):.1f} {t}\n" for t in stamps)
        out.writelines(f'{recorded.RULES_INFO}{{version="1"}} 1 {t}\n' for t in stamps)
        out.write("# EOF\n")
    return pods * len(RAW_ZONES), pods * 2


async def _timed(action: Callable[[], Awaitable[Any]]) -> float:
    start = time.perf_counter()
    await action()
    return time.perf_counter() - start


def _progress(pods: int, with_rules: bool, what: str, seconds: float) -> None:
    print(f"  {pods} pods, {'with' if with_rules else 'without'} rules: {what} {seconds:.2f} s", file=sys.stderr)


async def measure(url: str, pods: int, repeat: int) -> tuple[dict[bool, list[float]], ...]:
    at = datetime.fromtimestamp(END, UTC)
    reference = load_reference_data()
    real_cover = recorded.rules_cover

    async def no_rules(client: Any, at_unix: float, window: int) -> recorded.Coverage:
        return recorded.Coverage(False, None, recorded.coverage_query(window))

    prometheus: dict[bool, list[float]] = {True: [], False: []}
    summary: dict[bool, list[float]] = {True: [], False: []}
    listing: dict[bool, list[float]] = {True: [], False: []}
    async with httpx2.AsyncClient(timeout=900) as http:
        for with_rules in (False, True):
            metric = recorded.POD_ZONE_JOULES if with_rules else schema.POD_JOULES
            query = promql.pod_energy_query(
                "current", None, WINDOW_SECONDS, promql.DEFAULT_RECENT_SECONDS, float(END), metric=metric
            )

            async def bare(query: str = query) -> None:
                response = await http.post(f"{url}/api/v1/query", data={"query": query, "time": str(END)})
                response.raise_for_status()

            recorded.rules_cover = real_cover if with_rules else no_rules  # type: ignore[assignment]
            try:
                for _ in range(repeat):
                    prometheus[with_rules].append(await _timed(bare))
                    _progress(pods, with_rules, "Prometheus alone", prometheus[with_rules][-1])
                    for bucket, tool, arguments in (
                        (summary, "get_power_consumption_summary", {}),
                        (listing, "list_workloads_by_compliance", {"namespace": "ns-0"}),
                    ):
                        source = PrometheusSource(
                            url,
                            timeout_seconds=900,
                            max_bytes=1024 * 1024 * 1024,  # a cluster-wide answer at 50,000 pods is over 64 MiB
                            cache_ttl_seconds=0,
                            default_window_seconds=WINDOW_SECONDS,
                            wall_clock=lambda: at,
                        )
                        ctx = AppContext(source, reference, AppConfig(default_window_seconds=WINDOW_SECONDS))
                        try:
                            bucket[with_rules].append(await _timed(lambda t=tool, a=arguments, c=ctx: call(c, t, **a)))
                            _progress(pods, with_rules, tool, bucket[with_rules][-1])
                        finally:
                            await ctx.aclose()
            finally:
                recorded.rules_cover = real_cover  # type: ignore[assignment]
            print(f"  {pods} pods, rules={with_rules}: done", file=sys.stderr)
    return prometheus, summary, listing


def run(sizes: list[int], repeat: int) -> list[Row]:
    prometheus_bin = "/usr/bin/prometheus"
    promtool = "/usr/bin/promtool"
    rows: list[Row] = []
    for pods in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-rules-") as tmp:
            work = Path(tmp)
            data = work / "data"
            data.mkdir()
            raw, rec = write_history(work / "history.om", pods)
            subprocess.run(
                [promtool, "tsdb", "create-blocks-from", "openmetrics", str(work / "history.om"), str(data)],
                check=True,
                capture_output=True,
            )
            (work / "history.om").unlink()
            process, url = _report.start_prometheus(
                prometheus_bin, data, work, extra=["--query.timeout=15m"], ready_seconds=300
            )  # the raw queries at 50,000 pods take minutes on a small machine
            try:
                prometheus, summary, listing = anyio.run(measure, url, pods, repeat)
            finally:
                process.kill()
                process.wait()
            rows.append(Row(pods, raw, rec, prometheus, summary, listing))
    return rows


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:,.0f}"


def render(rows: list[Row], repeat: int) -> str:
    lines = [
        "## The recording rules (`benchmarks/bench_rules.py`)",
        "",
        f"Median of {repeat} cold calls, milliseconds, 10-minute window, Kepler >= 0.10 pods at 100 per node in "
        f"{NAMESPACES} namespaces; the one-namespace list reads 1/{NAMESPACES} of them. Without rules = the raw "
        "counters (4 zones per pod); with rules = the recorded `carbon_kepler:pod_zone_energy_joules_total` "
        "(package and dram). Prometheus alone = the cluster's pod energy query by a bare HTTP client.",
        "",
        "| pods | series raw / recorded | Prometheus alone, without / with | cluster-wide summary, without / with "
        "| one-namespace list, without / with |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    lines.extend(
        f"| {row.pods:,} | {row.raw_series:,} / {row.recorded_series:,} "
        f"| {_ms(row.prometheus[False])} / {_ms(row.prometheus[True])} "
        f"| {_ms(row.summary[False])} / {_ms(row.summary[True])} "
        f"| {_ms(row.listing[False])} / {_ms(row.listing[True])} |"
        for row in rows
    )
    lines += [
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"measured {datetime.now(UTC).date().isoformat()}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pods", default="5000,50000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    rows = run([int(p) for p in args.pods.split(",")], args.repeat)
    section = render(rows, args.repeat)
    print(section)
    if args.output:
        _report.write_section(args.output, START_MARKER, END_MARKER, section)


if __name__ == "__main__":
    main()
