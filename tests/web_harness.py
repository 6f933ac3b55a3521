"""Helpers for the HTTP app's tests: a demo service, the app on a loopback port, and the browser to drive it."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest
import uvicorn
from fastapi import FastAPI

from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.demo import DemoSource
from tests.conftest import SPRING_EVENING_KST

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "test-token-0123456789abcdef"


def frozen_demo_service() -> AppContext:
    """The demo cluster frozen at a spring evening in Seoul: its exporter and the service share a fixed clock,
    so every scrape (cached or fresh) returns the same figures."""
    frozen = SPRING_EVENING_KST.timestamp()
    return AppContext(
        DemoSource(cache_ttl_seconds=3600, clock=lambda: frozen),
        load_reference_data(),
        AppConfig(),
        clock=lambda: SPRING_EVENING_KST,
    )


def asgi_client(app: FastAPI, **headers: str) -> httpx2.AsyncClient:
    """An in-process client of ``app`` (no lifespan: enough for everything but /mcp)."""
    base = {"host": "127.0.0.1:8000", **headers}
    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://127.0.0.1:8000", headers=base)


@contextmanager
def serve_in_thread(app: FastAPI) -> Generator[str]:
    """Run ``app`` with uvicorn on a free 127.0.0.1 port in a thread; yield its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, lifespan="on"))
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    port = int(server.servers[0].sockets[0].getsockname()[1])
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def chromium_or_skip() -> Path:
    """The Debian Chromium binary; missing is a failure under CI and a skip elsewhere."""
    if CHROMIUM.exists() or shutil.which(str(CHROMIUM)):
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: .ci/run installs the Debian chromium package")
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); CI fails instead of skipping")


def strip_keys(value: Any, keys: frozenset[str]) -> Any:
    """``value`` without the given keys at any depth (for comparing results that differ only in timestamps)."""
    if isinstance(value, dict):
        return {k: strip_keys(v, keys) for k, v in value.items() if k not in keys}  # pyright: ignore[reportUnknownVariableType]
    if isinstance(value, list):
        return [strip_keys(v, keys) for v in value]  # pyright: ignore[reportUnknownVariableType]
    return value
