"""Validation and escaping of every user-supplied name, code and pattern.

Everything a user (or an LLM acting for one) passes to a tool goes through one of the validators
here before it is used anywhere: in a PromQL query, a lookup table, a message. The validators are
allow-lists (a name is checked against the characters Kubernetes allows, never against a list of
forbidden ones) and their errors say which rule was broken and what the rule is, so the caller can
fix the value without reading the Kubernetes documentation.

The PromQL escapers are a second line of defence: names are validated first, so in practice they
only ever see DNS-1123 names, but they are written to be safe for *any* text.
"""

from __future__ import annotations

import re
import unicodedata

from carbon_kepler_mcp.errors import InvalidArgumentError, InvalidNameError

__all__ = [
    "MAX_NAMESPACE_LENGTH",
    "MAX_OBJECT_NAME_LENGTH",
    "escape_promql_regex",
    "escape_promql_string",
    "glob_to_regex",
    "is_object_name",
    "safe_repr",
    "validate_name_pattern",
    "validate_namespace",
    "validate_object_name",
    "validate_region_code",
    "validate_standard_code",
]

MAX_NAMESPACE_LENGTH = 63
"""A namespace is a DNS-1123 label: at most 63 characters."""

MAX_OBJECT_NAME_LENGTH = 253
"""Most object names (pods, deployments, ...) are DNS-1123 subdomains: at most 253 characters."""

_QUOTE_LIMIT = 80
"""Longest quoted value, in characters, that an error message shows."""

# All patterns below use explicit ASCII classes, never \d or \w (which match Unicode digits and
# letters), and are used with re.fullmatch (``$`` would accept a trailing newline).
_LABEL_RE = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?")
_SUBDOMAIN_RE = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*")
_REGION_RE = re.compile(r"[a-z0-9-]{2,32}")
_STANDARD_RE = re.compile(r"[A-Z0-9_]{2,64}")
_PATTERN_RE = re.compile(r"[-a-z0-9.*?]{1,253}")

_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
_SUBDOMAIN_CHARS = _LABEL_CHARS | {"."}
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")

_NAMESPACE_RULE = "it must be 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit"
_OBJECT_NAME_RULE = (
    "it must be 1-253 lowercase letters, digits, '-' or '.', and each '.'-separated part must start "
    "and end with a letter or digit"
)
_NAMESPACE_RULE_KO = "소문자, 숫자, '-'로 된 1~63자이고 영문자나 숫자로 시작하고 끝나야 합니다"
_OBJECT_NAME_RULE_KO = (
    "소문자, 숫자, '-', '.'로 된 1~253자이고 '.'로 나뉜 각 부분이 영문자나 숫자로 시작하고 끝나야 합니다"
)
_WHAT_KO = {
    "workload name": "워크로드 이름",
    "pod name": "파드 이름",
    "node name": "노드 이름",
    "container name": "컨테이너 이름",
}
_REGION_RULE = "a region code must be 2-32 lowercase letters, digits or '-' (for example 'ap-northeast-2')"
_STANDARD_RULE = "a standard code must be 2-64 uppercase letters, digits or '_' (for example 'KR_GREEN_2030')"
_PATTERN_RULE = (
    "a name pattern must be 1-253 lowercase letters, digits, '-' or '.', with '*' matching any run of "
    "characters and '?' matching exactly one"
)


def safe_repr(value: str, limit: int = _QUOTE_LIMIT) -> str:
    """Quote ``value`` for an error message: ``repr``, cut to about ``limit`` characters.

    ``repr`` escapes control and other non-printable characters (newlines, bidi overrides, NUL),
    so a hostile value cannot forge extra lines or reorder the text of the message; long values
    are cut and marked with ``...`` and their full length.
    """
    if len(value) <= limit:
        quoted = repr(value)
        if len(quoted) <= limit + 2:
            return quoted
    quoted = repr(value[: max(limit - 2, 1)])
    if len(quoted) > limit:
        quoted = quoted[:limit]
    return f"{quoted}... ({len(value)} characters)"


def _describe_char(char: str) -> str:
    """Name one offending character for a message, e.g. ``'_'`` or ``uppercase 'P'``."""
    if "A" <= char <= "Z":
        return f"uppercase {char!r}"
    if char.isspace() or not char.isprintable():
        name = unicodedata.name(char, "")
        return f"{char!r} ({name.lower() if name else f'U+{ord(char):04X}'})"
    return repr(char)


def _first_bad_char(value: str, allowed: frozenset[str]) -> tuple[int, str] | None:
    for index, char in enumerate(value):
        if char not in allowed:
            return index, char
    return None


def _label_problem(value: str, max_length: int) -> str:
    """Which DNS-1123 label rule ``value`` breaks (it is known to break one)."""
    if not value:
        return "it is empty"
    if len(value) > max_length:
        return f"it is {len(value)} characters long, more than {max_length}"
    bad = _first_bad_char(value, _LABEL_CHARS)
    if bad is not None:
        index, char = bad
        return f"it contains {_describe_char(char)} at position {index + 1}"
    if value[0] not in _ALNUM:
        return f"it starts with {value[0]!r}"
    return f"it ends with {value[-1]!r}"


