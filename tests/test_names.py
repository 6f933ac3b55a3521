"""Validation and escaping of user-supplied names, codes and patterns."""

from __future__ import annotations

import fnmatch
import re
import time

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from carbon_kepler_mcp.domain.names import (
    escape_promql_regex,
    escape_promql_string,
    glob_to_regex,
    is_object_name,
    safe_repr,
    validate_name_pattern,
    validate_namespace,
    validate_object_name,
    validate_region_code,
    validate_standard_code,
)
from carbon_kepler_mcp.errors import InvalidArgumentError, InvalidNameError

HOSTILE = [
    "",
    '"',
    "'",
    "\\",
    '"} or vector(1) #',
    'prod"}',
    "prod{a}",
    "prod\\",
    "prod\n",
    "\nprod",
    "pr\nod",
    "prod\r",
    "prod\t",
    "prod\x00",
    "prod ",
    " prod",
    "prod#",
    "prod=~",
    "prod|dev",
    "prod.*",
    "pröd",
    "prod\u202e",
    "ｐｒｏｄ",  # fullwidth letters
    "рrod",  # Cyrillic 'р'
    "\u212aube",  # Kelvin sign, lower-cases to 'k'
    "prod\u0663",  # Arabic-Indic digit three
    "프로드",
    "x" * 300,
    "a" * 254,
]


# --- namespaces -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["default", "kube-system", "a", "0", "prod-2", "a" * 63, "1-2-3"])
def test_valid_namespaces_are_returned_unchanged(value: str) -> None:
    assert validate_namespace(value) == value


@pytest.mark.parametrize("value", [*HOSTILE, "Prod", "prod_1", "-prod", "prod-", "a.b", "a" * 64])
def test_hostile_or_malformed_namespaces_are_rejected(value: str) -> None:
    with pytest.raises(InvalidNameError):
        validate_namespace(value)


def test_namespace_error_quotes_the_value_names_the_broken_rule_and_states_the_rule() -> None:
    with pytest.raises(InvalidNameError) as info:
        validate_namespace("Prod_1")
    message = str(info.value)
    assert "namespace 'Prod_1' is not a valid Kubernetes namespace" in message
    assert "uppercase 'P' at position 1" in message
    assert "1-63 lowercase letters, digits or '-', starting and ending with a letter or digit" in message


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "it is empty"),
        ("a" * 64, "64 characters long, more than 63"),
        ("prod_1", "'_' at position 5"),
        ("-prod", "starts with '-'"),
        ("prod-", "ends with '-'"),
        ("pr\nod", "'\\n' (U+000A) at position 3"),
        ("prod.eu", "'.' at position 5"),
    ],
)
def test_namespace_error_says_which_rule_was_broken(value: str, problem: str) -> None:
    with pytest.raises(InvalidNameError, match=re.escape(problem)):
        validate_namespace(value)


def test_error_messages_quote_hostile_values_on_one_short_line() -> None:
    for value in HOSTILE:
        with pytest.raises(InvalidNameError) as info:
            validate_namespace(value)
        message = str(info.value)
        assert "\n" not in message
        assert "\r" not in message
        assert "\u202e" not in message
        assert len(message) < 300


def test_safe_repr_truncates_long_values_and_reports_their_length() -> None:
    quoted = safe_repr("x" * 300)
    assert quoted.endswith("... (300 characters)")
    assert len(quoted) <= 80 + len("... (300 characters)")
    assert safe_repr("web") == "'web'"
    assert safe_repr("a\nb") == "'a\\nb'"


@given(st.text(max_size=80))
def test_namespace_validation_accepts_exactly_the_dns1123_labels(value: str) -> None:
    expected = re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", value, flags=re.ASCII) is not None and len(value) <= 63
    try:
        validate_namespace(value)
    except InvalidNameError:
        assert not expected
    else:
        assert expected
        assert value.isascii()


