"""A real Prometheus for integration tests: the Debian ``prometheus`` binary on 127.0.0.1.

:func:`start_prometheus` writes a config, starts ``prometheus`` with a temporary data dir on a free loopback
port, and waits (bounded) for ``/-/ready``; :meth:`PrometheusProcess.stop` kills it. Its log goes to a file
whose tail is put into every failure message. :func:`binaries` finds ``prometheus`` and ``promtool``; when
they are missing a test is skipped on a developer machine but **fails** when ``CI`` is set, so CI can never
pass by skipping the integration tests (``.ci/run`` installs the package).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

import pytest

READY_TIMEOUT_SECONDS = 60.0


def binaries() -> tuple[str, str]:
    """Paths of ``prometheus`` and ``promtool``; skip (developer) or fail (CI) when missing."""
    prometheus = shutil.which("prometheus") or ("/usr/bin/prometheus" if Path("/usr/bin/prometheus").exists() else None)
    promtool = shutil.which("promtool") or ("/usr/bin/promtool" if Path("/usr/bin/promtool").exists() else None)
    if prometheus and promtool:
        return prometheus, promtool
    message = "the prometheus and promtool binaries are missing: apt-get install prometheus (.ci/run does)"
    if os.environ.get("CI"):
        pytest.fail(message + " — CI must run the Prometheus integration tests, not skip them")
    pytest.skip(message)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PrometheusProcess:
    """A running Prometheus."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        """The end of Prometheus's log, for failure messages."""
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Terminate (then kill) the process."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def backfill(promtool: str, openmetrics: Path, data_dir: Path) -> None:
    """``promtool tsdb create-blocks-from openmetrics`` into the data dir (before Prometheus starts)."""
    result = subprocess.run(
        [promtool, "tsdb", "create-blocks-from", "openmetrics", str(openmetrics), str(data_dir)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"promtool backfill failed ({result.returncode}):\n{result.stderr[-3000:]}")


def start_prometheus(binary: str, config: str, data_dir: Path, workdir: Path) -> PrometheusProcess:
    """Start Prometheus with ``config`` on a free loopback port and wait until it is ready."""
    config_file = workdir / "prometheus.yml"
    config_file.write_text(config, encoding="utf-8")
    log = workdir / "prometheus.log"
    port = free_port()
    with log.open("wb") as log_handle:
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={config_file}",
                f"--storage.tsdb.path={data_dir}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--storage.tsdb.retention.time=30d",
                "--query.lookback-delta=5m",
                "--log.level=warn",
            ],
            stdout=log_handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    running = PrometheusProcess(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while True:
        if process.poll() is not None:
            raise AssertionError(f"prometheus exited with {process.returncode}:\n{running.log_tail()}")
        try:
            with urllib.request.urlopen(f"{running.url}/-/ready", timeout=2) as response:
                if response.status == 200:
                    return running
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            running.stop()
            raise AssertionError(f"prometheus was not ready within {READY_TIMEOUT_SECONDS:g} s:\n{running.log_tail()}")
        time.sleep(0.2)


def wait_for(running: PrometheusProcess, query: str, *, minimum: int = 1, timeout: float = 60.0) -> None:
    """Wait (bounded) until an instant query returns at least ``minimum`` series."""
    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        url = f"{running.url}/api/v1/query?" + urllib.parse.urlencode({"query": query})
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body = response.read().decode()
            if len(json.loads(body)["data"]["result"]) >= minimum:
                return
        except (urllib.error.URLError, OSError, KeyError, ValueError):
            pass
        time.sleep(0.25)
    raise AssertionError(
        f"no result for {query!r} within {timeout:g} s (last body {body[:300]}):\n{running.log_tail()}"
    )


SCRAPELESS_CONFIG = "global:\n  scrape_interval: 1m\nscrape_configs: []\n"
"""A Prometheus that scrapes nothing: it serves only what was backfilled."""


@contextlib.contextmanager
def backfilled_prometheus(
    factory: pytest.TempPathFactory, name: str, write: Callable[[Path], None]
) -> Generator[PrometheusProcess]:
    """A scrape-less Prometheus holding the OpenMetrics history ``write(path)`` writes, stopped on exit."""
    prometheus_bin, promtool = binaries()
    workdir = factory.mktemp(name)
    data = workdir / "data"
    data.mkdir()
    history = workdir / "history.om"
    write(history)
    backfill(promtool, history, data)
    running = start_prometheus(prometheus_bin, SCRAPELESS_CONFIG, data, workdir)
    try:
        yield running
    finally:
        running.stop()
