"""The built-in demo cluster as a metrics source.

It reads the demo cluster exactly like any Kepler endpoint, through :class:`KeplerSource` and its HTTP client,
but the requests go to an in-process transport that renders the cluster at the clock's time: no thread, no
port, nothing listening. (``demo-cluster`` serves the same text over real HTTP.) The only thing it knows beyond
what Kepler exports is each demo node's (illustrative) facility PUE, which a real cluster's operator supplies
through settings.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from typing import Final

import httpx2

from carbon_kepler_mcp.demo import METRICS_CONTENT_TYPE, DemoCluster, default_cluster
from carbon_kepler_mcp.kepler.parser import Sample
from carbon_kepler_mcp.sources.base import FacilityInfo, Snapshot
from carbon_kepler_mcp.sources.kepler import KeplerSource

DEMO_UPTIME_SECONDS = 6 * 3600.0
"""The demo exporter pretends to have booted this long ago, so its counters hold hours of energy."""

DEMO_URL: Final = "http://demo-cluster.invalid/metrics"
"""Where the in-process demo answers (``.invalid`` never resolves: no request can leave the process)."""


def demo_facilities(cluster: DemoCluster) -> dict[str, FacilityInfo]:
    """The demo nodes' facility PUEs."""
    return {
        node.name: FacilityInfo(
            pue=node.pue,
            facility=node.facility,
            note="illustrative facility PUE of the demo cluster, not a measurement",
            server_type=node.server_type or None,
        )
        for node in cluster.nodes
    }


class DemoSource:
    """A :class:`KeplerSource` pointed at an in-process demo exporter."""

    def __init__(self, *, cache_ttl_seconds: float = 60.0, clock: Callable[[], float] = time.time) -> None:
        self.cluster = default_cluster(epoch=clock() - DEMO_UPTIME_SECONDS)
        cluster = self.cluster

        def answer(request: httpx2.Request) -> httpx2.Response:
            if request.url.path != "/metrics":
                return httpx2.Response(404, text="404 not found: try /metrics\n")
            return httpx2.Response(
                200, content=cluster.render(clock()).encode(), headers={"content-type": METRICS_CONTENT_TYPE}
            )

        self._inner = KeplerSource(
            [DEMO_URL],
            cache_ttl_seconds=cache_ttl_seconds,
            is_demo=True,
            facilities=demo_facilities(self.cluster),
            transport=httpx2.MockTransport(answer),
        )

    @property
    def kind(self) -> str:
        """Always ``demo``."""
        return "demo"

    @property
    def description(self) -> str:
        """What the answers come from."""
        return "built-in demo cluster (in process)"

    @property
    def url(self) -> str:
        """The /metrics URL the in-process demo answers."""
        return DEMO_URL

    async def scrape_families(self, names: Collection[str]) -> list[tuple[str, list[Sample]]]:
        """Samples of the named families from the demo exporter (see :meth:`KeplerSource.scrape_families`)."""
        return await self._inner.scrape_families(names)

    async def snapshot(self) -> Snapshot:
        """A scrape of the demo exporter (cached like any Kepler scrape)."""
        return await self._inner.snapshot()

    async def aclose(self) -> None:
        """Close the client."""
        await self._inner.aclose()
