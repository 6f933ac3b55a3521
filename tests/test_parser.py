"""Tests of the narrow exposition parser, with prometheus_client's parser as the oracle."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from carbon_kepler_mcp.errors import MetricsParseError
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.parser import Run, Sample, parse_columns, parse_exposition

# --- helpers -----------------------------------------------------------------------------------------------

Key = tuple[str, dict[str, str], float | str]


def oracle(text: str) -> list[Sample]:
    """The samples prometheus_client finds in `text`, flattened out of its families."""
    return [
        Sample(sample.name, dict(sample.labels), float(sample.value))
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    ]


def keys(samples: Iterable[Sample]) -> list[Key]:
    """Comparable form of samples: NaN (which is not equal to itself) becomes the string 'NaN'."""
    return [(s.name, s.labels, "NaN" if math.isnan(s.value) else s.value) for s in samples]


def escape(value: str) -> str:
    """Escape a label value the way the exposition format wants it."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


# --- inline snippets ---------------------------------------------------------------------------------------


def test_help_type_comments_and_blank_lines_are_ignored() -> None:
    text = (
        "# HELP kepler_node_cpu_watts Power of the node {zone}\n"
        "# TYPE kepler_node_cpu_watts gauge\n"
        "\n"
        "#\n"
        "# any other comment, even one with a { brace\n"
        "   # an indented comment\n"
        'kepler_node_cpu_watts{zone="package"} 12.5\n'
        "\n"
    )
    assert parse_exposition(text) == [Sample("kepler_node_cpu_watts", {"zone": "package"}, 12.5)]


def test_crlf_line_endings_are_accepted() -> None:
    text = '# TYPE a gauge\r\na{x="1"} 1\r\na{x="2"} 2\r\nb 3\r\n\r\n'
    assert parse_exposition(text) == [Sample("a", {"x": "1"}, 1.0), Sample("a", {"x": "2"}, 2.0), Sample("b", {}, 3.0)]


def test_samples_without_labels_and_with_an_empty_label_set_have_no_labels() -> None:
    text = "up 1\nup{} 0\nup{ } 2\nup\t3\n"
    assert parse_exposition(text) == [
        Sample("up", {}, 1.0),
        Sample("up", {}, 0.0),
        Sample("up", {}, 2.0),
        Sample("up", {}, 3.0),
    ]


def test_a_trailing_comma_inside_the_label_set_is_accepted() -> None:
    text = 'a{x="1",} 1\na{x="1", y="2" , } 2\n'
    assert parse_exposition(text) == [Sample("a", {"x": "1"}, 1.0), Sample("a", {"x": "1", "y": "2"}, 2.0)]


def test_blanks_and_tabs_between_tokens_are_accepted() -> None:
    text = 'a {x="1"} 1\na{ x = "1" ,\ty\t=\t"2" }\t2\n  a{x="1"}3\na{x="1"}   4   \n'
    assert keys(parse_exposition(text)) == keys(oracle(text))
    assert [s.value for s in parse_exposition(text)] == [1.0, 2.0, 3.0, 4.0]


def test_the_timestamp_after_the_value_is_ignored() -> None:
    text = 'a{x="1"} 1 1700000000000\nb 2 -5\nc{}\t3\t42\n'
    assert parse_exposition(text) == [Sample("a", {"x": "1"}, 1.0), Sample("b", {}, 2.0), Sample("c", {}, 3.0)]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("1", 1.0),
        ("-1.5e-3", -0.0015),
        ("+Inf", math.inf),
        ("-Inf", -math.inf),
        ("Inf", math.inf),
        ("0.5", 0.5),
        ("1E6", 1e6),
        ("12345678901234567890", 12345678901234567890.0),
    ],
)
def test_every_float_form_prometheus_allows_is_parsed(written: str, value: float) -> None:
    assert parse_exposition(f'a{{x="1"}} {written}\nb {written}\n') == [
        Sample("a", {"x": "1"}, value),
        Sample("b", {}, value),
    ]


def test_nan_is_parsed_as_nan() -> None:
    samples = parse_exposition('a{x="1"} NaN\na{x="2"} NaN\nb NaN\n')
    assert len(samples) == 3
    assert all(math.isnan(s.value) for s in samples)


