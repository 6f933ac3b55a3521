"""Settings: pinned defaults and the original design's environment names."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from carbon_kepler_mcp.settings import Settings

ENV_NAMES = (
    "KEPLER_ENDPOINT",
    "KOREA_CARBON_INTENSITY",
    "KOREA_PUE_TARGET",
    "MCP_TRANSPORT",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("CARBON_KEPLER_") or name in ENV_NAMES:
            monkeypatch.delenv(name)


def test_declared_defaults_are_the_documented_ones() -> None:
    settings = Settings()
    assert settings.metrics.source == "auto"
    assert settings.kepler.endpoints == ()
    assert settings.kepler.timeout_seconds == 10.0
    assert settings.kepler.max_bytes == 64 * 1024 * 1024
    assert settings.metrics.cache_ttl_seconds == 60.0
    assert settings.kepler.legacy_rate_interval_seconds == 5.0
    assert settings.accounting.korea_carbon_intensity_g_per_kwh is None
    assert settings.accounting.korea_pue_target is None
    assert settings.accounting.pue is None
    assert settings.accounting.node_pue == {}
    assert settings.accounting.pue_standard == "KR_PUE_GREEN_DC"
    assert settings.accounting.default_region == "ap-northeast-2"
    assert settings.accounting.electricity_price_usd_per_kwh == 0.10
    assert settings.server.transport == "stdio"
    assert settings.server.host == "127.0.0.1"
    assert settings.server.port == 8000
    assert not settings.kepler.insecure_skip_verify


def test_the_original_environment_names_keep_working(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEPLER_ENDPOINT", "http://a:28282/metrics, https://b:28282/metrics")
    monkeypatch.setenv("KOREA_CARBON_INTENSITY", "424")
    monkeypatch.setenv("KOREA_PUE_TARGET", "1.5")
    monkeypatch.setenv("MCP_TRANSPORT", "sse")
    settings = Settings()
    assert settings.kepler.endpoints == ("http://a:28282/metrics", "https://b:28282/metrics")
    assert settings.accounting.korea_carbon_intensity_g_per_kwh == 424
    assert settings.accounting.korea_pue_target == 1.5
    assert settings.server.transport == "http"  # SSE is deprecated; it now means Streamable HTTP


def test_prefixed_names_work_and_node_pue_is_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARBON_KEPLER_NODE_PUE", '{"gpu-1": 1.6}')
    monkeypatch.setenv("CARBON_KEPLER_PUE", "1.3")
    settings = Settings()
    assert settings.accounting.node_pue == {"gpu-1": 1.6}
    assert settings.accounting.pue == 1.3


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CARBON_KEPLER_PUE", "0.9"),
        ("CARBON_KEPLER_NODE_PUE", '{"n": 7}'),
        ("KEPLER_ENDPOINT", "kepler:28282/metrics"),
        ("CARBON_KEPLER_SCRAPE_TIMEOUT_SECONDS", "0"),
        ("MCP_TRANSPORT", "carrier-pigeon"),
    ],
)
def test_invalid_values_are_rejected(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()


def test_a_token_and_a_token_file_together_are_contradictory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARBON_KEPLER_KEPLER_BEARER_TOKEN", "t")
    monkeypatch.setenv("CARBON_KEPLER_KEPLER_BEARER_TOKEN_FILE", "/tmp/t")
    with pytest.raises(ValidationError, match="not both"):
        Settings()


def test_the_token_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARBON_KEPLER_KEPLER_BEARER_TOKEN", "very-secret-token")
    settings = Settings()
    assert "very-secret-token" not in repr(settings)
    assert "very-secret-token" not in str(settings.model_dump())


def test_settings_are_grouped_and_take_flat_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARBON_KEPLER_SCRAPE_MAX_BYTES", "2048")
    settings = Settings(scrape_timeout_seconds=5, prometheus_timeout_seconds=7, port=9000)
    # A flat override and the environment meet in one group: neither hides the other.
    assert (settings.kepler.timeout_seconds, settings.kepler.max_bytes) == (5.0, 2048)
    assert settings.prometheus.timeout_seconds == 7.0
    assert settings.server.port == 9000
    with pytest.raises(TypeError, match="unknown settings: scrape_timeout"):
        Settings(scrape_timeout=5)


def test_bare_names_set_for_something_else_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "1")
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PUE", "3.0")
    settings = Settings()
    assert (settings.server.port, settings.server.host, settings.accounting.pue) == (8000, "127.0.0.1", None)


@pytest.mark.parametrize("name", ["CARBON_KEPLER_TOOLS", "CARBON_KEPLER_TOOLS_ALLOWED"])
def test_the_tool_allowlist_reads_both_names(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, "assess_workload_compliance, list_workloads_by_compliance")
    assert Settings().server.tools_allowed == ("assess_workload_compliance", "list_workloads_by_compliance")


def test_the_rate_window_is_a_recent_duration(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().prometheus.rate_window == "5m"
    monkeypatch.setenv("CARBON_KEPLER_PROMETHEUS_RATE_WINDOW", "2h")
    with pytest.raises(ValidationError, match="longer than 1h"):
        Settings()
