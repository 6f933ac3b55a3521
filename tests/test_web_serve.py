"""The one app on a real loopback port: MCP and REST side by side, with and without a token, via ``serve``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from carbon_kepler_mcp.adapters.http import WebConfig
from carbon_kepler_mcp.bootstrap import build_web_app
from tests.web_harness import TOKEN, frozen_demo_service, serve_in_thread

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

CURL_BODY = {"workload_name": "ml-training-job", "namespace": "ai-team"}


@pytest.fixture(scope="module")
def guarded_server() -> Iterator[str]:
    app = build_web_app(frozen_demo_service(), WebConfig(api_tokens=(TOKEN,)), close_context=True)
    with serve_in_thread(app) as url:
        yield url


async def test_mcp_and_rest_share_one_port_one_service_and_one_metrics_page(guarded_server: str) -> None:
    headers = {"authorization": f"Bearer {TOKEN}"}
    async with httpx2.AsyncClient(headers=headers) as http:
        async with Client(streamable_http_client(f"{guarded_server}/mcp", http_client=http)) as mcp:
            over_mcp = await mcp.call_tool("assess_workload_compliance", CURL_BODY)
            missing = await mcp.call_tool(
                "assess_workload_compliance", {"workload_name": "web", "namespace": "production"}
            )
        over_rest = await http.post(f"{guarded_server}/tools/assess_workload_compliance", json=CURL_BODY)
        assert over_rest.json() == over_mcp.structured_content
        assert missing.is_error
        metrics = (await http.get(f"{guarded_server}/metrics")).text
    labels = 'tool="assess_workload_compliance",transport="mcp"'
    assert f"carbon_kepler_tool_calls_total{{{labels}}} 2.0" in metrics
    assert f'carbon_kepler_tool_errors_total{{error="tool-error",{labels}}} 1.0' in metrics
    assert f"carbon_kepler_tool_duration_seconds_count{{{labels}}} 2.0" in metrics
    assert 'carbon_kepler_tool_calls_total{tool="assess_workload_compliance",transport="rest"} 1.0' in metrics
    assert 'route="/mcp"' in metrics


async def test_mcp_over_http_needs_the_token_too(guarded_server: str) -> None:
    async with httpx2.AsyncClient() as http:
        refused = await http.post(
            f"{guarded_server}/mcp",
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            headers={"accept": "application/json, text/event-stream"},
        )
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Bearer")


def _server_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEPLER_", "CARBON_KEPLER_", "MCP_"))}
    return {**env, "CARBON_KEPLER_SOURCE": "demo", **extra}


@pytest.fixture(scope="module")
def served_with_token_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    directory = tmp_path_factory.mktemp("serve")
    tokens = directory / "tokens"
    tokens.write_text(TOKEN + "\n", encoding="utf-8")
    log = directory / "server.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "carbon_kepler_mcp",
                "serve",
                "--transport",
                "http",
                "--port",
                "0",
                "--api-token-file",
                str(tokens),
                "-v",
            ],
            env=_server_env(),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 30
        url = ""
        while not url:
            text = log.read_text(encoding="utf-8", errors="replace")
            marker = "Uvicorn running on "
            if marker in text:
                url = text.split(marker, 1)[1].split()[0]
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {text}")
            time.sleep(0.1)
        yield url, log
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_serve_http_is_the_whole_app_behind_the_token_file(served_with_token_file: tuple[str, Path]) -> None:
    url, log = served_with_token_file
    assert url.startswith("http://127.0.0.1:")
    with httpx2.Client(base_url=url) as http:
        assert http.get("/healthz").status_code == 200
        assert http.get("/tools").status_code == 401
        answer = http.post(
            "/tools/assess_workload_compliance", json=CURL_BODY, headers={"authorization": f"Bearer {TOKEN}"}
        )
        assert answer.status_code == 200 and answer.json()["status"] == "NON_COMPLIANT"
        page = http.get("/namespaces/ai-team", headers={"authorization": f"Bearer {TOKEN}"})
        assert page.status_code == 200 and "ml-training-job" in page.text
    text = log.read_text(encoding="utf-8")
    assert "auth on (bearer token)" in text
    assert TOKEN not in text