def _subdomain_problem(value: str) -> str:
    """Which DNS-1123 subdomain rule ``value`` breaks (it is known to break one)."""
    if not value:
        return "it is empty"
    if len(value) > MAX_OBJECT_NAME_LENGTH:
        return f"it is {len(value)} characters long, more than {MAX_OBJECT_NAME_LENGTH}"
    bad = _first_bad_char(value, _SUBDOMAIN_CHARS)
    if bad is not None:
        index, char = bad
        return f"it contains {_describe_char(char)} at position {index + 1}"
    for part in value.split("."):
        if not part:
            return "it has an empty part (a leading, trailing or doubled '.')"
        if part[0] not in _ALNUM:
            return f"its part {safe_repr(part)} starts with {part[0]!r}"
        if part[-1] not in _ALNUM:
            return f"its part {safe_repr(part)} ends with {part[-1]!r}"
    return "it is malformed"  # pragma: no cover - every failing value is caught above


def is_object_name(value: str) -> bool:
    """Whether ``value`` is a valid Kubernetes object name (see :func:`validate_object_name`)."""
    return len(value) <= MAX_OBJECT_NAME_LENGTH and _SUBDOMAIN_RE.fullmatch(value) is not None


def validate_namespace(value: str) -> str:
    """Return ``value`` if it is a valid Kubernetes namespace (a DNS-1123 label).

    A namespace is 1-63 characters of lowercase ASCII letters, digits and ``-``, starting and
    ending with a letter or digit.

    Raises:
        InvalidNameError: naming the rule that was broken and stating the full rule.
    """
    if len(value) <= MAX_NAMESPACE_LENGTH and _LABEL_RE.fullmatch(value):
        return value
    problem = _label_problem(value, MAX_NAMESPACE_LENGTH)
    raise InvalidNameError(
        f"namespace {safe_repr(value)} is not a valid Kubernetes namespace: {problem}; {_NAMESPACE_RULE}",
        ko=f"namespace 인수 {safe_repr(value)}은(는) 올바른 쿠버네티스 네임스페이스가 아닙니다: {_NAMESPACE_RULE_KO}",
    )


def validate_object_name(value: str, *, what: str = "workload name") -> str:
    """Return ``value`` if it is a valid Kubernetes object name (a DNS-1123 subdomain).

    An object name is 1-253 characters of lowercase ASCII letters, digits, ``-`` and ``.``;
    each ``.``-separated part starts and ends with a letter or digit. Pod, Deployment, Job and
    most other names follow this rule. ``what`` names the value in the error message.

    Raises:
        InvalidNameError: naming the rule that was broken and stating the full rule.
    """
    if is_object_name(value):
        return value
    problem = _subdomain_problem(value)
    raise InvalidNameError(
        f"{what} {safe_repr(value)} is not a valid Kubernetes object name: {problem}; {_OBJECT_NAME_RULE}",
        ko=f"{_WHAT_KO.get(what, what)} {safe_repr(value)}은(는) 올바른 쿠버네티스 객체 이름이 아닙니다: "
        f"{_OBJECT_NAME_RULE_KO}",
    )


def validate_region_code(value: str) -> str:
    """Return ``value`` if it looks like a cloud region code (``ap-northeast-2``, ``eastus``).

    Region codes are 2-32 characters of lowercase ASCII letters, digits and ``-``. Whether the
    region is *known* is decided elsewhere; this only rejects malformed input.

    Raises:
        InvalidArgumentError: stating the rule.
    """
    if _REGION_RE.fullmatch(value):
        return value
    raise InvalidArgumentError(
        f"region code {safe_repr(value)} is malformed: {_REGION_RULE}",
        ko=f"리전 코드 {safe_repr(value)}의 형식이 잘못되었습니다: 소문자, 숫자, '-'로 된 2~32자여야 합니다(예: "
        "'ap-northeast-2')",
    )


def validate_standard_code(value: str) -> str:
    """Return ``value`` if it looks like a standard code (``KR_GREEN_2030``).

    Standard codes are 2-64 characters of uppercase ASCII letters, digits and ``_``.

    Raises:
        InvalidArgumentError: stating the rule.
    """
    if _STANDARD_RE.fullmatch(value):
        return value
    raise InvalidArgumentError(
        f"standard code {safe_repr(value)} is malformed: {_STANDARD_RULE}",
        ko=f"기준 코드 {safe_repr(value)}의 형식이 잘못되었습니다: 대문자, 숫자, '_'로 된 2~64자여야 합니다(예: "
        "'KR_CARBON_2050')",
    )


_SHORT_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def _needs_code_escape(char: str) -> bool:
    """Whether ``char`` is written as a ``\\u``/``\\U`` escape rather than as itself.

    Control characters (the lexer rejects a raw newline and we want no raw CR, NUL, ...), format
    characters such as bidi overrides (they make a logged query read differently from what runs),
    line and paragraph separators, and U+FFFD, which the PromQL lexer reads as "invalid UTF-8".
    """
    return unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp", "Co", "Cn"} or char == "\ufffd"