def test_escaped_label_values_are_unescaped_like_prometheus_client() -> None:
    text = (
        'a{v="back\\\\slash"} 1\n'
        'a{v="a \\"quoted\\" word"} 2\n'
        'a{v="two\\nlines"} 3\n'
        'a{v="ends with a backslash\\\\"} 4\n'
        'a{v="\\\\n is not a newline"} 5\n'
        'a{v="\\t stays as written"} 6\n'
    )
    assert [s.labels["v"] for s in parse_exposition(text)] == [
        "back\\slash",
        'a "quoted" word',
        "two\nlines",
        "ends with a backslash\\",
        "\\n is not a newline",
        "\\t stays as written",
    ]
    assert keys(parse_exposition(text)) == keys(oracle(text))


def test_label_values_may_hold_braces_commas_equals_signs_and_spaces() -> None:
    text = 'a{v="{x=1, y=2}",w=" } { "} 1\na{v=",",w="="} 2\n'
    assert parse_exposition(text) == [
        Sample("a", {"v": "{x=1, y=2}", "w": " } { "}, 1.0),
        Sample("a", {"v": ",", "w": "="}, 2.0),
    ]


def test_utf8_label_values_are_kept() -> None:
    text = 'kepler_pod_cpu_watts{pod_name="결제-api",pod_namespace="데이터 플랫폼"} 3.5\n'
    assert parse_exposition(text) == [
        Sample("kepler_pod_cpu_watts", {"pod_name": "결제-api", "pod_namespace": "데이터 플랫폼"}, 3.5)
    ]


def test_a_family_whose_name_starts_another_family_name_keeps_its_own_samples() -> None:
    text = 'a{x="1"} 1\nab{x="2"} 2\na {x="3"} 3\na{x="4"} 4\na_total{x="5"} 5\n'
    assert parse_exposition(text) == [
        Sample("a", {"x": "1"}, 1.0),
        Sample("ab", {"x": "2"}, 2.0),
        Sample("a", {"x": "3"}, 3.0),
        Sample("a", {"x": "4"}, 4.0),
        Sample("a_total", {"x": "5"}, 5.0),
    ]
    assert parse_exposition(text, ["a"]) == [
        Sample("a", {"x": "1"}, 1.0),
        Sample("a", {"x": "3"}, 3.0),
        Sample("a", {"x": "4"}, 4.0),
    ]


def test_only_samples_named_in_names_are_returned() -> None:
    text = (
        'kepler_pod_cpu_watts{pod_name="a"} 1\n'
        'kepler_process_cpu_watts{pid="1"} 2\n'
        "kepler_node_cpu_usage_ratio 0.5\n"
        'kepler_pod_cpu_joules_total{pod_name="a"} 3\n'
    )
    assert parse_exposition(text, {schema.POD_WATTS, schema.NODE_USAGE_RATIO}) == [
        Sample("kepler_pod_cpu_watts", {"pod_name": "a"}, 1.0),
        Sample("kepler_node_cpu_usage_ratio", {}, 0.5),
    ]


def test_malformed_lines_of_unwanted_families_are_skipped_without_validation() -> None:
    text = 'kepler_process_cpu_watts{pid="1 2\ngarbage line\n<b>\nkepler_pod_cpu_watts{pod_name="a"} 1\n'
    assert parse_exposition(text, [schema.POD_WATTS]) == [Sample("kepler_pod_cpu_watts", {"pod_name": "a"}, 1.0)]


def test_samples_keep_the_order_of_the_text_across_families_and_escaped_lines() -> None:
    escaped, plain = "x\\\\y", "xy"
    lines = [f'a{{i="{i}",v="{escaped if i % 7 == 3 else plain}"}} {i}' for i in range(40)]
    lines[20:20] = ["b 100", "# a comment", 'a{i="extra"} 1 17']
    text = "\n".join(lines) + "\n"
    samples = parse_exposition(text)
    assert keys(samples) == keys(oracle(text))
    assert samples[3].labels["v"] == "x\\y"


def test_a_kepler_shaped_scrape_matches_prometheus_client() -> None:
    lines = ["# HELP kepler_pod_cpu_joules_total Energy", "# TYPE kepler_pod_cpu_joules_total counter"]
    for pod in range(50):
        for zone in ("package", "core", "uncore", "dram"):
            labels = f'node_name="n1",pod_id="{pod:032x}",pod_name="p-{pod}",pod_namespace="ns",state="running"'
            lines.append(f'kepler_pod_cpu_joules_total{{{labels},zone="{zone}"}} {pod * 1.5}')
    lines.append('kepler_process_cpu_watts{comm="a\\"b",pid="1"} 1')
    lines.extend(f'kepler_pod_cpu_watts{{pod_name="p-{pod}",zone="dram"}} {pod}' for pod in range(50))
    text = "\n".join(lines) + "\n"
    assert keys(parse_exposition(text)) == keys(oracle(text))
    wanted = parse_exposition(text, schema.ALL_FAMILIES)
    assert keys(wanted) == keys(s for s in oracle(text) if s.name in schema.ALL_FAMILIES)
    assert len(wanted) == 250


