"""Kepler semantics: zones, states and both metric generations, on golden scrapes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbon_kepler_mcp.kepler.parser import parse_exposition
from carbon_kepler_mcp.kepler.readings import current_readings, detect_generation, it_total, legacy_readings
from carbon_kepler_mcp.kepler.schema import ALL_FAMILIES
from tests.conftest import fixture_text


def _current():
    return current_readings(parse_exposition(fixture_text("kepler_current.prom"), ALL_FAMILIES), "golden")


def test_core_and_uncore_are_not_added_to_package() -> None:
    assert it_total({"package": 25.0, "core": 17.5, "uncore": 2.5, "dram": 5.0}) == 30.0


def test_without_a_package_zone_core_uncore_and_dram_are_added() -> None:
    assert it_total({"core": 10.0, "uncore": 2.0, "dram": 3.0}) == 15.0


def test_a_platform_zone_alone_stands_for_the_whole_platform() -> None:
    assert it_total({"psys": 42.0}) == 42.0


def test_the_current_generation_golden_scrape_is_detected_as_current() -> None:
    samples = parse_exposition(fixture_text("kepler_current.prom"), ALL_FAMILIES)
    assert detect_generation(samples) == "current"


def test_current_pod_power_is_package_plus_dram_of_running_series() -> None:
    readings = _current()
    web = next(p for p in readings.pods if p.name == "web-app-7d9f8b6c5-kx2vq")
    assert web.state == "running"
    assert web.power_watts == 25 + 5
    assert web.energy_joules == 90000 + 18000
    assert web.node == "worker-1"
    assert web.namespace == "production"


def test_terminated_series_keep_their_energy_but_draw_no_power() -> None:
    readings = _current()
    done = next(p for p in readings.pods if p.name == "report-29113920-q7w4z")
    assert done.state == "terminated"
    assert not done.running
    assert done.power_watts == 0
    assert done.energy_joules == 5000 + 1000


def test_process_series_are_skipped_and_node_series_are_read() -> None:
    readings = _current()
    assert {p.name for p in readings.pods} == {
        "web-app-7d9f8b6c5-kx2vq",
        "report-29113920-q7w4z",
        "report-29115360-b5n8d",
    }
    (node,) = readings.nodes
    assert node.name == "worker-1"
    assert node.power_watts == 100 + 20
    assert node.active_power_watts == 40 + 6
    assert node.idle_power_watts == 60 + 14
    assert node.usage_ratio == 0.25
    assert readings.kepler_version == "v0.11.2"


def _legacy():
    t0 = parse_exposition(fixture_text("kepler_legacy_t0.prom"), ALL_FAMILIES)
    t1 = parse_exposition(fixture_text("kepler_legacy_t1.prom"), ALL_FAMILIES)
    assert detect_generation(t0) == "legacy"
    return legacy_readings(t0, t1, 10.0, "golden-legacy")


def test_legacy_pod_power_is_the_rate_of_dynamic_package_and_dram_counters_over_containers() -> None:
    web = next(p for p in _legacy().pods if p.name == "web-app-7d9f8b6c5-kx2vq")
    # nginx +100 J package, sidecar +20 J package, nginx +10 J dram; idle mode and core excluded; 10 s apart
    assert web.power_watts == pytest.approx((100 + 20 + 10) / 10)
    assert web.namespace == "production"
    assert web.node == "legacy-node-1"


def test_a_legacy_counter_reset_counts_the_increase_from_the_reset_and_warns() -> None:
    readings = _legacy()
    batch = next(p for p in readings.pods if p.name == "report-29113920-q7w4z")
    assert batch.power_watts == pytest.approx((3000 + 400) / 10)
    assert any("went down" in w for w in readings.warnings)


def test_a_legacy_pod_gone_from_the_later_scrape_is_terminated_and_a_new_one_is_running() -> None:
    readings = _legacy()
    redis = next(p for p in readings.pods if p.name == "redis-0")
    assert redis.state == "terminated"
    assert redis.power_watts == 0
    new = next(p for p in readings.pods if p.name == "new-pod")
    # one sample only: no rate yet (as Prometheus rate() needs two), and the answer says so
    assert new.power_watts == 0
    assert new.energy_joules == 50
    assert any("appeared between the two scrapes" in w for w in readings.warnings)


def test_legacy_node_power_is_the_rate_of_node_counters() -> None:
    (node,) = _legacy().nodes
    assert node.name == "legacy-node-1"
    # package (dynamic + idle) +500 +600, dram +100 +200, over 10 s
    assert node.power_watts == pytest.approx((500 + 600 + 100 + 200) / 10)


def test_legacy_readings_refuse_a_non_positive_interval() -> None:
    with pytest.raises(ValueError, match="positive"):
        legacy_readings([], [], 0.0, "x")


def test_a_pod_series_without_state_or_zone_labels_counts_as_running_package() -> None:
    text = (
        'kepler_pod_cpu_watts{pod_name="p-0",pod_namespace="ns",pod_id="u",node_name="n"} 7\n'
        'kepler_pod_cpu_watts{pod_name="p-0",pod_namespace="ns",pod_id="u",node_name="n",state="running",zone="dram"} 2\n'
        'kepler_pod_cpu_watts{pod_name="q-0",pod_namespace="ns",pod_id="v",node_name="n",state="evicted",zone="dram"} 5\n'
    )
    readings = current_readings(parse_exposition(text, ALL_FAMILIES), "inline")
    (pod,) = readings.pods
    assert (pod.name, pod.state, pod.power_watts) == ("p-0", "running", 9.0)
    assert any("unknown state" in w for w in readings.warnings)


def test_a_nan_zone_value_counts_as_absent_so_the_other_zones_are_used() -> None:
    labels = 'pod_name="p-0",pod_namespace="ns",pod_id="u",node_name="n",state="running"'
    text = (
        f'kepler_pod_cpu_watts{{{labels},zone="package"}} NaN\n'
        f'kepler_pod_cpu_watts{{{labels},zone="core"}} 6\n'
        f'kepler_pod_cpu_watts{{{labels},zone="uncore"}} 1\n'
        f'kepler_pod_cpu_watts{{{labels},zone="dram"}} 2\n'
    )
    readings = current_readings(parse_exposition(text, ALL_FAMILIES), "inline")
    (pod,) = readings.pods
    assert pod.power_watts == 6 + 1 + 2  # no package zone read: core + uncore + dram
    assert any("NaN" in w for w in readings.warnings)


def test_a_nan_legacy_counter_gives_no_rate_instead_of_a_false_jump() -> None:
    line = 'kepler_container_package_joules_total{{container_namespace="ns",pod_name="p-0",container_name="{c}",mode="dynamic"}} {v}\n'
    t0 = parse_exposition(line.format(c="a", v=100) + line.format(c="b", v="NaN"), ALL_FAMILIES)
    t1 = parse_exposition(line.format(c="a", v=150) + line.format(c="b", v=900), ALL_FAMILIES)
    readings = legacy_readings(t0, t1, 10.0, "x")
    (pod,) = readings.pods
    # Counting NaN as 0 would have given (150 + 900 - 100) / 10 = 95 W; the zone is unknown instead.
    assert pod.running and pod.power_watts == 0
    assert any("NaN/Inf" in w for w in readings.warnings)


def test_readings_from_columnar_runs_equal_readings_from_samples() -> None:
    from carbon_kepler_mcp.demo import large_cluster
    from carbon_kepler_mcp.kepler.parser import Run, parse_columns

    now = 1_767_225_600.0
    text = large_cluster(now - 3600, pod_count=300, process_lines_per_pod=1).render(now) + fixture_text(
        "kepler_current.prom"
    ).replace("worker-1", "worker-9")
    items = parse_columns(text, ALL_FAMILIES)
    assert any(isinstance(item, Run) for item in items)
    assert current_readings(items, "e") == current_readings(parse_exposition(text, ALL_FAMILIES), "e")


# --- the periodic fast path for pod runs (kepler.readings._add_periodic_run) --------------------------------------


def _pod_text(rows: list[tuple[str, str, str, str, str, str]], family: str = "kepler_pod_cpu_watts") -> str:
    """Lines of `family` as Kepler writes them (labels sorted): rows of (namespace, pod, uid, state, zone, value)."""
    return "".join(
        f'{family}{{node_name="n1",pod_id="{uid}",pod_name="{pod}",pod_namespace="{ns}",state="{state}",'
        f'zone="{zone}"}} {value}\n'
        for ns, pod, uid, state, zone, value in rows
    )


def _both_ways(text: str):
    """Readings from parse_columns' runs and from plain samples (the line-by-line loop): they must agree."""
    from carbon_kepler_mcp.kepler.parser import parse_columns

    columnar = current_readings(parse_columns(text, ALL_FAMILIES), "e")
    assert columnar == current_readings(parse_exposition(text, ALL_FAMILIES), "e")
    return columnar


