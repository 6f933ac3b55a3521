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

import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

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
from carbon_kepler_mcp.errors import CarbonKeplerError

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
    tokens = TokenStore(config.api_tokens, config.api_token_file)

    mcp_app = mcp.streamable_http_app(
        streamable_http_path="/mcp",
        max_request_body_size=config.max_request_body_bytes,
        transport_security=TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=list(config.hosts),
            allowed_origins=list(config.origins),
        ),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncGenerator[None]:
        async with mcp.session_manager.run():  # a mounted app's lifespan never runs: start MCP sessions here
            try:
                yield
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
        return {"status": "ok", "version": __version__}

    @app.get(
        "/readyz",
        tags=["operations"],
        summary="Readiness: the metrics source answers",
        responses=problem_responses(503),
    )
    async def readyz() -> Response:
        ready, body = await readiness(service)
        if ready:
            return JSONResponse(body)
        return problem_response(
            503,
            "source-unavailable",
            "the metrics source does not answer; the server log says why",
            instance="/readyz",
            title="Not ready",
            headers={"Retry-After": "10"},
        )

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
    app.router.routes.append(Route("/mcp", endpoint=mcp_app))
    _describe_security(app, tokens.enabled)
    return app


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
