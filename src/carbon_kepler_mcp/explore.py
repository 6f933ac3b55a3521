"""Exploring power: hotspots, top consumers, summaries, resource detail, search and migration.

:class:`PowerExplorer` is a use-case layer beside :class:`~carbon_kepler_mcp.service.CarbonService`, built on
its public helpers (``figures_for``, ``evaluate``, ``grid``, ``region``, ``standard``, ...) so every figure is
computed with the same formulas and carries the same provenance as the five core tools. Adapters (MCP tools,
CLI) stay thin.

Units of analysis: a *consumer* is a workload (pods grouped by Kubernetes naming rules) or, with
``level="pod"``, a pod. Power is the IT power of running pods (Kepler package + dram); emissions are IT kW ×
PUE × grid intensity; monthly figures are × 730 h. The efficiency measure and the unattributed share are
defined in docs/methodology.md ("Exploring power").

The use cases live in :mod:`carbon_kepler_mcp.exploring`, one module each; the methods here delegate to them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from datetime import datetime

from carbon_kepler_mcp.detail import DetailScrape, scrape_detail
from carbon_kepler_mcp.errors import InsufficientDataError
from carbon_kepler_mcp.explore_models import (
    HotspotsResult,
    Level,
    MigrationResult,
    NodePowerShare,
    PowerSummaryResult,
    ResourceKind,
    ResourcePowerResult,
    SearchKind,
    SearchResult,
    SortBy,
    TopConsumersResult,
)
from carbon_kepler_mcp.exploring import consumers, hotspots, migration, resource, search, summary
from carbon_kepler_mcp.exploring.common import MAX_LIMIT, MAX_POWER_WATTS, NodeFigures
from carbon_kepler_mcp.exploring.common import MAX_MIGRATION_LIMIT as MAX_MIGRATION_LIMIT
from carbon_kepler_mcp.i18n import Language
from carbon_kepler_mcp.models import Status
from carbon_kepler_mcp.reference import Region
from carbon_kepler_mcp.service import CarbonService
from carbon_kepler_mcp.sources.base import Snapshot

__all__ = ["MAX_LIMIT", "MAX_POWER_WATTS", "DetailFetcher", "PowerExplorer"]

DetailFetcher = Callable[[object, Collection[str], Collection[str] | None], Awaitable[DetailScrape]]
"""``(source, families, endpoints shown or None for all) -> DetailScrape``."""


async def _default_fetch(source: object, families: Collection[str], endpoints: Collection[str] | None) -> DetailScrape:
    return await scrape_detail(source, families, endpoints=endpoints)


class PowerExplorer:
    """The exploring use cases over a :class:`CarbonService`."""

    def __init__(
        self,
        service: CarbonService,
        *,
        clock: Callable[[], datetime] | None = None,
        detail_fetcher: DetailFetcher = _default_fetch,
    ) -> None:
        self.service = service
        self.clock = clock or service.now  # one clock for every use case of a server
        self._fetch = detail_fetcher

    # --- top consumers -----------------------------------------------------------------------------------

    async def top_consumers(
        self,
        namespace: str | None = None,
        limit: int = 10,
        sort_by: SortBy = "power",
        *,
        level: Level = "workload",
        standard: str | None = None,
        region: str | None = None,
        cursor: str | None = None,
        language: Language = "en",
    ) -> TopConsumersResult:
        """Consumers ranked by power (highest first), emissions (highest first) or efficiency (least first)."""
        return await consumers.top_consumers(
            self,
            namespace,
            limit,
            sort_by,
            level=level,
            standard=standard,
            region=region,
            cursor=cursor,
            language=language,
        )

    @staticmethod
    def efficiency_method(language: Language) -> str:
        """The efficiency measure in one sentence."""
        return consumers.efficiency_method(language)

    # --- hotspots ----------------------------------------------------------------------------------------

    async def hotspots(
        self,
        namespace: str | None = None,
        power_threshold_watts: float = 1.0,
        include_compliance_check: bool = True,
        *,
        level: Level = "workload",
        standard: str | None = None,
        region: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
        language: Language = "en",
    ) -> HotspotsResult:
        """Consumers at or above the power threshold (or failing a compliance check), highest power first."""
        return await hotspots.hotspots(
            self,
            namespace,
            power_threshold_watts,
            include_compliance_check,
            level=level,
            standard=standard,
            region=region,
            limit=limit,
            cursor=cursor,
            language=language,
        )

    # --- summary -----------------------------------------------------------------------------------------

    def node_share(self, snapshot: Snapshot, reg: Region, node: NodeFigures, scope_power: float) -> NodePowerShare:
        """A node's power split into what pods account for and what they leave out."""
        return summary.node_share(self, snapshot, reg, node, scope_power)

    @staticmethod
    def unattributed_explanation(language: Language) -> str:
        """What the power Kepler attributes to no pod is made of."""
        return summary.unattributed_explanation(language)

    async def summary(
        self,
        namespace: str | None = None,
        *,
        standard: str | None = None,
        region: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
        language: Language = "en",
    ) -> PowerSummaryResult:
        """Totals, averages, compliance rate, top 3, node count and the unattributed node power."""
        return await summary.summary(
            self, namespace, standard=standard, region=region, limit=limit, cursor=cursor, language=language
        )

    # --- resource detail ---------------------------------------------------------------------------------

    async def fetch_detail(
        self, snapshot: Snapshot, families: Collection[str], endpoints: Collection[str] | None
    ) -> DetailScrape:
        if snapshot.generation == "legacy":
            raise InsufficientDataError(
                "container and process detail needs Kepler 0.10 or later (zone-labelled container and process "
                "series); this source runs Kepler 0.7: ask for kind=pod or kind=node instead"
            )
        return await self._fetch(self.service.source, families, endpoints)

    async def resource_power(
        self,
        kind: ResourceKind,
        name: str,
        namespace: str | None = None,
        *,
        region: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
        language: Language = "en",
    ) -> ResourcePowerResult:
        """A node's, pod's, container's or process's power and energy by zone, parents and children."""
        return await resource.resource_power(
            self, kind, name, namespace, region=region, limit=limit, cursor=cursor, language=language
        )

    # --- search ------------------------------------------------------------------------------------------

    async def search(
        self,
        kind: SearchKind = "workload",
        namespace: str | None = None,
        name_pattern: str | None = None,
        min_power_watts: float | None = None,
        max_power_watts: float | None = None,
        status: Status | None = None,
        *,
        standard: str | None = None,
        region: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
        language: Language = "en",
    ) -> SearchResult:
        """Workloads, pods or containers matching every filter, highest power first."""
        return await search.search(
            self,
            kind,
            namespace,
            name_pattern,
            min_power_watts,
            max_power_watts,
            status,
            standard=standard,
            region=region,
            limit=limit,
            cursor=cursor,
            language=language,
        )

    # --- migration ---------------------------------------------------------------------------------------

    async def migration(
        self,
        workload_name: str,
        namespace: str = "default",
        *,
        current_region: str | None = None,
        candidate_regions: Sequence[str] | None = None,
        limit: int = 10,
        cursor: str | None = None,
        language: Language = "en",
    ) -> MigrationResult:
        """Regions ranked by the emissions a move would save, with data-residency and latency caveats."""
        return await migration.migration(
            self,
            workload_name,
            namespace,
            current_region=current_region,
            candidate_regions=candidate_regions,
            limit=limit,
            cursor=cursor,
            language=language,
        )
