"""The server's own Prometheus metrics, served at ``/metrics``.

Each app has its own registry, so tests and several apps in one process never collide. What is measured:

- tool calls, errors (by problem kind) and latency, per tool and transport (``rest`` or ``mcp``);
- HTTP requests and latency per route template and status;
- the metrics source: fresh fetches (scrapes or queries) with their duration and failures, and cache hits;
- authentication failures, build info, and the process collector (CPU, memory, file descriptors);
- the reference data Prometheus needs to turn Kepler's energy into carbon (:class:`ReferenceCollector`): grid
  intensity per region, the PUE per node as configured, the standards' limits, and the server's region and PUE
  standard. ``deploy/prometheus/carbon-kepler-rules.yaml`` joins them with Kepler's counters.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Collection, Iterator
from typing import Any, cast

from mcp.server.context import CallNext, HandlerResult, ServerMiddleware, ServerRequestContext
from mcp.types import CallToolResult
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from carbon_kepler_mcp._version import __version__
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.errors import SourceError
from carbon_kepler_mcp.sources.base import MetricsSource, Snapshot

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
"""Seconds. Warm tool calls take well under a millisecond to a few; a cold scrape of a big node ~0.25 s."""

FETCH_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
"""Seconds. A fresh scrape of one Kepler endpoint; the default timeout is 10 s."""


HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""Methods kept as label values; anything else a client invents is counted as ``other``."""


