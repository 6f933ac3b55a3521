"""The server as a desktop host and a remote client see it: a stdio subprocess and Streamable HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp import Client, ClientSession, StdioServerParameters, stdio_client
from mcp.types import TextContent, TextResourceContents

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


def _server_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEPLER_", "CARBON_KEPLER_", "MCP_"))}
    env["CARBON_KEPLER_SOURCE"] = "demo"
    return env


def _stdio_params() -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable, args=["-m", "carbon_kepler_mcp", "serve", "--transport", "stdio"], env=_server_env()
    )


async def test_a_stdio_subprocess_answers_initialize_list_call_and_read_with_the_low_level_session() -> None:
    async with stdio_client(_stdio_params()) as (read, write), ClientSession(read, write) as session:
        init = await session.initialize()
        assert init.server_info.name == "carbon-kepler-mcp"
        tools = await session.list_tools()
        assert "assess_workload_compliance" in {t.name for t in tools.tools}
        result = await session.call_tool(
            "assess_workload_compliance", {"workload_name": "ml-training-job", "namespace": "ai-team"}
        )
        assert not result.is_error
        assert result.structured_content is not None
        assert result.structured_content["status"] == "NON_COMPLIANT"
        # The structured result is also sent as JSON text for clients without structured output.
        text = next(c for c in result.content if isinstance(c, TextContent))
        assert json.loads(text.text)["status"] == "NON_COMPLIANT"
        resource = await session.read_resource("compliance-standards://korea")
        (content,) = resource.contents
        assert isinstance(content, TextResourceContents)
        assert "KR_CARBON_2050" in content.text


async def test_a_stdio_subprocess_serves_the_modern_protocol_too() -> None:
    async with Client(_stdio_params()) as client:
        result = await client.call_tool("list_workloads_by_compliance", {"namespace": "production"})
        assert not result.is_error
        assert result.structured_content is not None
        assert result.structured_content["total_workloads"] == 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = tmp_path_factory.mktemp("http") / "server.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "carbon_kepler_mcp", "serve", "--transport", "http", "--port", str(port)],
            env=_server_env(),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    deadline = time.monotonic() + 30
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_streamable_http_serves_tools_and_resources(http_server: str, mode: str) -> None:
    async with Client(http_server, mode=mode) as client:  # type: ignore[arg-type]
        tools = await client.list_tools()
        assert {"assess_workload_compliance", "get_resource_power"} <= {t.name for t in tools.tools}
        result = await client.call_tool(
            "calculate_optimal_schedule", {"workload_name": "nightly-report", "namespace": "batch", "duration_hours": 3}
        )
        assert not result.is_error
        assert result.structured_content is not None
        assert result.structured_content["optimal_window_start"].endswith("+09:00")
        error = await client.call_tool(
            "assess_workload_compliance", {"workload_name": "web", "namespace": "production"}
        )
        assert error.is_error
        resource = await client.read_resource("carbon-intensity://ap-northeast-2")
        (content,) = resource.contents
        assert isinstance(content, TextResourceContents)
        assert json.loads(content.text)["compliance_intensity_gCO2eq_kWh"] == 417.3


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port``, read from /proc/net/tcp (sends no traffic)."""
    found: set[str] = set()
    for line in Path("/proc/net/tcp").read_text(encoding="ascii").splitlines()[1:]:
        fields = line.split()
        address, hex_port = fields[1].split(":")
        if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def test_the_http_transport_binds_loopback_only(http_server: str) -> None:
    port = int(http_server.rsplit(":", 1)[1].split("/")[0])
    assert _listening_addresses(port) == {"127.0.0.1"}
