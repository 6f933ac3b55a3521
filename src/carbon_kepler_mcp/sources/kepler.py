"""Scrape one or more Kepler ``/metrics`` endpoints directly over HTTP(S).

The source fetches every endpoint concurrently, parses only the families the server uses, and caches the
resulting :class:`Snapshot` for ``cache_ttl_seconds`` (concurrent callers share one scrape). A body larger
than ``max_bytes`` is refused while it streams in, so a runaway exporter cannot exhaust memory.

When some endpoints fail and others answer, the snapshot carries a warning naming each failed endpoint
(its node's pods are missing from the answer); when all fail, the first failure is raised.
"""

from __future__ import annotations

import gc
import logging
import ssl
import time
from collections.abc import Callable, Collection, Generator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import anyio
import httpx2

from carbon_kepler_mcp.errors import (
    CarbonKeplerError,
    ConfigError,
    EmptyScrapeError,
    SourceError,
    SourceTimeoutError,
    SourceTLSError,
    SourceUnavailableError,
)
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.parser import Run, Sample, parse_columns, parse_exposition
from carbon_kepler_mcp.kepler.readings import (
    EndpointReadings,
    PodReading,
    as_samples,
    current_readings,
    detect_generation,
    legacy_readings,
)
from carbon_kepler_mcp.sources._http import (
    RETRY_STATUSES,
    Transient,
    is_tls_error,
    read_capped,
    request_headers,
    retrying,
    root_message,
)
from carbon_kepler_mcp.sources.base import FacilityInfo, Snapshot

logger = logging.getLogger(__name__)

_ACCEPT = "text/plain;version=0.0.4;q=1.0, */*;q=0.1"


@dataclass(frozen=True, slots=True)
class _Scrape:
    samples: list[Sample | Run]
    monotonic: float


def build_ssl_context(*, ca_bundle: Path | None, insecure_skip_verify: bool) -> ssl.SSLContext | bool:
    """The ``verify`` argument for httpx2: a context for a CA bundle, False to skip, True for the OS store."""
    if insecure_skip_verify:
        return False
    if ca_bundle is None:
        return True
    try:
        return ssl.create_default_context(cafile=str(ca_bundle))
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            f"cannot load the CA bundle {str(ca_bundle)!r}: {exc}; set kepler_ca_bundle to a readable PEM file"
        ) from exc


def redact_url(url: str) -> str:
    """The URL without user:password, for messages and logs."""
    parsed = httpx2.URL(url)
    if parsed.userinfo:
        return str(parsed.copy_with(username=None, password=None))
    return url


