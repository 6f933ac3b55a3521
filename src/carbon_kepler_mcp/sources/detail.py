"""Container, process and node-zone series, scraped on demand (read by :mod:`carbon_kepler_mcp.kepler.readings`).

The snapshot (:class:`~carbon_kepler_mcp.sources.base.Snapshot`) parses only the pod and node families: a
busy node exports tens of thousands of per-process lines, and most questions never need them. The exploring
tools ask for container or process detail only when a question needs it, and then read just those families
from the endpoints that matter.

How a source is read, in order of preference:

1. a source with a public ``scrape_families(names)`` method (see :class:`FamilyScraper`) does it itself, with
   its own credentials, TLS settings and size cap;
2. otherwise the source's public endpoint list (``KeplerSource.endpoints``, ``DemoSource.url``) is fetched
   here, plain HTTP(S) with the OS trust store, no credentials, the same 10 s timeout and 64 MiB cap as the
   default scrape settings. An endpoint that needs a bearer token or a private CA answers 401/403 or fails
   TLS, and the error says which setting the on-demand scrape could not reuse.

Readings follow the same Kepler semantics as pods (:mod:`carbon_kepler_mcp.kepler.readings`): IT power is
``package + dram`` (never all zones added), only ``state="running"`` series draw power, NaN counts as absent.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import anyio
import anyio.to_thread
import httpx2

from carbon_kepler_mcp.errors import (
    CarbonKeplerError,
    InsufficientDataError,
    ResponseTooLargeError,
    SourceTimeoutError,
    SourceTLSError,
    SourceUnavailableError,
)
from carbon_kepler_mcp.kepler.parser import Sample, parse_exposition
from carbon_kepler_mcp.sources.kepler import redact_url

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT_SECONDS",
    "DetailScrape",
    "FamilyScraper",
    "scrape_detail",
]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 10.0
"""Per-endpoint timeout of an on-demand scrape (the default ``scrape_timeout_seconds``)."""

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Largest body an on-demand scrape accepts (the default ``scrape_max_bytes``)."""

_ACCEPT = "text/plain;version=0.0.4;q=1.0, */*;q=0.1"


@runtime_checkable
class FamilyScraper(Protocol):
    """A source that can scrape chosen families itself (with its own credentials and limits)."""

    async def scrape_families(self, names: Collection[str]) -> Sequence[tuple[str, Sequence[Sample]]]:
        """``(endpoint shown without credentials, samples of the named families)`` per endpoint answered."""
        ...


@runtime_checkable
class _HasEndpoints(Protocol):
    @property
    def endpoints(self) -> tuple[str, ...]: ...


@runtime_checkable
class _HasUrl(Protocol):
    @property
    def url(self) -> str: ...


@dataclass(frozen=True, slots=True)
class DetailScrape:
    """Samples of the requested families, per endpoint (shown without credentials)."""

    samples: Mapping[str, Sequence[Sample]]
    warnings: tuple[str, ...]


def _urls(source: object) -> list[str]:
    if isinstance(source, _HasEndpoints):
        return list(source.endpoints)
    if isinstance(source, _HasUrl):
        return [source.url]
    kind = getattr(source, "kind", type(source).__name__)
    raise InsufficientDataError(
        f"the metrics source ({kind}) cannot be asked for Kepler container or process series; "
        "container and process detail needs direct Kepler endpoints (KEPLER_ENDPOINT) or the demo cluster"
    )


async def _fetch(client: httpx2.AsyncClient, url: str, max_bytes: int, timeout: float) -> str:
    shown = redact_url(url)
    try:
        async with client.stream("GET", url, headers={"Accept": _ACCEPT, "User-Agent": "carbon-kepler-mcp"}) as resp:
            if resp.status_code != 200:
                hint = (
                    "the on-demand detail scrape sends no bearer token; detail needs an endpoint readable without one"
                    if resp.status_code in (401, 403)
                    else "is this a Kepler exporter?"
                )
                raise SourceUnavailableError(
                    f"Kepler endpoint {shown} answered HTTP {resp.status_code} to the detail scrape; {hint}"
                )
            chunks: list[bytes] = []
            size = 0
            async for chunk in resp.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise ResponseTooLargeError(
                        f"Kepler endpoint {shown} sent more than {max_bytes:,} bytes to the detail scrape"
                    )
                chunks.append(chunk)
    except httpx2.TimeoutException as exc:
        raise SourceTimeoutError(
            f"Kepler endpoint {shown} did not answer the detail scrape within {timeout:g} s"
        ) from exc
    except httpx2.ConnectError as exc:
        if "SSL" in str(exc).upper() or "CERTIFICATE" in str(exc).upper():
            raise SourceTLSError(
                f"TLS handshake with {shown} failed for the detail scrape, which uses the OS trust store only"
            ) from exc
        raise SourceUnavailableError(f"cannot connect to Kepler endpoint {shown} for the detail scrape") from exc
    except httpx2.HTTPError as exc:
        raise SourceUnavailableError(f"detail scrape of Kepler endpoint {shown} failed: {exc}") from exc
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceUnavailableError(f"Kepler endpoint {shown} sent a body that is not UTF-8 text") from exc


async def scrape_detail(
    source: object,
    families: Collection[str],
    *,
    endpoints: Collection[str] | None = None,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    transport: httpx2.AsyncBaseTransport | None = None,
) -> DetailScrape:
    """Scrape only ``families`` from the source's endpoints (those shown in ``endpoints``, when given).

    Endpoints are scraped concurrently. When some fail and others answer, the failures become warnings;
    when all fail, the first failure is raised.

    Raises:
        InsufficientDataError: the source has no Kepler endpoints to scrape.
        SourceError: every endpoint failed.
    """
    wanted = frozenset(families)
    if isinstance(source, FamilyScraper):
        answered = await source.scrape_families(wanted)
        chosen = {shown: list(samples) for shown, samples in answered if endpoints is None or shown in endpoints}
        asked = [redact_url(url) for url in _urls(source)] if isinstance(source, _HasEndpoints | _HasUrl) else []
        missing = [shown for shown in asked if shown not in chosen and (endpoints is None or shown in endpoints)]
        return DetailScrape(
            chosen, tuple(f"{shown} did not answer — detail from that endpoint is missing" for shown in missing)
        )
    urls = _urls(source)
    if endpoints is not None:
        urls = [url for url in urls if redact_url(url) in endpoints]
    if not urls:
        return DetailScrape({}, ())
    results: dict[str, list[Sample] | CarbonKeplerError] = {}

    async with httpx2.AsyncClient(
        timeout=httpx2.Timeout(timeout_seconds), follow_redirects=False, trust_env=False, transport=transport
    ) as client:

        async def one(url: str) -> None:
            shown = redact_url(url)
            try:
                text = await _fetch(client, url, max_bytes, timeout_seconds)
                parse = functools.partial(parse_exposition, text, wanted, source=shown)
                results[shown] = await anyio.to_thread.run_sync(parse)
            except CarbonKeplerError as exc:
                results[shown] = exc

        async with anyio.create_task_group() as group:
            for url in urls:
                group.start_soon(one, url)

    samples = {shown: r for shown, r in results.items() if not isinstance(r, CarbonKeplerError)}
    failures = [r for r in results.values() if isinstance(r, CarbonKeplerError)]
    if not samples and failures:
        raise failures[0]
    warnings = tuple(f"{failure} — detail from that endpoint is missing" for failure in failures)
    for warning in warnings:
        logger.info("detail scrape: %s", warning)
    return DetailScrape(samples, warnings)
