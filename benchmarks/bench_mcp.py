"""Benchmark: what the MCP layer costs — one warm `list_workloads_by_compliance`, in process and over HTTP.

Usage::

    .venv/bin/python benchmarks/bench_mcp.py [--calls 50] [--output docs/performance.md]

A :func:`~carbon_kepler_mcp.demo.large_cluster` of 4,000 pods with two per-process series each (about 49,000
samples), five of its namespaces merged into one (about 200 pod series, 181 of them distinct pods), is rendered once and served by a separate
process on 127.0.0.1. The server under test runs in its own process (``serve --transport http``, one uvicorn
worker, cache warm); the in-process cases run on an :class:`AppContext` over the same endpoint in this process.
Every case asks for the 200-pod namespace with ``limit=200`` after warm-up calls, so no case scrapes.

The layers, each timed on its own (median and p95 of ``--calls`` calls, ``time.perf_counter``):

* the tool alone: ``spec.run(ctx, request)`` on a validated request;
* argument validation: ``spec.request.model_validate(arguments)``;
* result serialisation: ``result.model_dump(mode="json", by_alias=True)`` and JSON encoding of that;
* MCP in process: the official SDK ``Client`` on the in-memory transport (validation, the tool, structured and
  text content, the client's own output-schema check);
* MCP over Streamable HTTP and REST ``POST /tools/…`` to the server process.

With ``--output`` only the part between ``<!-- bench_mcp:start -->`` and ``<!-- bench_mcp:end -->`` is rewritten.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Generator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
from jsonschema.validators import validator_for
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

import _report  # benchmarks/_report.py: the scripts run with benchmarks/ on sys.path
import bench_tools  # the exporter process and the percentile helpers
from carbon_kepler_mcp.adapters.mcp.server import build_server, mcp_tools
from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.app.registry import tool_spec
from carbon_kepler_mcp.demo import large_cluster
from carbon_kepler_mcp.demo.cluster import DemoCluster
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.kepler import KeplerSource

START_MARKER = "<!-- bench_mcp:start -->"
END_MARKER = "<!-- bench_mcp:end -->"
TOOL = "list_workloads_by_compliance"
NAMESPACE = "team-big"
MERGED_NAMESPACES = 5  # 5 × 40 pods
WARMUP_CALLS = 10


def _cluster() -> DemoCluster:
    base = large_cluster(bench_tools.NOW - bench_tools.UPTIME_SECONDS, pod_count=4000, process_lines_per_pod=2)
    merged = sorted({pod.namespace for pod in base.pods})[:MERGED_NAMESPACES]
    pods = tuple(dataclasses.replace(p, namespace=NAMESPACE) if p.namespace in merged else p for p in base.pods)
    return DemoCluster(nodes=base.nodes, pods=pods, epoch=base.epoch, process_lines_per_pod=2)


@contextmanager
def server(
    kepler_urls: Sequence[str], *, cache_ttl_seconds: float, src: str | None = None
) -> Generator[tuple[str, int]]:
    """``serve --transport http`` over the endpoints in its own process on 127.0.0.1; yields its base URL and pid.

    ``src``: a checkout's ``src`` to serve instead of the installed package (put ahead on ``PYTHONPATH``).
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    env = os.environ | {
        "KEPLER_ENDPOINT": ",".join(kepler_urls),
        "CARBON_KEPLER_CACHE_TTL_SECONDS": f"{cache_ttl_seconds:g}",
        "CARBON_KEPLER_LOG_LEVEL": "WARNING",
    }
    if src is not None:
        env["PYTHONPATH"] = src  # ahead of the editable install: that checkout's package is the one served
    process = subprocess.Popen(
        [sys.executable, "-m", "carbon_kepler_mcp", "serve", "--transport", "http", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server process did not start")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=15)


@contextmanager
def server_process(kepler_urls: Sequence[str], *, cache_ttl_seconds: float) -> Generator[str]:
    """:func:`server`, yielding only its base URL."""
    with server(kepler_urls, cache_ttl_seconds=cache_ttl_seconds) as (base, _):
        yield base


async def _times(calls: int, call: Callable[[], Awaitable[object]]) -> list[float]:
    for _ in range(WARMUP_CALLS):
        await call()
    taken: list[float] = []
    for _ in range(calls):
        start = time.perf_counter()
        await call()
        taken.append(time.perf_counter() - start)
    return taken


def _sync_times(calls: int, call: Callable[[], object]) -> list[float]:
    taken: list[float] = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        taken.append(time.perf_counter() - start)
    return taken


async def measure(calls: int) -> tuple[dict[str, list[float]], dict[str, Any]]:
    cluster = _cluster()
    text = cluster.render(bench_tools.NOW)
    spec = tool_spec(TOOL)
    arguments = {"namespace": NAMESPACE, "limit": 200}
    cases: dict[str, list[float]] = {}
    facts: dict[str, Any] = {"samples": bench_tools.sample_count(text), "bytes": len(text.encode())}
    with bench_tools._exporter_process(text) as kepler_url:  # pyright: ignore[reportPrivateUsage]
        ctx = AppContext(KeplerSource([kepler_url], cache_ttl_seconds=3600), load_reference_data(), AppConfig())
        try:
            request = spec.request.model_validate(arguments)
            result = await spec.run(ctx, request)
            facts["pods"] = result.model_dump()["pod_count"]
            facts["result_bytes"] = len(json.dumps(result.model_dump(mode="json", by_alias=True)).encode())
            cases["tool alone (`spec.run`)"] = await _times(calls, lambda: spec.run(ctx, request))
            cases["argument validation (`model_validate`)"] = _sync_times(
                calls, lambda: spec.request.model_validate(arguments)
            )
            cases["result → JSON-able dict (`model_dump`)"] = _sync_times(
                calls, lambda: result.model_dump(mode="json", by_alias=True)
            )
            dumped = result.model_dump(mode="json", by_alias=True)
            cases["dict → JSON text (`json.dumps`)"] = _sync_times(calls, lambda: json.dumps(dumped))
            sdk_tool = next(t for t in mcp_tools(ctx) if t.name == TOOL)
            cases["SDK server: `convert_result` (text block, output re-validation, dump)"] = _sync_times(
                calls, lambda: sdk_tool.fn_metadata.convert_result(result)
            )
            schema = sdk_tool.output_schema or {}
            validator = validator_for(schema)(schema)  # pyright: ignore[reportUnknownVariableType]
            cases["SDK client: output-schema check (compiled jsonschema)"] = _sync_times(
                calls,
                lambda: list(validator.iter_errors(dumped)),  # pyright: ignore[reportUnknownMemberType, reportUnknownLambdaType, reportUnknownArgumentType]
            )
            async with Client(build_server(ctx, close_context=False)) as client:
                cases["MCP in process (SDK client, memory transport)"] = await _times(
                    calls, lambda: client.call_tool(TOOL, arguments)
                )
        finally:
            await ctx.aclose()
        with server_process([kepler_url], cache_ttl_seconds=3600) as base:
            async with (
                httpx2.AsyncClient(timeout=60) as http,
                Client(streamable_http_client(f"{base}/mcp", http_client=http)) as client,
            ):
                cases["MCP over Streamable HTTP (SDK client)"] = await _times(
                    calls, lambda: client.call_tool(TOOL, arguments)
                )
            async with httpx2.AsyncClient(base_url=base, timeout=60) as rest:

                async def rest_call() -> object:
                    response = await rest.post(f"/tools/{TOOL}", json=arguments)
                    response.raise_for_status()
                    return response.json()

                cases[f"REST `POST /tools/{TOOL}` (httpx2)"] = await _times(calls, rest_call)
    return cases, facts


def report(cases: dict[str, list[float]], facts: dict[str, Any], calls: int) -> str:
    rows = [
        f"| {name} | {bench_tools._ms(statistics.median(t))} | {bench_tools._ms(bench_tools._p95(t))} |"  # pyright: ignore[reportPrivateUsage]
        for name, t in cases.items()
    ]
    med = {name: statistics.median(t) for name, t in cases.items()}
    tool = med["tool alone (`spec.run`)"]
    in_process = med["MCP in process (SDK client, memory transport)"]
    over_http = med["MCP over Streamable HTTP (SDK client)"]
    parts = {
        "argument validation": med["argument validation (`model_validate`)"],
        "our serialisation (`model_dump` + `json.dumps`)": med["result → JSON-able dict (`model_dump`)"]
        + med["dict → JSON text (`json.dumps`)"],
        "the SDK's `convert_result`": med["SDK server: `convert_result` (text block, output re-validation, dump)"],
        "the client's output-schema check": med["SDK client: output-schema check (compiled jsonschema)"],
    }
    named = sum(parts.values())
    largest = max(parts, key=lambda k: parts[k])
    ms = bench_tools._ms  # pyright: ignore[reportPrivateUsage]
    verdict = (
        f"The MCP layer in process adds {ms(in_process - tool)} ms to the tool's {ms(tool)} ms. Of that, "
        + ", ".join(f"{name} {ms(value)} ms" for name, value in parts.items())
        + f": {ms(named)} ms named, the largest being {largest}; the other {ms(in_process - tool - named)} ms "
        "are the SDK's JSON-RPC messages (pydantic models of requests and results, both ways) and its session "
        f"tasks. Streamable HTTP adds {ms(over_http - in_process)} ms on top (HTTP, the session headers, JSON "
        "over the socket, the client's parse)."
    )
    today = dt.datetime.now(dt.UTC).date().isoformat()
    return "\n".join(
        [
            "## What the MCP layer costs (`benchmarks/bench_mcp.py`)",
            "",
            f"One warm `{TOOL}` of a {facts['pods']}-pod namespace (`limit=200`, a "
            f"{facts['result_bytes'] / 1e3:.0f} kB result) from a {facts['samples']:,}-sample, "
            f"{facts['bytes'] / 1e6:.1f} MB scrape served by a separate process; the snapshot is cached, so no "
            f"case scrapes. Median and p95 of {calls} calls after {WARMUP_CALLS} warm-up calls. The HTTP cases "
            "call a `serve --transport http` process (one uvicorn worker) on 127.0.0.1.",
            "",
            "| layer | p50 (ms) | p95 (ms) |",
            "| --- | ---: | ---: |",
            *rows,
            "",
            verdict,
            "",
            f"Measured {today} with Python {platform.python_version()} on {platform.platform()}, "
            f"`os.cpu_count()` = {os.cpu_count()}; client, server and exporter share the machine.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    cases, facts = anyio.run(measure, args.calls)
    section = report(cases, facts, args.calls)
    print(section)
    if args.output is not None:
        _report.write_section(args.output, START_MARKER, END_MARKER, section)


if __name__ == "__main__":
    main()
