"""One ASGI application: MCP at ``/mcp``, REST tools and resources, Swagger, the dashboard, probes, metrics.

::

    /                         dashboard (HTML)                  /tools, /tools/{tool_name}   REST tools
    /namespaces/...           dashboard pages                   /resources/...               REST resources
    /mcp                      MCP Streamable HTTP               /docs, /openapi.json         Swagger UI, OpenAPI 3.1
    /healthz, /readyz         probes (never authenticated)      /metrics                     Prometheus

The MCP server is built over the same :class:`AppContext` as REST and the dashboard (``close_service=False``:
the app owns the service's lifetime), its Streamable HTTP app is created first, and its session manager runs
in this app's lifespan (a mounted app's own lifespan never runs).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

import anyio
from anyio.abc import TaskGroup
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from mcp.server import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from carbon_kepler_mcp._version import __version__
from carbon_kepler_mcp.adapters.http.config import WebConfig
from carbon_kepler_mcp.adapters.http.dashboard import add_dashboard_routes
from carbon_kepler_mcp.adapters.http.metrics import (
    HttpMetricsMiddleware,
    InstrumentedSource,
    Metrics,
    ToolMetricsMiddleware,
    instrument_source,
)
from carbon_kepler_mcp.adapters.http.problems import (
    on_http_error,
    on_package_error,
    on_unexpected_error,
    on_validation_error,
    problem_response,
    problem_responses,
)
from carbon_kepler_mcp.adapters.http.rest import add_resource_routes, add_tool_routes, readiness, rest_tools
from carbon_kepler_mcp.adapters.http.security import SecurityMiddleware, TokenStore
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.errors import (
    CarbonKeplerError,
    EmptyScrapeError,
    MetricsParseError,
    ResponseTooLargeError,
    SourceTimeoutError,
    SourceTLSError,
)

logger = logging.getLogger(__name__)

DESCRIPTION = """\
Carbon emissions and standards compliance of Kubernetes workloads, from Kepler power metrics.

