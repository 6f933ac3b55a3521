"""The direct Kepler source: scraping, caching, TLS and every way an endpoint can fail."""

from __future__ import annotations

import datetime as dt
import http.server
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from carbon_kepler_mcp.bootstrap import build_source
from carbon_kepler_mcp.errors import (
    ConfigError,
    EmptyScrapeError,
    MetricsParseError,
    ResponseTooLargeError,
    SourceTimeoutError,
    SourceTLSError,
    SourceUnavailableError,
)
from carbon_kepler_mcp.settings import Settings
from carbon_kepler_mcp.sources import _http
from carbon_kepler_mcp.sources.kepler import KeplerSource, build_ssl_context, redact_url
from tests.conftest import fixture_text

pytestmark = pytest.mark.anyio

CURRENT = fixture_text("kepler_current.prom")


def _source(handler: httpx2.MockTransport, **kwargs: object) -> KeplerSource:
    return KeplerSource(["http://kepler.test:28282/metrics"], transport=handler, **kwargs)  # type: ignore[arg-type]


def _serving(text: str, status: int = 200, content_type: str = "text/plain") -> httpx2.MockTransport:
    return httpx2.MockTransport(
        lambda request: httpx2.Response(status, text=text, headers={"content-type": content_type})
    )


async def test_a_current_scrape_becomes_a_snapshot_with_pods_and_nodes() -> None:
    source = _source(_serving(CURRENT))
    snapshot = await source.snapshot()
    assert snapshot.generation == "current"
    assert snapshot.namespaces == ("batch", "production")
    assert [p.name for p in snapshot.pods_in("production")] == ["web-app-7d9f8b6c5-kx2vq"]
    assert snapshot.node("worker-1") is not None
    assert not snapshot.is_demo
    await source.aclose()


async def test_the_snapshot_is_reused_within_the_ttl_and_refreshed_after_it() -> None:
    calls: list[str] = []
    now = [1000.0]

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(str(request.url))
        return httpx2.Response(200, text=CURRENT)

    source = _source(httpx2.MockTransport(handler), cache_ttl_seconds=60.0, clock=lambda: now[0])
    first = await source.snapshot()
    now[0] += 59.0
    assert await source.snapshot() is first
    assert len(calls) == 1
    now[0] += 2.0
    assert await source.snapshot() is not first
    assert len(calls) == 2
    await source.aclose()


async def test_a_bearer_token_is_sent_and_a_token_file_is_reread_on_each_scrape(tmp_path: Path) -> None:
    seen: list[str | None] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.headers.get("authorization"))
        return httpx2.Response(200, text=CURRENT)

    token_file = tmp_path / "token"
    token_file.write_text("first\n")
    source = _source(httpx2.MockTransport(handler), cache_ttl_seconds=0.0, bearer_token_file=token_file)
    await source.snapshot()
    token_file.write_text("second")
    await source.snapshot()
    assert seen == ["Bearer first", "Bearer second"]
    await source.aclose()


async def test_an_unreadable_token_file_is_a_config_error(tmp_path: Path) -> None:
    source = _source(_serving(CURRENT), bearer_token_file=tmp_path / "missing")
    with pytest.raises(ConfigError, match="token file"):
        await source.snapshot()
    await source.aclose()


@pytest.mark.parametrize(
    ("status", "hint"),
    [(401, "credentials"), (403, "RBAC"), (404, "/metrics"), (500, "Kepler exporter")],
)
async def test_an_error_status_is_reported_with_what_to_check(status: int, hint: str) -> None:
    source = _source(_serving("nope", status=status))
    with pytest.raises(SourceUnavailableError, match=rf"HTTP {status}.*{hint}"):
        await source.snapshot()
    await source.aclose()


async def test_a_down_endpoint_is_reported_plainly() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    source = KeplerSource([f"http://127.0.0.1:{port}/metrics"], timeout_seconds=2.0)
    with pytest.raises(SourceUnavailableError, match=rf"cannot connect to Kepler endpoint http://127.0.0.1:{port}"):
        await source.snapshot()
    await source.aclose()