def _four_zones(ns: str, pod: str, uid: str, package: float, dram: float, state: str = "running"):
    return [
        (ns, pod, uid, state, "package", repr(package)),
        (ns, pod, uid, state, "core", repr(0.5 * package)),
        (ns, pod, uid, state, "uncore", repr(0.25 * package)),
        (ns, pod, uid, state, "dram", repr(dram)),
    ]


def test_a_real_node_scrape_takes_the_periodic_path_and_gives_every_pod_package_plus_dram() -> None:
    from carbon_kepler_mcp.demo import large_cluster
    from carbon_kepler_mcp.kepler import readings
    from carbon_kepler_mcp.kepler.parser import Run, parse_columns

    now = 1_767_225_600.0
    cluster = large_cluster(now - 3600, pod_count=400, node_count=1)
    text = cluster.render(now)
    runs = [i for i in parse_columns(text, ALL_FAMILIES) if isinstance(i, Run) and i.name.startswith("kepler_pod")]
    assert len(runs) == 2
    for run in runs:
        columns = [run.columns[run.keys.index(label)] for label in readings._POD_COLUMNS]  # pyright: ignore[reportPrivateUsage]
        assert readings._add_periodic_run({}, columns, run.values)  # pyright: ignore[reportPrivateUsage]
    result = _both_ways(text)
    by_name = {(p.namespace, p.name): p for p in result.pods}
    assert len(by_name) == len(cluster.pods) == 400
    for pod in cluster.pods:
        reading = by_name[(pod.namespace, pod.name)]
        seconds = cluster.run_seconds(pod, now)
        assert reading.energy_joules == pytest.approx((pod.package_watts + pod.dram_watts) * seconds)
        if cluster.is_running(pod, now):
            assert reading.power_watts == pod.package_watts + pod.dram_watts
            assert reading.zone_power_watts["core"] == pytest.approx(0.7 * pod.package_watts)
        else:
            assert reading.power_watts == 0.0
            assert dict(reading.zone_power_watts) == dict.fromkeys(("package", "core", "uncore", "dram"), 0.0)
    assert not result.warnings


