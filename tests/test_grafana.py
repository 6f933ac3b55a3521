"""The Grafana dashboards (deploy/grafana): every panel's PromQL returns series from a real Prometheus.

Prometheus is loaded with the recording rules and backfilled with half an hour of both Kepler generations,
kube-state-metrics owners and the server's own reference gauges (taken from the app's ``/metrics``). A panel
whose query returns nothing fails. The English and Korean dashboards are the same panels and queries. The
same Prometheus answers the server's reader of the recorded series (sources/recorded.py).
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.bootstrap import build_web_app
from carbon_kepler_mcp.errors import InvalidNameError
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.demo import DemoSource
from carbon_kepler_mcp.sources.prometheus import PrometheusClient, QueryResult
from carbon_kepler_mcp.sources.recorded import RecordedFigures, read_recorded
from tests.external_tools import REPO
from tests.prometheus_server import PrometheusProcess, backfill, binaries, start_prometheus, wait_for
from tests.web_harness import asgi_client

GRAFANA = REPO / "deploy" / "grafana"
DASHBOARDS = {"en": GRAFANA / "carbon-kepler.json", "ko": GRAFANA / "carbon-kepler-ko.json"}
RULES = REPO / "deploy" / "prometheus" / "carbon-kepler-rules.yaml"
STEP_SECONDS = 15
HISTORY_SECONDS = 30 * 60
HANGUL = re.compile(r"[\uac00-\ud7a3]")

# Kepler >= 0.10 pods: (node, namespace, pod, package W, dram W); "orphans" has no kube-state-metrics owner.
CURRENT_PODS = (
    ("node-a", "shop", "web-7d9f-abc", 10.0, 2.0),
    ("node-b", "shop", "db-0", 20.0, 1.0),
    ("node-a", "orphans", "stray", 3.0, 0.0),
)
CURRENT_NODES = (("node-a", 55.0), ("node-b", 40.0))
OWNERS = (
    'kube_pod_owner{namespace="shop",pod="web-7d9f-abc",owner_kind="ReplicaSet",owner_name="web-7d9f"}',
    'kube_replicaset_owner{namespace="shop",replicaset="web-7d9f",owner_kind="Deployment",owner_name="web"}',
    'kube_pod_owner{namespace="shop",pod="db-0",owner_kind="StatefulSet",owner_name="db"}',
    'kube_pod_owner{namespace="batch",pod="report-28",owner_kind="Job",owner_name="report-28"}',
    'kube_job_owner{namespace="batch",job_name="report-28",owner_kind="CronJob",owner_name="report"}',
)
REFERENCE_FAMILIES = (
    "carbon_kepler_grid_intensity_g_per_kwh",
    "carbon_kepler_cluster_info",
    "carbon_kepler_default_pue_ratio",
    "carbon_kepler_node_pue_ratio",
    "carbon_kepler_standard_limit",
)


def _load(lang: str) -> dict[str, Any]:
    return json.loads(DASHBOARDS[lang].read_text(encoding="utf-8"))


def _queries(dashboard: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            yield panel["title"], target["expr"]


async def _reference_lines() -> list[str]:
    """The server's reference gauges as it exports them (no timestamps), for node-b at PUE 1.2."""
    service = AppContext(DemoSource(cache_ttl_seconds=3600), load_reference_data(), AppConfig(node_pue={"node-b": 1.2}))
    async with asgi_client(build_web_app(service)) as client:
        text = (await client.get("/metrics")).text
    lines = [line for line in text.splitlines() if line.startswith(REFERENCE_FAMILIES)]
    assert {line.split("{")[0] for line in lines} == set(REFERENCE_FAMILIES)
    return lines


