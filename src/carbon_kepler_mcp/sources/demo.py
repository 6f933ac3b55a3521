"""The built-in demo cluster as a metrics source.

It starts the demo exporter on a free loopback port and reads it exactly like any Kepler endpoint, over
HTTP, through :class:`KeplerSource`. The only thing it knows beyond what Kepler exports is each demo
node's (illustrative) facility PUE, which a real cluster's operator supplies through settings.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection

from carbon_kepler_mcp.demo import DemoCluster, DemoExporter, default_cluster
from carbon_kepler_mcp.kepler.parser import Sample
from carbon_kepler_mcp.sources.base import FacilityInfo, Snapshot
from carbon_kepler_mcp.sources.kepler import KeplerSource

DEMO_UPTIME_SECONDS = 6 * 3600.0
"""The demo exporter pretends to have booted this long ago, so its counters hold hours of energy."""


def demo_facilities(cluster: DemoCluster) -> dict[str, FacilityInfo]:
    """The demo nodes' facility PUEs."""
    return {
        node.name: FacilityInfo(
            pue=node.pue,
            facility=node.facility,
            note="illustrative facility PUE of the demo cluster, not a measurement",
        )
        for node in cluster.nodes
    }


class DemoSource:
    """A :class:`KeplerSource` pointed at an in-process demo exporter."""

    def __init__(self, *, cache_ttl_seconds: float = 60.0, clock: Callable[[], float] = time.time) -> None:
        self.cluster = default_cluster(epoch=clock() - DEMO_UPTIME_SECONDS)
        self._exporter = DemoExporter(self.cluster, host="127.0.0.1", port=0, clock=clock)
        self._exporter.start()
        self._inner = KeplerSource(
            [self._exporter.url],
            cache_ttl_seconds=cache_ttl_seconds,
            is_demo=True,
            facilities=demo_facilities(self.cluster),
        )

    @property
    def kind(self) -> str:
        """Always ``demo``."""
        return "demo"

    @property
    def description(self) -> str:
        """Where the demo exporter listens."""
        return f"built-in demo cluster ({self._exporter.url})"

    @property
    def url(self) -> str:
        """The demo exporter's /metrics URL."""
        return self._exporter.url

    async def scrape_families(self, names: Collection[str]) -> list[tuple[str, list[Sample]]]:
        """Samples of the named families from the demo exporter (see :meth:`KeplerSource.scrape_families`)."""
        return await self._inner.scrape_families(names)

    async def snapshot(self) -> Snapshot:
        """A scrape of the demo exporter (cached like any Kepler scrape)."""
        return await self._inner.snapshot()

    async def aclose(self) -> None:
        """Stop the exporter and close connections."""
        await self._inner.aclose()
        self._exporter.stop()
