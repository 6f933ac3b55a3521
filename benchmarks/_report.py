"""Shared by the benchmarks: each owns one marked section of docs/performance.md and rewrites only that."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.registry import tool_spec


def write_section(path: Path, start_marker: str, end_marker: str, section: str) -> None:
    """Replace the text between ``start_marker`` and ``end_marker`` in ``path`` (markers kept).

    The file and the markers are created when missing; the rest of the file is left as it is, since other
    benchmarks own other sections of the same file.
    """
    block = f"{start_marker}\n{section}\n{end_marker}"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    start = current.find(start_marker)
    end = current.find(end_marker, start)
    if start >= 0 and end >= 0:
        updated = current[:start] + block + current[end + len(end_marker) :]
    else:
        updated = current.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(updated, encoding="utf-8")


async def call(ctx: AppContext, tool: str, **arguments: Any) -> Any:
    """Run one tool of the registry in process, its arguments validated as every adapter validates them."""
    spec = tool_spec(tool)
    result: BaseModel = await spec.run(ctx, spec.request.model_validate(arguments))
    return result


def start_prometheus(
    binary: str, data: Path, workdir: Path, *, extra: Sequence[str] = (), ready_seconds: float = 120
) -> tuple[subprocess.Popen[bytes], str]:
    """A scrape-less Prometheus on a free loopback port over ``data``; waits (bounded) until it is ready."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    config = workdir / "prometheus.yml"
    config.write_text("global:\n  scrape_interval: 1m\nscrape_configs: []\n", encoding="utf-8")
    with (workdir / "prometheus.log").open("wb") as log:
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={data}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--storage.tsdb.retention.time=3650d",
                "--log.level=warn",
                *extra,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + ready_seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/-/ready", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("prometheus did not become ready")