class Metrics:
    """The collectors of one app, in their own registry."""

    def __init__(self, tools: Collection[str] = (), *, tool_prefix: str = "") -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.known_tools = frozenset(tools)
        self.tool_prefix = tool_prefix
        r = self.registry
        self.tool_calls = Counter(
            "carbon_kepler_tool_calls", "Tool calls, by tool and transport", ["tool", "transport"], registry=r
        )
        self.tool_errors = Counter(
            "carbon_kepler_tool_errors",
            "Tool calls that ended in an error, by tool, transport and kind of error",
            ["tool", "transport", "error"],
            registry=r,
        )
        self.tool_duration = Histogram(
            "carbon_kepler_tool_duration_seconds",
            "Time to answer a tool call, by tool and transport",
            ["tool", "transport"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.http_requests = Counter(
            "carbon_kepler_http_requests",
            "HTTP requests, by method, route and status",
            ["method", "route", "status"],
            registry=r,
        )
        self.http_duration = Histogram(
            "carbon_kepler_http_request_duration_seconds",
            "Time to answer an HTTP request (for /mcp streams: until the stream ends), by method and route",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.source_fetch_duration = Histogram(
            "carbon_kepler_source_fetch_duration_seconds",
            "Time to fetch fresh data from the metrics source (a scrape or a query), failures included",
            ["source", "operation"],
            buckets=FETCH_BUCKETS,
            registry=r,
        )
        self.source_failures = Counter(
            "carbon_kepler_source_failures",
            "Failed fetches from the metrics source, by operation and error",
            ["source", "operation", "error"],
            registry=r,
        )
        self.source_cache_hits = Counter(
            "carbon_kepler_source_cache_hits",
            "Snapshots served from the cache, without a fetch",
            ["source"],
            registry=r,
        )
        self.source_cache_misses = Counter(
            "carbon_kepler_source_cache_misses", "Snapshots that needed a fresh fetch", ["source"], registry=r
        )
        self.auth_failures = Counter(
            "carbon_kepler_http_auth_failures", "Requests refused for a missing or wrong token", ["reason"], registry=r
        )
        Gauge("carbon_kepler_build_info", "Version of the server (value is 1)", ["version"], registry=r).labels(
            version=__version__
        ).set(1)
        ProcessCollector(registry=r)

    def add_reference(self, ctx: AppContext) -> None:
        """Export ``ctx``'s reference data (grid intensity, PUE, limits) as gauges read at each scrape."""
        self.registry.register(ReferenceCollector(ctx))

    def tool_label(self, name: object) -> str:
        """A tool name safe as a label value (unknown names collapse, so labels stay bounded).

        An MCP name carries the configured prefix (``prod_assess_workload_compliance``); the label is the tool's
        own name, the same over REST and MCP and across instances.
        """
        if isinstance(name, str) and self.tool_prefix and name.startswith(self.tool_prefix):
            name = name.removeprefix(self.tool_prefix)
        return name if isinstance(name, str) and name in self.known_tools else "unknown"


class ReferenceCollector(Collector):
    """The reference data as gauges, read from the context at every scrape (so a reload shows at once).

    Labels are short and bounded: one series per region and factor, per configured node, per standard with a
    limit. ``provenance`` is ``shipped`` (the cited figure in the package's data) or ``operator_override``;
    ``pue_source`` is the server's own word for where a PUE comes from (``operator_node_setting``,
    ``operator_setting``, ``region_default``: a built-in default, marked as such on every figure it touches).
    """

    def __init__(self, ctx: AppContext) -> None:
        self._ctx = ctx

    def describe(self) -> Iterator[Metric]:
        """No description: the values are read at collection time (the registry then skips a dry run)."""
        return iter(())

    def collect(self) -> Iterator[Metric]:
        """One family per kind of reference figure."""
        ctx = self._ctx
        intensity = GaugeMetricFamily(
            "carbon_kepler_grid_intensity_g_per_kwh",
            "Grid carbon intensity per region: the annual factor used for compliance figures and the one for comparisons",
            labels=["region", "zone", "factor", "year", "provenance"],
        )
        for region in ctx.reference.regions.values():
            grid = ctx.grid(region)
            overridden = grid.provenance is not region.compliance_intensity
            for factor, figure, provenance in (
                ("compliance", grid.provenance, "operator_override" if overridden else "shipped"),
                ("comparison", region.comparison_intensity, "shipped"),
            ):
                year = "" if figure.year is None else str(figure.year)
                intensity.add_metric([region.code, region.em_zone, factor, year, provenance], figure.value)
        yield intensity

        default_region = ctx.region(None)
        info = GaugeMetricFamily(
            "carbon_kepler_cluster_info",
            "The server's region (CARBON_KEPLER_DEFAULT_REGION) and PUE standard; the rules use this region's grid factor",
            labels=["region", "pue_standard"],
        )
        info.add_metric([default_region.code, ctx.config.pue_standard], 1.0)
        yield info

        default_pue = GaugeMetricFamily(
            "carbon_kepler_default_pue_ratio",
            "PUE of nodes without a per-node setting: CARBON_KEPLER_PUE, else the region's cited default",
            labels=["pue_source"],
        )
        if ctx.config.pue is not None:
            default_pue.add_metric(["operator_setting"], ctx.config.pue)
        else:
            default_pue.add_metric(["region_default"], default_region.default_pue.value)
        yield default_pue

        node_pue = GaugeMetricFamily(
            "carbon_kepler_node_pue_ratio",
            "PUE per node as configured (CARBON_KEPLER_NODE_PUE)",
            labels=["node_name", "pue_source"],
        )
        for node, pue in sorted(ctx.config.node_pue.items()):
            node_pue.add_metric([node, "operator_node_setting"], pue)
        yield node_pue

        limits = GaugeMetricFamily(
            "carbon_kepler_standard_limit",
            "Limit of each standard that has one (operator overrides applied), in the standard's unit",
            labels=["standard", "metric", "unit"],
        )
        standards = [ctx.standard(code) for code in sorted(ctx.reference.standards)]
        if ctx.config.korea_pue_target_override is not None:
            standards.append(ctx.pue_standard())  # the operator's own PUE target (KOREA_PUE_TARGET)
        for standard in standards:
            if standard.limit is not None and standard.metric is not None:
                limits.add_metric([standard.code, standard.metric, standard.limit.unit], standard.limit.value)
        yield limits


class InstrumentedSource:
    """A metrics source that reports fetches, failures and cache hits, and is otherwise the source itself.

    Build it with :func:`instrument_source`. ``snapshot()`` is measured (the same snapshot object as last time
    = a cache hit); the optional windowed calls (``window_snapshot``, ``history``: Prometheus queries) are
    timed when the wrapped source has them.
    """

    def __init__(self, inner: MetricsSource, metrics: Metrics) -> None:
        self.inner = inner
        self._metrics = metrics
        self._last: Snapshot | None = None

    @property
    def kind(self) -> str:
        """The wrapped source's kind."""
        return self.inner.kind

    @property
    def description(self) -> str:
        """The wrapped source's description."""
        return self.inner.description

    async def snapshot(self) -> Snapshot:
        """The wrapped source's snapshot, measured."""
        kind = self.inner.kind
        start = time.perf_counter()
        try:
            snapshot = await self.inner.snapshot()
        except SourceError as exc:
            self.failed("snapshot", exc, time.perf_counter() - start)
            raise
        if snapshot is self._last:
            self._metrics.source_cache_hits.labels(source=kind).inc()
        else:
            self._metrics.source_cache_misses.labels(source=kind).inc()
            self.fetched("snapshot", time.perf_counter() - start)
            self._last = snapshot
        return snapshot

    async def aclose(self) -> None:
        """Close the wrapped source."""
        await self.inner.aclose()

    def fetched(self, operation: str, seconds: float) -> None:
        """Record a fresh fetch."""
        self._metrics.source_fetch_duration.labels(source=self.inner.kind, operation=operation).observe(seconds)

    def failed(self, operation: str, exc: SourceError, seconds: float) -> None:
        """Record a failed fetch."""
        self.fetched(operation, seconds)
        self._metrics.source_failures.labels(
            source=self.inner.kind, operation=operation, error=type(exc).__name__
        ).inc()


MEASURED_OPTIONAL = frozenset({"window_snapshot", "history"})
"""Optional source methods that query (Prometheus), timed like scrapes."""


def _forward(name: str) -> property:
    return property(lambda self: getattr(self.inner, name))


def _measured(name: str) -> property:
    def get(self: InstrumentedSource) -> Callable[..., Awaitable[Any]]:
        method = cast(Callable[..., Awaitable[Any]], getattr(self.inner, name))

        async def measured(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                result = await method(*args, **kwargs)
            except SourceError as exc:
                self.failed(name, exc, time.perf_counter() - start)
                raise
            self.fetched(name, time.perf_counter() - start)
            return result

        return measured

    return property(get)


def instrument_source(inner: MetricsSource, metrics: Metrics) -> InstrumentedSource:
    """Wrap ``inner`` so its fetches show on ``/metrics``, keeping every public attribute it has.

    The wrapper's class gets a forwarding property for each public attribute of ``inner`` (methods included),
    so capability checks against runtime protocols (which look attributes up statically since Python 3.12)
    see exactly what the wrapped source offers, and nothing more.
    """
    attrs: dict[str, Any] = {}
    for name in dir(inner):
        if name.startswith("_") or hasattr(InstrumentedSource, name):
            continue
        attrs[name] = _measured(name) if name in MEASURED_OPTIONAL else _forward(name)
    cls = type(f"Instrumented{type(inner).__name__}", (InstrumentedSource,), attrs)
    return cls(inner, metrics)


class ToolMetricsMiddleware(ServerMiddleware[Any]):
    """MCP middleware counting ``tools/call`` requests, their errors and latency (transport ``mcp``)."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if ctx.method != "tools/call":
            return await call_next(ctx)
        tool = self._metrics.tool_label(ctx.params.get("name") if ctx.params else None)
        self._metrics.tool_calls.labels(tool=tool, transport="mcp").inc()
        start = time.perf_counter()
        try:
            result = await call_next(ctx)
        except Exception:
            self._metrics.tool_errors.labels(tool=tool, transport="mcp", error="protocol-error").inc()
            raise
        finally:
            self._metrics.tool_duration.labels(tool=tool, transport="mcp").observe(time.perf_counter() - start)
        if (isinstance(result, CallToolResult) and result.is_error) or (
            isinstance(result, dict) and result.get("isError") is True
        ):
            self._metrics.tool_errors.labels(tool=tool, transport="mcp", error="tool-error").inc()
        return result


class HttpMetricsMiddleware:
    """ASGI middleware counting requests and timing them, labelled with the route template, not the path."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = _route_label(scope)
            method = str(scope["method"]) if scope["method"] in HTTP_METHODS else "other"
            self.metrics.http_requests.labels(method=method, route=route, status=str(status)).inc()
            self.metrics.http_duration.labels(method=method, route=route).observe(time.perf_counter() - start)


def _route_label(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    if scope["path"].startswith("/static/"):
        return "/static/{path}"
    if scope["path"].startswith("/docs-static/"):
        return "/docs-static/{path}"
    return "unmatched"
