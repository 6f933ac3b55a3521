"""carbon-kepler-mcp: carbon emissions and compliance of Kubernetes workloads from Kepler power metrics.

The public surface is small on purpose: build an :class:`AppContext` over a metrics source (or let
:func:`build_context` do it from :class:`Settings`), then serve it with :func:`build_server` (MCP) or run a tool of
:data:`TOOLS` directly. Names are imported lazily, so importing a submodule (the Kepler parser, say) loads neither
MCP nor the web stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from carbon_kepler_mcp._version import __version__

if TYPE_CHECKING:
    from carbon_kepler_mcp.adapters.mcp.server import build_server
    from carbon_kepler_mcp.app.context import AppConfig, AppContext
    from carbon_kepler_mcp.app.registry import TOOLS
    from carbon_kepler_mcp.bootstrap import build_context, build_source
    from carbon_kepler_mcp.errors import (
        AmbiguousWorkloadError,
        CarbonKeplerError,
        ConfigError,
        DataError,
        EmptyScrapeError,
        InsufficientDataError,
        IntensityProviderError,
        InvalidArgumentError,
        InvalidNameError,
        MetricsParseError,
        NotFoundError,
        PrometheusQueryError,
        ResponseTooLargeError,
        SourceError,
        SourceTimeoutError,
        SourceTLSError,
        SourceUnavailableError,
        UnknownNamespaceError,
        UnknownRegionError,
        UnknownStandardError,
        UnknownWorkloadError,
    )
    from carbon_kepler_mcp.reference import load_reference_data
    from carbon_kepler_mcp.settings import Settings

# Where each lazily imported name lives; every other name of ``__all__`` is an error class of ``errors``.
_ELSEWHERE: dict[str, str] = {
    "AppConfig": "carbon_kepler_mcp.app.context",
    "AppContext": "carbon_kepler_mcp.app.context",
    "Settings": "carbon_kepler_mcp.settings",
    "TOOLS": "carbon_kepler_mcp.app.registry",
    "build_context": "carbon_kepler_mcp.bootstrap",
    "build_server": "carbon_kepler_mcp.adapters.mcp.server",
    "build_source": "carbon_kepler_mcp.bootstrap",
    "load_reference_data": "carbon_kepler_mcp.reference",
}

__all__ = [
    "TOOLS",
    "AmbiguousWorkloadError",
    "AppConfig",
    "AppContext",
    "CarbonKeplerError",
    "ConfigError",
    "DataError",
    "EmptyScrapeError",
    "InsufficientDataError",
    "IntensityProviderError",
    "InvalidArgumentError",
    "InvalidNameError",
    "MetricsParseError",
    "NotFoundError",
    "PrometheusQueryError",
    "ResponseTooLargeError",
    "Settings",
    "SourceError",
    "SourceTLSError",
    "SourceTimeoutError",
    "SourceUnavailableError",
    "UnknownNamespaceError",
    "UnknownRegionError",
    "UnknownStandardError",
    "UnknownWorkloadError",
    "__version__",
    "build_context",
    "build_server",
    "build_source",
    "load_reference_data",
]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'carbon_kepler_mcp' has no attribute {name!r}")
    value = getattr(importlib.import_module(_ELSEWHERE.get(name, "carbon_kepler_mcp.errors")), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