@pytest.mark.parametrize(
    ("case", "rows", "expected_power", "warning"),
    [
        (
            "a NaN zone",
            [
                *_four_zones("a", "p1", "u1", 10.0, 2.0),
                *_four_zones("a", "p2", "u2", 20.0, 4.0)[:3],
                ("a", "p2", "u2", "running", "dram", "NaN"),
            ],
            {"p1": 12.0, "p2": 20.0},
            "NaN/Inf",
        ),
        (
            "an unknown state",
            [*_four_zones("a", "p1", "u1", 10.0, 2.0), *_four_zones("a", "p2", "u2", 20.0, 4.0, state="pending")],
            {"p1": 12.0},
            "unknown state",
        ),
        (
            "a series written twice",
            [
                *_four_zones("a", "p1", "u1", 10.0, 2.0),
                *_four_zones("a", "p2", "u2", 20.0, 4.0),
                *_four_zones("a", "p1", "u1", 99.0, 9.0),
            ],
            {"p1": 12.0, "p2": 24.0},
            "appeared twice",
        ),
        (
            "zones in another order",
            [*_four_zones("a", "p1", "u1", 10.0, 2.0), *reversed(_four_zones("a", "p2", "u2", 20.0, 4.0))],
            {"p1": 12.0, "p2": 24.0},
            None,
        ),
        (
            "a pod with two zones among four-zone pods",
            [
                *_four_zones("a", "p1", "u1", 10.0, 2.0)[::3],
                *_four_zones("a", "p2", "u2", 20.0, 4.0),
                *_four_zones("a", "p3", "u3", 30.0, 6.0)[::3],
            ],
            {"p1": 12.0, "p2": 24.0, "p3": 36.0},
            None,
        ),
        (
            "a zone twice in one block",
            [
                ("a", "p1", "u1", "running", "package", "10.0"),
                ("a", "p1", "u1", "running", "package", "50.0"),
                ("a", "p2", "u2", "running", "package", "20.0"),
                ("a", "p2", "u2", "running", "package", "60.0"),
            ],
            {"p1": 10.0, "p2": 20.0},
            "appeared twice",
        ),
        (
            "one pod only",
            _four_zones("a", "p1", "u1", 10.0, 2.0),
            {"p1": 12.0},
            None,
        ),
        (
            "a running and a terminated series of one pod",
            [*_four_zones("a", "p1", "u1", 10.0, 2.0), *_four_zones("a", "p1", "u1", 0.0, 0.0, state="terminated")],
            {"p1": 12.0},
            None,
        ),
    ],
)
def test_pod_runs_the_periodic_path_refuses_read_exactly_as_line_by_line(
    case: str, rows: list[tuple[str, str, str, str, str, str]], expected_power: dict[str, float], warning: str | None
) -> None:
    result = _both_ways(_pod_text(rows))
    running = {p.name: p.power_watts for p in result.pods if p.running}
    assert running == expected_power, case
    if warning is None:
        assert not result.warnings, case
    else:
        assert any(warning in w for w in result.warnings), case