async def test_a_slow_endpoint_times_out_with_the_setting_to_change() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("timed out", request=request)

    source = _source(httpx2.MockTransport(handler), timeout_seconds=1.5)
    with pytest.raises(SourceTimeoutError, match=r"within 1.5 s.*scrape_timeout_seconds"):
        await source.snapshot()
    await source.aclose()


async def test_an_html_page_is_not_taken_for_metrics() -> None:
    source = _source(_serving("<!doctype html><html><body>Login</body></html>", content_type="text/html"))
    with pytest.raises(MetricsParseError, match="HTML"):
        await source.snapshot()
    await source.aclose()


async def test_a_scrape_without_kepler_series_is_an_empty_scrape() -> None:
    source = _source(_serving('# TYPE up gauge\nup 1\nnode_cpu_seconds_total{cpu="0"} 12\n'))
    with pytest.raises(EmptyScrapeError, match="no kepler_"):
        await source.snapshot()
    await source.aclose()


async def test_a_body_over_the_size_cap_is_refused_while_streaming() -> None:
    source = _source(_serving(CURRENT * 10), max_bytes=len(CURRENT))
    with pytest.raises(ResponseTooLargeError, match="scrape_max_bytes"):
        await source.snapshot()
    await source.aclose()


async def test_a_body_that_is_not_utf8_is_reported() -> None:
    transport = httpx2.MockTransport(lambda request: httpx2.Response(200, content=b"\xff\xfe\x00garbage"))
    source = _source(transport)
    with pytest.raises(SourceUnavailableError, match="not UTF-8"):
        await source.snapshot()
    await source.aclose()


async def test_when_one_of_two_endpoints_fails_the_answer_says_which_pods_are_missing() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.host == "node-b":
            return httpx2.Response(503, text="down")
        return httpx2.Response(200, text=CURRENT)

    source = KeplerSource(
        ["http://node-a:28282/metrics", "http://node-b:28282/metrics"], transport=httpx2.MockTransport(handler)
    )
    snapshot = await source.snapshot()
    assert snapshot.endpoints == ("http://node-a:28282/metrics",)
    assert len(snapshot.warnings) == 1
    assert "node-b" in snapshot.warnings[0] and "missing" in snapshot.warnings[0]
    await source.aclose()


async def test_a_legacy_exporter_is_scraped_twice_to_measure_power() -> None:
    bodies = iter([fixture_text("kepler_legacy_t0.prom"), fixture_text("kepler_legacy_t1.prom")])
    ticks = iter(range(100, 1000, 10))  # every look at the clock is 10 s later
    source = _source(
        httpx2.MockTransport(lambda request: httpx2.Response(200, text=next(bodies))),
        legacy_rate_interval_seconds=0.01,
        clock=lambda: float(next(ticks)),
    )
    snapshot = await source.snapshot()
    assert snapshot.generation == "legacy"
    web = next(p for p in snapshot.pods if p.name == "web-app-7d9f8b6c5-kx2vq")
    assert web.power_watts == pytest.approx(13.0)
    assert "rate" in snapshot.power_method
    await source.aclose()


def test_credentials_in_an_endpoint_url_never_reach_messages() -> None:
    assert redact_url("https://user:s3cret@kepler.example:8443/metrics") == "https://kepler.example:8443/metrics"
    source = KeplerSource(["https://user:s3cret@kepler.example:8443/metrics"])
    assert "s3cret" not in source.description


def test_no_endpoint_is_a_config_error_naming_the_setting() -> None:
    with pytest.raises(ConfigError, match="KEPLER_ENDPOINT"):
        KeplerSource([])


def test_without_any_source_setting_the_error_names_the_settings_and_the_demo() -> None:
    with pytest.raises(ConfigError, match=r"KEPLER_ENDPOINT.*--demo"):
        build_source(Settings(_env_file=None))  # type: ignore[call-arg]


def test_an_unreadable_ca_bundle_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CA bundle"):
        build_ssl_context(ca_bundle=tmp_path / "missing.pem", insecure_skip_verify=False)


