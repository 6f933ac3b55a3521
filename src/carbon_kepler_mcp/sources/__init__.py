"""Metrics sources: where pod and node power comes from."""

from __future__ import annotations

from carbon_kepler_mcp.errors import ConfigError
from carbon_kepler_mcp.settings import Settings
from carbon_kepler_mcp.sources.base import FacilityInfo, MetricsSource, Snapshot, WindowedSource
from carbon_kepler_mcp.sources.kepler import KeplerSource, build_ssl_context
from carbon_kepler_mcp.sources.prometheus import PrometheusSource
from carbon_kepler_mcp.window import parse_window

__all__ = [
    "FacilityInfo",
    "KeplerSource",
    "MetricsSource",
    "PrometheusSource",
    "Snapshot",
    "WindowedSource",
    "build_source",
]

NO_SOURCE_MESSAGE = (
    "no metrics source configured: set PROMETHEUS_URL to a Prometheus that scrapes Kepler (or --prometheus-url), "
    "or KEPLER_ENDPOINT to your Kepler /metrics URL(s) (comma-separated, or --kepler-endpoint), or use the "
    "built-in demo cluster with --demo (CARBON_KEPLER_SOURCE=demo)"
)


def build_source(settings: Settings) -> MetricsSource:
    """The metrics source the settings ask for.

    Raises:
        ConfigError: no source is configured, or the settings contradict each other.
    """
    kind = settings.source
    if kind == "auto":
        if settings.prometheus_url:
            kind = "prometheus"
        elif not settings.kepler_endpoints:
            raise ConfigError(NO_SOURCE_MESSAGE)
        else:
            kind = "kepler"
    if kind == "demo":
        from carbon_kepler_mcp.sources.demo import DemoSource

        return DemoSource(cache_ttl_seconds=settings.cache_ttl_seconds)
    if kind == "prometheus":
        return build_prometheus_source(settings)
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


def build_prometheus_source(settings: Settings) -> PrometheusSource:
    """The Prometheus source from the settings.

    Raises:
        ConfigError: no URL, or an unreadable CA bundle.
    """
    if not settings.prometheus_url:
        raise ConfigError(
            "source is 'prometheus' but no URL is set: set PROMETHEUS_URL (CARBON_KEPLER_PROMETHEUS_URL) or "
            "--prometheus-url to the Prometheus API base URL, e.g. http://prometheus.monitoring:9090"
        )
    token = settings.prometheus_bearer_token.get_secret_value() if settings.prometheus_bearer_token else None
    basic = (
        (settings.prometheus_username, settings.prometheus_password.get_secret_value())
        if settings.prometheus_username is not None and settings.prometheus_password is not None
        else None
    )
    return PrometheusSource(
        settings.prometheus_url,
        timeout_seconds=settings.prometheus_timeout_seconds,
        max_bytes=settings.prometheus_max_bytes,
        cache_ttl_seconds=settings.cache_ttl_seconds,
        default_window_seconds=parse_window(settings.default_window),
        verify=build_ssl_context(
            ca_bundle=settings.prometheus_ca_bundle, insecure_skip_verify=settings.prometheus_insecure_skip_verify
        ),
        bearer_token=token,
        bearer_token_file=settings.prometheus_bearer_token_file,
        basic_auth=basic,
    )
