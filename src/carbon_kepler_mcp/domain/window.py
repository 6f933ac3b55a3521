"""The energy window of the Prometheus source: parsing, bounds, and how it is written into PromQL.

A window is what a user (or an LLM) passes as ``window``: ``"1h"``, ``"90m"``, ``"2d"``, ``"1h30m"`` or a
number of seconds (``"3600"``). It is parsed here into whole seconds and checked against
:data:`MIN_WINDOW_SECONDS`–:data:`MAX_WINDOW_SECONDS`. PromQL only ever sees :func:`promql_duration` of
that integer (``"3600s"``), never the user's text, so the window cannot change a query's shape.
"""

from __future__ import annotations

import re
from typing import Final

from carbon_kepler_mcp.domain.names import safe_repr
from carbon_kepler_mcp.errors import InvalidArgumentError

__all__ = [
    "DEFAULT_WINDOW_SECONDS",
    "MAX_WINDOW_SECONDS",
    "MIN_WINDOW_SECONDS",
    "format_window",
    "parse_window",
    "promql_duration",
]

MIN_WINDOW_SECONDS: Final = 300
"""5 minutes: shorter windows hold too few scrapes (Kepler's usual 30-60 s interval) for ``increase()``."""

MAX_WINDOW_SECONDS: Final = 7 * 86_400
"""7 days: longer windows make every instant query scan weeks of samples per pod."""

DEFAULT_WINDOW_SECONDS: Final = 3_600
"""1 hour: long enough to smooth load spikes, short enough to describe the workload as it runs now."""

_UNITS: Final = {"s": 1, "m": 60, "h": 3_600, "d": 86_400}
_WINDOW_RE: Final = re.compile(r"(?:[0-9]{1,7}[dhms])+")
_PART_RE: Final = re.compile(r"([0-9]{1,7})([dhms])")
_RULE: Final = (
    "write it as a number with a unit, e.g. '30m', '1h', '6h', '1d', '1h30m' (units d, h, m, s), or as seconds, "
    f"between {MIN_WINDOW_SECONDS // 60} minutes and {MAX_WINDOW_SECONDS // 86_400} days"
)
_RULE_KO: Final = (
    "'30m', '1h', '6h', '1d', '1h30m'처럼 숫자와 단위(d, h, m, s)로 쓰거나 초 단위 숫자로 쓰며, "
    f"{MIN_WINDOW_SECONDS // 60}분에서 {MAX_WINDOW_SECONDS // 86_400}일 사이여야 합니다"
)


def parse_window(value: str | int | float) -> int:
    """The window in whole seconds, checked against the bounds.

    Raises:
        InvalidArgumentError: the text is not a duration, or it is outside 5 minutes to 7 days.
    """
    if isinstance(value, bool):
        raise InvalidArgumentError(
            f"window {value!r} is not a duration; {_RULE}",
            ko=f"window 인수 {value!r}은(는) 기간이 아닙니다. {_RULE_KO}",
        )
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidArgumentError(
                f"window {value!r} is not a duration; {_RULE}",
                ko=f"window 인수 {value!r}은(는) 기간이 아닙니다. {_RULE_KO}",
            )
        seconds = int(value)
        if seconds != value:
            raise InvalidArgumentError(
                f"window {value!r} must be a whole number of seconds; {_RULE}",
                ko=f"window 인수 {value!r}은(는) 정수 초여야 합니다. {_RULE_KO}",
            )
    else:
        text = value.strip().lower()
        if text.isascii() and text.isdigit() and len(text) <= 9:  # "³" is a digit to isdigit(), not to int()
            seconds = int(text)
        elif _WINDOW_RE.fullmatch(text):
            units = [unit for _, unit in _PART_RE.findall(text)]
            if len(set(units)) != len(units):
                raise InvalidArgumentError(
                    f"window {safe_repr(value)} repeats a unit; {_RULE}",
                    ko=f"window 인수 {safe_repr(value)}에 같은 단위가 두 번 있습니다. {_RULE_KO}",
                )
            seconds = sum(int(number) * _UNITS[unit] for number, unit in _PART_RE.findall(text))
        else:
            raise InvalidArgumentError(
                f"window {safe_repr(value)} is not a duration; {_RULE}",
                ko=f"window 인수 {safe_repr(value)}은(는) 기간이 아닙니다. {_RULE_KO}",
            )
    if not MIN_WINDOW_SECONDS <= seconds <= MAX_WINDOW_SECONDS:
        raise InvalidArgumentError(
            f"window {safe_repr(str(value))} is {format_window(max(seconds, 0))}, out of range; {_RULE}",
            ko=f"window 인수 {safe_repr(str(value))}({format_window(max(seconds, 0))})이(가) 범위를 벗어났습니다. "
            f"{_RULE_KO}",
        )
    return seconds


def promql_duration(seconds: int) -> str:
    """The PromQL duration of a whole number of seconds: ``3600`` → ``"3600s"``."""
    if seconds <= 0:
        raise InvalidArgumentError(f"a PromQL duration must be positive, got {seconds}")
    return f"{int(seconds)}s"


def format_window(seconds: int) -> str:
    """A short human form: ``3600`` → ``"1h"``, ``5400`` → ``"1h30m"``, ``90`` → ``"1m30s"``."""
    if seconds == 0:
        return "0s"
    parts: list[str] = []
    rest = seconds
    for unit, size in reversed(_UNITS.items()):
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
