"""Benchmark: the emissions report over 30 days of 1,000 pods, by day, beside Prometheus's own query time.

Usage::

    .venv/bin/python benchmarks/bench_report.py [--pods 1000] [--days 30] [--repeat 5] [--output docs/performance.md]

Writes ``kepler_pod_cpu_joules_total`` (package and dram) of ``--pods`` pods (40 per namespace, 100 per node,
each pod 10–60 W) every 30 minutes (two samples an hour, as increase() needs) over ``--days`` days, backfills it with ``promtool tsdb create-blocks-from
openmetrics`` and starts a real ``prometheus`` (the Debian binary, 127.0.0.1, no scraping). Then, with the
evaluation time pinned to the end of the data and the cache off, side by side:

* **Prometheus alone**: the report's ``query_range`` (30 days at a 1 h step) sent by a bare HTTP client that only
  reads the body;
* **report, one namespace** and **report, one Deployment**: ``get_emissions_report`` by day, in process, including
  the snapshot that resolves the workload (the last hour's; a week's when it is not running now) and the range query;
* **assess with coverage**: ``assess_workload_compliance`` of the same Deployment over a 1 h window (energy,
  span and power-now queries), beside **Prometheus alone** for the snapshot's queries.

With ``--output`` only the part of the file between ``<!-- bench_report:start -->`` and ``<!-- bench_report:end -->``
is rewritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import anyio
import httpx2

import _report  # benchmarks/_report.py: the scripts run with benchmarks/ on sys.path
from _report import call
from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources import promql
from carbon_kepler_mcp.sources.prometheus import PrometheusSource

START_MARKER = "<!-- bench_report:start -->"
END_MARKER = "<!-- bench_report:end -->"
END = 1_790_006_400  # a whole hour; the data ends here and every query is evaluated here
STEP = 1800  # samples every 30 min: two per hour, enough for increase() over each hour
PODS_PER_NAMESPACE = 40
PODS_PER_NODE = 100
ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def _suffix(number: int, width: int) -> str:
    out = ""
    for _ in range(width):
        number, digit = divmod(number, len(ALPHABET))
        out += ALPHABET[digit]
    return out


def _pods(count: int) -> list[tuple[str, str, str, str, float]]:
    """(namespace, pod, uid, node, watts): Deployments of 4 pods, 40 pods per namespace, 100 per node."""
    pods: list[tuple[str, str, str, str, float]] = []
    for index in range(count):
        namespace = f"team-{index // PODS_PER_NAMESPACE:03d}"
        deployment = f"svc-{(index % PODS_PER_NAMESPACE) // 4:02d}"
        pod = f"{deployment}-{_suffix(index // 4 + 7, 9)}-{_suffix(index, 5)}"
        uid = f"00000000-0000-0000-0000-{index:012d}"
        pods.append((namespace, pod, uid, f"node-{index // PODS_PER_NODE:03d}", 10.0 + (index * 7) % 51))
    return pods


def _write(path: Path, pods: list[tuple[str, str, str, str, float]], days: int) -> int:
    start = END - days * 86_400
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for stamp in range(start, END + 1, STEP):
            seconds = stamp - start
            for namespace, pod, uid, node, watts in pods:
                head = (
                    f'job="kepler",instance="{node}:28282",node_name="{node}",pod_id="{uid}",pod_name="{pod}",'
                    f'pod_namespace="{namespace}",state="running"'
                )
                out.write(f'kepler_pod_cpu_joules_total{{{head},zone="package"}} {0.8 * watts * seconds} {stamp}\n')
                out.write(f'kepler_pod_cpu_joules_total{{{head},zone="dram"}} {0.2 * watts * seconds} {stamp}\n')
                count += 2
        out.write("# EOF\n")
    return count


async def _timed_raw(client: httpx2.AsyncClient, url: str, path: str, form: dict[str, str]) -> float:
    start = time.perf_counter()
    response = await client.post(f"{url}{path}", data=form)
    response.read()
    if response.status_code != 200:
        raise SystemExit(f"query failed: {response.text[:300]}")
    return time.perf_counter() - start


async def _measure(
    url: str, pods: list[tuple[str, str, str, str, float]], days: int, repeat: int
) -> dict[str, list[float]]:
    at = datetime.fromtimestamp(END, UTC)
    namespace = pods[0][0]
    workload = "svc-00"

    def fresh() -> AppContext:
        source = PrometheusSource(url, cache_ttl_seconds=0, wall_clock=lambda: at)
        return AppContext(source, load_reference_data(), AppConfig(), clock=lambda: at)

    times: dict[str, list[float]] = {k: [] for k in ("raw_range", "report_ns", "report_wl", "raw_snapshot", "assess")}
    history = promql.history_query("current", namespace, ".+", ["package", "dram"])
    snapshot_queries = [
        promql.pod_energy_query("current", namespace, 3600, promql.DEFAULT_RECENT_SECONDS, END),
        promql.pod_times_query("current", namespace, 3600, promql.DEFAULT_RECENT_SECONDS, END),
        promql.running_query("current", namespace),
    ]
    async with httpx2.AsyncClient(timeout=300) as client:
        for run in range(repeat + 1):  # the first run warms Prometheus's caches and is not counted
            raw = await _timed_raw(
                client,
                url,
                "/api/v1/query_range",
                {"query": history, "start": str(END - days * 86_400 + 3600), "end": str(END), "step": "3600"},
            )
            start = time.perf_counter()
            async with anyio.create_task_group() as group:
                for query in snapshot_queries:
                    group.start_soon(_timed_raw, client, url, "/api/v1/query", {"query": query, "time": str(END)})
            raw_snapshot = time.perf_counter() - start
            timed: dict[str, float] = {}
            for key, arguments in (
                ("report_ns", {"namespace": namespace, "days": days, "granularity": "day"}),
                ("report_wl", {"namespace": namespace, "workload_name": workload, "days": days, "granularity": "day"}),
            ):
                ctx = fresh()
                try:
                    start = time.perf_counter()
                    result = await call(ctx, "get_emissions_report", **arguments)
                    timed[key] = time.perf_counter() - start
                    assert result.hours_with_data > 0
                finally:
                    await ctx.aclose()
            ctx = fresh()
            try:
                start = time.perf_counter()
                await call(ctx, "assess_workload_compliance", workload_name=workload, namespace=namespace, window="1h")
                timed["assess"] = time.perf_counter() - start
            finally:
                await ctx.aclose()
            if run:
                times["raw_range"].append(raw)
                times["raw_snapshot"].append(raw_snapshot)
                for key, value in timed.items():
                    times[key].append(value)
    return times


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:,.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pods", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    binary, promtool = shutil.which("prometheus"), shutil.which("promtool")
    if not binary or not promtool:
        raise SystemExit("needs the prometheus and promtool binaries (Debian package prometheus)")
    pods = _pods(args.pods)
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        data = workdir / "data"
        data.mkdir()
        history = workdir / "history.om"
        samples = _write(history, pods, args.days)
        subprocess.run(
            [promtool, "tsdb", "create-blocks-from", "openmetrics", str(history), str(data)],
            check=True,
            capture_output=True,
        )
        history.unlink()
        process, url = _report.start_prometheus(binary, data, workdir)
        try:
            times = anyio.run(_measure, url, pods, args.days, args.repeat)
        finally:
            process.terminate()
            process.wait(timeout=30)
        version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    namespace_pods = sum(1 for p in pods if p[0] == pods[0][0])
    section = "\n".join(
        [
            "## Emissions report over 30 days (`benchmarks/bench_report.py`)",
            "",
            f"{args.pods:,} pods ({PODS_PER_NAMESPACE} per namespace, Deployments of 4), Kepler ≥ 0.10 pod counters "
            f"(package + dram) every {STEP // 60} min over {args.days} days ({samples:,} samples), backfilled with "
            f"promtool and queried by {version} on 127.0.0.1, evaluation pinned to the end of the data, cache off. "
            f"Medians of {args.repeat} runs after one untimed warm-up, `time.perf_counter`, on "
            f"{platform.machine()} with Python {platform.python_version()}, {dt.date.today().isoformat()}. "
            "Tool calls run in process and include the snapshot that resolves the workload and its PUE (the last hour's, a week's when the workload is not running now).",
            "",
            "| what | median |",
            "| --- | ---: |",
            f"| Prometheus alone: the report's `query_range` ({args.days} d, 1 h step, {namespace_pods} pods) | "
            f"{_ms(times['raw_range'])} |",
            f"| `get_emissions_report`, one namespace by day | {_ms(times['report_ns'])} |",
            f"| `get_emissions_report`, one Deployment (4 pods) by day | {_ms(times['report_wl'])} |",
            f"| Prometheus alone: the 1 h snapshot's energy, span and running queries | {_ms(times['raw_snapshot'])} |",
            f"| `assess_workload_compliance` with coverage, 1 h window | {_ms(times['assess'])} |",
        ]
    )
    print(section)
    if args.output:
        _report.write_section(args.output, START_MARKER, END_MARKER, section)


if __name__ == "__main__":
    sys.exit(main())
