"""Find every Kepler pod through a headless Service's DNS records, and scrape each one.

A Service with a cluster IP in front of Kepler's DaemonSet answers from one random node per connection, so a
direct scrape through it is right only on a one-node cluster. A headless Service (``clusterIP: None``) has one
DNS record per pod instead: :class:`DiscoveredKeplerSource` resolves its name (at most once per
``refresh_seconds``), turns every address into that pod's ``/metrics`` URL and scrapes them all with a
:class:`~carbon_kepler_mcp.sources.kepler.KeplerSource`, rebuilt only when the set of pods changes.

No Kubernetes API call and so no RBAC: cluster DNS is enough. With ``publishNotReadyAddresses: true`` on the
Service (as deploy/k8s ships it), a Kepler pod that is not ready still has its record, its scrape fails, and
the answer names it among the failed endpoints (that node's pods are missing), instead of the node silently
dropping out. A node with no Kepler pod at all has no record: ``kubectl get daemonset`` shows it.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urlsplit, urlunsplit

import anyio

from carbon_kepler_mcp.errors import ConfigError, SourceUnavailableError
from carbon_kepler_mcp.sources.base import Snapshot
from carbon_kepler_mcp.sources.kepler import KeplerSource, redact_url

__all__ = ["DiscoveredKeplerSource", "Resolver", "endpoint_urls", "resolve_addresses"]

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""(host, port) → the addresses the name has now (empty when it has none)."""


async def resolve_addresses(host: str, port: int) -> Sequence[str]:
    """Every IPv4 and IPv6 address of ``host`` (a headless Service: one per ready pod)."""
    try:
        infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:  # socket.gaierror: no such name, or no record right now
        return ()
    return sorted({str(info[4][0]) for info in infos})


def endpoint_urls(service_url: str, addresses: Sequence[str]) -> tuple[str, ...]:
    """``service_url`` with its host replaced by each address (IPv6 in brackets), sorted, once each."""
    parts = urlsplit(service_url)
    userinfo = parts.netloc.rpartition("@")[0]
    prefix = f"{userinfo}@" if userinfo else ""
    urls: list[str] = []
    for address in sorted(set(addresses)):
        host = f"[{address}]" if ipaddress.ip_address(address).version == 6 else address
        netloc = f"{prefix}{host}:{parts.port}" if parts.port else f"{prefix}{host}"
        urls.append(urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")))
    return tuple(urls)


class DiscoveredKeplerSource:
    """Kepler pods found by DNS, each scraped; otherwise the direct Kepler source it builds."""

    def __init__(
        self,
        service_url: str,
        make_source: Callable[[Sequence[str]], KeplerSource],
        *,
        refresh_seconds: float = 60.0,
        resolve: Resolver = resolve_addresses,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        parts = urlsplit(service_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ConfigError(f"Kepler discovery URL {redact_url(service_url)!r} must be http(s)://NAME:PORT/metrics")
        self._url = service_url
        self._host = parts.hostname
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
        self._make = make_source
        self._refresh = refresh_seconds
        self._resolve = resolve
        self._clock = clock
        self._source: KeplerSource | None = None
        self._resolved_at: float | None = None
        self._lock = anyio.Lock()

    @property
    def kind(self) -> str:
        """Always ``kepler``: it is a direct scrape."""
        return "kepler"

    @property
    def description(self) -> str:
        """The Service name and the pods found behind it."""
        found = len(self._source.endpoints) if self._source is not None else 0
        return f"Kepler pods behind {redact_url(self._url)} ({found} found by DNS)"

    @property
    def endpoints(self) -> tuple[str, ...]:
        """The pods' endpoints found last (empty before the first snapshot)."""
        return self._source.endpoints if self._source is not None else ()

    async def _current(self) -> KeplerSource:
        async with self._lock:
            now = self._clock()
            if self._source is not None and self._resolved_at is not None and now - self._resolved_at < self._refresh:
                return self._source
            urls = endpoint_urls(self._url, await self._resolve(self._host, self._port))
            self._resolved_at = now
            if not urls:
                raise SourceUnavailableError(
                    f"the DNS name {self._host} has no address: no Kepler pod is behind that headless Service "
                    f"(check `kubectl get pods,endpointslices -n {_namespace_of(self._host)}`)"
                )
            if self._source is None or self._source.endpoints != urls:
                old, self._source = self._source, self._make(urls)
                if old is not None:
                    await old.aclose()
            return self._source

    async def snapshot(self) -> Snapshot:
        """One scrape of every Kepler pod the name has now."""
        return await (await self._current()).snapshot()

    async def aclose(self) -> None:
        """Close the scraping source."""
        if self._source is not None:
            await self._source.aclose()


def _namespace_of(host: str) -> str:
    """The namespace in a Service name ``svc.ns[.svc.cluster.local]`` (a guess for the error's hint)."""
    labels = host.split(".")
    return labels[1] if len(labels) > 1 else "<kepler namespace>"
