"""An ordered fallback chain of intensity providers.

Each question goes to the providers in order; the first whose answer covers what was asked wins, and the answer
lists every provider skipped before it and why (:class:`FallbackStep`). Answers are never spliced: a gap in one
provider's data is never filled from another's, so one series always has one provider, one signal and one
basis. When no provider covers the question fully, the best partial answer is returned (the caller reports its
coverage); when none answers at all, :class:`ChainError` lists every failure.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from carbon_kepler_mcp.errors import ConfigError, IntensityProviderError
from carbon_kepler_mcp.sources.intensity.base import HOUR, FallbackStep, IntensityProvider, IntensitySeries

__all__ = ["PROVIDER_NAMES", "ChainError", "IntensityChain", "whole_hours"]

PROVIDER_NAMES = ("electricitymaps", "watttime", "casdk", "file")


class ChainError(IntensityProviderError):
    """No provider of the chain answered; ``steps`` says why for each."""

    def __init__(self, steps: Sequence[FallbackStep]) -> None:
        super().__init__(
            "no grid-intensity provider answered: " + "; ".join(f"{s.provider}: {s.message}" for s in steps),
            provider=",".join(s.provider for s in steps),
            reason="unavailable",
        )
        self.steps = tuple(steps)


def whole_hours(start: datetime, end: datetime) -> list[datetime]:
    """The UTC hours that start at or after ``start`` and end by ``end``."""
    first = start.replace(minute=0, second=0, microsecond=0)
    if first < start:
        first += HOUR
    hours: list[datetime] = []
    while first + HOUR <= end:
        hours.append(first)
        first += HOUR
    return hours


class IntensityChain:
    """Providers asked in order (one alone is a chain of one)."""

    def __init__(self, providers: Sequence[IntensityProvider]) -> None:
        if not providers:
            raise ConfigError("an intensity chain needs at least one provider")
        names = [p.name for p in providers]
        if len(set(names)) != len(names):
            raise ConfigError(f"intensity provider chain names a provider twice: {', '.join(names)}")
        self.providers = tuple(providers)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.providers)

    async def aclose(self) -> None:
        for provider in self.providers:
            await provider.aclose()

    async def _ask(
        self,
        zones: Mapping[str, str],
        call: Callable[[IntensityProvider, str], Awaitable[IntensitySeries]],
        missing: Callable[[IntensitySeries], int],
        what: str,
    ) -> IntensitySeries:
        steps: list[FallbackStep] = []
        partial: tuple[int, IntensitySeries] | None = None
        for provider in self.providers:
            zone = zones.get(provider.name)
            if not zone:
                steps.append(
                    FallbackStep(
                        provider.name,
                        "not_configured",
                        "no zone of this provider is mapped to the region (data file zones, or "
                        "CARBON_KEPLER_INTENSITY_ZONES)",
                    )
                )
                continue
            try:
                series = await call(provider, zone)
            except (IntensityProviderError, ConfigError) as exc:
                reason = exc.reason if isinstance(exc, IntensityProviderError) else "not_configured"
                steps.append(FallbackStep(provider.name, reason, str(exc)))
                continue
            if not series.points:
                steps.append(FallbackStep(provider.name, "no_data", f"no data for {what} in zone {zone}"))
                continue
            lacking = missing(series)
            if lacking == 0:
                return replace(series, skipped=tuple(steps))
            steps.append(FallbackStep(provider.name, "partial", f"{lacking} hour(s) of {what} missing in zone {zone}"))
            if partial is None or lacking < partial[0]:
                partial = (lacking, replace(series, skipped=()))
        if partial is not None:
            best = partial[1]
            return replace(best, skipped=tuple(s for s in steps if s.provider != best.provider))
        raise ChainError(steps)

    async def latest(self, zones: Mapping[str, str]) -> IntensitySeries:
        """The newest value of the first provider that has one."""
        return await self._ask(zones, lambda p, z: p.latest(z), lambda s: 0, "the latest value")

    async def history(self, zones: Mapping[str, str], start: datetime, end: datetime) -> IntensitySeries:
        """Past values of ``[start, end)``; complete means every whole UTC hour in it is covered."""
        wanted = whole_hours(start, end)

        def missing(series: IntensitySeries) -> int:
            have = series.hourly()
            return sum(1 for hour in wanted if hour not in have)

        return await self._ask(zones, lambda p, z: p.history(z, start, end), missing, "the period")

    async def forecast(self, zones: Mapping[str, str], now: datetime, hours: int) -> IntensitySeries:
        """The forecast ahead; complete means it reaches ``hours`` past ``now`` without a gap."""
        horizon = now + timedelta(hours=hours)

        def missing(series: IntensitySeries) -> int:
            gaps = 0
            cursor = now
            for point in series.points:
                if point.end <= cursor:
                    continue
                if point.start > cursor:
                    gaps += 1
                cursor = max(cursor, point.end)
            short = max(0.0, (horizon - cursor).total_seconds())
            return gaps + int(-(-short // 3600))

        return await self._ask(zones, lambda p, z: p.forecast(z, hours), missing, "the forecast")