def test_an_empty_body_has_no_samples() -> None:
    assert parse_exposition("") == []
    assert parse_exposition("\n\n# only comments\n") == []


# --- errors ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('a{x="1} 1', "unterminated value of label 'x'"),
        ('a{x="1"}', "missing value"),
        ("a", "missing value"),
        ('a{x="1"} one', "invalid value 'one'"),
        ("a 1_000", "invalid value '1_000'"),
        ('a{x="1"} 1.5.2', "invalid value '1.5.2'"),
        ('a{1x="1"} 1', "invalid label name"),
        ('a{x-y="1"} 1', "expected '=\"value\"' after label name 'x'"),
        ("a{x=1} 1", "expected '=\"value\"' after label name 'x'"),
        ('a{x="1" 1', "not closed"),
        ('a{x="1",x="2"} 1', "duplicate label name 'x'"),
        ('a{x="\\"",x="2"} 1', "duplicate label name 'x'"),
        ('a{x="1" y="2"} 1', "unexpected 'y="),
        ('a{x="1",,y="2"} 1', "invalid label name"),
        ('a{__name__="b"} 1', "reserved"),
        ('a{x="1"} 1 2 3', "unexpected text after the value"),
        ('a{x="1"} 1 1.5', "invalid timestamp '1.5'"),
        ("this is not a metric", "unexpected text after the value"),
        ("404 page not found", "expected a metric name"),
        ('{x="1"} 1', "expected a metric name"),
        ('a b{x="1"} 1', "expected a metric name"),
    ],
)
def test_a_malformed_line_raises_with_its_line_number_and_an_excerpt(line: str, reason: str) -> None:
    text = f'# TYPE a gauge\na{{x="0"}} 0\n{line}\na{{x="9"}} 9\n'
    with pytest.raises(MetricsParseError) as caught:
        parse_exposition(text, source="http://node-1:28282/metrics")
    message = str(caught.value)
    assert "http://node-1:28282/metrics, line 3:" in message
    assert reason in message
    assert repr(line)[1:-1][:40] in message
    assert "does not look like Prometheus text exposition" in message


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('kepler_pod_cpu_watts{pod_name="p57",zone="package"} 5,7', "invalid value '5,7'"),
        ('kepler_pod_cpu_watts{pod_name="p57",zone="package"} 1_000', "invalid value '1_000'"),
        ('kepler_pod_cpu_watts{pod_name="p57",zone="package"}', "missing value"),
        ('kepler_pod_cpu_watts{pod_name="p57",zone="package"} 1 2 3', "unexpected text after the value"),
        ('kepler_pod_cpu_watts{pod_name="p57" zone="package"} 1', "unexpected 'zone="),
        ('kepler_pod_cpu_watts{pod_name="p57",zone="package" 1', "not closed"),
        ('kepler_pod_cpu_watts{pod_name="p57",zone="package"}} 1', "unexpected '}' after label 'zone'"),
        ('kepler_pod_cpu_watts{pod_name="p57",pod_name="package"} 1', "duplicate label name 'pod_name'"),
    ],
)
def test_a_malformed_line_in_the_middle_of_a_long_run_is_reported_at_its_own_line(line: str, reason: str) -> None:
    lines = [f'kepler_pod_cpu_watts{{pod_name="p{i}",zone="package"}} {i}' for i in range(100)]
    lines[57] = line
    with pytest.raises(MetricsParseError, match=f"line 58: .*{re.escape(reason)}"):
        parse_exposition("\n".join(lines), schema.ALL_FAMILIES)


def test_lines_of_one_family_with_different_label_names_keep_their_own_names() -> None:
    text = 'a{x="1",y="2"} 1\na{x="1",z="2"} 2\na{ x="1",y="2"} 3\na{y="1",x="2"} 4\n'
    assert parse_exposition(text) == [
        Sample("a", {"x": "1", "y": "2"}, 1.0),
        Sample("a", {"x": "1", "z": "2"}, 2.0),
        Sample("a", {"x": "1", "y": "2"}, 3.0),
        Sample("a", {"y": "1", "x": "2"}, 4.0),
    ]


