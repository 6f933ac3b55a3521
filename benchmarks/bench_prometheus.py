"""Benchmark: tool latency through the Prometheus source, and what the server adds to Prometheus's own time.

Usage::

    .venv/bin/python benchmarks/bench_prometheus.py [--pods 100,1000,5000] [--repeat 5] [--output docs/performance.md]

For each cluster size a ``large_cluster`` is rendered the way Prometheus would scrape it (one Kepler endpoint
per node, kube-state-metrics, cAdvisor) every 60 s over the last 11 minutes, backfilled with ``promtool tsdb
create-blocks-from openmetrics`` into a fresh data dir, and queried by a real ``prometheus`` (the Debian
binary, on 127.0.0.1, no scraping) with the evaluation time pinned to the end of the data. Side by side, in
one run and against the same Prometheus:

* **Prometheus alone**: the snapshot's nine PromQL queries sent concurrently by a bare HTTP client that only
  reads the bodies (Prometheus's evaluation + HTTP + JSON encoding);
* **source snapshot**: ``PrometheusSource.window_snapshot`` (the same queries, plus JSON decoding and
  building pods, owners, CPU and node figures);
* **tool calls**: ``AppContext.list_workloads`` and ``assess`` (one Deployment) of the largest namespace,
  and a cluster-wide snapshot (every pod), each with a cold cache.

The difference between the first two is what this server adds on top of Prometheus. With ``--output`` only
the part of the file between ``<!-- bench_prometheus:start -->`` and ``<!-- bench_prometheus:end -->`` is
rewritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import anyio
import httpx2

import _report  # benchmarks/_report.py: the scripts run with benchmarks/ on sys.path
from _report import call
from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.demo import large_cluster
from carbon_kepler_mcp.demo.history import write_openmetrics
from carbon_kepler_mcp.demo.multi import renderers
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources import promql
from carbon_kepler_mcp.sources.prometheus import PrometheusSource

START_MARKER = "<!-- bench_prometheus:start -->"
END_MARKER = "<!-- bench_prometheus:end -->"
END = 1_790_000_040  # a whole minute; the data ends here and every query is evaluated here
WINDOW = "10m"
WINDOW_SECONDS = 600
STEP = 60
T = TypeVar("T")


@dataclass
class Row:
    pods: int
    nodes: int
    samples: int
    namespace: str
    namespace_pods: int
    raw: list[float]
    snapshot: list[float]
    listing: list[float]
    assess: list[float]
    cluster_raw: list[float]
    cluster_snapshot: list[float]


async def _timed(action: Callable[[], Awaitable[T]]) -> float:
    start = time.perf_counter()
    await action()
    return time.perf_counter() - start


def _queries(namespace: str | None, at: float) -> list[str]:
    """The snapshot's queries, as the source sends them at unix time ``at``."""
    recent = promql.DEFAULT_RECENT_SECONDS
    return [
        promql.pod_energy_query("current", namespace, WINDOW_SECONDS, recent, at),
        promql.pod_energy_query("legacy", namespace, WINDOW_SECONDS, recent, at),
        promql.pod_times_query("current", namespace, WINDOW_SECONDS, recent, at),
        promql.pod_times_query("legacy", namespace, WINDOW_SECONDS, recent, at),
        promql.running_query("current", namespace),
        promql.running_query("legacy", namespace),
        promql.owners_query(namespace, WINDOW_SECONDS),
        promql.cpu_query(namespace, WINDOW_SECONDS),
        promql.node_query("current", WINDOW_SECONDS),
        promql.node_health_query("current", WINDOW_SECONDS),
        promql.node_health_query("legacy", WINDOW_SECONDS),
    ]


async def _raw(client: httpx2.AsyncClient, url: str, queries: list[str]) -> None:
    async def one(query: str) -> None:
        response = await client.post(f"{url}/api/v1/query", data={"query": query, "time": str(END)})
        response.read()
        if response.status_code != 200:
            raise SystemExit(f"query failed: {response.text[:300]}")

    async with anyio.create_task_group() as group:
        for query in queries:
            group.start_soon(one, query)


def measure(pods: int, repeat: int, binary: str, promtool: str) -> Row:
    cluster = large_cluster(float(END - 3 * 3600), pod_count=pods)
    sizes: dict[str, int] = {}
    for pod in cluster.pods:
        sizes[pod.namespace] = sizes.get(pod.namespace, 0) + 1
    namespace = min(sizes, key=lambda ns: (-sizes[ns], ns))
    deployment = next(p.workload for p in cluster.pods if p.namespace == namespace and p.workload_kind == "Deployment")
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        data = workdir / "data"
        data.mkdir()
        history = workdir / "history.om"
        instances = {key: f"bench-{index}:9100" for index, key in enumerate(renderers(cluster))}
        samples = write_openmetrics(history, cluster, instances, list(range(END - 11 * 60, END + 1, STEP)))
        subprocess.run(
            [promtool, "tsdb", "create-blocks-from", "openmetrics", str(history), str(data)],
            check=True,
            capture_output=True,
        )
        history.unlink()
        process, url = _report.start_prometheus(binary, data, workdir)
        try:
            return anyio.run(
                _measure_async, url, pods, len(cluster.nodes), samples, namespace, sizes[namespace], deployment, repeat
            )
        finally:
            process.terminate()
            process.wait(timeout=30)