def _history(path: Path, reference: list[str], end: int) -> None:
    """Half an hour of samples every 15 s ending at ``end``; counters grow at their power in watts."""
    stamps = list(range(end - HISTORY_SECONDS, end + 1, STEP_SECONDS))
    families: dict[str, list[tuple[str, float]]] = {}  # family → (series, watts, or value for gauges)

    def counter(series: str, watts: float) -> None:
        families.setdefault(series.split("{")[0], []).append((series, watts))

    for node, namespace, pod, package, dram in CURRENT_PODS:
        labels = f'node_name="{node}",pod_namespace="{namespace}",pod_name="{pod}",pod_id="{pod}-id",state="running"'
        counter(f'kepler_pod_cpu_joules_total{{{labels},zone="package"}}', package)
        counter(f'kepler_pod_cpu_joules_total{{{labels},zone="dram"}}', dram)
    for node, watts in CURRENT_NODES:
        counter(f'kepler_node_cpu_joules_total{{node_name="{node}",zone="package",path="/sys/rapl:0"}}', watts)
    legacy = (
        'instance="10.0.0.9:9102",container_namespace="batch",pod_name="report-28",container_id="c1",mode="dynamic"'
    )
    counter(f"kepler_container_package_joules_total{{{legacy}}}", 15.0)
    counter(f"kepler_container_dram_joules_total{{{legacy}}}", 3.0)
    counter('kepler_node_package_joules_total{instance="10.0.0.9:9102",package="0",mode="dynamic"}', 35.0)
    lines: list[str] = []
    for series_list in families.values():
        for series, watts in series_list:
            lines += [f"{series} {watts * (stamp - stamps[0]):.3f} {stamp}" for stamp in stamps]
    gauges: dict[str, list[str]] = {}
    for line in [*(f"{owner} 1.0" for owner in OWNERS), *reference]:
        gauges.setdefault(line.split("{")[0], []).append(line)
    for series_lines in gauges.values():
        for line in series_lines:
            lines += [f"{line} {stamp}" for stamp in stamps]
    path.write_text("\n".join([*lines, "# EOF"]) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusProcess]:
    """Prometheus with the rules (evaluated every second here) over the backfilled history."""
    import anyio

    prometheus_bin, promtool = binaries()
    workdir = tmp_path_factory.mktemp("grafana")
    data = workdir / "data"
    data.mkdir()
    end = int(time.time())
    _history(workdir / "history.om", anyio.run(_reference_lines), end)
    backfill(promtool, workdir / "history.om", data)
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    for group in rules["groups"]:
        group["interval"] = "1s"  # the test's only change: evaluate at once instead of every 30 s / 1 min
    (workdir / "rules.yaml").write_text(yaml.safe_dump(rules), encoding="utf-8")
    config = f"global:\n  evaluation_interval: 1s\nrule_files:\n  - {workdir / 'rules.yaml'}\nscrape_configs: []\n"
    running = start_prometheus(prometheus_bin, config, data, workdir)
    try:
        wait_for(running, "carbon_kepler:namespace_emissions_grams:increase1h")
        wait_for(running, "carbon_kepler:workload_emissions_g_per_hour", minimum=3)
        yield running
    finally:
        running.stop()


def _instant(running: PrometheusProcess, query: str) -> list[dict[str, Any]]:
    url = f"{running.url}/api/v1/query?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(url, timeout=10) as response:
        body = json.loads(response.read())
    assert body["status"] == "success", body
    return body["data"]["result"]


@pytest.mark.parametrize("lang", sorted(DASHBOARDS))
def test_every_panel_query_returns_series_from_prometheus_with_the_rules(
    prometheus: PrometheusProcess, lang: str
) -> None:
    empty = [
        title for title, expr in _queries(_load(lang)) if not _instant(prometheus, expr.replace("$namespace", ".*"))
    ]
    assert not empty, f"panels that query nothing: {empty}\n{prometheus.log_tail()}"


def test_the_panels_show_the_figures_the_rules_compute(prometheus: PrometheusProcess) -> None:
    by_namespace = {
        r["metric"]["namespace"]: float(r["value"][1])
        for r in _instant(prometheus, "carbon_kepler:namespace_it_power_watts")
    }
    # shop: web 10 + 2 W, db 20 + 1 W = 33 W; orphans 3 W; batch (Kepler 0.7) 15 + 3 W = 18 W
    assert by_namespace == pytest.approx({"shop": 33.0, "orphans": 3.0, "batch": 18.0}, rel=1e-6)
    workloads = {
        r["metric"]["workload"]: float(r["value"][1])
        for r in _instant(prometheus, "carbon_kepler:workload_emissions_g_per_hour")
    }
    # ap-northeast-2 417.3 g/kWh; node-b PUE 1.2 (setting), others the region default PUE d:
    # web 12 W × d, db 21 W × 1.2, report 18 W × d, all ÷ 1000 × 417.3
    d = load_reference_data().region("ap-northeast-2").default_pue.value
    expected = {"web": 12 * d * 0.4173, "db": 21 * 1.2 * 0.4173, "report": 18 * d * 0.4173}
    assert workloads == pytest.approx(expected, rel=1e-6)


def test_without_kube_state_metrics_the_workload_panels_are_empty_and_say_why(prometheus: PrometheusProcess) -> None:
    # "orphans" has Kepler data but no kube_pod_owner: namespace panels show it, workload panels cannot.
    for lang in DASHBOARDS:
        for panel in _load(lang)["panels"]:
            expr = panel["targets"][0]["expr"]
            if "$namespace" not in expr:
                continue
            rows = _instant(prometheus, expr.replace("$namespace", "orphans"))
            if "workload" in expr:
                assert rows == [], panel["title"]
                assert "kube-state-metrics" in panel["description"], panel["title"]
            else:
                assert rows, panel["title"]