def test_line_numbers_stay_right_after_escaped_lines_and_line_by_line_fallbacks() -> None:
    lines = [f'a{{v="x\\\\{i}"}} {i}' if i % 5 == 0 else f'a{{v="{i}"}} {i}' for i in range(30)]
    lines[12] = 'a{v="12"} 12 1700000000000'  # a timestamp: this stretch is parsed line by line
    lines[17] = 'a{v="17"} x'
    with pytest.raises(MetricsParseError, match=r"line 19: invalid value 'x'"):
        parse_exposition("# HELP a\n" + "\n".join(lines))
    lines[17] = 'a{v="17\\"} 17'
    with pytest.raises(MetricsParseError, match=r"line 19: unterminated value of label 'v'"):
        parse_exposition("# HELP a\n" + "\n".join(lines))


def test_the_first_malformed_line_is_the_one_reported() -> None:
    text = 'a{x="1"} 1\na{x="2"} two\na{x="3"} 3\n1a{x="4"} 4\n'
    with pytest.raises(MetricsParseError, match="line 2: invalid value 'two'"):
        parse_exposition(text)


def test_a_malformed_line_of_a_wanted_family_raises_even_when_names_are_given() -> None:
    text = 'kepler_process_cpu_watts{pid="1 2\nkepler_pod_cpu_watts{pod_name="a} 1\n'
    with pytest.raises(MetricsParseError, match="line 2: unterminated value of label 'pod_name'"):
        parse_exposition(text, [schema.POD_WATTS])


def test_a_long_line_is_cut_in_the_message() -> None:
    text = 'a{x="' + "y" * 500 + "} 1\n"
    with pytest.raises(MetricsParseError) as caught:
        parse_exposition(text)
    assert len(str(caught.value)) < 300


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("<!DOCTYPE html><html><body>Kepler</body></html>", "HTML"),
        ("\n  <html>\n<head>", "HTML"),
        ('{"status": "success", "data": {"resultType": "vector"}}', "JSON"),
        ('  [{"metric": "kepler_node_cpu_watts"}]', "JSON"),
    ],
)
def test_an_html_or_json_body_is_refused_with_a_hint(body: str, kind: str) -> None:
    with pytest.raises(MetricsParseError, match=f"got {kind}.*is the URL the /metrics endpoint"):
        parse_exposition(body * 10_000, schema.ALL_FAMILIES, source="http://x/")


# --- properties against prometheus_client ------------------------------------------------------------------

KEPLER_NAMES = sorted(schema.ALL_FAMILIES | {"kepler_process_cpu_joules_total", "kepler_process_cpu_watts"})
metric_names = st.one_of(
    st.sampled_from(KEPLER_NAMES),
    st.from_regex(r"[a-c_:][a-c0-9_:]{0,5}(_total)?", fullmatch=True),
)
# prometheus_client reserves label names starting with "__"; the format allows the rest.
label_names = st.from_regex(r"[a-zA-Z][a-zA-Z0-9_]{0,6}|_[a-zA-Z0-9][a-zA-Z0-9_]{0,5}", fullmatch=True)
label_values = st.text(
    st.one_of(
        st.sampled_from(list('abz09 "\\\n{},=#\t\r가나다한국어전력')),
        st.characters(codec="utf-8", exclude_characters="\n"),
    ),
    max_size=12,
)
help_texts = st.text(st.characters(codec="utf-8"), max_size=20)


def render_value(value: float | int, spelling: int) -> str:
    """Write a value in one of the spellings the format allows."""
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return ("NaN", "nan", "NaN")[spelling % 3]
    if math.isinf(value):
        return ("+Inf", "Inf", "inf")[spelling % 3] if value > 0 else ("-Inf", "-inf", "-Inf")[spelling % 3]
    return repr(value)


sample_values = st.tuples(
    st.one_of(st.floats(), st.integers(-(10**20), 10**20)),
    st.integers(0, 2),
).map(lambda pair: render_value(*pair))


class Style(NamedTuple):
    """How one sample line is laid out; every choice is valid for both parsers."""

    indent: str
    before_brace: str
    inner: str
    trailing_comma: bool
    empty_braces: bool
    before_value: str
    before_timestamp: str


blanks = st.sampled_from(["", " ", "\t", " \t "])
styles = st.builds(
    Style,
    indent=st.sampled_from(["", "", "", " ", "\t"]),
    before_brace=st.sampled_from(["", "", "", " "]),
    inner=blanks,
    trailing_comma=st.booleans(),
    empty_braces=st.booleans(),
    before_value=st.sampled_from([" ", " ", "\t", "  ", ""]),
    before_timestamp=st.sampled_from([" ", "\t", "  "]),
)
CANONICAL = Style("", "", "", False, False, " ", " ")


