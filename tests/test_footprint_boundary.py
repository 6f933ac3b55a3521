"""The whole footprint (issue 13): GPU energy, idle power shared on request, embodied emissions, measured or not.

Every expectation is computed by hand from the inputs written next to it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx2
import pytest

from carbon_kepler_mcp.app import footprint
from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.app.embodied import HardwareSpec, embodied_figures, hardware_types
from carbon_kepler_mcp.bootstrap import node_hardware
from carbon_kepler_mcp.domain.footprint_math import embodied_g, sci, share_residual
from carbon_kepler_mcp.errors import ConfigError
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.parser import parse_columns
from carbon_kepler_mcp.kepler.readings import NodeReading, PodReading, current_readings, meter_from_paths
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.base import PodCpu, Snapshot
from carbon_kepler_mcp.sources.demo import DemoSource
from carbon_kepler_mcp.sources.kepler import KeplerSource
from tests.tools import tools

pytestmark = pytest.mark.anyio

KOREA_FACTOR = 417.3
AT = datetime(2026, 4, 14, 11, 0, tzinfo=UTC)


# --- GPU on the direct source (the demo's GPU node) ------------------------------------------------------------


async def test_the_gpu_pod_shows_cpu_dram_and_gpu_apart_and_together(demo_service: AppContext) -> None:
    result = await tools(demo_service).assess("ml-training-job", "ai-team")
    # two pods × (165 package + 28 dram) = 386 W CPU+DRAM; two pods × 240 W GPU = 480 W; together 866 W
    assert result.current_power_watts == 866.0
    breakdown = result.coverage.power_breakdown if result.coverage else None
    assert breakdown is not None
    assert (breakdown.cpu_dram_watts, breakdown.gpu_watts, breakdown.idle_allocated_watts) == (386.0, 480.0, 0.0)
    assert breakdown.total_watts == 866.0 and breakdown.idle_allocation == "none"
    assert {(p.cpu_dram_power_watts, p.gpu_power_watts) for p in result.pods} == {(193.0, 240.0)}
    # operational emissions use the whole IT power: 0.866 kW × PUE 1.6 × 417.3 g/kWh = 578.2 g/h
    assert result.carbon_emissions_gCO2eq_hour == pytest.approx(0.866 * 1.6 * KOREA_FACTOR, abs=1e-3)
    assert any("GPU power" in note for note in result.notes)


async def test_the_demo_gpu_node_adds_its_gpus_to_node_power() -> None:
    source = DemoSource(clock=lambda: AT.timestamp())
    snapshot = await source.snapshot()
    node = snapshot.node("kr-seoul-gpu-1")
    assert node is not None
    # CPU 514.5 W (active 390.5 + idle 124); 2 GPUs × (55 idle + 240 active) = 590 W; node 1104.5 W
    assert (node.cpu_power_watts, node.gpu_power_watts, node.gpu_idle_power_watts, node.gpu_count) == (
        514.5,
        590.0,
        110.0,
        2,
    )
    assert node.power_watts == 1104.5
    await source.aclose()


async def test_every_answer_says_the_demo_is_simulated_and_which_allocation_it_used(demo_service: AppContext) -> None:
    result = await tools(demo_service).assess("web-app", "production")
    assert result.data_source.power_measurement == dict.fromkeys(
        ("kr-seoul-cpu-1", "kr-seoul-cpu-2", "kr-seoul-gpu-1"), "simulated"
    )
    assert result.data_source.idle_allocation == "none"


# --- legacy 0.7 GPU counters --------------------------------------------------------------------------------


def test_legacy_gpu_counters_are_their_own_line() -> None:
    from tests.test_real_captures import APISERVER, kind_pair, pod

    readings = kind_pair(0, 1)
    apiserver = pod(readings, APISERVER)
    # kepler_container_gpu_joules_total{mode="dynamic"} of the apiserver: 0.321 J → 0.363 J over 15 s = 0.0028 W
    assert apiserver.gpu_power_watts == pytest.approx((0.363 - 0.321) / 15, abs=1e-9)
    assert apiserver.gpu_energy_joules == pytest.approx(0.363)
    assert apiserver.power_watts == pytest.approx(3.4708 + 0.0028, abs=5e-5)
    (node,) = readings.nodes
    assert node.gpu_count == 5 and node.gpu_power_watts > 0  # five devices (index 0-4), all modes added
    assert node.power_measurement == "measured" and "rapl" in node.meter  # source="rapl" on the node counters


# --- GPU on Prometheus is in tests/test_prometheus_integration.py (a real Prometheus) ----------------------------


# --- idle allocation on a three-node cluster ---------------------------------------------------------------------
#
# n1 100 W: app-a 30 W (request 1 core), app-b 10 W (3 cores)          → 60 W unattributed
# n2  60 W: app-c 20 W (2 cores)                                        → 40 W
# n3 500 W (300 W of it GPUs): app-d 150 W CPU + 200 W GPU (4 cores), app-e 50 W (no request) → 100 W


def _pod(name: str, node: str, watts: float, gpu: float = 0.0) -> PodReading:
    return PodReading(
        namespace="team",
        name=name,
        uid=f"uid-{name}",
        node=node,
        state=schema.STATE_RUNNING,
        power_watts=watts + gpu,
        energy_joules=(watts + gpu) * 100,
        zone_power_watts={"package": watts},
        zone_energy_joules={"package": watts * 100},
        endpoint="test",
        gpu_power_watts=gpu,
        gpu_energy_joules=gpu * 100,
    )


def _node(name: str, watts: float, gpu: float = 0.0) -> NodeReading:
    return NodeReading(name, watts, None, None, None, ("package",), "test", gpu_power_watts=gpu)


def _three_nodes() -> Snapshot:
    return Snapshot(
        taken_at=AT,
        source_kind="kepler",
        generation="current",
        pods=[
            _pod("app-a", "n1", 30.0),
            _pod("app-b", "n1", 10.0),
            _pod("app-c", "n2", 20.0),
            _pod("app-d", "n3", 150.0, gpu=200.0),
            _pod("app-e", "n3", 50.0),
        ],
        nodes=[_node("n1", 100.0), _node("n2", 60.0), _node("n3", 500.0, gpu=300.0)],
        endpoints=["test"],
        power_method="test",
        is_demo=False,
        pod_cpu={
            ("team", "app-a"): PodCpu(1.0, None, None),
            ("team", "app-b"): PodCpu(3.0, None, None),
            ("team", "app-c"): PodCpu(2.0, None, None),
            ("team", "app-d"): PodCpu(4.0, None, None),
        },
    )


class _Fixed:
    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot

    @property
    def kind(self) -> str:
        return "kepler"

    @property
    def description(self) -> str:
        return "a hand-made snapshot"

    async def snapshot(self) -> Snapshot:
        return self._snapshot

    async def aclose(self) -> None:
        return None


EXPECTED = {
    "none": {"app-a": 30.0, "app-b": 10.0, "app-c": 20.0, "app-d": 350.0, "app-e": 50.0},
    # by own power: n1 60 W × 30/40 and × 10/40; n2 all 40 W; n3 100 W × 350/400 and × 50/400
    "proportional": {"app-a": 75.0, "app-b": 25.0, "app-c": 60.0, "app-d": 437.5, "app-e": 62.5},
    # by request: n1 60 W × 1/4 and × 3/4; n2 all 40 W; n3 all 100 W to app-d (app-e requests nothing)
    "cpu_request": {"app-a": 45.0, "app-b": 55.0, "app-c": 60.0, "app-d": 450.0, "app-e": 50.0},
}
NODES = {"n1": 100.0, "n2": 60.0, "n3": 500.0}
ON_NODE = {"app-a": "n1", "app-b": "n1", "app-c": "n2", "app-d": "n3", "app-e": "n3"}


@pytest.mark.parametrize("allocation", ["none", "proportional", "cpu_request"])
async def test_each_idle_allocation_on_three_nodes(allocation: str) -> None:
    ctx = AppContext(_Fixed(_three_nodes()), load_reference_data(), AppConfig(), clock=lambda: AT)
    snapshot = await ctx.read("team", idle_allocation=allocation)  # type: ignore[arg-type]
    watts = {p.name: p.power_watts for p in snapshot.pods}
    assert watts == pytest.approx(EXPECTED[allocation])
    if allocation != "none":
        for node, total in NODES.items():  # with allocation on, the workloads of a node add up to the node
            assert sum(w for name, w in watts.items() if ON_NODE[name] == node) == pytest.approx(total)
    assert snapshot.idle_allocation == allocation
    # the tool answer says which allocation it used, and shows the allocated line apart
    result = await tools(ctx).assess("app-d", "team", idle_allocation=allocation)
    assert result.data_source.idle_allocation == allocation
    breakdown = result.coverage.power_breakdown if result.coverage else None
    assert breakdown is not None
    assert breakdown.gpu_watts == 200.0 and breakdown.cpu_dram_watts == 150.0
    assert breakdown.idle_allocated_watts == pytest.approx(EXPECTED[allocation]["app-d"] - 350.0)
    assert result.current_power_watts == pytest.approx(EXPECTED[allocation]["app-d"])


async def test_the_setting_is_the_default_and_the_argument_wins() -> None:
    ctx = AppContext(_Fixed(_three_nodes()), load_reference_data(), AppConfig(idle_allocation="proportional"))
    assert (await tools(ctx).assess("app-a", "team")).current_power_watts == pytest.approx(75.0)
    overridden = await tools(ctx).assess("app-a", "team", idle_allocation="none")
    assert overridden.current_power_watts == pytest.approx(30.0)
    assert "idle_allocation=proportional" in " ".join((await tools(ctx).assess("app-a", "team")).notes)


async def test_cpu_request_without_requests_falls_back_to_proportional_and_says_so() -> None:
    snapshot = _three_nodes()
    bare = Snapshot(
        taken_at=AT,
        source_kind="kepler",
        generation="current",
        pods=snapshot.pods,
        nodes=snapshot.nodes,
        endpoints=["test"],
        power_method="test",
        is_demo=False,
    )
    shares, warnings = footprint.allocate_idle(bare, "cpu_request")
    assert shares[("team", "app-a", "uid-app-a", "n1", "running")][0] == pytest.approx(45.0)  # 60 × 30/40
    assert any("proportion to their own power" in w for w in warnings)


def test_share_residual_never_shares_a_negative_remainder() -> None:
    assert share_residual(-5.0, {"a": 1.0, "b": 1.0}) == {"a": 0.0, "b": 0.0}
    assert share_residual(10.0, {"a": 0.0}) == {"a": 0.0}
    assert share_residual(10.0, {"a": 1.0, "b": 3.0}) == {"a": 2.5, "b": 7.5}


# --- embodied emissions ---------------------------------------------------------------------------------------


def test_the_shipped_hardware_types_follow_ccfs_coefficients() -> None:
    types = hardware_types()
    # base 1000 + 1 more CPU 100 + (256 − 16) GB × 533/384 = 333.125 → 1433.125 kgCO2eq
    assert types["ccf-2s-256gb"].embodied_kgco2eq == pytest.approx(1433.125)
    # 1000 + 100 + (512 − 16) × 533/384 = 688.458… + 2 GPUs × 150 → 2088.458 kgCO2eq
    assert types["ccf-2s-512gb-2gpu"].embodied_kgco2eq == pytest.approx(2088.458333, abs=1e-5)
    assert types["ccf-1s-16gb"].embodied_kgco2eq == 1000.0
    assert {t.lifetime_years for t in types.values()} == {4.0}


def test_embodied_is_te_times_time_share_times_resource_share() -> None:
    # 1433.125 kg for one hour of a quarter of the server over 4 years: 1,433,125 g × 3600 / 126,144,000 × 0.25
    assert embodied_g(1433.125, 4.0, 3600.0, 0.25) == pytest.approx(1_433_125 * 3600 / 126_144_000 * 0.25)


async def test_embodied_on_the_demo_is_reported_beside_operational(demo_service: AppContext) -> None:
    result = await tools(demo_service).assess("ml-training-job", "ai-team")
    embodied = result.coverage.embodied if result.coverage else None
    assert embodied is not None and embodied.available and not embodied.in_compliance_figure
    # no CPU requests on a direct scrape: each pod reserves its power share of the node, 433 / 1104.5;
    # 2088.458 kg × 1 h / (4 × 8760 h) × 433 / 1104.5 per pod, two pods
    per_pod = 2_088_458.333 / (4 * 8760) * 433 / 1104.5
    assert embodied.embodied_gCO2eq_hour == pytest.approx(2 * per_pod, abs=1e-3)
    # the compliance figure is operational only: 0.866 kW × 1.6 × 417.3
    assert result.carbon_emissions_gCO2eq_hour == pytest.approx(0.866 * 1.6 * KOREA_FACTOR, abs=1e-3)


async def test_no_hardware_no_gram_figure() -> None:
    ctx = AppContext(_Fixed(_three_nodes()), load_reference_data(), AppConfig())
    embodied = (await tools(ctx).assess("app-a", "team")).coverage
    assert embodied is not None and embodied.embodied is not None
    assert not embodied.embodied.available and embodied.embodied.embodied_gCO2eq_hour is None
    assert embodied.embodied.missing_nodes == ["n1"]


def test_operator_hardware_by_type_or_figures_and_bad_values_refused() -> None:
    specs = node_hardware({"n1": "ccf-2s-256gb", "n2": {"embodied_kgco2eq": 1500, "lifetime_years": 5, "cores": 64}})
    assert specs["n1"].embodied_kgco2eq == pytest.approx(1433.125)
    assert (specs["n2"].embodied_kgco2eq, specs["n2"].lifetime_years, specs["n2"].cores) == (1500, 5, 64)
    with pytest.raises(ConfigError, match="unknown hardware type"):
        node_hardware({"n1": "mainframe"})
    with pytest.raises(ConfigError, match="invalid hardware figures"):
        node_hardware({"n1": {"embodied_kgco2eq": -1, "lifetime_years": 4, "cores": 8}})


def test_embodied_with_requests_uses_request_over_cores() -> None:
    snapshot = _three_nodes()
    spec = HardwareSpec(embodied_kgco2eq=1000.0, lifetime_years=4.0, cores=8.0)
    figures = embodied_figures(snapshot, [p for p in snapshot.pods if p.name == "app-b"], {"n1": spec})
    # app-b requests 3 of 8 cores: 1,000,000 g / 35,040 h × 3/8 = 10.70 g/h
    assert figures.embodied_gCO2eq_hour == pytest.approx(1_000_000 / 35_040 * 3 / 8, abs=1e-2)


def test_sci_is_operational_plus_embodied_per_unit() -> None:
    # (O 120 g + M 30 g) / R 1,000 requests = 0.15 g per request
    assert sci(120.0, 30.0, 1000.0) == pytest.approx(0.15)
    with pytest.raises(ValueError, match="must be positive"):
        sci(1.0, 1.0, 0.0)


# --- measured, estimated or simulated ------------------------------------------------------------------------

FAKE_METER_SCRAPE = """\
kepler_build_info{arch="amd64",branch="main",goversion="go1.24",revision="x",version="v0.11.4"} 1
kepler_node_cpu_watts{node_name="dev-1",path="/sys/class/powercap/intel-rapl/energy_package",zone="package"} 40
kepler_node_cpu_watts{node_name="dev-1",path="/sys/class/powercap/intel-rapl/energy_dram",zone="dram"} 5
kepler_node_cpu_watts{node_name="dev-1",path="/sys/class/hwmon/hwmon3/power1_input",zone="psu0"} 90
kepler_pod_cpu_watts{node_name="dev-1",pod_id="u1",pod_name="web-0",pod_namespace="shop",state="running",zone="package"} 4
kepler_pod_cpu_watts{node_name="dev-1",pod_id="u1",pod_name="web-0",pod_namespace="shop",state="running",zone="dram"} 1
kepler_pod_cpu_joules_total{node_name="dev-1",pod_id="u1",pod_name="web-0",pod_namespace="shop",state="running",zone="package"} 400
"""


def test_the_fake_meter_paths_are_recognised() -> None:
    # Kepler's fake meter: <base>/energy_<zone> (internal/device/fake_cpu_power_meter.go)
    assert meter_from_paths({"/sys/class/powercap/intel-rapl/energy_package"})[0] == "simulated"
    assert meter_from_paths({"/sys/class/powercap/intel-rapl:0", "/sys/class/powercap/intel-rapl:0:2"})[0] == "measured"
    assert meter_from_paths({""})[0] == "estimated"
    assert meter_from_paths({"/opt/model/estimate"})[0] == "estimated"


async def test_a_fake_meter_scrape_is_flagged_simulated_and_its_unknown_zone_reported() -> None:
    readings = current_readings(parse_columns(FAKE_METER_SCRAPE, schema.ALL_FAMILIES), "dev")
    (node,) = readings.nodes
    assert node.power_measurement == "simulated"
    assert node.unknown_zone_power_watts == {"psu0": 90.0}
    assert node.power_watts == 45.0  # package 40 + dram 5; the hwmon psu0 zone is reported, not added
    source = KeplerSource(
        ["http://dev-1.test:28282/metrics"],
        transport=httpx2.MockTransport(lambda request: httpx2.Response(200, text=FAKE_METER_SCRAPE)),
    )
    ctx = AppContext(source, load_reference_data(), AppConfig(), clock=lambda: AT)
    result = await tools(ctx).assess("web-0", "shop")
    assert result.data_source.power_measurement == {"dev-1": "simulated"}
    assert result.data_source.unknown_zones == {"dev-1": {"psu0": 90.0}}
    assert any("simulated" in w and "fake CPU meter" in w for w in result.data_source.warnings)
    await ctx.aclose()


async def test_korean_answers_name_the_allocation() -> None:
    ctx = AppContext(_Fixed(_three_nodes()), load_reference_data(), AppConfig(idle_allocation="cpu_request"))
    result = await tools(ctx).assess("app-a", "team", language="ko")
    assert any("노드 유휴 전력" in n and "CPU 요청량" in n for n in result.notes)


def test_container_gpu_series_are_the_containers_gpu_line() -> None:
    from carbon_kepler_mcp.kepler.parser import parse_exposition
    from carbon_kepler_mcp.kepler.readings import container_readings

    head = 'container_id="c1",container_name="trainer",node_name="g1",pod_id="u1",runtime="containerd",state="running"'
    text = (
        f'kepler_container_cpu_watts{{{head},zone="package"}} 100\n'
        f'kepler_container_cpu_watts{{{head},zone="dram"}} 20\n'
        f"kepler_container_gpu_watts{{{head}}} 240\n"
        f"kepler_container_gpu_joules_total{{{head}}} 2400\n"
        # Kepler 0.7's counter of the same name (no pod_id): not a current container series
        'kepler_container_gpu_joules_total{container_id="c1",container_namespace="x",pod_name="p",mode="dynamic"} 9\n'
    )
    (container,) = container_readings({"e": parse_exposition(text, schema.CONTAINER_FAMILIES)})
    # 100 package + 20 dram + 240 GPU = 360 W; the GPU energy 2400 J is its own line
    assert (container.power_watts, container.gpu_power_watts, container.gpu_energy_joules) == (360.0, 240.0, 2400.0)
    assert container.zone_power_watts == {"package": 100.0, "dram": 20.0}


def test_prometheus_nodes_say_simulated_for_fake_meter_paths() -> None:
    from carbon_kepler_mcp.sources.prometheus import PrometheusSource, VectorSample

    def part(node: str, name: str, value: float, **labels: str) -> VectorSample:
        return VectorSample({"node_name": node, "part": name, **labels}, value)

    samples = [
        part("dev-1", "total", 3600.0 * 45, zone="package"),
        part("dev-1", "meter", 1.0, path="/sys/class/powercap/intel-rapl/energy_package"),
        part("hw-1", "total", 3600.0 * 80, zone="package"),
        part("hw-1", "meter", 1.0, path="/sys/class/powercap/intel-rapl:0"),
        part("hw-1", "gpu_total", 3600.0 * 300),
        part("hw-1", "gpu_idle", 3600.0 * 100),
    ]
    nodes, *_ = PrometheusSource._nodes(samples, 3600.0)  # pyright: ignore[reportPrivateUsage]
    by_name = {n.name: n for n in nodes}
    assert by_name["dev-1"].power_measurement == "simulated" and by_name["hw-1"].power_measurement == "measured"
    # hw-1: 80 W CPU + 300 W GPU (energy over the hour ÷ 3600 s); GPU idle 100 W
    assert (by_name["hw-1"].power_watts, by_name["hw-1"].gpu_idle_power_watts) == (380.0, 100.0)


def test_the_operator_defines_node_types_in_their_own_hardware_table(tmp_path: Path) -> None:
    from carbon_kepler_mcp.errors import DataError

    (tmp_path / "hardware.toml").write_text(
        "[meta]\npublisher = 'ops'\nsource = 'our LCA'\nbase_kgco2eq = 800.0\nper_additional_cpu_kgco2eq = 100.0\n"
        "dram_threshold_gb = 16.0\ndram_kgco2eq_per_gb = 1.0\nper_ssd_kgco2eq = 100.0\nper_hdd_kgco2eq = 50.0\n"
        "per_gpu_kgco2eq = 150.0\nlifetime_years = 6.0\n\n[types.edge-box]\ncpus = 1\nmemory_gb = 32\nssds = 1\n"
        "cores = 8\n",
        encoding="utf-8",
    )
    (spec,) = node_hardware({"edge-1": "edge-box"}, tmp_path).values()
    # 800 base + 0 more CPUs + (32 − 16) GB × 1 + 1 SSD × 100 = 916 kgCO2eq, 6 years, 8 cores
    assert (spec.embodied_kgco2eq, spec.lifetime_years, spec.cores) == (916.0, 6.0, 8.0)
    (tmp_path / "hardware.toml").write_text("[meta]\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"hardware\.toml"):
        node_hardware({"edge-1": "edge-box"}, tmp_path)
