"""A narrow, fast parser for the Prometheus text exposition format (version 0.0.4).

Why not ``prometheus_client.parser``: it is well kept, but it parses a few ten thousand samples a second at
best, so one scrape of a busy Kepler node (tens of thousands of per-process series) takes seconds, far too
long inside a tool call, and it builds every family although the server reads a dozen. Here it is the
*oracle*: the tests render random expositions and assert that this parser returns exactly the samples
``prometheus_client`` returns.

How this parser is fast (``benchmarks/bench_parse.py`` measures it):

* **Unwanted lines cost a ``find`` and a dict lookup.** The text before a line's first ``{`` is looked up in
  a per-call cache that maps it to the sample name, or to "skip"; only the first line with a given prefix
  pays for validating the name and testing ``names``. Lines of families that are not wanted are therefore
  skipped *without validation*: a malformed line is reported only when it belongs to a wanted family (or
  when ``names`` is None).
* **Runs of lines are parsed in bulk.** Exporters write a family's series one after another, with the same
  label names in the same order. A run of consecutive lines of one wanted family is joined and split on
  ``"`` in one call: without escapes every ``"`` is a delimiter, so the label values sit at fixed positions,
  the pieces between them (``,pod_name=`` ...) must repeat exactly on every line, and dicts, floats and
  samples are built by ``map`` and ``zip`` without a Python-level loop per line. The first line of the run
  is parsed carefully, which validates the shared skeleton once.
* **Everything else takes the careful path**, line by line: a line with a backslash, a timestamp, a trailing
  comma, odd spacing, or anything the bulk checks do not recognise. A compiled regex walks the label set
  term by term and unescapes ``\\\\``, ``\\"`` and ``\\n`` exactly as ``prometheus_client`` does (any other
  backslash pair is kept as written). Errors are always reported by the careful path, with the line number.

What is accepted: ``#`` comment lines (``HELP``/``TYPE`` included, never interpreted), blank lines, CRLF
line ends, blanks and tabs between tokens, ``{}``, a trailing comma in a label set, any float spelling
Python and Prometheus share (``1``, ``-1.5e-3``, ``NaN``, ``+Inf``, ``-Inf``, ``Inf``) and an optional
integer timestamp, which is ignored. What is not: quoted (UTF-8) metric or label names, the reserved label
name ``__name__``, and the OpenMetrics extensions (exemplars, ``# EOF``); neither generation of Kepler
emits them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from itertools import repeat
from typing import NamedTuple, cast

from carbon_kepler_mcp.errors import MetricsParseError

__all__ = ["Sample", "parse_exposition"]


class Sample(NamedTuple):
    """One sample of a scrape: its name as written, its label set and its value."""

    name: str
    """The sample name as written, e.g. ``kepler_pod_cpu_joules_total``."""
    labels: dict[str, str]
    """Label names to unescaped label values."""
    value: float
    """The value; ``NaN`` and ``±Inf`` are kept as the floats they are."""


_METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_BLANKS = re.compile(r"[ \t]*")
# One term of a label set; the value group is the raw text between the quotes, escapes included.
_TERM = re.compile(r'[ \t]*([a-zA-Z_][a-zA-Z0-9_]*)[ \t]*=[ \t]*"((?:[^"\\]|\\.)*)"[ \t]*(,?)[ \t]*', re.DOTALL)
_TERM_START = re.compile(r'[ \t]*([a-zA-Z_][a-zA-Z0-9_]*)[ \t]*(=[ \t]*"?)?')
_ESCAPE = re.compile(r'\\[\\n"]')  # prometheus_client's ESCAPING_RE: other backslash pairs stay as written
_UNESCAPED = {"\\\\": "\\", "\\n": "\n", '\\"': '"'}
_LEADING_SPACE = re.compile(r"\s*")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_EXCERPT_CHARS = 80
_SKIP = ""
"""What a line prefix of an unwanted family is classified as (falsy, unlike every sample name)."""


_new_sample = cast(
    "Callable[[type[Sample], tuple[str, dict[str, str], float]], Sample]",
    tuple.__new__,  # pyright: ignore[reportUnknownMemberType]
)
"""tuple.__new__ builds a Sample without the Python-level Sample.__new__, which costs a third of bulk time."""


class _LineError(Exception):
    """A line is malformed; carries the reason, turned into MetricsParseError with the line number."""


def parse_exposition(text: str, names: Collection[str] | None = None, *, source: str = "<text>") -> list[Sample]:
    """Parse Prometheus text format 0.0.4; keep only samples whose name is in `names` (all if None).

    Samples come back in the order they appear, named as written (a counter keeps its ``_total``).
    Lines of families not in `names` are skipped without being validated. `source` (a URL or a file
    name) only appears in error messages.

    Raises:
        MetricsParseError: a line of a wanted family is malformed, or the body is HTML or JSON. The
            message names `source`, the 1-based line number and an excerpt of the line.
    """
    _reject_other_formats(text, source)
    return _Parse(text.split("\n"), names, source).run()


class _Parse:
    """The state of one parse_exposition call; nothing outlives the call."""

    def __init__(self, lines: list[str], names: Collection[str] | None, source: str) -> None:
        self.lines = lines
        self.names = names
        self.source = source
        self.decisions: dict[str, str] = {}  # line prefix -> sample name, or _SKIP
        self.samples: list[Sample] = []

    def run(self) -> list[Sample]:
        """Walk the lines, grouping consecutive lines of one wanted family into runs."""
        lines = self.lines
        decisions = self.decisions
        run_name = _SKIP  # sample name of the current run; _SKIP while not in a run
        run_start = 0
        for index, line in enumerate(lines):
            brace = line.find("{")
            plain = brace > 0 and line[0] > "#"  # a labelled sample line that starts with its name
            if plain:
                prefix = line[:brace]
                name = decisions.get(prefix)
                if name is None:
                    try:
                        name = self.classify(index, prefix)
                    except MetricsParseError:
                        if run_name:  # report the first malformed line: it may be in the run before
                            self.flush(run_start, index, run_name)
                        raise
                if name == run_name:
                    continue  # the run goes on, or an unwanted line while not in a run
            else:
                name = _SKIP
            if run_name:
                self.flush(run_start, index, run_name)
            run_name = name
            run_start = index
            if not plain:
                self.odd_line(index)
        if run_name:
            self.flush(run_start, len(lines), run_name)
        return self.samples

    def classify(self, index: int, prefix: str) -> str:
        """Decide (once per distinct prefix) what the lines starting with `prefix` are."""
        try:
            name = _classify(prefix, self.names)
        except _LineError as exc:
            raise self.error(index, str(exc)) from None
        self.decisions[prefix] = name
        return name

    def odd_line(self, index: int) -> None:
        """Handle a comment, a blank line, a line without labels or one that starts with blanks."""
        line = self.lines[index].strip()
        if not line or line[0] == "#":
            return
        brace = line.find("{")
        prefix = line[:brace] if brace >= 0 else line.split(None, 1)[0]
        name = self.decisions.get(prefix)
        if name is None:
            name = self.classify(index, prefix)
        if name:
            self.samples.append(self.careful(index, line, name, brace))

    def flush(self, start: int, stop: int, name: str) -> None:
        """Parse the run of lines [start, stop) of the family `name`; split it around escaped lines."""
        lines = self.lines
        chunk = "\n".join(lines[start:stop])
        if "\\" not in chunk:
            self.flush_plain(start, stop, name, chunk)
            return
        for index in range(start, stop):
            if "\\" in lines[index]:
                self.flush_plain(start, index, name, "\n".join(lines[start:index]))
                self.samples.append(self.careful(index, lines[index], name, lines[index].find("{")))
                start = index + 1
        self.flush_plain(start, stop, name, "\n".join(lines[start:stop]))

    def flush_plain(self, start: int, stop: int, name: str, chunk: str) -> None:
        """Parse a run without backslashes: in bulk if its lines share one shape, else line by line."""
        if stop - start > 1:
            bulk = self.bulk(start, stop, name, chunk)
            if bulk is not None:
                self.samples.extend(bulk)
                return
        lines = self.lines
        self.samples.extend(self.careful(i, lines[i], name, lines[i].find("{")) for i in range(start, stop))

    def bulk(self, start: int, stop: int, name: str, chunk: str) -> list[Sample] | None:
        """Parse the lines [start, stop) at once, or return None if they do not all have the same shape.

        Same shape: every line is ``<head><v1><sep2><v2>...<vk>} <value>`` where the head (``name{label1=``)
        and the separators (``,label2=`` ...) are identical on every line, the values hold no ``"`` (so no
        escapes, which the caller has excluded) and the value is a single float token.
        """
        lines = self.lines
        first = lines[start]
        quotes = first.count('"')
        count = stop - start
        pieces = chunk.split('"')
        if not quotes or quotes & 1 or len(pieces) != count * quotes + 1:
            return None
        for j in range(2, quotes, 2):  # the separators between label values
            column = pieces[j::quotes]
            if column.count(column[0]) != count:
                return None
        # The piece after a line's last label value is '}<value>\n<head of the next line>' ('}<value>' on
        # the last line). The chunk has count - 1 newlines, so if count - 1 pieces end with '\n<head>', each
        # holds exactly one.
        tails = pieces[quotes::quotes]
        next_head = "\n" + pieces[0]
        if not all(map(str.endswith, tails[:-1], repeat(next_head))) or not all(
            map(str.startswith, tails, repeat("}"))
        ):
            return None
        ends = list(map(str.__getitem__, tails, repeat(slice(1, -len(next_head)))))
        ends[-1] = tails[-1][1:]
        if any(map(str.__contains__, ends, repeat("_"))):
            return None
        try:
            values = list(map(float, ends))
        except ValueError:
            return None  # a timestamp or a bad value: the careful path tells which
        keys = tuple(self.careful(start, first, name, first.find("{")).labels)  # validates the shared skeleton
        if len(keys) * 2 != quotes:
            return None  # pragma: no cover - a valid escape-free line has one label per pair of quotes
        rows: Iterable[tuple[str, ...]] = zip(*(pieces[j::quotes] for j in range(1, quotes, 2)), strict=True)
        labels = map(dict, map(zip, repeat(keys), rows))
        return list(map(_new_sample, repeat(Sample), zip(repeat(name), labels, values)))

    def careful(self, index: int, line: str, name: str, brace: int) -> Sample:
        """Parse and check one sample line of a wanted family; `brace` is -1 when it has no labels."""
        try:
            return _parse_line(line, name, brace)
        except _LineError as exc:
            raise self.error(index, str(exc)) from None

    def error(self, index: int, reason: str) -> MetricsParseError:
        """The error for line `index` (0-based), naming the source, the line number and an excerpt."""
        line = self.lines[index]
        excerpt = line if len(line) <= _EXCERPT_CHARS else line[:_EXCERPT_CHARS] + "…"
        return MetricsParseError(
            f"{self.source}, line {index + 1}: {reason} in {excerpt!r}; "
            "the body does not look like Prometheus text exposition (format 0.0.4)"
        )


def _reject_other_formats(text: str, source: str) -> None:
    """Fail fast, with a hint, when the body is an HTML page or a JSON document."""
    match = _LEADING_SPACE.match(text)
    start = match.end() if match else 0
    first = text[start : start + 1]
    if first == "<":
        kind = "HTML"
    elif first in ("{", "["):
        kind = "JSON"
    else:
        return
    raise MetricsParseError(
        f"{source}: got {kind}, not Prometheus text exposition; is the URL the /metrics endpoint? "
        f"(the body starts with {text[start : start + 40]!r})"
    )


def _classify(prefix: str, names: Collection[str] | None) -> str:
    """Return the sample name a line prefix stands for, or _SKIP when its family is not wanted.

    `prefix` is the text before the line's first ``{``, or its first token. Raises _LineError when the
    prefix is not a metric name and the line may belong to a wanted family.
    """
    name = prefix.rstrip(" \t")
    if _METRIC_NAME.fullmatch(name):
        return name if names is None or name in names else _SKIP
    leading = _METRIC_NAME.match(prefix)
    if names is not None and (leading is None or leading.group() not in names):
        return _SKIP  # not a sample line, but not one of a family we were asked for either
    raise _LineError("expected a metric name, then an optional {label set}, a value and an optional timestamp")


def _parse_line(line: str, name: str, brace: int) -> Sample:
    """Parse one sample line whose name is `name`, checking everything; `brace` is -1 without labels."""
    if brace < 0:
        labels: dict[str, str] = {}
        tokens = line.split()[1:]
    else:
        close = line.rfind("}")
        if close < brace:
            raise _LineError("the label set is not closed with '}'")
        labels = _parse_labels(line[brace + 1 : close])
        tokens = line[close + 1 :].split()
    if len(tokens) != 1 and (len(tokens) != 2 or not _INTEGER.fullmatch(tokens[1])):
        raise _LineError(_value_problem(tokens))
    value = tokens[0]
    try:
        if "_" in value:
            raise ValueError(value)  # float() accepts "1_000"; the format does not
        return Sample(name, labels, float(value))
    except ValueError:
        raise _LineError(f"invalid value {value!r}") from None


def _parse_labels(body: str) -> dict[str, str]:
    """Parse a label set body (the text between the braces) term by term; escapes allowed."""
    labels: dict[str, str] = {}
    if _BLANKS.fullmatch(body):
        return labels
    pos = 0
    end = len(body)
    while pos < end:
        term = _TERM.match(body, pos)
        if term is None:
            raise _LineError(_term_problem(body, pos))
        key, raw, comma = term.groups()
        if key in labels:
            raise _LineError(f"duplicate label name {key!r}")
        if key == "__name__":
            raise _LineError("the label name '__name__' is reserved")
        labels[key] = _ESCAPE.sub(_unescape, raw) if "\\" in raw else raw
        pos = term.end()
        if not comma and pos < end:
            raise _LineError(f"unexpected {body[pos : pos + 12]!r} after label {key!r} (expected ',' or '}}')")
    return labels


def _unescape(match: re.Match[str]) -> str:
    return _UNESCAPED[match.group()]


def _term_problem(body: str, pos: int) -> str:
    """Say what is wrong with the label term that starts at `pos`."""
    start = _TERM_START.match(body, pos)
    if start is None:
        return f"invalid label name at {body[pos : pos + 20].lstrip()!r}"
    if start.group(2) is None or not start.group(2).endswith('"'):
        return f"expected '=\"value\"' after label name {start.group(1)!r}"
    return f"unterminated value of label {start.group(1)!r}"


def _value_problem(tokens: list[str]) -> str:
    """Say what is wrong with the tokens after the name and label set."""
    if not tokens:
        return "missing value"
    if len(tokens) > 2:
        return f"unexpected text after the value: {' '.join(tokens[2:])[:20]!r}"
    return f"invalid timestamp {tokens[1]!r} (an integer of milliseconds is expected)"
