"""carbon-kepler-mcp: carbon emissions and compliance of Kubernetes workloads from Kepler power metrics.

The public surface is small on purpose: build a :class:`CarbonService` over a metrics source, then serve it
with :func:`build_server` (MCP) or call its use cases directly.
"""

from carbon_kepler_mcp._version import __version__
from carbon_kepler_mcp.errors import (
    AmbiguousWorkloadError,
    CarbonKeplerError,
    ConfigError,
    DataError,
    EmptyScrapeError,
    InsufficientDataError,
    InvalidArgumentError,
    InvalidNameError,
    MetricsParseError,
    NotFoundError,
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
from carbon_kepler_mcp.server import build_server
from carbon_kepler_mcp.service import CarbonService, ServiceConfig
from carbon_kepler_mcp.settings import Settings
from carbon_kepler_mcp.sources import build_source

__all__ = [
    "AmbiguousWorkloadError",
    "CarbonKeplerError",
    "CarbonService",
    "ConfigError",
    "DataError",
    "EmptyScrapeError",
    "InsufficientDataError",
    "InvalidArgumentError",
    "InvalidNameError",
    "MetricsParseError",
    "NotFoundError",
    "ResponseTooLargeError",
    "ServiceConfig",
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
    "build_server",
    "build_source",
    "load_reference_data",
]
