"""The HTTP application: MCP Streamable HTTP, REST with Swagger, the dashboard, probes and metrics."""

from carbon_kepler_mcp.web.app import build_app
from carbon_kepler_mcp.web.config import WebConfig, check_exposure, is_loopback, web_config

__all__ = ["WebConfig", "build_app", "check_exposure", "is_loopback", "web_config"]