def test_a_series_seen_again_after_an_escaped_line_is_a_duplicate_on_both_paths() -> None:
    # The escaped line is parsed on its own, so the family comes as two runs; the second one repeats p1.
    escaped = 'kepler_pod_cpu_watts{node_name="n1",pod_id="u9",pod_name="p9",pod_namespace="a\\\\b",state="running",zone="package"} 1.0\n'
    first = _pod_text([*_four_zones("a", "p1", "u1", 10.0, 2.0), *_four_zones("a", "p2", "u2", 20.0, 4.0)])
    again = _pod_text([*_four_zones("a", "p1", "u1", 99.0, 9.0), *_four_zones("a", "p3", "u3", 30.0, 6.0)])
    result = _both_ways(first + escaped + again)
    assert {p.name: p.power_watts for p in result.pods} == {"p1": 12.0, "p2": 24.0, "p3": 36.0, "p9": 1.0}
    assert any("appeared twice" in w for w in result.warnings)


def test_watts_and_joules_runs_of_a_real_shape_pair_up_per_series() -> None:
    rows = [*_four_zones("a", "p1", "u1", 10.0, 2.0), *_four_zones("b", "p2", "u2", 20.0, 4.0)]
    joules = [(*row[:5], repr(float(row[5]) * 100)) for row in rows]
    result = _both_ways(_pod_text(joules, "kepler_pod_cpu_joules_total") + _pod_text(rows[:4]))
    pods = {p.name: p for p in result.pods}
    assert pods["p1"].power_watts == 12.0 and pods["p1"].energy_joules == 1200.0
    assert pods["p2"].power_watts == 0.0 and pods["p2"].energy_joules == 2400.0  # joules only: no watts series
    assert dict(pods["p2"].zone_power_watts) == {}


_ROW = st.tuples(
    st.sampled_from(["a", "b"]),
    st.sampled_from(["p1", "p2", "p3"]),
    st.sampled_from(["u1", "u2"]),
    st.sampled_from(["running", "running", "terminated", "unknown"]),
    st.sampled_from(["package", "core", "uncore", "dram", "psys"]),
    st.sampled_from(["1.5", "2.0", "0.0", "NaN", "+Inf", "7e3"]),
)


@settings(max_examples=300, deadline=None)
@given(
    blocks=st.lists(st.tuples(_ROW, st.integers(min_value=1, max_value=5)), min_size=1, max_size=12),
    regular=st.booleans(),
)
def test_random_pod_runs_read_the_same_through_runs_and_samples(
    blocks: list[tuple[tuple[str, str, str, str, str, str], int]], regular: bool
) -> None:
    # Blocks of one series over `size` zones (regular: always the four zones in Kepler's order), so both
    # shapes the fast path takes and shapes it must refuse come up.
    zones = ["package", "core", "uncore", "dram", "psys"]
    rows: list[tuple[str, str, str, str, str, str]] = []
    for (ns, pod, uid, state, zone, value), size in blocks:
        first = zones[0] if regular else zone
        rows.extend((ns, pod, uid, state, first if i == 0 else zones[i], value) for i in range(4 if regular else size))
    _both_ways(_pod_text(rows) + _pod_text(rows[::-1], "kepler_pod_cpu_joules_total"))