# --- real TLS on loopback -----------------------------------------------------------------------------


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture
def https_kepler(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    cert_path, key_path = _self_signed(tmp_path)
    body = CURRENT.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/metrics", cert_path
    finally:
        server.shutdown()
        server.server_close()


async def test_an_untrusted_certificate_is_a_tls_error_naming_the_ca_setting(https_kepler: tuple[str, Path]) -> None:
    url, _ = https_kepler
    source = KeplerSource([url], timeout_seconds=5.0)
    with pytest.raises(SourceTLSError, match="kepler_ca_bundle"):
        await source.snapshot()
    await source.aclose()


async def test_the_ca_bundle_makes_the_certificate_trusted(https_kepler: tuple[str, Path]) -> None:
    url, cert = https_kepler
    verify = build_ssl_context(ca_bundle=cert, insecure_skip_verify=False)
    source = KeplerSource([url], verify=verify, timeout_seconds=5.0)
    snapshot = await source.snapshot()
    assert snapshot.namespaces == ("batch", "production")
    await source.aclose()


async def test_insecure_skip_verify_is_an_explicit_opt_in(https_kepler: tuple[str, Path]) -> None:
    url, _ = https_kepler
    source = KeplerSource([url], verify=build_ssl_context(ca_bundle=None, insecure_skip_verify=True))
    assert (await source.snapshot()).generation == "current"
    await source.aclose()


async def test_the_same_node_scraped_through_two_urls_is_counted_once() -> None:
    source = KeplerSource(
        ["http://10.0.0.5:28282/metrics", "http://kepler-node-a:28282/metrics", "http://10.0.0.5:28282/metrics"],
        transport=_serving(CURRENT),
    )
    assert source.endpoints == ("http://10.0.0.5:28282/metrics", "http://kepler-node-a:28282/metrics")
    snapshot = await source.snapshot()
    web = [p for p in snapshot.pods if p.name == "web-app-7d9f8b6c5-kx2vq"]
    assert len(web) == 1
    assert any("more than one endpoint" in w for w in snapshot.warnings)
    await source.aclose()


async def test_detail_families_are_scraped_with_the_sources_own_credentials() -> None:
    seen: list[str | None] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.headers.get("authorization"))
        return httpx2.Response(200, text=CURRENT)

    source = _source(httpx2.MockTransport(handler), bearer_token="t0ken")
    ((endpoint, samples),) = await source.scrape_families({"kepler_process_cpu_watts"})
    assert endpoint == "http://kepler.test:28282/metrics"
    assert [s.labels["comm"] for s in samples] == ["nginx"]
    assert seen == ["Bearer t0ken"]
    await source.aclose()


async def test_a_node_scraped_through_two_urls_is_listed_once() -> None:
    source = KeplerSource(
        ["http://10.0.0.5:28282/metrics", "http://kepler-node-a:28282/metrics"], transport=_serving(CURRENT)
    )
    snapshot = await source.snapshot()
    assert [n.name for n in snapshot.nodes] == ["worker-1"]
    await source.aclose()


async def test_an_exporter_that_answers_503_once_is_asked_again_and_a_401_is_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pauses: list[float] = []

    async def record(seconds: float) -> None:
        pauses.append(seconds)

    monkeypatch.setattr(_http, "_sleep", record)
    answers = [httpx2.Response(503, text="restarting"), httpx2.Response(200, text=CURRENT)]
    asked: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        asked.append(str(request.url))
        return answers.pop(0)

    source = _source(httpx2.MockTransport(handler), cache_ttl_seconds=0.0)
    snapshot = await source.snapshot()
    assert [p.name for p in snapshot.pods_in("production")] == ["web-app-7d9f8b6c5-kx2vq"]
    assert len(asked) == 2 and pauses == [0.25]
    await source.aclose()

    refused = _source(_serving("no", status=401), cache_ttl_seconds=0.0)
    with pytest.raises(SourceUnavailableError, match="HTTP 401"):
        await refused.snapshot()
    assert pauses == [0.25]  # credentials problems are not retried
    await refused.aclose()
