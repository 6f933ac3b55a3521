"""The recording rules (deploy/prometheus) and the reference gauges they read from the server's ``/metrics``.

``promtool check rules`` and ``promtool test rules`` (tests/rules/, hand-computed series of both Kepler
generations, kube-state-metrics and the gauges) must pass; the PrometheusRule holds the same groups; every
``carbon_kepler_*`` gauge the rules read is one the server exports, with the labels the rules join on.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx2
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.bootstrap import build_web_app
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.demo import DemoSource
from tests.external_tools import REPO
from tests.prometheus_server import binaries
from tests.web_harness import asgi_client

RULES = REPO / "deploy" / "prometheus" / "carbon-kepler-rules.yaml"
RULE_TESTS = REPO / "tests" / "rules" / "carbon-kepler-rules_test.yaml"
PROMETHEUS_RULE = REPO / "deploy" / "k8s" / "components" / "monitoring" / "prometheusrule.yaml"

pytestmark = pytest.mark.anyio

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _promtool(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    _, promtool = binaries()
    return subprocess.run([promtool, *args], capture_output=True, text=True, timeout=120, cwd=cwd, check=False)


def _rule_names() -> list[str]:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return [rule["record"] for group in groups for rule in group["rules"]]


def test_promtool_checks_the_rules_file() -> None:
    done = _promtool("check", "rules", str(RULES))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"SUCCESS: {len(_rule_names())} rules found" in done.stdout


def test_promtool_unit_tests_of_the_rules_pass() -> None:
    done = _promtool("test", "rules", RULE_TESTS.name, cwd=RULE_TESTS.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


def test_a_wrong_expectation_fails_the_unit_test_so_the_test_above_can_fail(tmp_path: Path) -> None:
    text = RULE_TESTS.read_text(encoding="utf-8").replace("../../deploy/prometheus/", f"{RULES.parent}/")
    # web's IT power is 12 W (10 W package + 2 W dram); claim 17 W, as if core were added
    wrong = text.replace(
        'pod="web-7d9f-abc"}\'\n            value: 12', 'pod="web-7d9f-abc"}\'\n            value: 17', 1
    )
    assert wrong != text
    (tmp_path / "wrong_test.yaml").write_text(wrong, encoding="utf-8")
    done = _promtool("test", "rules", "wrong_test.yaml", cwd=tmp_path)
    assert done.returncode != 0
    assert "carbon_kepler:pod_it_power_watts" in done.stdout + done.stderr


def test_every_recorded_series_is_tested_by_the_unit_test() -> None:
    tested = RULE_TESTS.read_text(encoding="utf-8")
    # The intermediate owner series are read by the workload series, tested there.
    helpers = {"carbon_kepler:replicaset_workload", "carbon_kepler:job_workload", "carbon_kepler:pue_limit_ratio"}
    untested = [
        name for name in _rule_names() if name not in helpers and not re.search(re.escape(name) + r"[ {)\n]", tested)
    ]
    assert not untested, untested


def test_the_prometheus_rule_holds_exactly_the_rules_file() -> None:
    rule = yaml.safe_load(PROMETHEUS_RULE.read_text(encoding="utf-8"))
    assert rule["kind"] == "PrometheusRule"
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    assert rule["spec"] == yaml.safe_load(RULES.read_text(encoding="utf-8"))


# --- the gauges the rules read ------------------------------------------------------------------------


async def _scrape(config: AppConfig) -> Samples:
    service = AppContext(DemoSource(cache_ttl_seconds=3600), load_reference_data(), config)
    async with asgi_client(build_web_app(service)) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    return _samples(response)


def _samples(response: httpx2.Response) -> Samples:
    out: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            out[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return out


def _find(samples: Samples, name: str, **labels: str) -> float:
    found = [v for (n, ls), v in samples.items() if n == name and set(labels.items()) <= ls]
    assert len(found) == 1, (name, labels, found)
    return found[0]


async def test_the_server_exports_grid_intensity_pue_and_limits_as_the_rules_expect() -> None:
    samples = await _scrape(AppConfig(pue=1.5, node_pue={"node-b": 1.2}))
    # regions.toml: ap-northeast-2 compliance factor 417.3 (2023, Korea's official), comparison 423 (2024)
    common = {"region": "ap-northeast-2", "zone": "KR"}
    assert (
        _find(
            samples,
            "carbon_kepler_grid_intensity_g_per_kwh",
            **common,
            factor="compliance",
            year="2023",
            provenance="shipped",
        )
        == 417.3
    )
    assert _find(samples, "carbon_kepler_grid_intensity_g_per_kwh", **common, factor="comparison", year="2024") == 423
    assert _find(samples, "carbon_kepler_cluster_info", region="ap-northeast-2", pue_standard="KR_PUE_GREEN_DC") == 1
    assert _find(samples, "carbon_kepler_default_pue_ratio", pue_source="operator_setting") == 1.5
    assert _find(samples, "carbon_kepler_node_pue_ratio", node_name="node-b", pue_source="operator_node_setting") == 1.2
    assert _find(samples, "carbon_kepler_standard_limit", standard="KR_PUE_GREEN_DC", metric="pue", unit="ratio") == 1.4
    assert (
        _find(
            samples, "carbon_kepler_standard_limit", standard="KR_CARBON_2050", metric="effective_intensity_g_per_kwh"
        )
        == 584.22
    )
    # every shipped region has both factors
    regions = {dict(ls)["region"] for (n, ls) in samples if n == "carbon_kepler_grid_intensity_g_per_kwh"}
    assert regions == set(load_reference_data().regions)


async def test_operator_overrides_show_in_the_gauges_and_the_region_default_pue_says_so() -> None:
    samples = await _scrape(AppConfig(korea_intensity_override_g_per_kwh=450.0, korea_pue_target_override=1.3))
    compliance = _find(samples, "carbon_kepler_grid_intensity_g_per_kwh", region="ap-northeast-2", factor="compliance")
    assert compliance == 450.0
    assert _find(
        samples, "carbon_kepler_grid_intensity_g_per_kwh", region="ap-northeast-2", provenance="operator_override"
    )
    # The certification's band stays as published; the operator's target is its own standard.
    assert _find(samples, "carbon_kepler_standard_limit", standard="KR_PUE_GREEN_DC") == 1.4
    assert _find(samples, "carbon_kepler_standard_limit", standard="KOREA_PUE_TARGET") == 1.3
    # KR_CARBON_2050 is re-derived: 450 × 1.3 = 585
    assert _find(samples, "carbon_kepler_standard_limit", standard="KR_CARBON_2050") == pytest.approx(585.0)
    # no PUE configured: the region's cited default, labelled as such (regions.toml: ap-northeast-2 default PUE)
    default = load_reference_data().region("ap-northeast-2").default_pue.value
    assert _find(samples, "carbon_kepler_default_pue_ratio", pue_source="region_default") == default
    assert not [n for (n, _) in samples if n == "carbon_kepler_node_pue_ratio"]


async def test_every_server_gauge_the_rules_read_is_exported_with_the_labels_they_join_on() -> None:
    samples = await _scrape(AppConfig(pue=1.5, node_pue={"node-b": 1.2}))
    exported: dict[str, set[str]] = {}
    for name, labels in samples:
        exported.setdefault(name, set()).update(k for k, _ in labels)
    text = RULES.read_text(encoding="utf-8")
    read = set(re.findall(r"\bcarbon_kepler_[a-z_]+\b", text))
    assert read == {
        "carbon_kepler_grid_intensity_g_per_kwh",
        "carbon_kepler_cluster_info",
        "carbon_kepler_default_pue_ratio",
        "carbon_kepler_node_pue_ratio",
        "carbon_kepler_standard_limit",
    }
    for name in read:
        assert name in exported, name
    assert {"region", "factor"} <= exported["carbon_kepler_grid_intensity_g_per_kwh"]
    assert {"region", "pue_standard"} <= exported["carbon_kepler_cluster_info"]
    assert {"node_name", "pue_source"} <= exported["carbon_kepler_node_pue_ratio"]
    assert {"standard", "metric"} <= exported["carbon_kepler_standard_limit"]