def escape_promql_string(value: str) -> str:
    """Return ``value`` as a complete double-quoted PromQL string literal, quotes included.

    The result is meant for a label matcher value: ``f"{{pod_namespace={escape_promql_string(ns)}}}"``.
    It follows the PromQL lexer, whose string escapes are Go's: ``\\\\`` and ``\\"`` for backslash
    and the quote, ``\\n``, ``\\r``, ``\\t``, and ``\\uXXXX``/``\\UXXXXXXXX`` for every other
    control or format character (and U+FFFD, which the lexer rejects as invalid UTF-8). ``'`` is
    *not* escaped: inside a double-quoted PromQL string ``\\'`` is a syntax error. All other text,
    including non-ASCII letters, is copied as is. No input can end the literal early or change the
    shape of the query.

    This is defence in depth. Callers must still validate names first
    (:func:`validate_namespace`, :func:`validate_object_name`): a valid query that matches a
    hostile string is still a query nobody meant to run.

    Raises:
        InvalidArgumentError: if ``value`` contains a lone surrogate (U+D800-U+DFFF), which cannot
            be encoded in UTF-8 nor written as a PromQL escape.
    """
    out: list[str] = ['"']
    for char in value:
        short = _SHORT_ESCAPES.get(char)
        if short is not None:
            out.append(short)
            continue
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            raise InvalidArgumentError(
                f"{safe_repr(value)} contains a lone surrogate (U+{code:04X}), which cannot appear in a PromQL string"
            )
        if _needs_code_escape(char):
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


_RE2_META = frozenset("\\.+*?()|[]{}^$")
"""The characters Go's ``regexp.QuoteMeta`` escapes: every RE2 metacharacter."""


def escape_promql_regex(value: str) -> str:
    """Escape RE2 metacharacters so ``value`` matches itself literally in a ``=~`` matcher.

    Mirrors Go's ``regexp.QuoteMeta``: each of ``\\.+*?()|[]{}^$`` gets a backslash. The result is
    regex *source*, not a PromQL literal; pass it through :func:`escape_promql_string` to put it in
    a query, e.g. ``escape_promql_string("^" + escape_promql_regex(name) + "$")`` (Prometheus
    anchors ``=~`` matchers itself, so the anchors are optional).
    """
    return "".join(f"\\{char}" if char in _RE2_META else char for char in value)


def validate_name_pattern(pattern: str) -> str:
    """Return ``pattern`` if it is a valid name filter: a glob over DNS-1123 characters.

    Allowed are lowercase ASCII letters, digits, ``-`` and ``.``, plus the wildcards ``*`` (any run
    of characters, possibly empty) and ``?`` (exactly one character); 1-253 characters in all. No
    other glob syntax (``[...]``, ``{a,b}``, escapes) is supported.

    Raises:
        InvalidArgumentError: naming the offending character and stating the rule.
    """
    if _PATTERN_RE.fullmatch(pattern):
        return pattern
    if not pattern:
        problem = "it is empty"
    elif len(pattern) > MAX_OBJECT_NAME_LENGTH:
        problem = f"it is {len(pattern)} characters long, more than {MAX_OBJECT_NAME_LENGTH}"
    else:
        bad = _first_bad_char(pattern, _SUBDOMAIN_CHARS | {"*", "?"})
        assert bad is not None
        index, char = bad
        problem = f"it contains {_describe_char(char)} at position {index + 1}"
    raise InvalidArgumentError(
        f"name pattern {safe_repr(pattern)} is invalid: {problem}; {_PATTERN_RULE}",
        ko=f"name_pattern 인수 {safe_repr(pattern)}이(가) 올바르지 않습니다: 소문자, 숫자, '-', '.'와 와일드카드 "
        "'*'(임의 길이), '?'(한 글자)만 쓸 수 있으며 1~253자여야 합니다",
    )


_NAME_CHAR = "[-.0-9a-z]"


def _glob_segment(segment: str) -> str:
    return "".join(_NAME_CHAR if char == "?" else re.escape(char) for char in segment)


def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Compile a name pattern (see :func:`validate_name_pattern`) into an anchored regex.

    The regex matches whole names only (``\\A...\\Z``), so ``match``, ``fullmatch`` and ``search``
    all agree, and wildcards match only DNS-1123 characters. It runs in time linear in the name
    for each wildcard-free segment, whatever the pattern: every segment between two ``*`` is
    matched at its leftmost position inside an atomic group (leftmost is always right for globs),
    so a hostile pattern such as ``*a*a*a*a*b`` cannot make the regex backtrack exponentially.

    Raises:
        InvalidArgumentError: if the pattern is invalid.
    """
    validate_name_pattern(pattern)
    segments = pattern.split("*")
    if len(segments) == 1:
        return re.compile(rf"\A{_glob_segment(pattern)}\Z")
    first, *middle, last = segments
    parts = [r"\A", _glob_segment(first)]
    parts.extend(f"(?>{_NAME_CHAR}*?{_glob_segment(segment)})" for segment in middle if segment)
    parts.extend((f"{_NAME_CHAR}*", _glob_segment(last), r"\Z"))
    return re.compile("".join(parts))
