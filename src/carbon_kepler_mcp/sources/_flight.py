"""A cache with one refresh in flight per key, stale answers while it runs, and failures remembered briefly.

Both network sources read through it, so that no lock is ever held across network I/O:

* a fresh value (younger than ``ttl_seconds``) is returned at once;
* while one caller refreshes a key, every other caller gets the previous value if there is one (it is at most
  the TTL plus one refresh deadline old), or waits for that one refresh and shares its result or its error;
* a refresh that failed is remembered for ``failure_ttl_seconds``: callers in that time get the same error at
  once instead of each asking the failing server again (a hung exporter would otherwise cost every one of them
  a full deadline, one after another).

It runs on one event loop; nothing here blocks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

import anyio

from carbon_kepler_mcp.errors import CarbonKeplerError

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class FlightCache(Generic[K, V]):
    """Values per key, refreshed by one caller at a time (see the module)."""

    def __init__(self, *, ttl_seconds: float, failure_ttl_seconds: float, clock: Callable[[], float]) -> None:
        self._ttl = ttl_seconds
        self._failure_ttl = failure_ttl_seconds
        self._clock = clock
        self._values: dict[K, tuple[V, float]] = {}
        self._failures: dict[K, tuple[CarbonKeplerError, float]] = {}
        self._flights: dict[K, anyio.Event] = {}

    def in_flight(self, key: K) -> bool:
        """Whether a refresh of ``key`` is running now."""
        return key in self._flights

    def clear(self) -> None:
        """Forget every value and failure (a refresh in flight still finishes and stores its value)."""
        self._values.clear()
        self._failures.clear()

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        """The value of ``key``: cached, stale while another caller refreshes it, or loaded by this caller.

        Raises:
            CarbonKeplerError: what ``load`` raised, for this caller or a remembered failure of another.
        """
        while True:
            now = self._clock()
            cached = self._values.get(key)
            if cached is not None and now - cached[1] < self._ttl:
                return cached[0]
            failed = self._failures.get(key)
            if failed is not None and now - failed[1] < self._failure_ttl:
                raise failed[0]
            flight = self._flights.get(key)
            if flight is None:
                break
            if cached is not None and self._ttl > 0:
                return cached[0]  # stale by less than one refresh: better than waiting for it
            await flight.wait()  # then look again: the value, the failure, or (if it was cancelled) our turn
        event = anyio.Event()
        self._flights[key] = event
        try:
            value = await load()
        except CarbonKeplerError as exc:
            if self._failure_ttl > 0:
                self._failures[key] = (exc, self._clock())
            raise
        else:
            now = self._clock()
            self._failures.pop(key, None)
            # Values of other keys are kept for two lifetimes, so they too can be served stale while refreshed.
            self._values = {k: v for k, v in self._values.items() if now - v[1] < 2 * self._ttl}
            self._values[key] = (value, now)
            return value
        finally:
            del self._flights[key]
            event.set()
