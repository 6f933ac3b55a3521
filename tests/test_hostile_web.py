"""The HTTP app under hostile sources and hostile clients: truthful, bounded probes, bounded MCP sessions, no
secret in any log, answer, page or error, sign-ins throttled, and no 500 from odd input.

The server runs on 127.0.0.1 (uvicorn in a thread, so its lifespan and MCP session manager run) over a real
Kepler source scraping the fault-injection exporter. Time bounds are written against the configured deadlines.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Generator
from pathlib import Path

import httpx2
import pytest

import carbon_kepler_mcp.main as cli
from carbon_kepler_mcp.adapters.http import WebConfig
from carbon_kepler_mcp.adapters.http.security import LoginThrottle, SessionStore
from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.bootstrap import build_context, build_web_app
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.settings import Settings
from carbon_kepler_mcp.sources.kepler import KeplerSource
from carbon_kepler_mcp.sources.redaction import RedactingFilter, redact_text, redact_url
from tests.conftest import SPRING_EVENING_KST
from tests.hostile_exporter import HostileExporter, hostile_exporter
from tests.web_harness import TOKEN, asgi_client, frozen_demo_service, serve_in_thread

DEADLINE = 1.0
"""The scrape deadline of the source these tests serve, in seconds."""
ALLOWANCE = 2.0
"""Scheduling slack on a busy machine, added to a configured deadline in every time bound."""
SECRET_QUERY = "qs-secret-0123456789"
SECRET_PASSWORD = "pw-secret-0123456789"
SECRET_BEARER = "bearer-secret-0123456789"
MCP_HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}


@pytest.fixture(scope="module")
def exporter() -> Generator[HostileExporter]:
    with hostile_exporter() as running:
        yield running


def _service(*urls: str, failure_ttl_seconds: float = 5.0) -> AppContext:
    source = KeplerSource(
        list(urls), timeout_seconds=DEADLINE, cache_ttl_seconds=60, failure_ttl_seconds=failure_ttl_seconds
    )
    return AppContext(source, load_reference_data(), AppConfig(), clock=lambda: SPRING_EVENING_KST)


# --- probes ----------------------------------------------------------------------------------------------


def test_readyz_fails_with_the_reason_when_every_endpoint_fails_and_healthz_stays_cheap(
    exporter: HostileExporter,
) -> None:
    app = build_web_app(_service(exporter.url("/hang")), WebConfig(readiness_timeout_seconds=DEADLINE + ALLOWANCE))
    with serve_in_thread(app) as base, httpx2.Client(base_url=base, timeout=30) as http:
        started = time.monotonic()
        ready = http.get("/readyz")
        assert time.monotonic() - started < DEADLINE + ALLOWANCE  # bounded by the scrape deadline
        assert ready.status_code == 503
        assert "did not answer within its deadline" in ready.json()["detail"]
        assert "127.0.0.1" not in ready.text  # an unauthenticated route names no endpoint
        assert http.get("/healthz").status_code == 200
        head = http.head("/readyz")
        assert head.status_code == 503 and head.content == b""
        assert http.head("/healthz").status_code == 200


def test_readyz_answers_within_its_own_timeout_while_the_first_read_is_still_running(
    exporter: HostileExporter,
) -> None:
    source = KeplerSource([exporter.url("/hang")], timeout_seconds=1.5, failure_ttl_seconds=60)
    service = AppContext(source, load_reference_data(), AppConfig(), clock=lambda: SPRING_EVENING_KST)
    app = build_web_app(service, WebConfig(readiness_timeout_seconds=0.3))
    with serve_in_thread(app) as base, httpx2.Client(base_url=base, timeout=30) as http:
        started = time.monotonic()
        first = http.get("/readyz")
        assert time.monotonic() - started < 0.3 + ALLOWANCE
        assert first.status_code == 503 and "has not answered yet" in first.json()["detail"]
        # The read went on in the background; once its 1.5 s deadline passed, its failure is the answer, at once.
        time.sleep(2.5)
        later = http.get("/readyz")
        assert later.status_code == 503 and "did not answer within its deadline" in later.json()["detail"]


def test_readyz_is_ready_when_the_source_answers(exporter: HostileExporter) -> None:
    app = build_web_app(_service(exporter.url("/ok")))
    with serve_in_thread(app) as base, httpx2.Client(base_url=base, timeout=30) as http:
        body = http.get("/readyz").json()
        assert body["status"] == "ready" and body["pods"] > 0
        assert http.head("/readyz").status_code == 200


# --- MCP sessions -----------------------------------------------------------------------------------------


def _open_session(http: httpx2.Client) -> httpx2.Response:
    return http.post("/mcp", json=INITIALIZE, headers=MCP_HEADERS)


def test_abandoned_mcp_sessions_do_not_lock_new_clients_out() -> None:
    idle = 1.0
    config = WebConfig(mcp_max_sessions=2, mcp_session_idle_seconds=idle)
    with (
        serve_in_thread(build_web_app(frozen_demo_service(), config)) as base,
        httpx2.Client(base_url=base, timeout=30) as http,
    ):
        opened = [_open_session(http) for _ in range(2)]
        assert all(r.status_code == 200 and r.headers.get("mcp-session-id") for r in opened)
        assert _open_session(http).status_code == 503  # the limit holds while both are fresh
        # Both clients went away without DELETE; after the idle timeout their places are free again.
        deadline = time.monotonic() + idle + ALLOWANCE + 3
        while True:
            answer = _open_session(http)
            if answer.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert answer.status_code == 200 and answer.headers.get("mcp-session-id")


def test_stateless_mcp_serves_requests_without_sessions() -> None:
    config = WebConfig(mcp_stateless=True, mcp_max_sessions=1)
    with (
        serve_in_thread(build_web_app(frozen_demo_service(), config)) as base,
        httpx2.Client(base_url=base, timeout=30) as http,
    ):
        answers = [_open_session(http) for _ in range(3)]  # more than the session limit: it does not apply
        assert all(a.status_code == 200 for a in answers)
        assert all("mcp-session-id" not in a.headers for a in answers)


@pytest.mark.anyio
@pytest.mark.parametrize("ident", [None, {"a": 1}, [1], True])
async def test_a_json_rpc_request_with_an_id_of_the_wrong_type_gets_an_error_not_silence(ident: object) -> None:
    async with asgi_client(build_web_app(frozen_demo_service())) as client:
        request = {"jsonrpc": "2.0", "id": ident, "method": "tools/list"}
        response = await client.post("/mcp", json=request, headers=MCP_HEADERS)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32600


# --- secrets ------------------------------------------------------------------------------------------------


def test_redact_url_removes_user_info_query_values_and_fragments() -> None:
    assert redact_url("https://u:p@kepler:8443/metrics?access_token=t&x#f") == (
        "https://kepler:8443/metrics?access_token=REDACTED&x#REDACTED"
    )
    assert redact_url("http://kepler:28282/metrics") == "http://kepler:28282/metrics"
    assert redact_text('HTTP Request: GET http://u:p@h/m?key=k "HTTP/1.1 200 OK"') == (
        'HTTP Request: GET http://h/m?key=REDACTED "HTTP/1.1 200 OK"'
    )


def test_uvicorn_access_lines_lose_their_query_values() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("1.2.3.4", "GET", "/x?token=t", "1.1", 400),
        None,
    )
    assert RedactingFilter().filter(record)
    assert record.getMessage() == '1.2.3.4 - "GET /x?token=REDACTED HTTP/1.1" 400'


def test_a_logged_traceback_loses_its_urls_secrets_too() -> None:
    try:
        raise ValueError(f"GET http://u:{SECRET_PASSWORD}@h/m?token={SECRET_QUERY} failed")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "scrape failed", None, sys.exc_info())
    assert RedactingFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "http://h/m?token=REDACTED" in text
    assert SECRET_PASSWORD not in text and SECRET_QUERY not in text


def test_no_configured_secret_appears_in_logs_answers_pages_or_errors(
    exporter: HostileExporter, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    port = exporter.port
    ok = f"http://scraper:{SECRET_PASSWORD}@127.0.0.1:{port}/ok?access_token={SECRET_QUERY}"
    hung = f"http://127.0.0.1:{port}/hang?access_token={SECRET_QUERY}"
    settings = Settings(
        source="kepler",
        kepler_endpoints=f"{ok},{hung}",
        kepler_bearer_token=SECRET_BEARER,
        scrape_timeout_seconds=DEADLINE,
    )
    seen: list[str] = []
    caplog.set_level(logging.DEBUG)
    cli._setup_logging(2)  # pyright: ignore[reportPrivateUsage]  # the program's logging: a filter on each handler
    try:
        ctx = build_context(settings)
        # The start-up line the program logs, through the same handlers.
        logging.getLogger("carbon_kepler_mcp").warning("serving (metrics: %s)", ctx.source.description)
        logging.getLogger("httpx2").info("HTTP Request: GET %s", ok)  # the client's own request line
        app = build_web_app(ctx, WebConfig(api_tokens=(TOKEN,)), close_context=True)
        bearer = {"authorization": f"Bearer {TOKEN}"}
        with serve_in_thread(app) as base, httpx2.Client(base_url=base, timeout=30) as http:
            answer = http.post("/tools/list_workloads_by_compliance", json={"namespace": "production"}, headers=bearer)
            assert answer.status_code == 200
            assert "REDACTED" in answer.json()["data_source"]["description"]
            seen.append(answer.text)
            signed = http.post(
                "/login",
                content=f"token={TOKEN}&next=/",
                headers={"content-type": "application/x-www-form-urlencoded", "origin": base},
                follow_redirects=False,
            )
            cookie = signed.headers["set-cookie"].split(";")[0]
            assert TOKEN not in cookie  # the cookie is a session id, not the token
            seen.append(cookie)
            for page in ("/", "/namespaces/production"):
                response = http.get(page, headers={"cookie": cookie})
                assert response.status_code == 200, page
                seen.append(response.text)
            missing = http.post("/tools/assess_workload_compliance", json={"workload_name": "nope"}, headers=bearer)
            seen.append(missing.text)
            refused = http.get(f"/tools?access_token={SECRET_QUERY}", headers=bearer)
            assert refused.status_code == 400
            seen.append(refused.text)
            seen.append(http.get("/readyz").text)
    finally:
        for handler in logging.getLogger().handlers:
            for found in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
                handler.removeFilter(found)
    seen.append(caplog.text)
    everything = "\n".join(seen)
    assert "failed" in everything or "within" in everything  # the hung endpoint's error was shown somewhere
    for secret in (SECRET_QUERY, SECRET_PASSWORD, SECRET_BEARER, TOKEN):
        assert secret not in everything, secret


# --- sign-in --------------------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_wrong_sign_ins_are_throttled_per_address(tmp_path: Path) -> None:
    config = WebConfig(api_tokens=(TOKEN,), login_failures_per_minute=3)
    form = {"content-type": "application/x-www-form-urlencoded", "origin": "http://127.0.0.1:8000"}
    async with asgi_client(build_web_app(frozen_demo_service(), config)) as client:
        statuses = [
            (await client.post("/login", content="token=wrong-token-0000000000", headers=form)).status_code
            for _ in range(4)
        ]
        assert statuses == [401, 401, 401, 429]  # three wrong tries a minute, then refused
        throttled = await client.post("/login", content=f"token={TOKEN}", headers=form)
        assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) >= 1
        assert "1분 후에 다시" in (await client.post("/login?lang=ko", content="token=x", headers=form)).text


def test_the_throttle_forgets_after_a_minute_and_bounds_all_addresses_together() -> None:
    now = [0.0]
    throttle = LoginThrottle(2, clock=lambda: now[0])
    throttle.failed("a")
    throttle.failed("a")
    assert throttle.retry_after("a") == 60  # both failures at t=0: free again at t=60
    assert throttle.retry_after("b") is None
    now[0] = 60.0
    assert throttle.retry_after("a") is None
    for i in range(40):  # 20 × 2 failures in total across addresses
        throttle.failed(f"x{i}")
    assert throttle.retry_after("fresh") is not None


def test_a_session_is_a_random_id_that_expires_and_ends_at_logout() -> None:
    now = [0.0]
    sessions = SessionStore(ttl_seconds=10, max_sessions=2, clock=lambda: now[0])
    first, second = sessions.open(TOKEN), sessions.open(TOKEN)
    assert first != second and TOKEN not in first and len(first) >= 43  # 32 random bytes, base64
    assert sessions.token(first) == TOKEN
    sessions.close(first)
    assert sessions.token(first) is None
    now[0] = 10.0
    assert sessions.token(second) is None  # expired
    a, b, c = sessions.open(TOKEN), sessions.open(TOKEN), sessions.open(TOKEN)
    assert sessions.token(a) is None and sessions.token(b) == TOKEN and sessions.token(c) == TOKEN  # oldest out


@pytest.mark.anyio
async def test_a_session_ends_when_its_token_is_taken_away(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text(TOKEN + "\n", encoding="utf-8")
    form = {"content-type": "application/x-www-form-urlencoded", "origin": "http://127.0.0.1:8000"}
    async with asgi_client(build_web_app(frozen_demo_service(), WebConfig(api_token_file=tokens))) as client:
        signed = await client.post("/login", content=f"token={TOKEN}", headers=form)
        cookie = {"cookie": signed.headers["set-cookie"].split(";")[0]}
        assert (await client.get("/namespaces/ai-team", headers=cookie)).status_code == 200
        tokens.write_text("another-token-fedcba9876543210\n", encoding="utf-8")
        assert (await client.get("/namespaces/ai-team", headers=cookie)).status_code == 401


# --- no 500 from input ------------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("window", ["³", "³⁶⁰⁰", "٣٦٠٠"])
async def test_a_window_of_non_ascii_digits_is_a_422(window: str) -> None:
    async with asgi_client(build_web_app(frozen_demo_service())) as client:
        body = {"workload_name": "ml-training-job", "namespace": "ai-team", "window": window}
        response = await client.post("/tools/assess_workload_compliance", json=body)
    assert response.status_code == 422


@pytest.mark.anyio
async def test_a_timestamp_at_the_calendar_limit_is_a_422() -> None:
    async with asgi_client(build_web_app(frozen_demo_service())) as client:
        response = await client.get("/resources/carbon-intensity/ap-northeast-2/9999-12-31T23:00-12:00")
    assert response.status_code == 422
    assert "outside the calendar" in response.json()["detail"]
