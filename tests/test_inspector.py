"""A real third-party MCP client drives the server: the MCP Inspector CLI (npm @modelcontextprotocol/inspector,
pinned in tools/mcp-inspector), over stdio and over Streamable HTTP, on the built-in demo cluster.

Also here, because they need the same running HTTP server: the container image's HEALTHCHECK command and
scripts/mcp-test.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.external_tools import REPO, inspector

pytestmark = pytest.mark.slow

FIVE_TOOLS = {
    "assess_workload_compliance",
    "compare_optimization_impact",
    "list_workloads_by_compliance",
    "get_regional_comparison",
    "calculate_optimal_schedule",
}


def _clean_env(home: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("KEPLER_", "CARBON_KEPLER_", "MCP_", "PROMETHEUS_"))
    }
    env["HOME"] = str(home)  # the inspector writes ~/.mcp-inspector
    return env


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("inspector-home")


def _inspect(home: Path, target: tuple[str, ...], *options: str) -> tuple[int, dict[str, Any], str]:
    """Run the inspector CLI on ``target`` (a command or a URL, after ``--`` so that the inspector does not
    take the server's own options for its own); its exit code, the JSON on stdout, and stderr."""
    done = subprocess.run(
        [str(inspector()), "--cli", "--format", "json", "-q", *options, "--", *target],
        env=_clean_env(home),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    payload: dict[str, Any] = json.loads(done.stdout) if done.stdout.strip() else {}
    return done.returncode, payload, done.stderr


STDIO_SERVER = (sys.executable, "-m", "carbon_kepler_mcp", "serve", "--transport", "stdio")
DEMO = ("-e", "CARBON_KEPLER_SOURCE=demo")


def _http(port: int) -> tuple[str, ...]:
    return (f"http://127.0.0.1:{port}/mcp",)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


TOKEN = secrets.token_hex(32)
AUTH = ("--header", f"Authorization: Bearer {TOKEN}")


@pytest.fixture(scope="module")
def http_port(home: Path) -> Iterator[int]:
    """``serve --transport http --demo`` on a free loopback port, with an API token as in the cluster."""
    port = _free_port()
    log = home / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "carbon_kepler_mcp", "serve", "--transport", "http", "--port", str(port), "--demo"],
            env={**_clean_env(home), "CARBON_KEPLER_API_TOKEN": TOKEN},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
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
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _assert_the_training_job_assessment(result: dict[str, Any]) -> None:
    assert result.get("isError") is not True
    answer = result["structuredContent"]
    assert answer["workload"] == "ml-training-job"
    assert answer["namespace"] == "ai-team"
    assert answer["standard"] == "KR_CARBON_2050"
    assert answer["status"] == "NON_COMPLIANT"
    assert answer["current_power_watts"] == 866.0  # 2 × (165 package + 28 dram + 240 GPU)
    assert answer["grid_carbon_intensity_gCO2eq_kWh"] == 417.3
    assert answer["pue"] == 1.6
    assert answer["is_demo"] is True
    ranks = [o["rank"] for o in answer["optimizations"]]
    assert ranks == list(range(1, len(ranks) + 1)) and ranks
    # The text block carries the same answer for clients without structured output.
    (text,) = [c["text"] for c in result["content"] if c["type"] == "text"]
    assert json.loads(text)["status"] == "NON_COMPLIANT"


def test_the_inspector_lists_the_tools_over_stdio_and_finds_their_schemas_portable(home: Path) -> None:
    # --strict exits 6 when a tool schema has a portability problem.
    rc, out, err = _inspect(home, STDIO_SERVER, *DEMO, "--strict", "--method", "tools/list")
    assert rc == 0, err
    tools = {tool["name"]: tool for tool in out["result"]["tools"]}
    assert tools.keys() >= FIVE_TOOLS
    assessment = tools["assess_workload_compliance"]
    assert "workload_name" in assessment["inputSchema"]["required"]
    assert assessment["annotations"]["readOnlyHint"] is True
    assert "status" in assessment["outputSchema"]["properties"]


def test_the_inspector_assesses_the_demo_training_job_over_stdio_in_the_modern_protocol_era(home: Path) -> None:
    rc, out, err = _inspect(
        home,
        STDIO_SERVER,
        *DEMO,
        "--protocol-era",
        "modern",
        "--method",
        "tools/call",
        "--tool-name",
        "assess_workload_compliance",
        "--tool-arg",
        "workload_name=ml-training-job",
        "namespace=ai-team",
    )
    assert rc == 0, err
    _assert_the_training_job_assessment(out["result"])


def test_the_inspector_lists_the_tools_over_streamable_http(home: Path, http_port: int) -> None:
    rc, out, err = _inspect(home, _http(http_port), *AUTH, "--strict", "--method", "tools/list")
    assert rc == 0, err
    assert {tool["name"] for tool in out["result"]["tools"]} >= FIVE_TOOLS


def test_the_inspector_assesses_the_demo_training_job_over_streamable_http_in_korean(
    home: Path, http_port: int
) -> None:
    rc, out, err = _inspect(
        home,
        _http(http_port),
        *AUTH,
        "--protocol-era",
        "modern",
        "--method",
        "tools/call",
        "--tool-name",
        "assess_workload_compliance",
        "--tool-args-json",
        json.dumps({"workload_name": "ml-training-job", "namespace": "ai-team", "language": "ko"}),
    )
    assert rc == 0, err
    _assert_the_training_job_assessment(out["result"])
    assert re.search("[가-힣]", out["result"]["structuredContent"]["recommendation"])


def test_an_unknown_workload_reaches_the_inspector_as_a_tool_error_with_exit_code_5(home: Path, http_port: int) -> None:
    rc, out, _ = _inspect(
        home,
        _http(http_port),
        *AUTH,
        "--method",
        "tools/call",
        "--tool-name",
        "assess_workload_compliance",
        "--tool-arg",
        "workload_name=no-such-job",
        "namespace=ai-team",
    )
    assert rc == 5  # the inspector's exit code for a tool result with isError: true
    assert out["result"]["isError"] is True
    assert "no workload named 'no-such-job'" in out["result"]["content"][0]["text"]


def test_scripts_mcp_test_prints_both_answers_over_stdio_and_http(home: Path) -> None:
    inspector()  # fail or skip here, not inside the script, when the inspector is missing
    done = subprocess.run(
        [str(REPO / "scripts" / "mcp-test")], env=_clean_env(home), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line)["result"] for line in done.stdout.splitlines()]
    listings, calls = answers[0::2], answers[1::2]
    assert len(listings) == len(calls) == 2  # stdio, then Streamable HTTP
    for listing in listings:
        assert {tool["name"] for tool in listing["tools"]} >= FIVE_TOOLS
    for call in calls:
        _assert_the_training_job_assessment(call)
    assert "tools/call assess_workload_compliance ai-team/ml-training-job: http://127.0.0.1:" in done.stderr


