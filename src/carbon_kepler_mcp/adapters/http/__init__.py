"""The HTTP application: MCP Streamable HTTP, REST with Swagger, the dashboard, probes and metrics."""

from carbon_kepler_mcp.adapters.http.app import build_app
from carbon_kepler_mcp.adapters.http.config import WebConfig, check_exposure, is_loopback

__all__ = ["WebConfig", "build_app", "check_exposure", "is_loopback"]
