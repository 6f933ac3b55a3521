"""The command line: one-shot answers, JSON output, exit codes and errors."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from carbon_kepler_mcp import __version__
from carbon_kepler_mcp.main import EXIT_NOT_FOUND, EXIT_SOURCE, EXIT_USAGE, main


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KEPLER_ENDPOINT", "CARBON_KEPLER_SOURCE", "CARBON_KEPLER_KEPLER_ENDPOINTS", "MCP_TRANSPORT"):
        monkeypatch.delenv(name, raising=False)


def test_assess_json_prints_the_tools_structured_result(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "ml-training-job", "-n", "ai-team", "--demo", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "NON_COMPLIANT"
    assert result["current_power_watts"] == 866.0  # 2 × (165 package + 28 dram + 240 GPU)
    assert result["is_demo"] is True


def test_assess_prints_a_readable_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "web-app", "-n", "production", "--demo"]) == 0
    out = capsys.readouterr().out
    assert "status               COMPLIANT" in out
    assert "DEMO DATA" in out


def test_assess_in_korean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "ml-training-job", "-n", "ai-team", "--demo", "--lang", "ko"]) == 0
    assert "기준 초과" in capsys.readouterr().out  # KR_CARBON_2050 is a benchmark: "over", never "non-compliant"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["list", "-n", "production", "--demo"], "3 workloads in production"),
        (["regions", "web-app", "-n", "production", "--demo"], "eu-north-1"),
        (["schedule", "nightly-report", "-n", "batch", "--duration", "2", "--demo"], "cleanest hours"),
        (["compare", "ml-training-job", "-n", "ai-team", "-o", "pue_improvement", "--demo"], "optimised"),
    ],
)
def test_every_question_has_a_command(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    assert expected in capsys.readouterr().out


def test_without_a_source_the_error_names_the_settings_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "web-app", "-n", "production"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "KEPLER_ENDPOINT" in err and "--demo" in err


def test_an_unknown_workload_exits_3_with_near_matches(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "web", "-n", "production", "--demo"]) == EXIT_NOT_FOUND
    assert "web-app" in capsys.readouterr().err


def test_an_invalid_name_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "Web_App", "-n", "production", "--demo"]) == EXIT_USAGE
    assert "not a valid" in capsys.readouterr().err


def test_a_down_endpoint_exits_4(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert main(["list", "-n", "x", "--kepler-endpoint", f"http://127.0.0.1:{port}/metrics"]) == EXIT_SOURCE
    assert "cannot connect" in capsys.readouterr().err


def test_a_malformed_endpoint_setting_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--kepler-endpoint", "ftp://kepler/metrics"]) == EXIT_USAGE
    assert "http://" in capsys.readouterr().err


def test_kepler_endpoint_from_the_environment_is_used(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("KEPLER_ENDPOINT", f"http://127.0.0.1:{port}/metrics")
    assert main(["list", "-n", "x"]) == EXIT_SOURCE
    assert f"127.0.0.1:{port}" in capsys.readouterr().err


def test_version_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


@pytest.mark.slow
def test_the_console_script_runs_as_a_module_without_stdin() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "carbon_kepler_mcp", "list", "-n", "ai-team", "--demo", "--json"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["non_compliant_count"] == 1


@pytest.mark.slow
def test_demo_cluster_serves_kepler_metrics_on_its_own(tmp_path: object) -> None:
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "carbon_kepler_mcp", "demo-cluster", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        assert "kepler_pod_cpu_watts{" in body
        assert 'pod_name="ml-training-job-x7k2p"' in body
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_pue_standard_setting_that_is_not_a_pue_standard_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CARBON_KEPLER_PUE_STANDARD", "KR_CARBON_2050")
    assert main(["list", "-n", "production", "--demo"]) == EXIT_USAGE
    assert "not a PUE standard" in capsys.readouterr().err