Every `POST /tools/{tool_name}` takes the MCP tool's arguments as its JSON body and returns exactly the tool's
structured result (the schemas below are the MCP tools' own). The same tools are served over MCP Streamable
HTTP at `/mcp`, and as a dashboard at `/`. Errors are RFC 9457 problem details (`application/problem+json`):
404 unknown workload, 422 invalid argument, 503 metrics source down.
"""


def build_app(
    service: AppContext, mcp: MCPServer[Any], config: WebConfig | None = None, *, close_service: bool = False
) -> FastAPI:
    """The HTTP application over ``service``, serving ``mcp`` at ``/mcp`` beside REST and the dashboard.

    Args:
        service: the context the tools run on; its metrics source is wrapped to report fetches and cache hits
            on ``/metrics``.
        mcp: the MCP server of the same context (built by the composition root, :func:`~carbon_kepler_mcp.
            bootstrap.build_web_app`), mounted at ``/mcp``.
        config: tokens, allowed hosts and origins, body cap (default: loopback only, no token).
        close_service: close the service when the app shuts down (the ``serve`` command does; tests that own
            the service do not).
    """
    config = config or WebConfig()
    tools = rest_tools()
    metrics = Metrics(tools=[t.spec.name for t in tools], tool_prefix=config.tool_prefix)
    metrics.add_reference(service)
    if not isinstance(service.source, InstrumentedSource):
        service.source = instrument_source(service.source, metrics)
    mcp.middleware.append(ToolMetricsMiddleware(metrics))
    tokens = TokenStore(
        config.api_tokens, config.api_token_file, login_failures_per_minute=config.login_failures_per_minute
    )

    mcp_app = mcp.streamable_http_app(
        streamable_http_path="/mcp",
        max_request_body_size=config.max_request_body_bytes,
        # The SDK's defaults (10,000 sessions, 30 min idle) let abandoned sessions hold ~400 MiB and lock new
        # clients out for half an hour; stateless mode is for replicas behind a load balancer.
        stateless_http=config.mcp_stateless,
        max_sessions=config.mcp_max_sessions,
        session_idle_timeout=config.mcp_session_idle_seconds,
        transport_security=TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=list(config.hosts),
            allowed_origins=list(config.origins),
        ),
    )

    background: list[TaskGroup] = []

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncGenerator[None]:
        async with mcp.session_manager.run():  # a mounted app's lifespan never runs: start MCP sessions here
            try:
                async with anyio.create_task_group() as group:
                    background.append(group)
                    try:
                        yield
                    finally:
                        background.clear()
                        group.cancel_scope.cancel()
            finally:
                if close_service:
                    await service.aclose()

    app = FastAPI(
        title="carbon-kepler-mcp",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        middleware=[
            Middleware(HttpMetricsMiddleware, metrics=metrics),
            Middleware(SecurityMiddleware, config=config, tokens=tokens, metrics=metrics),
        ],
        exception_handlers={
            CarbonKeplerError: on_package_error,
            RequestValidationError: on_validation_error,
            StarletteHTTPException: on_http_error,
            Exception: on_unexpected_error,
        },
    )
    app.state.metrics = metrics
    app.state.mcp = mcp

    @app.get("/healthz", tags=["operations"], summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        # Cheap on purpose: it never touches the source, so a slow exporter cannot make the kubelet restart us.
        return {"status": "ok", "version": __version__}

    @app.get(
        "/readyz",
        tags=["operations"],
        summary="Readiness: the metrics source answers",
        responses=problem_responses(503),
    )
    async def readyz() -> Response:
        return await _readyz(service, config.readiness_timeout_seconds, background)

    async def head_healthz() -> Response:
        return Response(status_code=200, headers={"Cache-Control": "no-store"})

    async def head_readyz() -> Response:
        answer = await _readyz(service, config.readiness_timeout_seconds, background)
        return Response(status_code=answer.status_code, headers=dict(answer.headers))

    # HEAD answers as GET would, without a body (load balancers and uptime checkers probe with HEAD).
    app.add_api_route("/healthz", head_healthz, methods=["HEAD"], include_in_schema=False)
    app.add_api_route("/readyz", head_readyz, methods=["HEAD"], include_in_schema=False)

    @app.get(
        "/metrics",
        tags=["operations"],
        summary="The server's own Prometheus metrics",
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}}}
        | problem_responses(401),
    )
    async def prometheus_metrics() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    add_tool_routes(app, tools, service, metrics)
    add_resource_routes(app, service)
    add_dashboard_routes(app, service, tokens)

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="carbon-kepler-mcp API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    app.mount("/static", StaticFiles(packages=[("carbon_kepler_mcp.adapters.http", "static")]), name="static")
    app.mount("/docs-static", StaticFiles(directory=str(files("fastapi_offline") / "static")), name="docs-static")
    # Exactly /mcp (a Route, not Mount("/")), so that every other path still gets the router's 404/405 problems.
    app.router.routes.append(Route("/mcp", endpoint=JsonRpcIdGuard(mcp_app)))
    _describe_security(app, tokens.enabled)
    return app


class JsonRpcIdGuard:
    """Answers a JSON-RPC request whose ``id`` is null, an object, an array or a boolean with an error.

    JSON-RPC 2.0 ids are strings or numbers. The SDK reads a message with any other ``id`` as a notification and
    answers 202 with no body, so the client waits forever for its reply; here it gets ``-32600 Invalid
    Request`` at once (HTTP 400). Everything else passes through unchanged (the body is replayed).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        body = bytearray()
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body.extend(message.get("body", b""))
            if not message.get("more_body", False):
                break
        if _bad_jsonrpc_id(bytes(body)):
            error = {
                "jsonrpc": "2.0",
                "id": None,
                "error": {"code": -32600, "message": "Invalid Request: a JSON-RPC id is a string or a number"},
            }
            await JSONResponse(error, status_code=400)(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


def _bad_jsonrpc_id(body: bytes) -> bool:
    try:
        parsed: object = json.loads(body)
    except (ValueError, RecursionError):
        return False  # not JSON: the SDK answers its parse error itself
    items: list[object] = parsed if isinstance(parsed, list) else [parsed]  # pyright: ignore[reportUnknownVariableType]
    for item in items:
        if isinstance(item, dict) and "method" in item and "id" in item:
            ident = item["id"]  # pyright: ignore[reportUnknownVariableType]
            if ident is None or isinstance(ident, bool) or not isinstance(ident, str | int | float):
                return True
    return False


_NOT_READY: dict[type[CarbonKeplerError], str] = {
    SourceTimeoutError: "the metrics source did not answer within its deadline",
    SourceTLSError: "the TLS handshake with the metrics source failed",
    ResponseTooLargeError: "the metrics source sent more than the size cap or the memory budget allows",
    EmptyScrapeError: "the metrics source holds no Kepler power series",
    MetricsParseError: "the metrics source sent data this server cannot read",
}


def _not_ready_reason(exc: CarbonKeplerError) -> str:
    """Why the source failed, in words that name no endpoint (``/readyz`` is unauthenticated)."""
    for kind, reason in _NOT_READY.items():
        if isinstance(exc, kind):
            return reason
    return "the metrics source does not answer"


async def _readyz(service: AppContext, timeout_seconds: float, background: list[TaskGroup]) -> Response:
    """Ready when the source gives a snapshot within ``timeout_seconds``; 503 with the reason otherwise.

    The read itself runs in the app's background task group when there is one, so a probe that gives up does
    not cancel it: the next probe finds its result (or its remembered failure) at once.
    """
    outcome: list[tuple[bool, dict[str, Any]] | CarbonKeplerError] = []
    done = anyio.Event()

    async def read() -> None:
        try:
            outcome.append(await readiness(service, raise_errors=True))
        except CarbonKeplerError as exc:
            outcome.append(exc)
        finally:
            done.set()

    with anyio.move_on_after(timeout_seconds):
        if background:
            background[0].start_soon(read)
            await done.wait()
        else:
            await read()
    reason = "the metrics source has not answered yet (its read runs longer than the readiness timeout)"
    if outcome:
        result = outcome[0]
        if not isinstance(result, CarbonKeplerError):
            return JSONResponse(result[1], headers={"Cache-Control": "no-store"})
        reason = _not_ready_reason(result)
        logger.warning("not ready: %s", result)
    return problem_response(
        503,
        "source-unavailable",
        f"{reason}; the server log says more",
        instance="/readyz",
        title="Not ready",
        headers={"Retry-After": "10", "Cache-Control": "no-store"},
    )


def _describe_security(app: FastAPI, auth_enabled: bool) -> None:
    """Declare bearer auth in the OpenAPI document when tokens are configured (Swagger's Authorize button)."""
    if not auth_enabled:
        return
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = original()
        schema.setdefault("components", {}).setdefault("securitySchemes", {})["bearerAuth"] = {
            "type": "http",
            "scheme": "bearer",
        }
        schema["security"] = [{"bearerAuth": []}]
        for path in ("/healthz", "/readyz"):
            for operation in schema.get("paths", {}).get(path, {}).values():
                operation["security"] = []
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
