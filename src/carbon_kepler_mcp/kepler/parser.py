"""A narrow, fast parser for the Prometheus text exposition format (version 0.0.4).

Why not ``prometheus_client.parser``: it is well kept, but it parses a few ten thousand samples a second at
best, so one scrape of a busy Kepler node (tens of thousands of per-process series) takes seconds, far too
long inside a tool call, and it builds every family although the server reads a dozen. Here it is the
*oracle*: the tests render random expositions and assert that this parser returns exactly the samples
``prometheus_client`` returns.

How this parser is fast (``benchmarks/bench_parse.py`` measures it; ``docs/performance.md`` has figures):

* **It works run by run, not line by line.** Exporters write a family's series one after another, so the
  text is a sequence of *runs*: consecutive lines that start with the same ``name{``. For the first line of
  a run, the text before its ``{`` is classified once per call (sample name, or "skip" when the family is
  not in ``names``), and one regex search, ``\\n(?!name\\{)``, finds where the run ends. An unwanted run
  is skipped whole, *without validation*: a malformed line is reported only when it belongs to a wanted
  family (or when ``names`` is None).
* **A wanted run is parsed in bulk.** Its text is split on ``"`` in one call: without escapes every ``"``
  is a delimiter, so the label values sit at fixed positions and the pieces between them (``,pod_name=``
  ...) must repeat exactly on every line. Those checks, the floats, the label dicts and the samples are
  all done by ``map``, ``zip`` and slicing, without a Python-level loop per line; the first line of the
  run is parsed carefully, which validates the skeleton every line shares.
* **Everything else takes the careful path**, line by line: a line with a backslash, a timestamp, a
  trailing comma, odd spacing, no labels, or anything the bulk checks do not recognise. A compiled regex
  walks the label set term by term and unescapes ``\\\\``, ``\\"`` and ``\\n`` exactly as
  ``prometheus_client`` does (any other backslash pair is kept as written). Errors always come from the
  careful path; the line number is counted only then.

What is accepted: ``#`` comment lines (``HELP``/``TYPE`` included, never interpreted), blank lines, CRLF
line ends, blanks and tabs between tokens, ``{}``, a trailing comma in a label set, any float spelling
Python and Prometheus share (``1``, ``-1.5e-3``, ``NaN``, ``+Inf``, ``-Inf``, ``Inf``) and an optional
integer timestamp, which is ignored. What is not: quoted (UTF-8) metric or label names, the reserved label
name ``__name__``, and the OpenMetrics extensions (exemplars, ``# EOF``); neither generation of Kepler
emits them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from typing import Final, NamedTuple, cast

from carbon_kepler_mcp.errors import MetricsParseError

__all__ = ["MAX_SAMPLE_VALUE", "Run", "Sample", "Screened", "parse_columns", "parse_exposition", "screen"]


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
"""Builds a Sample from a tuple without calling the Python-level ``Sample.__new__`` once per sample."""


class Run(NamedTuple):
    """Consecutive samples of one family that share one label skeleton, column by column (no dict per sample).

    ``columns[i]`` holds the value of label ``keys[i]`` for every sample of the run, in order; ``values`` the
    sample values. :meth:`samples` gives the same samples :func:`parse_exposition` returns.
    """

    name: str
    keys: tuple[str, ...]
    columns: tuple[list[str], ...]
    values: list[float]

    def samples(self) -> list[Sample]:
        """The run as :class:`Sample` objects (label dicts built here)."""
        labels = map(dict, map(zip, repeat(self.keys), zip(*self.columns, strict=True)))
        return list(map(_new_sample, repeat(Sample), zip(repeat(self.name), labels, self.values)))


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
    # Without columnar=True the bulk path expands every run into samples, so the list holds samples only.
    return cast("list[Sample]", _Parse(text, names, source).run())


def parse_columns(text: str, names: Collection[str] | None = None, *, source: str = "<text>") -> list[Run | Sample]:
    """Like :func:`parse_exposition`, but runs of same-shaped lines come back as :class:`Run` columns.

    For hot paths that read a few labels of tens of thousands of samples: no label dict is built for the
    lines the bulk path takes. Lines the careful path takes (escapes, timestamps, odd spacing) stay samples.
    Same validation and errors as :func:`parse_exposition`.
    """
    _reject_other_formats(text, source)
    return _Parse(text, names, source, columnar=True).run()


class _Parse:
    """The state of one parse_exposition call; nothing outlives the call."""

    def __init__(self, text: str, names: Collection[str] | None, source: str, *, columnar: bool = False) -> None:
        self.text = text
        self.names = names
        self.source = source
        self.columnar = columnar
        self.decisions: dict[str, str] = {}  # line prefix -> sample name, or _SKIP
        self.run_ends: dict[str, re.Pattern[str]] = {}  # line prefix -> finds the first line without it
        self.samples: list[Sample | Run] = []

    def run(self) -> list[Sample | Run]:
        """Walk the text run by run: a run is the consecutive lines that start with the same ``name{``."""
        text = self.text
        size = len(text)
        decisions = self.decisions
        run_ends = self.run_ends
        pos = 0  # start of the current line
        while pos < size:
            eol = text.find("\n", pos)
            if eol < 0:
                eol = size
            brace = text.find("{", pos, eol)
            if brace > pos and text[pos] > "#":  # a labelled sample line that starts with its name
                prefix = text[pos:brace]
                name = decisions.get(prefix)
                if name is None:
                    name = self.classify(prefix, pos, text[pos:eol])
                run_end = run_ends.get(prefix)
                if run_end is None:
                    run_end = run_ends[prefix] = re.compile("\n(?!" + re.escape(prefix) + "\\{)")
                found = run_end.search(text, eol)
                end = found.start() if found else size
                if name:
                    self.flush(text[pos:end], pos, name)
                pos = end + 1
            else:
                self.odd_line(text[pos:eol], pos)
                pos = eol + 1
        return self.samples

    def classify(self, prefix: str, offset: int, line: str) -> str:
        """Decide (once per distinct prefix) what the lines starting with `prefix` are."""
        try:
            name = _classify(prefix, self.names)
        except _LineError as exc:
            raise self.error(offset, line, str(exc)) from None
        self.decisions[prefix] = name
        return name

    def odd_line(self, line: str, offset: int) -> None:
        """Handle a comment, a blank line, a line without labels or one that starts with blanks."""
        stripped = line.strip()
        if not stripped or stripped[0] == "#":
            return
        brace = stripped.find("{")
        prefix = stripped[:brace] if brace >= 0 else stripped.split(None, 1)[0]
        name = self.decisions.get(prefix)
        if name is None:
            name = self.classify(prefix, offset, line)
        if name:
            self.samples.append(self.careful(stripped, offset, name))

    def flush(self, chunk: str, offset: int, name: str) -> None:
        """Parse a run (`chunk`, found at `offset` in the text); lines with a backslash go one by one."""
        start = 0  # start in chunk of the lines not parsed yet
        while (backslash := chunk.find("\\", start)) >= 0:
            newline = chunk.rfind("\n", start, backslash)
            line_start = start if newline < 0 else newline + 1
            line_end = chunk.find("\n", backslash)
            if line_end < 0:
                line_end = len(chunk)
            if line_start > start:
                self.flush_plain(chunk[start : line_start - 1], offset + start, name)
            self.samples.append(self.careful(chunk[line_start:line_end], offset + line_start, name))
            start = line_end + 1
        if start < len(chunk):
            self.flush_plain(chunk[start:], offset + start, name)

    def flush_plain(self, chunk: str, offset: int, name: str) -> None:
        """Parse lines without backslashes: in bulk if they share one shape, else one by one."""
        if "\n" in chunk:
            bulk = self.bulk(chunk, offset, name)
            if bulk is not None:
                self.samples.extend(bulk)
                return
        for line in chunk.split("\n"):
            self.samples.append(self.careful(line, offset, name))
            offset += len(line) + 1

    def bulk(self, chunk: str, offset: int, name: str) -> list[Sample] | list[Run] | None:
        """Parse the lines of `chunk` at once, or return None if they do not all have the same shape.

        Same shape: every line is ``<head><v1><sep2><v2>...<vk>} <value>`` where the head (``name{label1=``)
        and the separators (``,label2=`` ...) are identical on every line, the values hold no ``"`` (so no
        escapes, which the caller has excluded) and the value is a single float token.
        """
        first = chunk[: chunk.find("\n")]
        quotes = first.count('"')
        count = chunk.count("\n") + 1
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
        if "_" in "".join(ends):  # one search of the joined values, not one call per line
            return None
        try:
            values = list(map(float, ends))
        except ValueError:
            return None  # a timestamp or a bad value: the careful path tells which
        keys = tuple(self.careful(first, offset, name).labels)  # validates the skeleton all lines share
        if len(keys) * 2 != quotes:
            return None  # pragma: no cover - a valid escape-free line has one label per pair of quotes
        columns = tuple(pieces[j::quotes] for j in range(1, quotes, 2))
        run = Run(name, keys, columns, values)
        return [run] if self.columnar else run.samples()

    def careful(self, line: str, offset: int, name: str) -> Sample:
        """Parse and check one sample line (no leading blanks) of the wanted family `name`."""
        try:
            return _parse_line(line, name, line.find("{"))
        except _LineError as exc:
            raise self.error(offset, line, str(exc)) from None

    def error(self, offset: int, line: str, reason: str) -> MetricsParseError:
        """The error for the malformed `line` found at `offset`: names the source, line number and an excerpt."""
        lineno = self.text.count("\n", 0, offset) + 1  # counted only now: errors are rare, lines are many
        excerpt = line if len(line) <= _EXCERPT_CHARS else line[:_EXCERPT_CHARS] + "…"
        return MetricsParseError(
            f"{self.source}, line {lineno}: {reason} in {excerpt!r}; "
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


# --- screening what an exporter sent ------------------------------------------------------------------------

MAX_SAMPLE_VALUE = 1e18
"""Largest value accepted from Kepler: no power in watts or energy counter in joules comes near it (a 10 kW node
needs three billion years to count 1e18 J), and sums of any number of values below it stay far from the float
limit (1.8e308), so a total can never overflow to infinity."""


@dataclass(frozen=True, slots=True)
class Screened:
    """What :func:`screen` kept, and how many samples it refused, by reason."""

    items: list[Run | Sample]
    duplicates: int = 0
    negative: int = 0
    too_large: int = 0

    def warnings(self, source: str) -> list[str]:
        """One sentence per kind of refused sample, naming ``source``."""
        found: list[str] = []
        if self.duplicates:
            found.append(
                f"{source}: {self.duplicates} series appeared more than once in one scrape (the same name and "
                "labels); each was counted once, with its first value"
            )
        refused = [
            (self.negative, "negative"),
            (self.too_large, f"larger than {MAX_SAMPLE_VALUE:g}, which no power or energy reading can be"),
        ]
        for count, why in refused:
            if count:
                found.append(f"{source}: {count} samples were {why}; those series were left out of the answer")
        return found


def screen(items: Sequence[Run | Sample]) -> Screened:
    """Drop the samples no Kepler reading can be: repeats of a series, negative or absurdly large values.

    Every Kepler family is a non-negative power, energy, ratio or info gauge, so a negative value or a finite
    value above :data:`MAX_SAMPLE_VALUE` is a broken exporter, not a reading. A series (name and label set)
    that appears twice would be summed twice downstream (Prometheus itself refuses such a scrape); its first
    occurrence is kept. NaN and ±Inf pass: Kepler exports NaN for a zone it could not read, and the readings
    skip non-finite values with their own warning. Runs stay runs (a run with nothing to drop is passed on as
    it is, the common case, checked with set and comparison builtins over whole columns).
    """
    per_name = Counter(item.name for item in items)
    seen: dict[str, set[frozenset[tuple[str, str]]]] = {}
    kept: list[Run | Sample] = []
    duplicates = negative = too_large = 0
    for item in items:
        if isinstance(item, Run):
            values = item.values
            unique = len(set(zip(*item.columns, strict=True))) == len(values)
            if per_name[item.name] == 1 and unique and _plausible(values):
                kept.append(item)  # the common case, decided by C-level builtins over whole columns
                continue
            names = seen.setdefault(item.name, set())
            keep: list[bool] = []
            rows = zip(*item.columns, strict=True)
            for row, value in zip(rows, values, strict=True):
                ok = _acceptable(value)
                key = frozenset(zip(item.keys, row, strict=True))
                if key in names:
                    duplicates += 1
                    keep.append(False)
                    continue
                names.add(key)
                if not ok:
                    negative, too_large = (negative + 1, too_large) if value < 0 else (negative, too_large + 1)
                keep.append(ok)
            if any(keep):
                columns = tuple(list(compress(column, keep)) for column in item.columns)
                kept.append(Run(item.name, item.keys, columns, list(compress(values, keep))))
            continue
        key = frozenset(item.labels.items())
        names = seen.setdefault(item.name, set())
        if key in names:
            duplicates += 1
            continue
        names.add(key)
        if not _acceptable(item.value):
            negative, too_large = (negative + 1, too_large) if item.value < 0 else (negative, too_large + 1)
            continue
        kept.append(item)
    return Screened(kept, duplicates, negative, too_large)


def _acceptable(value: float) -> bool:
    """Not negative and not absurdly large; NaN and ±Inf pass (the readings skip them, with a warning)."""
    return not (-_INF < value < 0.0 or MAX_SAMPLE_VALUE < value < _INF)


def _plausible(values: list[float]) -> bool:
    """Whether every value is finite, non-negative and at most :data:`MAX_SAMPLE_VALUE` (then none is dropped).

    NaN makes the sum NaN (unequal to itself) and ±Inf makes it infinite; with no NaN, min and max are exact. A
    run with NaN or ±Inf takes the slow path, which keeps those values.
    """
    if not values:
        return True
    total = sum(values)
    return total == total and abs(total) != _INF and min(values) >= 0.0 and max(values) <= MAX_SAMPLE_VALUE


_INF: Final = float("inf")
