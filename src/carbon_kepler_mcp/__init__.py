"""carbon-kepler-mcp: carbon emissions and compliance of Kubernetes workloads from Kepler power metrics."""

from carbon_kepler_mcp._version import __version__

__all__ = ["__version__"]
