"""Real Kepler output, as it comes (issue 14): every real capture parses, its pods are found, and its figures match
the ones computed by hand in tests/fixtures/real/SOURCES.md.

SOURCES.md gives pod watts to 4 decimals and node watts to 2, so a figure matches within half a unit of its last
digit (5e-5 W and 5e-3 W).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.parser import Sample, parse_exposition
from carbon_kepler_mcp.kepler.readings import EndpointReadings, PodReading, detect_generation, legacy_readings
from tests.real_kepler import ALL, FRAGMENTS, HASWELL, KIND, samples, stamp, text

POD_TOLERANCE_W = 5e-5
NODE_TOLERANCE_W = 5e-3

APISERVER = "kube-apiserver-kind-fms-control-plane"
CONTROLLER_MANAGER = "kube-controller-manager-kind-fms-control-plane"
ETCD = "etcd-kind-fms-control-plane"
COREMARK = "coremark-cpeh-3451736609-7bgqj"


def kind_pair(first: int, second: int) -> EndpointReadings:
    """Readings between two of the seven kind scrapes, at their real spacing."""
    before, after = KIND[first], KIND[second]
    return legacy_readings(samples(before), samples(after), stamp(after) - stamp(before), "kind-fms")


def pod(readings: EndpointReadings, name: str) -> PodReading:
    return next(p for p in readings.pods if p.name == name)


def test_the_captures_are_all_there_with_their_provenance_line() -> None:
    assert len(KIND) == 7 and len(HASWELL) == 3 and len(FRAGMENTS) == 2
    for path in ALL:
        assert text(path).startswith("# provenance: "), path.name


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name[:60])
def test_every_real_capture_parses_whole_and_is_legacy_kepler(path: Path) -> None:
    everything = parse_exposition(text(path), source=path.name)  # every family, not only the ones read
    assert everything
    assert detect_generation(samples(path)) == "legacy"


def _pods_and_namespaces(path: Path) -> tuple[set[tuple[str, str]], set[str]]:
    parsed = samples(path)
    readings = legacy_readings(parsed, parsed, 1.0, "one")  # one scrape twice: every pod present, 0 W
    found = {(p.namespace, p.name) for p in (*readings.pods, *readings.overhead)}
    return found, {namespace for namespace, _ in found}


def _labelled_pods(path: Path) -> set[tuple[str, str]]:
    """Every (namespace, pod) any container series of the capture names, read with a plain regex."""
    return set(re.findall(r'container_namespace="([^"]*)",pod_name="([^"]*)"', text(path)))


@pytest.mark.parametrize(
    ("index", "pods", "namespaces"),
    # SOURCES.md: 28-29 pods, 9-10 namespaces; scrapes 1-3 hold the tekton pipeline pod of namespace default
    [(0, 28, 9), (1, 29, 10), (2, 29, 10), (3, 29, 10), (4, 28, 9), (5, 28, 9), (6, 28, 9)],
)
def test_every_kind_scrape_finds_its_pods_and_namespaces(index: int, pods: int, namespaces: int) -> None:
    found, found_namespaces = _pods_and_namespaces(KIND[index])
    assert found == _labelled_pods(KIND[index])
    assert (len(found), len(found_namespaces)) == (pods, namespaces)
    assert "kube-system" in found_namespaces and "gpu-operator" in found_namespaces


@pytest.mark.parametrize("index", range(3))
def test_every_haswell_scrape_finds_17_pods_in_6_namespaces(index: int) -> None:
    found, namespaces = _pods_and_namespaces(HASWELL[index])
    assert found == _labelled_pods(HASWELL[index])
    assert (len(found), len(namespaces)) == (17, 6)
    assert ("cpe-operator-system", COREMARK) in found


def test_the_fragments_find_their_pods_even_with_only_some_families() -> None:
    issue907, rhel = sorted(FRAGMENTS, key=lambda p: p.name)
    assert _pods_and_namespaces(issue907)[0] == {
        ("kube-system", "coredns-cbbbbb9cb-jvjth"),
        ("kube-system", "aws-node-6ggpn"),
        ("kepler", "kepler-exporter-k5bkd"),
    }
    found, _ = _pods_and_namespaces(rhel)
    # rabbitmq is only in the total counter and userservice-db only in idle mode: both still found
    assert found == {
        ("default", "userservice-db-5884c4c978-jnpgb"),
        ("default", "rabbitmq-755f666dc9-wcjql"),
        ("system", "system_processes"),
        ("kernel", "kernel_processes"),
    }


# SOURCES.md §1, "Hand-computed truth": (pair, apiserver, controller-manager, etcd, node dynamic package)
KIND_TRUTH = [
    ((0, 1), 3.4708, 2.4790, 1.0034, 66.75),
    ((1, 2), 4.1514, 2.0608, 2.2860, 65.57),
    ((2, 3), 2.9661, 1.3616, 0.9859, 46.83),
    ((3, 4), 3.7654, 2.3560, 2.2740, 99.29),
    ((4, 5), 0.3132, 0.4285, 0.7882, 27.27),
    ((0, 5), 2.8421, 1.6636, 1.4088, 58.91),
]


@pytest.mark.parametrize(("pair", "apiserver", "manager", "etcd", "node_package"), KIND_TRUTH)
def test_kind_pod_and_node_power_match_the_hand_computed_figures(
    pair: tuple[int, int], apiserver: float, manager: float, etcd: float, node_package: float
) -> None:
    readings = kind_pair(*pair)
    assert pod(readings, APISERVER).cpu_dram_power_watts == pytest.approx(apiserver, abs=POD_TOLERANCE_W)
    assert pod(readings, CONTROLLER_MANAGER).cpu_dram_power_watts == pytest.approx(manager, abs=POD_TOLERANCE_W)
    assert pod(readings, ETCD).cpu_dram_power_watts == pytest.approx(etcd, abs=POD_TOLERANCE_W)
    (node,) = readings.nodes
    assert node.name == "kind-fms-control-plane"
    assert node.active_zone_power_watts["package"] == pytest.approx(node_package, abs=NODE_TOLERANCE_W)


def test_kind_kube_system_pods_of_pair_0_1_add_up_to_the_hand_computed_total() -> None:
    readings = kind_pair(0, 1)
    expected = {
        APISERVER: 3.4708,
        CONTROLLER_MANAGER: 2.4790,
        ETCD: 1.0034,
        "kube-scheduler-kind-fms-control-plane": 0.3398,
        "kindnet-4xnkx": 0.1660,
        "coredns-565d847f94-lgfg6": 0.0622,
        "coredns-565d847f94-8tqqs": 0.0156,
        "kube-proxy-42tpx": 0.0,
    }
    system = {p.name: p.cpu_dram_power_watts for p in readings.pods if p.namespace == "kube-system"}
    assert system.keys() == expected.keys()
    for name, watts in expected.items():
        assert system[name] == pytest.approx(watts, abs=POD_TOLERANCE_W), name
    # 3.4708 + 2.4790 + 1.0034 + 0.3398 + 0.1660 + 0.0622 + 0.0156 + 0 = 7.5368, stated as 7.537
    assert sum(system.values()) == pytest.approx(7.537, abs=5e-4)


def test_kind_apiserver_energy_counter_at_scrape_1_is_the_hand_computed_one() -> None:
    assert pod(kind_pair(0, 1), APISERVER).cpu_dram_energy_joules == pytest.approx(939.882, abs=5e-4)


def test_the_host_processes_pseudo_pod_is_node_overhead_not_a_workload() -> None:
    readings = kind_pair(0, 1)
    assert all(p.name != "system_processes" for p in readings.pods)
    (pseudo,) = readings.overhead
    assert (pseudo.namespace, pseudo.name) == ("system", "system_processes")
    assert pseudo.cpu_dram_power_watts == pytest.approx(86.23, abs=NODE_TOLERANCE_W)
    assert readings.nodes[0].overhead_power_watts == pytest.approx(pseudo.power_watts)  # GPU line included


def test_the_tekton_pod_of_scrape_1_only_appears_then_is_gone() -> None:
    name = "example-abs-train-pipeline-presteps-pod"
    appeared = kind_pair(0, 1)
    assert pod(appeared, name).power_watts == 0 and any("appeared between" in w for w in appeared.warnings)
    gone = kind_pair(1, 2)
    assert pod(gone, name).state == "terminated"


@pytest.mark.parametrize(("first", "watts"), [(0, 166.998), (1, 170.655)])
def test_haswell_coremark_power_matches_the_hand_computed_figures(first: int, watts: float) -> None:
    before, after = HASWELL[first], HASWELL[first + 1]
    readings = legacy_readings(samples(before), samples(after), stamp(after) - stamp(before), "haswell")
    # SOURCES.md: package 155.646 + dram 11.352 = 166.998 W for 518→521 (3 decimals: within 5e-4)
    assert pod(readings, COREMARK).power_watts == pytest.approx(watts, abs=5e-4)


def test_haswell_coremark_energy_and_node_package_match_the_hand_computed_figures() -> None:
    readings = legacy_readings(samples(HASWELL[0]), samples(HASWELL[1]), 3.0, "haswell")
    assert pod(readings, COREMARK).energy_joules == pytest.approx(1948.18, abs=5e-3)
    assert pod(readings, COREMARK).zone_power_watts["package"] == pytest.approx(155.646, abs=5e-4)
    assert readings.nodes[0].active_zone_power_watts["package"] == pytest.approx(156.18, abs=NODE_TOLERANCE_W)


def _total_only(parsed: list[Sample]) -> list[Sample]:
    """The scrape as Kepler 0.7 sends it with component power off: no per-component container counter."""
    return [s for s in parsed if s.name not in schema.LEGACY_ZONE_FAMILIES]


def test_a_total_only_legacy_scrape_is_read_from_the_total_counter_and_says_so() -> None:
    readings = legacy_readings(_total_only(samples(HASWELL[0])), _total_only(samples(HASWELL[1])), 3.0, "haswell")
    # SOURCES.md: the kepler_container_joules_total rate of coremark is 187.36 W (it includes OTHER)
    assert pod(readings, COREMARK).power_watts == pytest.approx(187.36, abs=5e-3)
    assert readings.basis == "kepler_container_joules_total"
    assert any("only kepler_container_joules_total" in w for w in readings.warnings)
    assert len({p.name for p in readings.pods}) == 16  # 17 pods less the pseudo-pod