def _healthcheck_command() -> list[str]:
    """The Dockerfile's HEALTHCHECK command (exec form)."""
    text = (REPO / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(r"^HEALTHCHECK\b.*?\bCMD\s+(\[.*\])\s*$", text, re.MULTILINE)
    assert match, "the Dockerfile has no exec-form HEALTHCHECK"
    command: list[str] = json.loads(match.group(1))
    return command


def test_the_image_healthcheck_command_passes_against_a_running_server_and_fails_without_one(
    home: Path, http_port: int
) -> None:
    command = _healthcheck_command()
    assert command[0] == "python"  # the final image has no curl or wget
    assert "127.0.0.1:8000/healthz" in command[-1]
    # The same command against the test server's port (the server requires a token everywhere but the probes),
    # with the image's interpreter role played by ours.
    against = [sys.executable, *command[1:-1], command[-1].replace(":8000/", f":{http_port}/")]
    ok = subprocess.run(against, env=_clean_env(home), capture_output=True, text=True, timeout=30)
    assert ok.returncode == 0, ok.stderr
    closed = [sys.executable, *command[1:-1], command[-1].replace(":8000/", f":{_free_port()}/")]
    refused = subprocess.run(closed, env=_clean_env(home), capture_output=True, text=True, timeout=30)
    assert refused.returncode != 0


def test_without_the_api_token_the_inspector_is_refused(home: Path, http_port: int) -> None:
    rc, _, err = _inspect(home, _http(http_port), "--transport", "http", "--method", "tools/list")
    assert rc == 3  # the inspector's exit code for "authentication required"
    assert json.loads(err)["error"]["code"] == "auth_required"


def test_scripts_mcp_test_asks_a_running_server_with_the_token_about_the_workload_it_is_given(
    home: Path, http_port: int
) -> None:
    inspector()
    done = subprocess.run(
        [str(REPO / "scripts" / "mcp-test"), "--url", *_http(http_port), "--workload", "web-app", "-n", "production"],
        env={**_clean_env(home), "CARBON_KEPLER_API_TOKEN": TOKEN},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    listing, call = (json.loads(line)["result"] for line in done.stdout.splitlines())
    assert {tool["name"] for tool in listing["tools"]} >= FIVE_TOOLS
    answer = call["structuredContent"]
    assert (answer["workload"], answer["namespace"], answer["status"]) == ("web-app", "production", "COMPLIANT")