# --- object names -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["web", "web-7d9f8c6b5-x2b4k", "a.b.c", "my-app.v2", "0", "a" * 253])
def test_valid_object_names_are_returned_unchanged(value: str) -> None:
    assert validate_object_name(value) == value
    assert is_object_name(value)


@pytest.mark.parametrize("value", [*HOSTILE, "Web", "web_1", ".web", "web.", "a..b", "a.-b", "a-.b", "a" * 254])
def test_hostile_or_malformed_object_names_are_rejected(value: str) -> None:
    with pytest.raises(InvalidNameError):
        validate_object_name(value)
    assert not is_object_name(value)


def test_object_name_error_names_what_was_checked_and_the_broken_part() -> None:
    with pytest.raises(InvalidNameError) as info:
        validate_object_name("api.-v2", what="pod name")
    message = str(info.value)
    assert message.startswith("pod name 'api.-v2' is not a valid Kubernetes object name")
    assert "its part '-v2' starts with '-'" in message
    assert "each '.'-separated part must start and end with a letter or digit" in message


def test_invalid_name_error_is_an_invalid_argument_error() -> None:
    with pytest.raises(InvalidArgumentError):
        validate_object_name("Web")


# --- region and standard codes ----------------------------------------------------------------


@pytest.mark.parametrize("value", ["ap-northeast-2", "eastus", "kr", "us-east-1", "a" * 32])
def test_valid_region_codes_are_returned_unchanged(value: str) -> None:
    assert validate_region_code(value) == value


@pytest.mark.parametrize("value", [*HOSTILE, "a", "AP-NORTHEAST-2", "ap_northeast_2", "a" * 33])
def test_hostile_or_malformed_region_codes_are_rejected_with_the_rule(value: str) -> None:
    with pytest.raises(InvalidArgumentError, match="2-32 lowercase letters, digits or '-'"):
        validate_region_code(value)


@pytest.mark.parametrize("value", ["KR_GREEN_2030", "EU", "ISO_14064", "A" * 64])
def test_valid_standard_codes_are_returned_unchanged(value: str) -> None:
    assert validate_standard_code(value) == value


@pytest.mark.parametrize("value", [*HOSTILE, "K", "kr_green", "KR-GREEN", "A" * 65, "KR_GREEN\n"])
def test_hostile_or_malformed_standard_codes_are_rejected_with_the_rule(value: str) -> None:
    with pytest.raises(InvalidArgumentError, match="2-64 uppercase letters, digits or '_'"):
        validate_standard_code(value)


# --- PromQL string literals -------------------------------------------------------------------

_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", '"': '"'}


def scan_promql_string(text: str, start: int) -> tuple[str, int]:
    """Reference reader of a double-quoted PromQL string at ``text[start]``; returns (value, end).

    Follows promql/parser/lex.go (lexString, lexEscape) and Go's strconv.Unquote: a raw newline
    or U+FFFD ends in an error; escapes are \\a \\b \\f \\n \\r \\t \\v \\\\ \\", three octal digits or
    \\xHH (one byte each), \\uHHHH and \\UHHHHHHHH (a code point, not a surrogate); anything else,
    including \\' in a double-quoted string, is an error. The bytes must decode as UTF-8.
    """
    if text[start] != '"':
        raise ValueError("not a double-quoted string")
    out = bytearray()
    i = start + 1
    while True:
        if i >= len(text):
            raise ValueError("unterminated quoted string")
        char = text[i]
        if char == '"':
            return out.decode("utf-8"), i + 1
        if char == "\n":
            raise ValueError("unterminated quoted string (raw newline)")
        if char == "\ufffd":
            raise ValueError("invalid UTF-8 rune")
        if char != "\\":
            out += char.encode("utf-8")
            i += 1
            continue
        i += 1
        if i >= len(text):
            raise ValueError("escape sequence not terminated")
        kind = text[i]
        if kind in _SIMPLE_ESCAPES:
            out += _SIMPLE_ESCAPES[kind].encode("utf-8")
            i += 1
            continue
        if kind in "01234567":
            digits, base, is_byte = text[i : i + 3], 8, True
            i += 3
        elif kind in "xuU":
            count = {"x": 2, "u": 4, "U": 8}[kind]
            digits, base, is_byte = text[i + 1 : i + 1 + count], 16, kind == "x"
            if len(digits) != count:
                raise ValueError("escape sequence not terminated")
            i += 1 + count
        else:
            raise ValueError(f"unknown escape sequence {kind!r}")
        valid = "01234567" if base == 8 else "0123456789abcdefABCDEF"
        if len(digits) != (3 if base == 8 else len(digits)) or any(d not in valid for d in digits):
            raise ValueError("illegal character in escape sequence")
        value = int(digits, base)
        if is_byte:
            if value > 255:
                raise ValueError("octal escape out of range")
            out.append(value)
        else:
            if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                raise ValueError("escape sequence is an invalid Unicode code point")
            out += chr(value).encode("utf-8")


