"""An operator's PromQL expression (the SCI functional unit R), checked token by token before it is sent.

The expression comes from the policy file, not from a tool call, but it is still validated: it may use metric and
label names, numbers, durations, string literals (the escapes of :func:`~carbon_kepler_mcp.domain.names.
escape_promql_string`), PromQL's operators and brackets, and nothing else — no ``@`` modifier, no comments, no
control characters, balanced brackets, bounded length. What it means is Prometheus's to judge; what it cannot do is
end inside a string or reach past the subquery the server wraps it in.
"""

from __future__ import annotations

import re
from typing import Final

from carbon_kepler_mcp.errors import InvalidArgumentError

__all__ = ["MAX_EXPRESSION_LENGTH", "validate_promql_expression"]

MAX_EXPRESSION_LENGTH: Final = 2000

_TOKEN: Final = re.compile(
    r"""
    (?P<space>[ \t]+)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<duration>[0-9]+(?:ms|s|m|h|d|w|y)(?:[0-9]+(?:ms|s|m|h|d|w|y))*)
  | (?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)
  | (?P<name>[A-Za-z_:][A-Za-z0-9_:]*)
  | (?P<operator>==|!=|<=|>=|=~|!~|[-+*/%^<>=,])
  | (?P<open>[(\[{])
  | (?P<close>[)\]}])
    """,
    re.VERBOSE,
)
_PAIRS: Final = {")": "(", "]": "[", "}": "{"}


def validate_promql_expression(text: str, what: str = "expression") -> str:
    """Return ``text`` stripped if every token is one PromQL allows here; InvalidArgumentError saying where not."""
    expression = text.strip()
    if not expression:
        raise InvalidArgumentError(f"{what} is empty")
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise InvalidArgumentError(f"{what} is {len(expression)} characters long; at most {MAX_EXPRESSION_LENGTH}")
    stack: list[str] = []
    position = 0
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None:
            shown = expression[position : position + 12]
            raise InvalidArgumentError(
                f"{what}: {shown!r} at character {position + 1} is not allowed (metric and label names, numbers, "
                "durations, quoted strings, operators and brackets only; no @, comments or control characters)"
            )
        kind = match.lastgroup
        token = match.group()
        if kind == "open":
            stack.append(token)
        elif kind == "close" and (not stack or stack.pop() != _PAIRS[token]):
            raise InvalidArgumentError(f"{what}: unbalanced {token!r} at character {position + 1}")
        position = match.end()
    if stack:
        raise InvalidArgumentError(f"{what}: {stack[-1]!r} is never closed")
    return expression
