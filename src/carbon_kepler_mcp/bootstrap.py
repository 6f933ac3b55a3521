"""The composition root: settings in, the metrics source, reference data, application context and web config out.

Nothing else reads :class:`~carbon_kepler_mcp.settings.Settings`: sources, the application and the adapters take
plain arguments, so each can be built and tested alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from carbon_kepler_mcp.adapters.http.config import WebConfig, check_exposure, check_token
from carbon_kepler_mcp.adapters.http.security import read_token_file
from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.app.embodied import HardwareSpec, hardware_types
from carbon_kepler_mcp.domain.window import parse_window
from carbon_kepler_mcp.errors import ConfigError
from carbon_kepler_mcp.policy import load_policy
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.settings import Settings
from carbon_kepler_mcp.sources.base import MetricsSource
from carbon_kepler_mcp.sources.discovery import DiscoveredKeplerSource
from carbon_kepler_mcp.sources.intensity.base import IntensityProvider, secret
from carbon_kepler_mcp.sources.intensity.chain import IntensityChain
from carbon_kepler_mcp.sources.kepler import KeplerSource, build_ssl_context
from carbon_kepler_mcp.sources.prometheus import PrometheusSource

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = [
    "app_config",
    "build_context",
    "build_intensity",
    "build_kepler_source",
    "build_prometheus_source",
    "build_source",
    "web_config",
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
    kind = settings.metrics.source
    if kind == "auto":
        if settings.prometheus.url:
            kind = "prometheus"
        elif not settings.kepler.endpoints and not settings.kepler.discover_url:
            raise ConfigError(NO_SOURCE_MESSAGE)
        else:
            kind = "kepler"
    if kind == "demo":
        from carbon_kepler_mcp.sources.demo import DemoSource

        return DemoSource(cache_ttl_seconds=settings.metrics.cache_ttl_seconds)
    if kind == "prometheus":
        return build_prometheus_source(settings)
    if not settings.kepler.endpoints and not settings.kepler.discover_url:
        raise ConfigError("source is 'kepler' but no endpoint is set: " + NO_SOURCE_MESSAGE)
    if settings.kepler.discover_url:
        return DiscoveredKeplerSource(
            settings.kepler.discover_url,
            lambda endpoints: build_kepler_source(settings, endpoints),
            refresh_seconds=settings.kepler.discover_refresh_seconds,
        )
    return build_kepler_source(settings, settings.kepler.endpoints)


def build_kepler_source(settings: Settings, endpoints: Sequence[str]) -> KeplerSource:
    """The direct Kepler source over ``endpoints`` (the settings' own, or the pods discovery found)."""
    token = settings.kepler.bearer_token.get_secret_value() if settings.kepler.bearer_token else None
    return KeplerSource(
        endpoints,
        timeout_seconds=settings.kepler.timeout_seconds,
        max_bytes=settings.kepler.max_bytes,
        memory_budget_bytes=settings.metrics.memory_budget_bytes,
        cache_ttl_seconds=settings.metrics.cache_ttl_seconds,
        failure_ttl_seconds=settings.metrics.failure_cache_seconds,
        legacy_rate_interval_seconds=settings.kepler.legacy_rate_interval_seconds,
        verify=build_ssl_context(
            ca_bundle=settings.kepler.ca_bundle, insecure_skip_verify=settings.kepler.insecure_skip_verify
        ),
        bearer_token=token,
        bearer_token_file=settings.kepler.bearer_token_file,
    )


def build_prometheus_source(settings: Settings) -> PrometheusSource:
    """The Prometheus source from the settings.

    Raises:
        ConfigError: no URL, or an unreadable CA bundle.
    """
    if not settings.prometheus.url:
        raise ConfigError(
            "source is 'prometheus' but no URL is set: set PROMETHEUS_URL (CARBON_KEPLER_PROMETHEUS_URL) or "
            "--prometheus-url to the Prometheus API base URL, e.g. http://prometheus.monitoring:9090"
        )
    token = settings.prometheus.bearer_token.get_secret_value() if settings.prometheus.bearer_token else None
    basic = (
        (settings.prometheus.username, settings.prometheus.password.get_secret_value())
        if settings.prometheus.username is not None and settings.prometheus.password is not None
        else None
    )
    return PrometheusSource(
        settings.prometheus.url,
        timeout_seconds=settings.prometheus.timeout_seconds,
        max_bytes=settings.prometheus.max_bytes,
        memory_budget_bytes=settings.metrics.memory_budget_bytes,
        cache_ttl_seconds=settings.metrics.cache_ttl_seconds,
        failure_ttl_seconds=settings.metrics.failure_cache_seconds,
        default_window_seconds=parse_window(settings.metrics.default_window),
        recent_seconds=parse_window(settings.prometheus.rate_window),
        verify=build_ssl_context(
            ca_bundle=settings.prometheus.ca_bundle, insecure_skip_verify=settings.prometheus.insecure_skip_verify
        ),
        bearer_token=token,
        bearer_token_file=settings.prometheus.bearer_token_file,
        basic_auth=basic,
    )


def build_intensity(settings: Settings, default_zone: str | None = None) -> IntensityChain | None:
    """The grid-intensity providers the settings name, in their order; None for the offline annual factors.

    Credentials are handed over as readers (the value, or the mounted file re-read on every use), never as text
    that could reach a log line.
    """
    group = settings.intensity
    if not group.provider:
        return None
    providers: list[IntensityProvider] = []
    for name in group.provider:
        if name == "electricitymaps":
            from carbon_kepler_mcp.sources.intensity.electricitymaps import ElectricityMapsProvider

            token = group.electricitymaps_api_token
            providers.append(
                ElectricityMapsProvider(
                    secret(
                        token.get_secret_value() if token else None,
                        group.electricitymaps_api_token_file,
                        "ELECTRICITYMAPS_API_TOKEN",
                    ),
                    base_url=group.electricitymaps_url,
                    emission_factor_type=group.electricitymaps_emission_factor_type,
                    timeout_seconds=group.timeout_seconds,
                )
            )
        elif name == "watttime":
            from carbon_kepler_mcp.sources.intensity.watttime import WattTimeProvider

            password = group.watttime_password
            providers.append(
                WattTimeProvider(
                    secret(group.watttime_username, group.watttime_username_file, "WATTTIME_USERNAME"),
                    secret(
                        password.get_secret_value() if password else None,
                        group.watttime_password_file,
                        "WATTTIME_PASSWORD",
                    ),
                    base_url=group.watttime_url,
                    signal_type=group.watttime_signal_type,
                    timeout_seconds=group.timeout_seconds,
                )
            )
        elif name == "casdk":
            from carbon_kepler_mcp.sources.intensity.casdk import CarbonAwareSdkProvider

            assert group.casdk_url is not None  # the settings refuse casdk without a URL
            providers.append(
                CarbonAwareSdkProvider(
                    group.casdk_url, signal=group.casdk_signal, timeout_seconds=group.timeout_seconds
                )
            )
        else:
            from carbon_kepler_mcp.sources.intensity.file import FileProvider

            assert group.file is not None  # the settings refuse file without a location
            providers.append(
                FileProvider(
                    group.file,
                    signal=group.file_signal,
                    basis=group.file_basis,
                    default_zone=default_zone,
                    timeout_seconds=group.timeout_seconds,
                )
            )
    return IntensityChain(providers)


def app_config(settings: Settings) -> AppConfig:
    """The application configuration from the settings."""
    return AppConfig(
        default_region=settings.accounting.default_region,
        pue_standard=settings.accounting.pue_standard,
        pue=settings.accounting.pue,
        node_pue=settings.accounting.node_pue,
        korea_intensity_override_g_per_kwh=settings.accounting.korea_carbon_intensity_g_per_kwh,
        korea_pue_target_override=settings.accounting.korea_pue_target,
        electricity_price_usd_per_kwh=settings.accounting.electricity_price_usd_per_kwh,
        default_window_seconds=parse_window(settings.metrics.default_window),
        accept_default_pue=settings.accounting.accept_default_pue,
        idle_allocation=settings.accounting.idle_allocation,
        node_hardware=node_hardware(settings.accounting.node_hardware, settings.accounting.data_dir),
        intensity_zones=settings.intensity.zones,
    )


def node_hardware(
    raw: Mapping[str, str | Mapping[str, float]], data_dir: Path | None = None
) -> dict[str, HardwareSpec]:
    """The operator's per-node hardware: a type name (shipped, or of the operator's ``hardware.toml`` in the data
    directory), or the figures themselves."""
    types = hardware_types(data_dir)
    out: dict[str, HardwareSpec] = {}
    for node, value in raw.items():
        if isinstance(value, str):
            if value not in types:
                raise ConfigError(
                    f"CARBON_KEPLER_NODE_HARDWARE: node {node!r} names the unknown hardware type {value!r}; "
                    f"known types: {', '.join(sorted(types))}, or give the figures (embodied_kgco2eq, "
                    "lifetime_years, cores)"
                )
            out[node] = types[value].model_copy(update={"source": f"{types[value].source} (operator setting)"})
            continue
        try:
            out[node] = HardwareSpec.model_validate({**value, "name": f"operator ({node})"})
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise ConfigError(
                f"CARBON_KEPLER_NODE_HARDWARE: node {node!r} has invalid hardware figures ({problems}); give "
                "embodied_kgco2eq (> 0), lifetime_years (> 0) and cores (> 0)"
            ) from None
    return out


def build_context(settings: Settings) -> AppContext:
    """The application context with the source and reference data the settings ask for."""
    reference = load_reference_data(settings.accounting.data_dir)
    source = build_source(settings)
    config = app_config(settings)
    ctx = AppContext(source, reference, config, policy=load_policy(settings.accounting.policy_file))
    # Fail on a bad PUE standard or region at start-up, not at the first tool call.
    default_region = ctx.region(settings.accounting.default_region)
    ctx.intensity = build_intensity(settings, ctx.intensity_zones(default_region).get("file"))
    pue_standard = ctx.standard(settings.accounting.pue_standard)
    if pue_standard.kind != "pue":
        raise ConfigError(
            f"pue_standard {pue_standard.code} is a {pue_standard.kind} standard, not a PUE standard; set "
            "CARBON_KEPLER_PUE_STANDARD to one of: "
            + ", ".join(s.code for s in ctx.reference.standards.values() if s.kind == "pue")
        )
    ctx.region(settings.accounting.default_region)
    return ctx


def web_config(settings: Settings) -> WebConfig:
    """The HTTP app's configuration from the settings.

    Raises:
        ConfigError: the server would be reachable from other machines without a token (and the operator
            did not pass ``--allow-unauthenticated``), a token is too short, or the token file is unusable.
    """
    tokens = (settings.server.api_token.get_secret_value().strip(),) if settings.server.api_token is not None else ()
    for token in tokens:
        check_token(token, "CARBON_KEPLER_API_TOKEN")
    if settings.server.api_token_file is not None and not read_token_file(settings.server.api_token_file, strict=True):
        raise ConfigError(f"the API token file {settings.server.api_token_file} holds no token")
    config = WebConfig(
        api_tokens=tokens,
        api_token_file=settings.server.api_token_file,
        allowed_hosts=tuple(h.lower() for h in settings.server.allowed_hosts),
        allowed_origins=tuple(o.lower().rstrip("/") for o in settings.server.allowed_origins),
        max_request_body_bytes=settings.server.max_request_body_bytes,
        bind_host=settings.server.host,
        tool_prefix=settings.server.tool_prefix,
        tools_allowed=settings.server.tools_allowed,
        mcp_max_sessions=settings.server.mcp_max_sessions,
        mcp_session_idle_seconds=settings.server.mcp_session_idle_seconds,
        mcp_stateless=settings.server.mcp_stateless,
        readiness_timeout_seconds=settings.server.readiness_timeout_seconds,
        login_failures_per_minute=settings.server.login_failures_per_minute,
    )
    check_exposure(
        settings.server.host,
        auth_enabled=config.auth_enabled,
        allow_unauthenticated=settings.server.allow_unauthenticated,
    )
    return config


def build_web_app(ctx: AppContext, config: WebConfig | None = None, *, close_context: bool = False) -> FastAPI:
    """The HTTP application (MCP at ``/mcp``, REST, dashboard) over ``ctx``: the one place both adapters meet."""
    from carbon_kepler_mcp.adapters.http.app import build_app
    from carbon_kepler_mcp.adapters.mcp.server import build_server

    config = config or WebConfig()
    mcp = build_server(ctx, close_context=False, tool_prefix=config.tool_prefix, tools_allowed=config.tools_allowed)
    return build_app(ctx, mcp, config, close_service=close_context)
