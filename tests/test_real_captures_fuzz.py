"""Every real capture, mangled the ways real scrapes go wrong (issue 14, item 9): random truncations, duplicated
lines, shuffled families and counter resets. The parser and the readings must never crash, and a total that
differs from the clean one must come with a warning that says why (never silently wrong)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbon_kepler_mcp.errors import MetricsParseError
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.parser import Sample, parse_exposition
from carbon_kepler_mcp.kepler.readings import EndpointReadings, legacy_readings
from tests.real_kepler import ALL, HASWELL, KIND, stamp, text

PAIRS = [(KIND[i], KIND[i + 1]) for i in range(len(KIND) - 1)] + [(HASWELL[0], HASWELL[1]), (HASWELL[1], HASWELL[2])]
_EXAMPLES = settings(max_examples=60, deadline=None)


def _lines(path: Path) -> list[str]:
    return text(path).splitlines(keepends=True)


def _parse(body: str) -> list[Sample]:
    return parse_exposition(body, schema.ALL_FAMILIES, source="fuzz")


def _total_watts(readings: EndpointReadings) -> float:
    return sum(p.power_watts for p in readings.pods) + sum(p.power_watts for p in readings.overhead)


def _sane(readings: EndpointReadings) -> None:
    for pod in (*readings.pods, *readings.overhead):
        assert math.isfinite(pod.power_watts) and pod.power_watts >= 0, pod
        assert math.isfinite(pod.energy_joules), pod


def _clean(pair: tuple[Path, Path]) -> EndpointReadings:
    before, after = pair
    return legacy_readings(_parse(text(before)), _parse(text(after)), stamp(after) - stamp(before), "real")


pairs = st.sampled_from(PAIRS)


@_EXAMPLES
@given(path=st.sampled_from(ALL), cut=st.floats(min_value=0.0, max_value=1.0))
def test_a_capture_cut_anywhere_parses_or_is_refused_clearly(path: Path, cut: float) -> None:
    body = text(path)
    try:
        parsed = _parse(body[: int(len(body) * cut)])
    except MetricsParseError:
        return  # a clear refusal naming the line, not a crash
    readings = legacy_readings(parsed, parsed, 1.0, "cut")
    _sane(readings)


@_EXAMPLES
@given(pair=pairs, cut=st.floats(min_value=0.0, max_value=1.0), which=st.sampled_from(["before", "after"]))
def test_a_truncated_scrape_never_raises_the_total_without_a_warning(
    pair: tuple[Path, Path], cut: float, which: str
) -> None:
    clean = _clean(pair)
    before, after = (_lines(p) for p in pair)
    cut_lines = (before if which == "before" else after)[: int(len(before if which == "before" else after) * cut)]
    body = "".join(cut_lines)
    try:
        mangled = _parse(body)
    except MetricsParseError:
        return
    old, new = (mangled, _parse("".join(after))) if which == "before" else (_parse("".join(before)), mangled)
    readings = legacy_readings(old, new, stamp(pair[1]) - stamp(pair[0]), "real")
    _sane(readings)
    # Lines missing from a scrape take pods (or zones) out of the rate: the total can only fall, unless
    # the warnings say why it rose (a counter "went down" because its line was cut from the earlier scrape).
    if _total_watts(readings) > _total_watts(clean) + 1e-6:
        assert readings.warnings, "total rose without a warning"


@_EXAMPLES
@given(pair=pairs, data=st.data())
def test_duplicated_lines_are_counted_once_and_said(pair: tuple[Path, Path], data: st.DataObject) -> None:
    clean = _clean(pair)
    after = _lines(pair[1])
    picks = data.draw(st.lists(st.integers(min_value=0, max_value=len(after) - 1), min_size=1, max_size=20))
    mangled = list(after)
    for index in sorted(picks, reverse=True):
        mangled.insert(index, after[index])  # the same line again, next to itself
    readings = legacy_readings(_parse(text(pair[0])), _parse("".join(mangled)), stamp(pair[1]) - stamp(pair[0]), "real")
    _sane(readings)
    assert _total_watts(readings) == pytest.approx(_total_watts(clean), rel=1e-12, abs=1e-9)
    read_lines = {i for i in picks if after[i].split("{", 1)[0] in schema.LEGACY_FAMILIES}
    if any(after[i].split("{", 1)[0] in set(schema.LEGACY_ZONE_FAMILIES) for i in read_lines):
        assert any("appeared twice" in w for w in readings.warnings)


@_EXAMPLES
@given(pair=pairs, seed=st.randoms(use_true_random=False))
def test_shuffled_families_give_the_same_total(pair: tuple[Path, Path], seed: object) -> None:
    import random

    assert isinstance(seed, random.Random)
    clean = _clean(pair)
    blocks: dict[str, list[str]] = {}
    for line in _lines(pair[1]):
        if line.startswith("#"):
            continue
        blocks.setdefault(line.split("{", 1)[0].split(" ", 1)[0], []).append(line)
    order = list(blocks)
    seed.shuffle(order)
    body = "".join(line for name in order for line in blocks[name])
    readings = legacy_readings(_parse(text(pair[0])), _parse(body), stamp(pair[1]) - stamp(pair[0]), "real")
    assert _total_watts(readings) == pytest.approx(_total_watts(clean), rel=1e-9)
    assert readings.warnings == clean.warnings


@_EXAMPLES
@given(pair=pairs, data=st.data())
def test_counter_resets_are_rated_from_the_reset_and_said(pair: tuple[Path, Path], data: st.DataObject) -> None:
    before = _parse(text(pair[0]))
    after = _parse(text(pair[1]))
    earlier = {(s.name, tuple(sorted(s.labels.items()))): s.value for s in before}
    # A Kepler restart between the scrapes: some dynamic package counters start again from a small value.
    candidates = [
        i
        for i, s in enumerate(after)
        if s.name == schema.LEGACY_CONTAINER_PACKAGE_JOULES
        and s.labels.get("mode") == "dynamic"
        and earlier.get((s.name, tuple(sorted(s.labels.items()))), 0.0) > 1.0
    ]
    chosen = data.draw(st.sets(st.sampled_from(candidates), min_size=1, max_size=10))
    fraction = data.draw(st.floats(min_value=0.0, max_value=0.5))
    reset = list(after)
    for index in chosen:
        sample = after[index]
        reset[index] = Sample(
            sample.name, sample.labels, earlier[(sample.name, tuple(sorted(sample.labels.items())))] * fraction
        )
    seconds = stamp(pair[1]) - stamp(pair[0])
    readings = legacy_readings(before, reset, seconds, "real")
    _sane(readings)
    assert any("went down" in w for w in readings.warnings)
    # The oracle, series by series as Prometheus rate() then sum: a reset counter's increase is its value
    # since the reset; a counter that went up adds after - before; a series without an earlier sample adds 0.
    expected: dict[tuple[str, str], float] = {}
    for sample in reset:
        if sample.name != schema.LEGACY_CONTAINER_PACKAGE_JOULES or sample.labels.get("mode") != "dynamic":
            continue
        previous = earlier.get((sample.name, tuple(sorted(sample.labels.items()))))
        if previous is None:
            continue
        increase = sample.value if sample.value < previous else sample.value - previous
        key = (sample.labels["container_namespace"], sample.labels["pod_name"])
        expected[key] = expected.get(key, 0.0) + increase / seconds
    got = {
        (p.namespace, p.name): p.zone_power_watts["package"]
        for p in (*readings.pods, *readings.overhead)
        if "package" in p.zone_power_watts and p.state == "running"
    }
    assert got.keys() == expected.keys()
    for key, watts in expected.items():
        assert got[key] == pytest.approx(watts, rel=1e-9, abs=1e-9), key
