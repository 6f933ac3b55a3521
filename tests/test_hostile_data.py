"""The parser's screen: what no Kepler reading can be is left out and counted, whatever path parsed it."""

from __future__ import annotations

import math

from carbon_kepler_mcp.kepler.parser import MAX_SAMPLE_VALUE, Run, Sample, parse_columns, screen

HEAD = 'kepler_pod_cpu_watts{pod_name="'


def _text(values: list[tuple[str, str]]) -> str:
    return "".join(f'{HEAD}{pod}",zone="package"}} {value}\n' for pod, value in values)


def test_a_clean_run_passes_through_as_the_same_object() -> None:
    items = parse_columns(_text([("a", "1"), ("b", "2"), ("c", "3")]))
    screened = screen(items)
    assert screened.items[0] is items[0]  # no copy in the common case
    assert (screened.duplicates, screened.negative, screened.too_large) == (0, 0, 0)
    assert screened.warnings("x") == []


def test_repeats_bad_values_and_absurd_values_are_dropped_and_counted() -> None:
    text = _text([("a", "100"), ("b", "-300"), ("a", "100"), ("c", "NaN"), ("d", "+Inf"), ("e", "1.7e308"), ("f", "5")])
    screened = screen(parse_columns(text))
    (run,) = screened.items
    assert isinstance(run, Run)
    # Kept: a (100 W, once), c and d (NaN and +Inf: the readings skip those with their own warning) and f (5 W).
    # The finite kept values add up to 100 + 5 = 105 W, not 100 + 100 + 5 (a twice) or 105 - 300 (b).
    assert run.columns[0] == ["a", "c", "d", "f"]
    assert sum(v for v in run.values if math.isfinite(v)) == 105.0
    assert math.isnan(run.values[1]) and run.values[2] == math.inf
    assert (screened.duplicates, screened.negative, screened.too_large) == (1, 1, 1)
    warnings = " ".join(screened.warnings("Kepler endpoint http://n1/metrics"))
    assert "1 series appeared more than once" in warnings and "1 samples were negative" in warnings
    assert f"larger than {MAX_SAMPLE_VALUE:g}" in warnings


def test_repeats_across_runs_and_single_samples_are_caught_too() -> None:
    # The family comes in two runs (another family between them): a series of the first run again in the second
    # is a repeat as well.
    text = _text([("a", "1"), ("b", "2")]) + 'kepler_node_cpu_watts{zone="package"} 7\n' + _text([("a", "1")])
    text += 'kepler_pod_cpu_watts{pod_name="b",zone="package"} 2\n'
    screened = screen(parse_columns(text))
    assert screened.duplicates == 2
    pods = [i for i in screened.items if i.name == "kepler_pod_cpu_watts"]
    total = sum(sum(i.values) if isinstance(i, Run) else i.value for i in pods)
    assert total == 3.0  # a 1 W + b 2 W, each once
    assert any(isinstance(i, Sample) and i.value == 7.0 for i in screened.items)