class KeplerSource:
    """Direct scrape of Kepler exporters."""

    def __init__(
        self,
        endpoints: Sequence[str],
        *,
        timeout_seconds: float = 10.0,
        max_bytes: int = 64 * 1024 * 1024,
        cache_ttl_seconds: float = 60.0,
        legacy_rate_interval_seconds: float = 5.0,
        verify: ssl.SSLContext | bool = True,
        bearer_token: str | None = None,
        bearer_token_file: Path | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        is_demo: bool = False,
        facilities: Mapping[str, FacilityInfo] | None = None,
    ) -> None:
        if not endpoints:
            raise ConfigError("no Kepler endpoint given; set KEPLER_ENDPOINT (comma-separated /metrics URLs)")
        self._endpoints = tuple(dict.fromkeys(endpoints))  # the same URL twice would count its pods twice
        self._timeout = timeout_seconds
        self._max_bytes = max_bytes
        self._ttl = cache_ttl_seconds
        self._legacy_interval = legacy_rate_interval_seconds
        self._token = bearer_token
        self._token_file = bearer_token_file
        self._clock = clock
        self._wall_clock = wall_clock
        self._is_demo = is_demo
        self._facilities = dict(facilities or {})
        if not any(url.startswith("https://") for url in self._endpoints):
            verify = False  # no TLS at all: skip building an SSL context (about 20 ms per client)
        self._client = httpx2.AsyncClient(
            verify=verify,
            timeout=httpx2.Timeout(timeout_seconds),
            transport=transport,
            follow_redirects=False,
            trust_env=False,
        )
        self._lock = anyio.Lock()
        self._cached: Snapshot | None = None
        self._cached_at = 0.0
        self._last_legacy: dict[str, _Scrape] = {}

    @property
    def kind(self) -> str:
        """``demo`` for the built-in demo cluster, otherwise ``kepler``."""
        return "demo" if self._is_demo else "kepler"

    @property
    def description(self) -> str:
        """The endpoints scraped (credentials removed)."""
        return ", ".join(redact_url(url) for url in self._endpoints)

    @property
    def endpoints(self) -> tuple[str, ...]:
        """The endpoints scraped."""
        return self._endpoints

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self._client.aclose()

    async def snapshot(self) -> Snapshot:
        """The cached snapshot if younger than the TTL, else a fresh scrape of every endpoint."""
        async with self._lock:
            now = self._clock()
            if self._cached is not None and now - self._cached_at < self._ttl:
                return self._cached
            snapshot = await self._scrape_all()
            self._cached, self._cached_at = snapshot, self._clock()
            return snapshot

    async def scrape_families(self, names: Collection[str]) -> list[tuple[str, list[Sample]]]:
        """Samples of the named families from every endpoint that answers, uncached (detail on demand).

        Uses the same credentials, TLS settings, timeout and size cap as the snapshot scrape. Endpoints that
        fail are left out; when every endpoint fails, the first failure is raised.
        """
        wanted = frozenset(names)
        answered: dict[str, list[Sample]] = {}
        failures: list[SourceError] = []

        async def one(url: str) -> None:
            try:
                text = await self._fetch(url)
                with _gc_paused():
                    answered[url] = parse_exposition(text, wanted, source=redact_url(url))
            except SourceError as exc:
                failures.append(exc)

        async with anyio.create_task_group() as group:
            for url in self._endpoints:
                group.start_soon(one, url)
        if not answered and failures:
            raise failures[0]
        return [(redact_url(url), answered[url]) for url in self._endpoints if url in answered]

    def invalidate(self) -> None:
        """Drop the cached snapshot (the next call scrapes)."""
        self._cached = None

    # --- internals -----------------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return request_headers(_ACCEPT, self._token, self._token_file, token_file_name="bearer token file")

    async def _fetch(self, url: str) -> str:
        """The endpoint's text, asked again on connection errors, 429, 502 and 503 within the scrape timeout."""
        return await retrying(
            lambda left: self._fetch_once(url, left), budget_seconds=self._timeout, what=f"Kepler {redact_url(url)}"
        )

    async def _fetch_once(self, url: str, left: float) -> str:
        shown = redact_url(url)
        try:
            async with self._client.stream(
                "GET", url, headers=self._headers(), timeout=httpx2.Timeout(max(left, 0.001))
            ) as response:
                if response.status_code != 200:
                    hint = {
                        401: "the endpoint wants credentials: set kepler_bearer_token(_file)",
                        403: "the credentials were refused: check the token's RBAC",
                        404: "wrong path? Kepler serves /metrics",
                        429: "it is rate-limiting this server: try again later",
                        503: "it is not ready or overloaded",
                    }.get(response.status_code, "is this a Kepler exporter?")
                    error = SourceUnavailableError(
                        f"Kepler endpoint {shown} answered HTTP {response.status_code}; {hint}"
                    )
                    if response.status_code in RETRY_STATUSES:
                        raise Transient(error, response.headers.get("retry-after"))
                    raise error
                body = await read_capped(response, self._max_bytes, lambda: self._too_large(shown))
        except httpx2.TimeoutException as exc:
            raise SourceTimeoutError(
                f"Kepler endpoint {shown} did not answer within {self._timeout:g} s; is the exporter overloaded? "
                "Raise scrape_timeout_seconds if the node is busy"
            ) from exc
        except httpx2.ConnectError as exc:
            if is_tls_error(exc):
                raise SourceTLSError(
                    f"TLS handshake with {shown} failed ({root_message(exc)}); set kepler_ca_bundle to the CA that "
                    "signed the exporter's certificate (kepler_insecure_skip_verify=true only for lab clusters)"
                ) from exc
            raise Transient(
                SourceUnavailableError(
                    f"cannot connect to Kepler endpoint {shown} ({root_message(exc)}); is Kepler running and the "
                    "address right? In a cluster: kubectl -n kepler-system get pods,svc"
                )
            ) from exc
        except httpx2.HTTPError as exc:
            raise SourceUnavailableError(f"request to Kepler endpoint {shown} failed: {root_message(exc)}") from exc
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SourceUnavailableError(
                f"Kepler endpoint {shown} sent a body that is not UTF-8 text; is the URL the /metrics endpoint?"
            ) from exc

    def _too_large(self, shown: str) -> str:
        return (
            f"Kepler endpoint {shown} sent more than {self._max_bytes:,} bytes; raise scrape_max_bytes if that is "
            "expected, or check what the exporter is exporting"
        )

    async def _read_endpoint(self, url: str) -> tuple[list[Sample | Run], float]:
        text = await self._fetch(url)
        started = self._clock()
        with _gc_paused():
            items = parse_columns(text, schema.ALL_FAMILIES, source=redact_url(url))
        return items, started

    async def _endpoint_readings(self, url: str) -> EndpointReadings:
        shown = redact_url(url)
        samples, at = await self._read_endpoint(url)
        generation = detect_generation(samples)
        if generation is None:
            raise EmptyScrapeError(
                f"the scrape of {shown} holds no kepler_* power series; is this a Kepler exporter, and has it "
                "finished starting up (Kepler exports pod series once it has seen processes)?"
            )
        if generation == "current":
            with _gc_paused():
                return current_readings(samples, shown)
        previous = self._last_legacy.get(url)
        if previous is None or at - previous.monotonic > max(self._ttl, self._legacy_interval) * 4:
            # Kepler 0.7 has no watts gauges: take a second scrape to measure the counters' rate.
            logger.info("legacy Kepler at %s: waiting %.1f s for a second scrape", shown, self._legacy_interval)
            previous = _Scrape(samples, at)
            await anyio.sleep(self._legacy_interval)
            samples, at = await self._read_endpoint(url)
        self._last_legacy[url] = _Scrape(samples, at)
        return legacy_readings(as_samples(previous.samples), as_samples(samples), at - previous.monotonic, shown)

    async def _scrape_all(self) -> Snapshot:
        results: dict[str, EndpointReadings | CarbonKeplerError] = {}

        async def one(url: str) -> None:
            try:
                results[url] = await self._endpoint_readings(url)
            except CarbonKeplerError as exc:
                results[url] = exc

        async with anyio.create_task_group() as group:
            for url in self._endpoints:
                group.start_soon(one, url)

        readings = [r for url in self._endpoints if isinstance(r := results[url], EndpointReadings)]
        failures = [r for url in self._endpoints if isinstance(r := results[url], CarbonKeplerError)]
        if not readings:
            raise failures[0]
        if config_errors := [f for f in failures if not isinstance(f, SourceError)]:
            raise config_errors[0]
        warnings = [f"{failure} — pods on that endpoint's node are missing from this answer" for failure in failures]
        for reading in readings:
            warnings.extend(reading.warnings)
        pods, duplicates = _unique_pods(readings)
        if duplicates:
            warnings.append(
                f"{duplicates} pod series were reported by more than one endpoint (the same node scraped twice?); "
                "each was counted once"
            )
        generations = sorted({r.generation for r in readings})
        generation = generations[0] if len(generations) == 1 else "mixed"
        method = {
            "current": "Kepler watts gauges (state=running), zones package+dram",
            "legacy": "rate of Kepler 0.7 joule counters between two scrapes, zones package+dram, mode=dynamic",
        }.get(generation, "Kepler watts gauges (current exporters) and counter rates (legacy exporters)")
        return Snapshot(
            taken_at=self._wall_clock(),
            source_kind=self.kind,
            generation=generation,
            pods=pods,
            nodes=list({node.name: node for r in reversed(readings) for node in r.nodes}.values()),  # once each
            endpoints=[r.endpoint for r in readings],
            power_method=method,
            is_demo=self._is_demo,
            warnings=warnings,
            kepler_versions=sorted({r.kepler_version for r in readings if r.kepler_version}),
            facilities=self._facilities,
        )


def _unique_pods(readings: Sequence[EndpointReadings]) -> tuple[list[PodReading], int]:
    """Every pod series once, even when two endpoints (say a Service VIP and a pod IP) scrape one node."""
    seen: set[tuple[str, str, str, str, str]] = set()
    pods: list[PodReading] = []
    for reading in readings:
        for pod in reading.pods:
            key = (pod.namespace, pod.name, pod.uid, pod.node, pod.state)
            if key not in seen:
                seen.add(key)
                pods.append(pod)
    return pods, sum(len(r.pods) for r in readings) - len(pods)


@contextmanager
def _gc_paused() -> Generator[None]:
    """Pause the cyclic garbage collector while building tens of thousands of acyclic objects.

    Parsing a 40,000-sample scrape allocates ~30,000 dicts and tuples; each allocation burst triggers full
    collections that find nothing (the objects hold no reference cycles) and cost a quarter of the parse.
    Reference counting still frees everything; the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