def unescaped_quotes(literal: str) -> list[int]:
    """Positions of ``"`` inside the literal's body not preceded by an odd run of backslashes."""
    body = literal[1:-1]
    positions: list[int] = []
    for index, char in enumerate(body):
        if char == '"':
            run = len(body[:index]) - len(body[:index].rstrip("\\"))
            if run % 2 == 0:
                positions.append(index)
    return positions


def test_reference_reader_follows_the_promql_lexer() -> None:
    assert scan_promql_string(r'"a\"b\\c\n\x41\101\u00e9\U0001F600"', 0)[0] == 'a"b\\c\nAAé\U0001f600'
    for bad in ['"a\nb"', r'"\'"', r'"\q"', r'"\ud800"', '"abc', r'"\x4"', '"\ufffd"']:
        with pytest.raises(ValueError):
            scan_promql_string(bad, 0)


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("default", '"default"'),
        ('"} or vector(1) #', '"\\"} or vector(1) #"'),
        ("a\\b", '"a\\\\b"'),
        ("a\nb\rc\td", '"a\\nb\\rc\\td"'),
        ("\x00\x1b\x7f", '"\\u0000\\u001b\\u007f"'),
        ("it's", '"it\'s"'),
        ("\u202e\u2028\ufffd", '"\\u202e\\u2028\\ufffd"'),
        ("\U000e0001", '"\\U000e0001"'),
        ("한국어 é 😀", '"한국어 é 😀"'),
        ("", '""'),
    ],
)
def test_escape_promql_string_produces_a_complete_literal(value: str, literal: str) -> None:
    assert escape_promql_string(value) == literal


@given(st.text() | st.text(alphabet="\\\"'\n\r\t{}#=~`\x00\x7f\u2028\u202e\ufffd\U0001f600ab"))
@example('"} or vector(1) #')
@example('\\"} or vector(1) #')
@example("\\")
def test_escaped_literals_read_back_as_the_original_text_and_cannot_change_the_query(value: str) -> None:
    literal = escape_promql_string(value)
    assert literal.startswith('"')
    assert literal.endswith('"')
    assert unescaped_quotes(literal) == []
    assert "\n" not in literal
    assert "\r" not in literal
    assert "\ufffd" not in literal
    decoded, end = scan_promql_string(literal, 0)
    assert decoded == value
    assert end == len(literal)
    query = f"kepler_container_joules_total{{pod_namespace={literal}}}"
    decoded, end = scan_promql_string(query, query.index("=") + 1)
    assert decoded == value
    assert query[end:] == "}"


@pytest.mark.parametrize("value", ["\ud800", "ok\udfffok"])
def test_lone_surrogates_cannot_be_written_as_promql_strings(value: str) -> None:
    with pytest.raises(InvalidArgumentError, match="surrogate"):
        escape_promql_string(value)