def test_the_namespace_variable_lists_the_namespaces(prometheus: PrometheusProcess) -> None:
    variable = next(v for v in _load("en")["templating"]["list"] if v["name"] == "namespace")
    match = re.fullmatch(r"label_values\((.+), namespace\)", variable["definition"])
    assert match
    url = f"{prometheus.url}/api/v1/label/namespace/values?" + urllib.parse.urlencode({"match[]": match.group(1)})
    with urllib.request.urlopen(url, timeout=10) as response:
        assert set(json.loads(response.read())["data"]) == {"shop", "orphans", "batch"}


def test_the_korean_dashboard_is_the_english_one_with_korean_words() -> None:
    en, ko = _load("en"), _load("ko")
    assert [(p["type"], p["gridPos"], p["targets"]) for p in en["panels"]] == [
        (p["type"], p["gridPos"], p["targets"]) for p in ko["panels"]
    ]
    assert en["uid"] != ko["uid"]
    for panel in ko["panels"]:
        assert HANGUL.search(panel["title"]) and HANGUL.search(panel["description"]), panel["title"]
    for panel in en["panels"]:
        assert not HANGUL.search(panel["title"] + panel["description"]), panel["title"]


@pytest.mark.parametrize("lang", sorted(DASHBOARDS))
def test_every_panel_reads_the_datasource_variable_and_says_when_it_is_empty(lang: str) -> None:
    dashboard = _load(lang)
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    word = "Empty" if lang == "en" else "비어"
    for panel in dashboard["panels"]:
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        assert all(t["datasource"] == panel["datasource"] for t in panel["targets"])
        assert word in panel["description"], panel["title"]
        assert "carbon_kepler:" in panel["targets"][0]["expr"]  # recorded series only: cheap at any size


# --- the server reading the recorded series -----------------------------------------------------------


async def _read(prometheus: PrometheusProcess, namespace: str | None) -> RecordedFigures:
    client = PrometheusClient(prometheus.url, timeout_seconds=10)
    try:
        return await read_recorded(client, time.time(), namespace)
    finally:
        await client.aclose()


def test_the_server_reads_namespace_and_workload_figures_from_the_recorded_series(
    prometheus: PrometheusProcess,
) -> None:
    import anyio

    figures = anyio.run(_read, prometheus, None)
    assert figures.rules_loaded and figures.rules_version == "1"
    assert figures.missing_series == ()
    # shop: 12 + 21 W IT; web's 12 W at the region default PUE d, db's 21 W at node-b's 1.2
    d = load_reference_data().region("ap-northeast-2").default_pue.value
    shop = figures.namespaces["shop"]
    assert shop.it_power_watts == pytest.approx(33.0, rel=1e-6)
    assert shop.facility_power_watts == pytest.approx(12 * d + 21 * 1.2, rel=1e-6)
    assert shop.emissions_g_per_hour == pytest.approx((12 * d + 21 * 1.2) * 0.4173, rel=1e-6)
    kinds = {(w.namespace, w.name): w.kind for w in figures.workloads}
    assert kinds == {("shop", "web"): "Deployment", ("shop", "db"): "StatefulSet", ("batch", "report"): "CronJob"}
    assert len(figures.queries) == 7  # the marker and six recorded series: a handful, whatever the pod count


def test_missing_recorded_series_are_named_with_their_reason(prometheus: PrometheusProcess) -> None:
    import anyio

    orphans = anyio.run(_read, prometheus, "orphans")  # Kepler data, no kube-state-metrics owner
    assert orphans.namespaces["orphans"].it_power_watts == pytest.approx(3.0, rel=1e-6)
    assert orphans.workloads == ()
    assert [m.split(":", 2)[1] for m in orphans.missing_series] == [
        "workload_it_power_watts",
        "workload_facility_power_watts",
        "workload_emissions_g_per_hour",
    ]
    assert all("kube-state-metrics" in m for m in orphans.missing_series)


class _NoRules:
    async def instant(self, query: str, at: float) -> QueryResult:
        return QueryResult((), ())


@pytest.mark.anyio
async def test_without_the_rules_every_series_is_named_as_not_loaded() -> None:
    figures = await read_recorded(_NoRules(), 0.0)
    assert not figures.rules_loaded
    assert figures.namespaces == {} and figures.workloads == ()
    assert len(figures.missing_series) == 6
    assert all(m.endswith("the recording rules are not loaded") for m in figures.missing_series)


@pytest.mark.anyio
async def test_a_namespace_that_could_break_the_query_is_refused() -> None:
    with pytest.raises(InvalidNameError):
        await read_recorded(_NoRules(), 0.0, 'shop"} or vector(1) or {a="')