async def _measure_async(
    url: str, pods: int, nodes: int, samples: int, namespace: str, namespace_pods: int, deployment: str, repeat: int
) -> Row:
    def fresh() -> AppContext:
        source = PrometheusSource(url, cache_ttl_seconds=0, wall_clock=lambda: datetime.fromtimestamp(END, UTC))
        return AppContext(source, load_reference_data(), AppConfig())

    service = fresh()
    source = service.source
    assert isinstance(source, PrometheusSource)
    raw: list[float] = []
    snapshot: list[float] = []
    listing: list[float] = []
    assess: list[float] = []
    cluster_raw: list[float] = []
    cluster_snapshot: list[float] = []
    async with httpx2.AsyncClient(timeout=120) as client:
        await _raw(client, url, _queries(None, END))  # warm Prometheus's caches once, untimed
        await call(service, "list_workloads_by_compliance", namespace=namespace, window=WINDOW)
        for _ in range(repeat):
            raw.append(await _timed(lambda: _raw(client, url, _queries(namespace, END))))
            snapshot.append(await _timed(lambda: source.window_snapshot(namespace, WINDOW_SECONDS)))
            listing.append(
                await _timed(lambda: call(service, "list_workloads_by_compliance", namespace=namespace, window=WINDOW))
            )
            assess.append(
                await _timed(
                    lambda: call(
                        service,
                        "assess_workload_compliance",
                        workload_name=deployment,
                        namespace=namespace,
                        window=WINDOW,
                    )
                )
            )
            cluster_raw.append(await _timed(lambda: _raw(client, url, _queries(None, END))))
            cluster_snapshot.append(await _timed(lambda: source.window_snapshot(None, WINDOW_SECONDS)))
    await service.aclose()
    return Row(
        pods, nodes, samples, namespace, namespace_pods, raw, snapshot, listing, assess, cluster_raw, cluster_snapshot
    )


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1e3:,.1f}"


def report(rows: list[Row], repeat: int) -> str:
    today = dt.datetime.now(dt.UTC).date().isoformat()
    version = subprocess.run(["prometheus", "--version"], capture_output=True, text=True, check=False).stdout.split(
        "\n"
    )[0]
    lines = [
        "## Tool calls through the Prometheus source (`benchmarks/bench_prometheus.py`)",
        "",
        f"`large_cluster` of each size (about 100 pods per node, 40 per namespace), its per-node Kepler, kube-state-metrics "
        f"and cAdvisor series backfilled every {STEP} s over 11 minutes with promtool, queried by {version.strip()} on "
        f"127.0.0.1 with window `{WINDOW}`, evaluation pinned to the end of the data, cache off. Medians of {repeat} runs "
        "after one untimed warm-up, `time.perf_counter`. *Prometheus alone* sends the same nine queries concurrently "
        "with a bare HTTP client and only reads the bodies; *server adds* = source snapshot − Prometheus alone (JSON "
        "decoding, building pods, owners, CPU and node figures). Tool calls include the snapshot.",
        "",
        "| pods (nodes) | samples backfilled | namespace: Prometheus alone | namespace: source snapshot | server adds "
        "| `list_workloads` | `assess` | cluster-wide: Prometheus alone | cluster-wide: source snapshot | server adds |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        ns_add = statistics.median(r.snapshot) - statistics.median(r.raw)
        cl_add = statistics.median(r.cluster_snapshot) - statistics.median(r.cluster_raw)
        lines.append(
            f"| {r.pods:,} ({r.nodes}) | {r.samples:,} | {_ms(r.raw)} ms | {_ms(r.snapshot)} ms | {ns_add * 1e3:,.1f} ms "
            f"| {_ms(r.listing)} ms | {_ms(r.assess)} ms | {_ms(r.cluster_raw)} ms | {_ms(r.cluster_snapshot)} ms "
            f"| {cl_add * 1e3:,.1f} ms |"
        )
    lines += [
        "",
        "Namespace columns: the largest namespace ("
        + ", ".join(f"{r.namespace_pods} pods at {r.pods:,}" for r in rows)
        + "). Cluster-wide: every pod of the cluster in one snapshot.",
        "",
        f"Measured {today} with Python {platform.python_version()} on {platform.platform()}, "
        f"`os.cpu_count()` = {os.cpu_count()}; Prometheus and the benchmark share the machine.",
    ]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    """Replace this benchmark's marked section of ``path`` (see benchmarks/_report.py)."""
    _report.write_section(path, START_MARKER, END_MARKER, section)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pods", default="100,1000,5000", help="comma-separated cluster sizes")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    binary, promtool = shutil.which("prometheus"), shutil.which("promtool")
    if not binary or not promtool:
        raise SystemExit("install the prometheus package (apt-get install prometheus) for promtool and prometheus")
    rows = [measure(int(n), args.repeat, binary, promtool) for n in args.pods.split(",")]
    section = report(rows, args.repeat)
    sys.stdout.write(section + "\n")
    if args.output is not None:
        write_section(args.output, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
