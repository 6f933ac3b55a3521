"""Benchmark: parse a Kepler-shaped scrape with prometheus_client and with our narrow parser.

Usage::

    .venv/bin/python benchmarks/bench_parse.py [--samples 40000] [--repeat 5] [--output docs/performance.md]

The scrape imitates one current-generation Kepler on a busy node: node series per RAPL zone, pods and
containers per zone, and (most of the lines) per-process series, which the server never reads. With
``--output`` only the part of the file between ``<!-- bench_parse:start -->`` and ``<!-- bench_parse:end -->``
is rewritten; other benchmarks own other marked sections of the same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

import _report  # benchmarks/_report.py: the scripts run with benchmarks/ on sys.path
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.parser import Sample, parse_exposition

START_MARKER = "<!-- bench_parse:start -->"
END_MARKER = "<!-- bench_parse:end -->"
ZONES = ("package", "core", "uncore", "dram")
NODE = "worker-3.example.internal"
_COMMS = ("java", "python3", "nginx", "postgres", "node", "envoy", "containerd-shim", "kubelet", "redis-server")
_NAMESPACES = ("default", "payments", "search", "monitoring", "kube-system", "데이터-플랫폼")


def _family(lines: list[str], name: str, kind: str, help_text: str) -> None:
    lines.append(f"# HELP {name} {help_text}")
    lines.append(f"# TYPE {name} {kind}")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(pairs: dict[str, str]) -> str:
    """Render a label set the way client_golang does: names sorted, values escaped."""
    return "{" + ",".join(f'{key}="{_escape(value)}"' for key, value in sorted(pairs.items())) + "}"


def kepler_scrape(samples: int, *, pods_only: bool = False, seed: int = 7) -> str:
    """Render a current-generation Kepler scrape of about `samples` samples.

    By default most samples are per-process series (as on a busy node); with `pods_only` there are only
    node and pod series, so that every sample is one the server reads.
    """
    rng = random.Random(seed)
    per_series = 2 * len(ZONES)  # joules and watts for each zone
    node_lines = 6 * len(ZONES) + 3
    if pods_only:
        pods, containers, processes = max(1, (samples - node_lines) // per_series), 0, 0
    else:
        pods = max(1, samples * 6 // 100 // per_series)
        containers = max(1, samples * 8 // 100 // per_series)
        processes = max(1, (samples - node_lines - (pods + containers) * per_series) // per_series)
    lines: list[str] = []

    _family(lines, schema.BUILD_INFO, "gauge", "A metric with a constant '1' value labeled by version")
    lines.append(f'{schema.BUILD_INFO}{{branch="main",goversion="go1.24.4",revision="d1e2f3",version="v0.11.1"}} 1')
    _family(lines, schema.NODE_CPU_INFO, "gauge", "CPU information from procfs")
    lines.append(f'{schema.NODE_CPU_INFO}{{model_name="Intel(R) Xeon(R) Gold 6338",node_name="{NODE}"}} 1')
    _family(lines, schema.NODE_USAGE_RATIO, "gauge", "CPU usage ratio of a node (value between 0.0 and 1.0)")
    lines.append(f'{schema.NODE_USAGE_RATIO}{{node_name="{NODE}"}} {rng.random():.4f}')
    node_families = (
        (schema.NODE_JOULES, "counter"),
        (schema.NODE_WATTS, "gauge"),
        (schema.NODE_ACTIVE_JOULES, "counter"),
        (schema.NODE_ACTIVE_WATTS, "gauge"),
        (schema.NODE_IDLE_JOULES, "counter"),
        (schema.NODE_IDLE_WATTS, "gauge"),
    )
    for name, kind in node_families:
        _family(lines, name, kind, "Energy consumption of cpu at node level")
        for i, zone in enumerate(ZONES):
            path = f"/sys/class/powercap/intel-rapl/intel-rapl:0:{i}"
            value = rng.uniform(1e5, 1e7) if kind == "counter" else rng.uniform(1, 200)
            lines.append(f"{name}{_labels({'zone': zone, 'path': path, 'node_name': NODE})} {value:.6g}")

    pod_ids = [f"{rng.getrandbits(128):032x}" for _ in range(pods)]
    for name, kind in ((schema.POD_JOULES, "counter"), (schema.POD_WATTS, "gauge")):
        _family(lines, name, kind, "Energy consumption of cpu at pod level")
        for p, pod_id in enumerate(pod_ids):
            namespace = _NAMESPACES[p % len(_NAMESPACES)]
            state = "terminated" if p % 17 == 0 else "running"
            for zone in ZONES:
                labels = {
                    "pod_id": pod_id,
                    "pod_name": f"api-{p:04d}-7c9d8f6b5-{p % 97:05x}",
                    "pod_namespace": namespace,
                    "state": state,
                    "zone": zone,
                    "node_name": NODE,
                }
                value = rng.uniform(0, 5e5) if kind == "counter" else rng.uniform(0, 15)
                lines.append(f"{name}{_labels(labels)} {value:.6g}")

    for name, kind in ((schema.CONTAINER_JOULES, "counter"), (schema.CONTAINER_WATTS, "gauge")) * bool(containers):
        _family(lines, name, kind, "Energy consumption of cpu at container level")
        for c in range(containers):
            for zone in ZONES:
                labels = {
                    "container_id": f"{c:064x}",
                    "container_name": f"app-{c}",
                    "pod_id": pod_ids[c % pods],
                    "runtime": "containerd",
                    "state": "running",
                    "zone": zone,
                    "node_name": NODE,
                }
                value = rng.uniform(0, 5e5) if kind == "counter" else rng.uniform(0, 15)
                lines.append(f"{name}{_labels(labels)} {value:.6g}")

    process_families = (("kepler_process_cpu_joules_total", "counter"), ("kepler_process_cpu_watts", "gauge"))
    for name, kind in process_families * bool(processes):
        _family(lines, name, kind, "Energy consumption of cpu at process level")
        for pid in range(1000, 1000 + processes):
            comm = _COMMS[pid % len(_COMMS)]
            exe = f"/usr/bin/{comm}" if pid % 211 else 'C:\\Program Files\\"quoted" app'  # a rare escaped value
            for zone in ZONES:
                labels = {
                    "pid": str(pid),
                    "comm": comm,
                    "exe": exe,
                    "type": "container" if pid % 3 else "regular",
                    "container_id": f"{pid % containers:064x}" if pid % 3 else "",
                    "vm_id": "",
                    "state": "running",
                    "zone": zone,
                    "node_name": NODE,
                }
                value = rng.uniform(0, 1e4) if kind == "counter" else rng.uniform(0, 2)
                lines.append(f"{name}{_labels(labels)} {value:.6g}")
    return "\n".join(lines) + "\n"


def _oracle(text: str) -> list[Sample]:
    """Parse with prometheus_client and flatten to our Sample type."""
    families = text_string_to_metric_families(text)
    return [Sample(s.name, dict(s.labels), float(s.value)) for family in families for s in family.samples]


def _best_of(repeat: int, func: Callable[[], list[Sample]]) -> tuple[float, list[Sample]]:
    """Run `func` `repeat` times; return the best wall time in seconds and the last result."""
    best = math.inf
    result: list[Sample] = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def _same(ours: Iterable[Sample], theirs: Iterable[Sample]) -> bool:
    def key(s: Sample) -> tuple[str, dict[str, str], float | str]:
        return (s.name, s.labels, "nan" if math.isnan(s.value) else s.value)

    return [key(s) for s in ours] == [key(s) for s in theirs]


def run(samples: int, repeat: int) -> str:
    """Generate the scrapes, time the four cases and return the markdown section (without markers)."""
    text = kepler_scrape(samples)
    pods_text = kepler_scrape(samples, pods_only=True)
    oracle_repeat = max(1, min(repeat, 3))
    oracle_time, oracle = _best_of(oracle_repeat, lambda: _oracle(text))
    wanted_time, wanted = _best_of(repeat, lambda: parse_exposition(text, schema.ALL_FAMILIES))
    all_time, everything = _best_of(repeat, lambda: parse_exposition(text))
    pods_time, pods = _best_of(repeat, lambda: parse_exposition(pods_text, schema.ALL_FAMILIES))
    if not _same(everything, oracle):
        raise SystemExit("parse_exposition and prometheus_client disagree on the benchmark scrape")
    if not _same(pods, (s for s in _oracle(pods_text) if s.name in schema.ALL_FAMILIES)):
        raise SystemExit("parse_exposition and prometheus_client disagree on the pods-only scrape")

    def row(case: str, scrape: str, seconds: float, returned: int) -> str:
        return (
            f"| {case} | {scrape} | {returned:,} | {seconds * 1e3:,.1f} | {returned / seconds:,.0f} "
            f"| {oracle_time / seconds:,.0f}× |"
        )

    mixed = f"mixed, {len(oracle):,} samples, {len(text) / 1e6:.1f} MB"
    pods_only = f"pods only, {len(pods):,} samples, {len(pods_text) / 1e6:.1f} MB"
    today = dt.datetime.now(dt.UTC).date().isoformat()
    return "\n".join(
        [
            "## Parsing a scrape (`benchmarks/bench_parse.py`)",
            "",
            "Two generated current-generation Kepler scrapes. *Mixed* imitates a busy node: "
            f"{len(wanted):,} samples in families the server reads (node, pod, build info), the rest container "
            "and per-process series (9 labels each; one process in 211 has an escaped `exe`). *Pods only* holds "
            "node and pod series, so every sample is wanted (6 labels each). "
            f"Best of {repeat} runs (prometheus_client: best of {oracle_repeat}) with `time.perf_counter`.",
            "",
            "| case | scrape | samples returned | time (ms) | samples returned/s | vs prometheus_client |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
            row("`prometheus_client.parser.text_string_to_metric_families`", mixed, oracle_time, len(oracle)),
            row("`parse_exposition(text, names=schema.ALL_FAMILIES)`", mixed, wanted_time, len(wanted)),
            row("`parse_exposition(text)` (every sample)", mixed, all_time, len(everything)),
            row("`parse_exposition(text, names=schema.ALL_FAMILIES)`", pods_only, pods_time, len(pods)),
            "",
            "The last column compares with prometheus_client parsing the whole mixed scrape. "
            "`parse_exposition(text)` returned exactly the samples prometheus_client did.",
            "",
            f"Measured {today} with Python {platform.python_version()} ({platform.python_implementation()}) on "
            f"{platform.platform()}, {platform.machine()}, `os.cpu_count()` = {os.cpu_count()}. The machine was "
            "shared with other jobs, so figures vary by ±30 % between runs.",
        ]
    )


def write_section(path: Path, section: str) -> None:
    """Replace this benchmark's marked section of ``path`` (see benchmarks/_report.py)."""
    _report.write_section(path, START_MARKER, END_MARKER, section)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--samples", type=int, default=40_000, help="approximate samples in the scrape")
    parser.add_argument("--repeat", type=int, default=5, help="runs per case; the best one counts")
    parser.add_argument("--output", type=Path, help="markdown file whose bench_parse section to rewrite")
    args = parser.parse_args(argv)
    section = run(args.samples, args.repeat)
    sys.stdout.write(section + "\n")
    if args.output is not None:
        write_section(args.output, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