def render_sample(name: str, labels: dict[str, str], value: str, timestamp: int | None, style: Style) -> str:
    """Render one sample line, escaping label values."""
    ws = style.inner
    if labels:
        terms = [f'{key}{ws}={ws}"{escape(val)}"' for key, val in labels.items()]
        label_set = "{" + ws + f"{ws},{ws}".join(terms) + (f"{ws}," if style.trailing_comma else "") + ws + "}"
    else:
        label_set = "{" + ws + "}" if style.empty_braces else ""
    before_value = style.before_value if label_set else style.before_value or " "
    line = f"{style.indent}{name}{style.before_brace if label_set else ''}{label_set}{before_value}{value}"
    if timestamp is not None:
        line += f"{style.before_timestamp}{timestamp}"
    return line


@st.composite
def expositions(draw: st.DrawFn) -> str:
    """A random, valid exposition: families of series with shared label names, comments, odd spacing."""
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 5))):
        name = draw(metric_names)
        names_of_labels = draw(st.lists(label_names, unique=True, max_size=4))
        if draw(st.booleans()):
            help_text = draw(help_texts).replace("\\", "\\\\").replace("\n", "\\n")
            lines.append(f"# HELP {name} {help_text}")
        if draw(st.booleans()):
            kinds = ["gauge", "untyped", "summary", "histogram"]
            # prometheus_client renames the samples of a counter whose name lacks '_total': avoid that case.
            lines.append(
                f"# TYPE {name} {draw(st.sampled_from([*kinds, 'counter'] if name.endswith('_total') else kinds))}"
            )
        family_style = draw(st.one_of(st.just(CANONICAL), styles))
        with_timestamps = draw(st.booleans())
        for _ in range(draw(st.integers(0, 8))):
            if not draw(st.integers(0, 5)):  # now and then a series with other label names
                names_of_labels = draw(st.lists(label_names, unique=True, max_size=4))
            labels = {key: draw(label_values) for key in names_of_labels}
            style = family_style if draw(st.integers(0, 4)) else draw(styles)
            timestamp = draw(st.integers(-(2**62), 2**62)) if with_timestamps and draw(st.booleans()) else None
            lines.append(render_sample(name, labels, draw(sample_values), timestamp, style))
        lines.extend(draw(st.lists(st.sampled_from(["", "#", "# note: a comment", "  "]), max_size=2)))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + (newline if draw(st.booleans()) else "")


PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(expositions())
def test_random_expositions_parse_exactly_like_prometheus_client(text: str) -> None:
    assert keys(parse_exposition(text)) == keys(oracle(text))


@PROPERTY_SETTINGS
@given(expositions(), st.sets(metric_names, max_size=4))
def test_the_names_filter_equals_filtering_the_unfiltered_result(text: str, names: set[str]) -> None:
    everything = parse_exposition(text)
    present = sorted({s.name for s in everything})
    names |= set(present[: len(present) // 2])
    assert keys(parse_exposition(text, names)) == keys(s for s in everything if s.name in names)


@PROPERTY_SETTINGS
@given(st.lists(st.tuples(label_values, label_values), min_size=1, max_size=30))
def test_any_label_value_survives_escaping_in_a_long_run(pairs: list[tuple[str, str]]) -> None:
    text = "".join(f'kepler_pod_cpu_watts{{pod_name="{escape(a)}",zone="{escape(b)}"}} 1\n' for a, b in pairs)
    expected = [Sample(schema.POD_WATTS, {"pod_name": a, "zone": b}, 1.0) for a, b in pairs]
    assert parse_exposition(text) == expected
    assert keys(expected) == keys(oracle(text))


@PROPERTY_SETTINGS
@given(expositions(), st.sets(metric_names, max_size=4) | st.none())
def test_columnar_runs_hold_exactly_the_samples_parse_exposition_returns(text: str, names: set[str] | None) -> None:
    items = parse_columns(text, names)
    expanded = [s for item in items for s in (item.samples() if isinstance(item, Run) else [item])]
    assert keys(expanded) == keys(parse_exposition(text, names))


def test_a_long_run_of_same_shaped_lines_comes_back_as_columns() -> None:
    text = "".join(f'kepler_pod_cpu_watts{{pod_name="p-{i}",zone="package"}} {i}\n' for i in range(50))
    (run,) = parse_columns(text)
    assert isinstance(run, Run)
    assert run.keys == ("pod_name", "zone")
    assert run.columns[0][7] == "p-7" and run.values[7] == 7.0
