"""Metrics sources: where pod and node power comes from."""

from __future__ import annotations

from carbon_kepler_mcp.errors import ConfigError
from carbon_kepler_mcp.settings import Settings
from carbon_kepler_mcp.sources.base import FacilityInfo, MetricsSource, Snapshot
from carbon_kepler_mcp.sources.kepler import KeplerSource, build_ssl_context

__all__ = ["FacilityInfo", "KeplerSource", "MetricsSource", "Snapshot", "build_source"]

NO_SOURCE_MESSAGE = (
    "no metrics source configured: set KEPLER_ENDPOINT to your Kepler /metrics URL(s) "
    "(comma-separated, or --kepler-endpoint), or use the built-in demo cluster with --demo "
    "(CARBON_KEPLER_SOURCE=demo)"
)


def build_source(settings: Settings) -> MetricsSource:
    """The metrics source the settings ask for.

    Raises:
        ConfigError: no source is configured, or the settings contradict each other.
    """
    kind = settings.source
    if kind == "auto":
        if not settings.kepler_endpoints:
            raise ConfigError(NO_SOURCE_MESSAGE)
        kind = "kepler"
    if kind == "demo":
        from carbon_kepler_mcp.sources.demo import DemoSource

        return DemoSource(cache_ttl_seconds=settings.cache_ttl_seconds)
    if not settings.kepler_endpoints:
        raise ConfigError("source is 'kepler' but no endpoint is set: " + NO_SOURCE_MESSAGE)
    token = settings.kepler_bearer_token.get_secret_value() if settings.kepler_bearer_token else None
    return KeplerSource(
        settings.kepler_endpoints,
        timeout_seconds=settings.scrape_timeout_seconds,
        max_bytes=settings.scrape_max_bytes,
        cache_ttl_seconds=settings.cache_ttl_seconds,
        legacy_rate_interval_seconds=settings.legacy_rate_interval_seconds,
        verify=build_ssl_context(
            ca_bundle=settings.kepler_ca_bundle, insecure_skip_verify=settings.kepler_insecure_skip_verify
        ),
        bearer_token=token,
        bearer_token_file=settings.kepler_bearer_token_file,
    )
