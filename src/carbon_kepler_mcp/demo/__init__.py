"""The built-in demo cluster: a deterministic, Kepler-compatible (≥0.10) metrics exporter.

:mod:`.cluster` is pure (metrics as a function of time); :mod:`.exporter` serves them over HTTP.
"""

from carbon_kepler_mcp.demo.cluster import (
    CORE_FRACTION_OF_PACKAGE,
    K8S_SUFFIX_ALPHABET,
    KEPLER_VERSION,
    POD_ZONES,
    UNCORE_FRACTION_OF_PACKAGE,
    DemoCluster,
    DemoNode,
    DemoPod,
    default_cluster,
    large_cluster,
)
from carbon_kepler_mcp.demo.exporter import METRICS_CONTENT_TYPE, DemoExporter, serve_forever

__all__ = [
    "CORE_FRACTION_OF_PACKAGE",
    "K8S_SUFFIX_ALPHABET",
    "KEPLER_VERSION",
    "METRICS_CONTENT_TYPE",
    "POD_ZONES",
    "UNCORE_FRACTION_OF_PACKAGE",
    "DemoCluster",
    "DemoExporter",
    "DemoNode",
    "DemoPod",
    "default_cluster",
    "large_cluster",
    "serve_forever",
]
