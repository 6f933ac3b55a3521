"""Shared fixtures: the anyio backend, a demo-cluster service with a fixed clock, fixture files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.demo import DemoSource

FIXTURES = Path(__file__).parent / "fixtures"

# 2026-04-15 03:00 UTC = 12:00 KST on a spring day: midday, the cleanest part of the synthetic profile.
SPRING_NOON_KST = datetime(2026, 4, 15, 3, 0, tzinfo=UTC)
# 2026-04-14 11:00 UTC = 20:00 KST: evening, near the dirtiest part of the day.
SPRING_EVENING_KST = datetime(2026, 4, 14, 11, 0, tzinfo=UTC)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def fixture_text(name: str) -> str:
    """A fixture file's text."""
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture
async def demo_service() -> AsyncIterator[AppContext]:
    """The service over the built-in demo cluster, its clock fixed at a spring evening in Seoul."""
    service = AppContext(DemoSource(), load_reference_data(), AppConfig(), clock=lambda: SPRING_EVENING_KST)
    try:
        yield service
    finally:
        await service.aclose()
