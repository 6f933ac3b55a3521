"""The real Kepler captures under tests/fixtures/real/ (provenance in their first line and in SOURCES.md there),
and an exporter that replays them on a fake clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import httpx2

from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.parser import Sample, parse_exposition
from tests.conftest import FIXTURES

REAL = FIXTURES / "real"
KIND = sorted(REAL.glob("kepler-0.7.1-era_*_scrape*_t*.prom"), key=lambda p: p.name)
"""Seven consecutive scrapes of a 2-socket Broadwell kind node, 15/15/21/15/18/3 s apart."""
HASWELL = sorted(REAL.glob("kepler-0.5.5-era_*.prom"))
"""Three scrapes 3 s apart of a Haswell kind node running coremark."""
FRAGMENTS = sorted(REAL.glob("*FRAGMENT*.prom"))
ALL = sorted(REAL.glob("*.prom"))


def stamp(path: Path) -> int:
    """The Prometheus sample time (Unix seconds) in the capture's file name."""
    match = re.search(r"_t(\d+)\.prom$", path.name)
    assert match is not None, path.name
    return int(match.group(1))


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def samples(path: Path) -> list[Sample]:
    """The families the server reads."""
    return parse_exposition(text(path), schema.ALL_FAMILIES, source=path.name)


class Replay:
    """An exporter that serves, at each moment of a fake clock, the latest capture taken by then.

    ``sleep`` advances the clock instead of waiting, so a source built on ``clock``/``wall_clock``/``sleep``
    sees the captures with their real spacing.
    """

    def __init__(self, captures: list[Path], start: float | None = None) -> None:
        self.captures = [(stamp(path), text(path)) for path in captures]
        self.now = float(self.captures[0][0] if start is None else start)
        self.served: list[int] = []

    def clock(self) -> float:
        return self.now

    def wall_clock(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC)

    async def sleep(self, seconds: float) -> None:
        self.now += seconds

    def transport(self) -> httpx2.MockTransport:
        def answer(request: httpx2.Request) -> httpx2.Response:
            taken, body = [c for c in self.captures if c[0] <= self.now][-1]
            self.served.append(taken)
            return httpx2.Response(200, text=body)

        return httpx2.MockTransport(answer)
