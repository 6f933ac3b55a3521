"""The HTTP app's guard: bearer tokens, the exposure rule, Host/Origin allowlists, body cap, no leaked secrets."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest
from pydantic import SecretStr

import carbon_kepler_mcp.main as cli
from carbon_kepler_mcp.adapters.http import WebConfig, check_exposure, is_loopback
from carbon_kepler_mcp.adapters.http.security import TokenStore
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.bootstrap import build_web_app, web_config
from carbon_kepler_mcp.errors import ConfigError
from carbon_kepler_mcp.settings import Settings
from tests.web_harness import TOKEN, asgi_client

pytestmark = pytest.mark.anyio

OTHER_TOKEN = "another-token-fedcba9876543210"
CURL_BODY = {"workload_name": "ml-training-job", "namespace": "ai-team"}


@pytest.fixture
async def guarded(demo_service: AppContext) -> AsyncIterator[httpx2.AsyncClient]:
    async with asgi_client(build_web_app(demo_service, WebConfig(api_tokens=(TOKEN,)))) as client:
        yield client


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def test_with_a_token_every_route_but_the_probes_requires_it(guarded: httpx2.AsyncClient) -> None:
    for method, path in [
        ("POST", "/tools/assess_workload_compliance"),
        ("GET", "/tools"),
        ("GET", "/resources/compliance-standards/korea"),
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/metrics"),
        ("POST", "/mcp"),
        ("GET", "/namespaces/ai-team"),
    ]:
        response = await guarded.request(method, path, json=CURL_BODY if method == "POST" else None)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == 'Bearer realm="carbon-kepler-mcp"'
        assert response.json()["type"].endswith(":unauthorized")
    assert (await guarded.get("/healthz")).status_code == 200
    assert (await guarded.get("/readyz")).status_code == 200


async def test_the_right_bearer_token_opens_the_api_and_a_wrong_one_is_refused_as_invalid(
    guarded: httpx2.AsyncClient,
) -> None:
    ok = await guarded.post("/tools/assess_workload_compliance", json=CURL_BODY, headers=_bearer(TOKEN))
    assert ok.status_code == 200
    assert ok.json()["status"] == "NON_COMPLIANT"
    wrong = await guarded.post("/tools/assess_workload_compliance", json=CURL_BODY, headers=_bearer(OTHER_TOKEN))
    assert wrong.status_code == 401
    assert 'error="invalid_token"' in wrong.headers["www-authenticate"]
    basic = await guarded.get("/tools", headers={"authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401


async def test_no_token_ever_appears_in_logs_or_responses(
    guarded: httpx2.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    responses = [
        await guarded.get("/tools", headers=_bearer(OTHER_TOKEN)),
        await guarded.get("/tools", headers=_bearer(TOKEN)),
        await guarded.post("/tools/assess_workload_compliance", json={"workload_name": "x"}, headers=_bearer(TOKEN)),
        await guarded.get("/metrics", headers=_bearer(TOKEN)),
    ]
    for secret in (TOKEN, OTHER_TOKEN):
        assert secret not in caplog.text
        for response in responses:
            assert secret not in response.text
            assert all(secret not in value for value in response.headers.values())
    assert "invalid token" in caplog.text  # the refusal itself is logged, without the token


async def test_a_token_file_is_reread_when_it_changes_and_an_empty_or_missing_file_accepts_nothing(
    demo_service: AppContext, tmp_path: Path
) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text(f"# rotated weekly\n{TOKEN}\n\n", encoding="utf-8")
    async with asgi_client(build_web_app(demo_service, WebConfig(api_token_file=tokens))) as client:
        assert (await client.get("/tools", headers=_bearer(TOKEN))).status_code == 200
        tokens.write_text(f"{OTHER_TOKEN}  # new one\n", encoding="utf-8")
        assert (await client.get("/tools", headers=_bearer(TOKEN))).status_code == 401
        assert (await client.get("/tools", headers=_bearer(OTHER_TOKEN))).status_code == 200
        tokens.unlink()
        assert (await client.get("/tools", headers=_bearer(OTHER_TOKEN))).status_code == 401
        assert (await client.get("/healthz")).status_code == 200


def test_token_comparison_accepts_only_exact_tokens() -> None:
    store = TokenStore((TOKEN, OTHER_TOKEN))
    assert store.enabled
    assert store.verify(TOKEN) and store.verify(OTHER_TOKEN)
    assert not store.verify(TOKEN[:-1])
    assert not store.verify(TOKEN + "x")
    assert not store.verify("")
    assert not TokenStore().enabled


def test_binding_a_non_loopback_address_without_a_token_is_refused_unless_explicitly_allowed() -> None:
    with pytest.raises(ConfigError, match="--allow-unauthenticated"):
        check_exposure("0.0.0.0", auth_enabled=False, allow_unauthenticated=False)
    check_exposure("0.0.0.0", auth_enabled=True, allow_unauthenticated=False)
    check_exposure("0.0.0.0", auth_enabled=False, allow_unauthenticated=True)
    for host in ("127.0.0.1", "127.0.0.2", "::1", "localhost"):
        check_exposure(host, auth_enabled=False, allow_unauthenticated=False)
    assert not is_loopback("my-host.example")  # a name could resolve anywhere
    assert not is_loopback("::")


def test_web_config_refuses_short_tokens_and_unusable_token_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigError, match="shorter than 16"):
        web_config(Settings(api_token=SecretStr("short")))
    with pytest.raises(ConfigError, match="cannot read"):
        web_config(Settings(api_token_file=tmp_path / "absent"))
    empty = tmp_path / "empty"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="holds no token"):
        web_config(Settings(api_token_file=empty))
    monkeypatch.setenv("CARBON_KEPLER_ALLOWED_HOSTS", "carbon.ns.svc:*, Carbon.Example")
    config = web_config(Settings(host="0.0.0.0", api_token=SecretStr(TOKEN)))
    assert config.auth_enabled
    assert "carbon.ns.svc:*" in config.hosts and "carbon.example" in config.hosts
    assert "https://carbon.example" in config.origins


def test_serve_refuses_a_public_bind_without_a_token_before_starting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("CARBON_KEPLER_API_TOKEN", "CARBON_KEPLER_API_TOKEN_FILE", "CARBON_KEPLER_ALLOW_UNAUTHENTICATED"):
        monkeypatch.delenv(name, raising=False)
    code = cli.main(["serve", "--transport", "http", "--host", "0.0.0.0", "--demo"])
    assert code == cli.EXIT_USAGE
    assert "refusing to serve HTTP on 0.0.0.0 without an API token" in capsys.readouterr().err


async def test_a_host_header_not_allowed_is_refused_except_on_probes_and_metrics(demo_service: AppContext) -> None:
    async with asgi_client(build_web_app(demo_service), host="evil.example") as client:
        response = await client.post("/tools/assess_workload_compliance", json=CURL_BODY)
        assert response.status_code == 421
        assert response.json()["type"].endswith(":misdirected-request")
        assert (await client.get("/")).status_code == 421
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/metrics")).status_code == 200
    config = WebConfig(allowed_hosts=("carbon.ns.svc:*",))
    async with asgi_client(build_web_app(demo_service, config), host="carbon.ns.svc:8000") as client:
        assert (await client.get("/tools")).status_code == 200


async def test_a_foreign_origin_is_refused_and_the_servers_own_origin_is_accepted(demo_service: AppContext) -> None:
    async with asgi_client(build_web_app(demo_service)) as client:
        foreign = await client.post(
            "/tools/assess_workload_compliance", json=CURL_BODY, headers={"origin": "https://evil.example"}
        )
        assert foreign.status_code == 403
        assert foreign.json()["type"].endswith(":forbidden-origin")
        mcp = await client.post("/mcp", json={}, headers={"origin": "https://evil.example"})
        assert mcp.status_code == 403
        own = await client.post(
            "/tools/assess_workload_compliance", json=CURL_BODY, headers={"origin": "http://127.0.0.1:8000"}
        )
        assert own.status_code == 200


async def test_a_request_body_over_the_cap_is_refused_with_413(demo_service: AppContext) -> None:
    async with asgi_client(build_web_app(demo_service, WebConfig(max_request_body_bytes=2048))) as client:
        padded = {**CURL_BODY, "padding": "x" * 4096}
        response = await client.post("/tools/assess_workload_compliance", json=padded)
        assert response.status_code == 413
        assert response.json()["type"].endswith(":body-too-large")

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while streaming
            yield b'{"workload_name": "ml-training-job", "pad": "'
            for _ in range(10):
                yield b"y" * 512
            yield b'"}'

        streamed = await client.post(
            "/tools/assess_workload_compliance", content=chunks(), headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413
        small = await client.post("/tools/assess_workload_compliance", json=CURL_BODY)
        assert small.status_code == 200


async def test_a_browser_signs_in_once_and_the_cookie_opens_only_read_only_pages(guarded: httpx2.AsyncClient) -> None:
    page = await guarded.get("/namespaces/ai-team", headers={"accept": "text/html"})
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/namespaces/ai-team"
    form = await guarded.get("/login")
    assert form.status_code == 200 and 'name="token"' in form.text
    refused = await guarded.post("/login", content=f"token={OTHER_TOKEN}&next=/", headers=_form())
    assert refused.status_code == 401
    signed = await guarded.post("/login", content=f"token={TOKEN}&next=//evil.example/", headers=_form())
    assert signed.status_code == 303
    assert signed.headers["location"] == "/"  # never another site
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    session = {"cookie": cookie.split(";")[0]}
    assert (await guarded.get("/namespaces/ai-team", headers=session)).status_code == 200
    assert (await guarded.get("/docs", headers=session)).status_code == 200
    # The cookie is not an API credential: tools, metrics and MCP still need the bearer header.
    assert (await guarded.post("/tools/assess_workload_compliance", json=CURL_BODY, headers=session)).status_code == 401
    assert (await guarded.get("/metrics", headers=session)).status_code == 401
    logout = await guarded.post("/logout", headers=session)
    assert logout.status_code == 303 and "ckm_session=" in logout.headers["set-cookie"]


def _form() -> dict[str, str]:
    return {"content-type": "application/x-www-form-urlencoded", "origin": "http://127.0.0.1:8000"}


def test_the_serving_settings_default_to_no_token_loopback_names_and_a_1_mib_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("API_TOKEN", "API_TOKEN_FILE", "ALLOW_UNAUTHENTICATED", "ALLOWED_HOSTS", "ALLOWED_ORIGINS"):
        monkeypatch.delenv(f"CARBON_KEPLER_{name}", raising=False)
    monkeypatch.delenv("CARBON_KEPLER_MAX_REQUEST_BODY_BYTES", raising=False)
    settings = Settings()
    assert settings.server.api_token is None and settings.server.api_token_file is None
    assert settings.server.allow_unauthenticated is False
    assert settings.server.allowed_hosts == () and settings.server.allowed_origins == ()
    assert settings.server.max_request_body_bytes == 1024 * 1024
    config = web_config(settings)
    assert not config.auth_enabled
    assert set(config.hosts) == {"127.0.0.1", "127.0.0.1:*", "localhost", "localhost:*", "[::1]", "[::1]:*"}
    assert "http://localhost:*" in config.origins
    assert repr(Settings(api_token=SecretStr(TOKEN))).count(TOKEN) == 0  # a token never shows in a repr
