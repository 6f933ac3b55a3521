"""Benchmark: tool calls over HTTP (REST and MCP Streamable HTTP) against a plain FastAPI "hello" floor.

Usage::

    .venv/bin/python benchmarks/bench_http.py [--seconds 4] [--output docs/performance.md]

Two servers run in their own processes on 127.0.0.1, each one uvicorn worker without access logs: the
carbon-kepler-mcp app over the demo cluster (cache warm, so a call measures the HTTP stack, validation, the
use case and serialisation, not a scrape), and a FastAPI app with one ``GET /hello`` route as the floor the
machine and the client allow. The load comes from this process: 1 or 16 concurrent clients, each sending its
next request when the previous answer arrived, for ``--seconds`` per case after a warm-up.

* REST: ``POST /tools/assess_workload_compliance`` with httpx2, body parsed as JSON.
* MCP: ``tools/call assess_workload_compliance`` with the official SDK ``Client`` (one per concurrent client,
  modern protocol, result validated against the output schema by the client).
* Floor: ``GET /hello`` with httpx2.

With ``--output`` only the part of the file between ``<!-- bench_http:start -->`` and ``<!-- bench_http:end -->``
is rewritten; other benchmarks own other marked sections of the same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Generator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx2
import uvicorn
from fastapi import FastAPI
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

import _report  # benchmarks/_report.py: the scripts run with benchmarks/ on sys.path

START_MARKER = "<!-- bench_http:start -->"
END_MARKER = "<!-- bench_http:end -->"
CONCURRENCY = (1, 16)
BODY = {"workload_name": "ml-training-job", "namespace": "ai-team"}
WARMUP_CALLS = 30


def _hello_app() -> FastAPI:
    app = FastAPI()

    @app.get("/hello")
    async def hello() -> dict[str, str]:
        return {"hello": "world"}

    return app


def _serve(kind: str, port: int) -> None:
    """Run one server in this (child) process until terminated."""
    if kind == "hello":
        app = _hello_app()
    else:
        from carbon_kepler_mcp.app.context import AppContext
        from carbon_kepler_mcp.bootstrap import build_web_app
        from carbon_kepler_mcp.reference import load_reference_data
        from carbon_kepler_mcp.sources.demo import DemoSource

        service = AppContext(DemoSource(cache_ttl_seconds=3600), load_reference_data())
        app = build_web_app(service, close_context=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _server(kind: str) -> Generator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--port", str(port)], stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{kind} server did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=15)


@dataclass(frozen=True)
class Result:
    """One case at one concurrency."""

    case: str
    clients: int
    calls: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.calls / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


Call = Callable[[], Awaitable[None]]
Session = Callable[[Callable[[Call], Awaitable[None]]], Awaitable[None]]


async def _load(case: str, clients: int, seconds: float, session: Session) -> Result:
    """Run ``clients`` concurrent sessions; each warms up, then calls in a loop until the time is up."""
    latencies: list[float] = []
    ready = anyio.Event()
    started = 0
    state = {"start": 0.0, "end": 0.0}

    async def worker() -> None:
        nonlocal started

        async def run(call: Call) -> None:
            nonlocal started
            for _ in range(WARMUP_CALLS):
                await call()
            started += 1
            if started == clients:
                state["start"] = time.perf_counter()
                state["end"] = state["start"] + seconds
                ready.set()
            await ready.wait()
            while time.perf_counter() < state["end"]:
                begin = time.perf_counter()
                await call()
                latencies.append(time.perf_counter() - begin)

        await session(run)

    async with anyio.create_task_group() as group:
        for _ in range(clients):
            group.start_soon(worker)
    elapsed = time.perf_counter() - state["start"]
    return Result(case, clients, len(latencies), elapsed, latencies)


def _http_session(url: str, method: str, path: str, json: object | None) -> Session:
    async def session(run: Callable[[Call], Awaitable[None]]) -> None:
        async with httpx2.AsyncClient(base_url=url, timeout=30) as client:

            async def call() -> None:
                response = await client.request(method, path, json=json)
                response.raise_for_status()
                response.json()

            await run(call)

    return session


def _mcp_session(url: str) -> Session:
    async def session(run: Callable[[Call], Awaitable[None]]) -> None:
        async with (
            httpx2.AsyncClient(timeout=30) as http,
            Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client,
        ):

            async def call() -> None:
                result = await client.call_tool("assess_workload_compliance", BODY)
                if result.is_error:
                    raise RuntimeError(f"tool error: {result.content}")

            await run(call)

    return session


async def _measure(seconds: float) -> list[Result]:
    results: list[Result] = []
    with _server("hello") as hello_url, _server("app") as app_url:
        for clients in CONCURRENCY:
            results.append(await _load("floor", clients, seconds, _http_session(hello_url, "GET", "/hello", None)))
            rest = _http_session(app_url, "POST", "/tools/assess_workload_compliance", BODY)
            results.append(await _load("rest", clients, seconds, rest))
            results.append(await _load("mcp", clients, seconds, _mcp_session(app_url)))
    return results


CASES = {
    "floor": "FastAPI `GET /hello` (floor)",
    "rest": "REST `POST /tools/assess_workload_compliance`",
    "mcp": "MCP `tools/call assess_workload_compliance` (SDK client)",
}


def render(results: list[Result], seconds: float) -> str:
    """The markdown section (without markers)."""
    rows = [
        f"| {CASES[r.case]} | {r.clients} | {r.percentile(0.5) * 1e3:,.2f} | {r.percentile(0.99) * 1e3:,.2f} "
        f"| {r.rate:,.0f} | {r.calls:,} |"
        for r in results
    ]
    floor = {r.clients: r.rate for r in results if r.case == "floor"}
    shares = ", ".join(
        f"{CASES[r.case].split(' `')[0]} at {r.clients}: {r.rate / floor[r.clients] * 100:.0f} %"
        for r in results
        if r.case != "floor"
    )
    today = dt.datetime.now(dt.UTC).date().isoformat()
    return "\n".join(
        [
            "## Tool calls over HTTP (`benchmarks/bench_http.py`)",
            "",
            "One uvicorn worker per server on 127.0.0.1 without access logs, each in its own process; the load "
            "comes from a third process (the benchmark, Python, asyncio). Each client sends its next request when "
            f"the previous answer arrived; every case ran {seconds:g} s after {WARMUP_CALLS} warm-up calls per "
            "client. The app serves the demo cluster with a warm cache, so a call measures HTTP, validation, the "
            "use case and serialisation (the answer is a 10 kB assessment), not a scrape. The MCP client is the "
            "official SDK `Client` (modern protocol, output validated on the client), so its figures include the "
            "client's own work; REST and the floor use plain httpx2.",
            "",
            "| case | concurrent clients | p50 (ms) | p99 (ms) | calls/s | calls |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            f"Calls per second as a share of the floor: {shares}.",
            "",
            f"Measured {today} with Python {platform.python_version()} ({platform.python_implementation()}) on "
            f"{platform.platform()}, {platform.machine()}, `os.cpu_count()` = {os.cpu_count()}: the servers and "
            "the client share these cores, so at 16 clients the client competes with the server. The machine was "
            "shared with other jobs; figures vary by ±30 % between runs.",
        ]
    )


def write_section(path: Path, section: str) -> None:
    """Replace this benchmark's marked section of ``path`` (see benchmarks/_report.py)."""
    _report.write_section(path, START_MARKER, END_MARKER, section)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=4.0, help="measured seconds per case")
    parser.add_argument("--output", type=Path, help="markdown file whose bench_http section to rewrite")
    parser.add_argument("--serve", choices=("app", "hello"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        _serve(args.serve, args.port)
        return 0
    results = anyio.run(_measure, args.seconds)
    section = render(results, args.seconds)
    sys.stdout.write(section + "\n")
    if args.output is not None:
        write_section(args.output, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
