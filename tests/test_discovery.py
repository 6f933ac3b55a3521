"""Per-node scraping without Prometheus: every Kepler pod found through a headless Service's DNS records."""

from __future__ import annotations

import socket
from collections.abc import Sequence

import anyio
import httpx2
import pytest

from carbon_kepler_mcp.bootstrap import build_source
from carbon_kepler_mcp.errors import ConfigError, SourceUnavailableError
from carbon_kepler_mcp.settings import Settings
from carbon_kepler_mcp.sources.discovery import DiscoveredKeplerSource, endpoint_urls, resolve_addresses
from carbon_kepler_mcp.sources.kepler import KeplerSource
from tests.conftest import fixture_text

pytestmark = pytest.mark.anyio

SERVICE = "http://kepler-pods.kepler.svc:28282/metrics"
CURRENT = fixture_text("kepler_current.prom")  # one node, "worker-1"


class FakeDns:
    """A resolver whose answer the test changes; counts the look-ups."""

    def __init__(self, *addresses: str) -> None:
        self.addresses: tuple[str, ...] = addresses
        self.asked: list[tuple[str, int]] = []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.asked.append((host, port))
        return self.addresses


def _cluster(down: frozenset[str] = frozenset()) -> httpx2.MockTransport:
    """Each pod address serves the fixture as its own node (worker-1 renamed node-<last octet>)."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        host = request.url.host
        if host in down:
            raise httpx2.ConnectError("connection refused", request=request)
        return httpx2.Response(200, text=CURRENT.replace('node_name="worker-1"', f'node_name="node-{host[-1]}"'))

    return httpx2.MockTransport(handler)


def _source(dns: FakeDns, transport: httpx2.MockTransport, clock: list[float]) -> DiscoveredKeplerSource:
    return DiscoveredKeplerSource(
        SERVICE,
        lambda endpoints: KeplerSource(endpoints, transport=transport, cache_ttl_seconds=0.0),
        refresh_seconds=60.0,
        resolve=dns,
        clock=lambda: clock[0],
    )


def test_every_address_becomes_that_pods_metrics_url() -> None:
    assert endpoint_urls(SERVICE, ["10.0.0.7", "10.0.0.5", "10.0.0.5", "fd00::3"]) == (
        "http://10.0.0.5:28282/metrics",
        "http://10.0.0.7:28282/metrics",
        "http://[fd00::3]:28282/metrics",
    )


async def test_every_kepler_pod_is_scraped_once_and_each_node_is_in_the_answer() -> None:
    dns = FakeDns("10.0.0.1", "10.0.0.2", "10.0.0.3")
    source = _source(dns, _cluster(), [0.0])
    snapshot = await source.snapshot()
    assert sorted(node.name for node in snapshot.nodes) == ["node-1", "node-2", "node-3"]
    assert snapshot.endpoints_asked == 3
    assert dns.asked == [("kepler-pods.kepler.svc", 28282)]
    # three copies of the one-node fixture: three times its pods, none counted twice
    single = await KeplerSource(["http://10.0.0.9:28282/metrics"], transport=_cluster()).snapshot()
    assert len(snapshot.pods) == 3 * len(single.pods)
    assert "3 found by DNS" in source.description
    await source.aclose()


async def test_a_pod_that_does_not_answer_is_named_and_its_node_is_missing_from_the_answer() -> None:
    source = _source(FakeDns("10.0.0.1", "10.0.0.2"), _cluster(down=frozenset({"10.0.0.2"})), [0.0])
    snapshot = await source.snapshot()
    assert [node.name for node in snapshot.nodes] == ["node-1"]
    assert len(snapshot.failed_endpoints) == 1
    assert "10.0.0.2" in snapshot.failed_endpoints[0]
    assert any("missing from this answer" in warning for warning in snapshot.warnings)
    await source.aclose()


async def test_the_name_is_resolved_again_after_the_refresh_time_and_new_pods_join() -> None:
    clock = [0.0]
    dns = FakeDns("10.0.0.1")
    source = _source(dns, _cluster(), clock)
    assert len((await source.snapshot()).nodes) == 1
    dns.addresses = ("10.0.0.1", "10.0.0.2")
    clock[0] = 59.0  # inside the refresh time: the first answer stands
    assert len((await source.snapshot()).nodes) == 1
    clock[0] = 60.0
    assert len((await source.snapshot()).nodes) == 2
    assert len(dns.asked) == 2
    await source.aclose()


async def test_a_name_without_records_is_a_clear_source_error() -> None:
    source = _source(FakeDns(), _cluster(), [0.0])
    with pytest.raises(SourceUnavailableError, match=r"kepler-pods\.kepler\.svc has no address.*-n kepler"):
        await source.snapshot()


async def test_the_real_resolver_finds_loopback_and_nothing_for_a_name_without_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert "127.0.0.1" in await resolve_addresses("localhost", 28282)  # /etc/hosts: no DNS server is asked

    async def no_record(*_args: object, **_kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(anyio, "getaddrinfo", no_record)
    assert await resolve_addresses("kepler-pods.kepler.svc", 28282) == ()


def test_the_settings_build_the_discovering_source_and_refuse_both_ways_at_once() -> None:
    source = build_source(Settings(source="kepler", kepler_discover_url=SERVICE))
    assert isinstance(source, DiscoveredKeplerSource)
    assert isinstance(build_source(Settings(kepler_discover_url=SERVICE)), DiscoveredKeplerSource)  # auto
    with pytest.raises(ValueError, match="not both"):
        Settings(kepler_discover_url=SERVICE, kepler_endpoints=("http://10.0.0.1:28282/metrics",))
    with pytest.raises(ValueError, match="must start with http"):
        Settings(kepler_discover_url="kepler-pods.kepler.svc:28282")
    with pytest.raises(ConfigError, match="must be http"):
        DiscoveredKeplerSource("http:///metrics", lambda e: KeplerSource(e))