@given(st.from_regex(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", fullmatch=True))
def test_validated_names_need_no_escaping(value: str) -> None:
    assert escape_promql_string(validate_namespace(value)) == f'"{value}"'


# --- PromQL regex literals --------------------------------------------------------------------


def test_escape_promql_regex_escapes_exactly_the_re2_metacharacters() -> None:
    assert escape_promql_regex(r"\.+*?()|[]{}^$") == r"\\\.\+\*\?\(\)\|\[\]\{\}\^\$"
    assert escape_promql_regex("web-1.prod") == r"web-1\.prod"
    assert escape_promql_regex("a-b_c d#e'f\"") == "a-b_c d#e'f\""


@given(st.text())
@example(".*")
@example("a|b")
@example("(?i)x")
def test_escaped_regex_matches_only_the_literal_text(value: str) -> None:
    pattern = re.compile(escape_promql_regex(value), flags=re.DOTALL)
    assert pattern.fullmatch(value)
    assert not pattern.fullmatch(value + "x")
    if value:
        assert not pattern.fullmatch(value[:-1])


def test_escaped_regex_goes_into_a_promql_string_intact() -> None:
    literal = escape_promql_string(escape_promql_regex('a.b"c\\'))
    assert scan_promql_string(literal, 0)[0] == 'a\\.b"c\\\\'


# --- name patterns ----------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", ["web", "web-*", "*", "?", "web-?-*", "*.prod", "a" * 253])
def test_valid_name_patterns_are_returned_unchanged(pattern: str) -> None:
    assert validate_name_pattern(pattern) == pattern


@pytest.mark.parametrize(
    "pattern", [*(v for v in HOSTILE if v != "prod.*"), "Web*", "web[12]", "{a,b}", "web\\*", "^web$", "a" * 254]
)
def test_hostile_or_unsupported_name_patterns_are_rejected(pattern: str) -> None:
    with pytest.raises(InvalidArgumentError, match="name pattern"):
        validate_name_pattern(pattern)


def test_name_pattern_error_names_the_offending_character() -> None:
    with pytest.raises(InvalidArgumentError, match=r"'\[' at position 4"):
        validate_name_pattern("web[12]")


@pytest.mark.parametrize(
    ("pattern", "name", "matches"),
    [
        ("web-*", "web-7d9f8c6b5-x2b4k", True),
        ("web-*", "web", False),
        ("web*", "web", True),
        ("web-?", "web-0", True),
        ("web-?", "web-10", False),
        ("*-db", "prod-db", True),
        ("*-db", "prod-db-0", False),
        ("a.b", "a.b", True),
        ("a.b", "axb", False),
        ("*", 'x"}', False),
        ("*", "web\n", False),
    ],
)
def test_glob_to_regex_matches_whole_names_only(pattern: str, name: str, matches: bool) -> None:
    regex = glob_to_regex(pattern)
    assert (regex.fullmatch(name) is not None) is matches
    assert (regex.match(name) is not None) is matches
    assert (regex.search(name) is not None) is matches


@given(st.text(alphabet="ab.-*?", min_size=1, max_size=12), st.text(alphabet="ab.-", max_size=14))
def test_glob_to_regex_agrees_with_fnmatch(pattern: str, name: str) -> None:
    assert (glob_to_regex(pattern).fullmatch(name) is not None) == fnmatch.fnmatchcase(name, pattern)


def test_glob_to_regex_rejects_invalid_patterns() -> None:
    with pytest.raises(InvalidArgumentError):
        glob_to_regex("web[0-9]")


def test_hostile_patterns_cannot_make_the_regex_backtrack_for_long() -> None:
    pattern = "*a" * 60 + "*b"
    regex = glob_to_regex(pattern)
    started = time.perf_counter()
    assert regex.fullmatch("a" * 253) is None
    assert regex.fullmatch("a" * 200 + "b") is not None
    assert time.perf_counter() - started < 1.0
