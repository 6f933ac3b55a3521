"""The one settings object, in groups.

Every setting is read from the environment (prefix ``CARBON_KEPLER_``) or given by name, and the names of the
original design (``KEPLER_ENDPOINT``, ``KOREA_CARBON_INTENSITY``, ``KOREA_PUE_TARGET``, ``MCP_TRANSPORT``) keep
working as aliases. The environment names are flat (``CARBON_KEPLER_SCRAPE_TIMEOUT_SECONDS``); in code the
settings are grouped by what they configure (``settings.kepler.timeout_seconds``), and ``Settings`` also takes
the flat names (``Settings(scrape_timeout_seconds=5)``), as the command line passes them. Only the composition
root (:mod:`carbon_kepler_mcp.bootstrap`) and the program (:mod:`carbon_kepler_mcp.main`) read settings; lower
modules receive plain arguments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, cast

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from carbon_kepler_mcp.domain.window import parse_window
from carbon_kepler_mcp.errors import InvalidArgumentError
from carbon_kepler_mcp.sources.redaction import redact_url

__all__ = [
    "AccountingSettings",
    "IntensitySettings",
    "KeplerSettings",
    "MetricsSettings",
    "PrometheusSettings",
    "ServerSettings",
    "Settings",
]

SourceKind = Literal["auto", "kepler", "demo", "prometheus"]
Transport = Literal["stdio", "http"]


_PREFIX = "CARBON_KEPLER_"


def _env(name: str, *aliases: str) -> AliasChoices:
    """The environment names of the setting called ``name``: ``CARBON_KEPLER_<NAME>`` and any older names.

    The bare name is deliberately not one of them, so ``PORT`` or ``HOST`` set for something else in a container
    is never read as a setting; in code the setting is passed by its flat name (``Settings(port=8080)``).
    """
    return AliasChoices(_PREFIX + name.upper(), *aliases)


def _split(value: Any) -> Any:
    """A comma-separated environment value as a tuple (a tuple or list is taken as it is)."""
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


class _Group(BaseSettings):
    """One group of settings: each reads its own fields from the environment."""

    # Fields are read and passed by their aliases only: with populate_by_name the environment source would also
    # read the bare field names (PORT, HOST, PUE, ...).
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    @classmethod
    def flat_names(cls) -> dict[str, str]:
        """Flat name (``scrape_timeout_seconds``) → the alias the group is built with, for every field."""
        names: dict[str, str] = {}
        for field in cls.model_fields.values():
            alias = field.validation_alias
            assert isinstance(alias, AliasChoices) and isinstance(alias.choices[0], str)
            names[alias.choices[0].removeprefix(_PREFIX).lower()] = alias.choices[0]
        return names

    @classmethod
    def environment_names(cls) -> frozenset[str]:
        """Every environment name the group reads."""
        return frozenset(
            choice.upper()
            for field in cls.model_fields.values()
            if isinstance(field.validation_alias, AliasChoices)
            for choice in field.validation_alias.choices
            if isinstance(choice, str)
        )


class MetricsSettings(_Group):
    """Where the metrics come from, and how long an answer is reused."""

    source: SourceKind = Field(default="auto", validation_alias=_env("source"))
    """``kepler`` scrapes ``kepler_endpoints``; ``prometheus`` queries ``prometheus_url``; ``demo`` starts the
    built-in demo cluster; ``auto`` picks ``prometheus`` when its URL is set, else ``kepler`` when endpoints are
    set, and otherwise refuses (it never falls back to the demo silently)."""

    cache_ttl_seconds: float = Field(default=60.0, ge=0, le=3600, validation_alias=_env("cache_ttl_seconds"))
    """How long a scrape is reused. Kepler refreshes its metrics every few seconds; 60 s keeps tool calls
    consistent with each other inside one conversation and spares the exporters. 0 disables the cache."""

    default_window: str = Field(default="1h", validation_alias=_env("default_window"))
    """Energy window when a tool call names none (Prometheus source only): 5m to 7d, e.g. ``30m``, ``1h``, ``1d``."""

    failure_cache_seconds: float = Field(default=5.0, ge=0, le=300, validation_alias=_env("failure_cache_seconds"))
    """How long a failed or timed-out read is remembered: callers in that time get its error at once instead of
    each waiting for the failing server again. 0 forgets at once."""

    memory_budget_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=1024 * 1024,
        le=4 * 1024 * 1024 * 1024,
        validation_alias=_env("scrape_memory_budget_bytes"),
    )
    """Body bytes all scrapes (every endpoint) or Prometheus answers in flight may hold together; a body that would
    pass it is refused with a clear error. Parsed data takes about four times the body, so 64 MiB keeps the server
    near 350 MiB, inside the shipped Deployment's 512 MiB limit."""

    # --- the numbers ---------------------------------------------------------------------------------

    @field_validator("default_window")
    @classmethod
    def _check_default_window(cls, value: str) -> str:
        try:
            parse_window(value)
        except InvalidArgumentError as exc:
            raise ValueError(str(exc)) from exc
        return value


class KeplerSettings(_Group):
    """Scraping Kepler's exporters directly."""

    endpoints: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(), validation_alias=_env("kepler_endpoints", "KEPLER_ENDPOINT")
    )
    """Kepler ``/metrics`` URLs, comma-separated in the environment (one per node for a DaemonSet)."""

    discover_url: str | None = Field(default=None, validation_alias=_env("kepler_discover_url"))
    """A headless Service in front of Kepler's DaemonSet as a ``/metrics`` URL
    (``http://NAME.NAMESPACE.svc:28282/metrics``): every address its name resolves to is one Kepler pod, and
    each is scraped. Instead of ``kepler_endpoints``, for a cluster of any size."""

    discover_refresh_seconds: float = Field(
        default=60.0, ge=1, le=3600, validation_alias=_env("kepler_discover_refresh_seconds")
    )
    """How often the headless Service's name is resolved again (pods of new nodes join within this time)."""

    ca_bundle: Path | None = Field(default=None, validation_alias=_env("kepler_ca_bundle"))
    """PEM file of CA certificates to verify HTTPS endpoints (default: the OS trust store)."""

    bearer_token: SecretStr | None = Field(default=None, validation_alias=_env("kepler_bearer_token"))
    """Bearer token sent to the endpoints (e.g. behind kube-rbac-proxy). Never logged."""

    bearer_token_file: Path | None = Field(default=None, validation_alias=_env("kepler_bearer_token_file"))
    """File holding the bearer token (re-read on each scrape, so rotated service-account tokens work)."""

    insecure_skip_verify: bool = Field(default=False, validation_alias=_env("kepler_insecure_skip_verify"))
    """Skip TLS verification. Opt-in only, for lab clusters with self-signed certificates."""

    timeout_seconds: float = Field(default=10.0, gt=0, le=300, validation_alias=_env("scrape_timeout_seconds"))
    """Total deadline of one endpoint's scrape: connecting, retries and every byte of the body (a server sending a
    byte now and then is cut off too). Kepler answers in well under a second; 10 s tolerates busy nodes."""

    max_bytes: int = Field(
        default=64 * 1024 * 1024, ge=1024, le=1024 * 1024 * 1024, validation_alias=_env("scrape_max_bytes")
    )
    """Largest body accepted from one endpoint. A 40,000-sample scrape is about 10 MiB; 64 MiB leaves room."""

    legacy_rate_interval_seconds: float = Field(
        default=5.0, gt=0, le=120, validation_alias=_env("legacy_rate_interval_seconds")
    )
    """Kepler 0.7 exports no watts gauges, so power is the counters' rate between two scrapes this far apart
    (when no earlier scrape is cached). Kepler 0.7 updates its counters every 3 s by default."""

    # --- Prometheus (cluster-wide, windowed energy) -----------------------------------------------------

    @field_validator("endpoints", mode="before")
    @classmethod
    def _split_endpoints(cls, value: Any) -> Any:
        return _split(value)

    @field_validator("endpoints")
    @classmethod
    def _check_endpoints(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for url in value:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"Kepler endpoint {redact_url(url)!r} must start with http:// or https://")
        return value

    @field_validator("discover_url")
    @classmethod
    def _check_discover_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"Kepler discovery URL {value!r} must start with http:// or https://")
        return value

    @model_validator(mode="after")
    def _check_discovery(self) -> KeplerSettings:
        if self.discover_url is not None and self.endpoints:
            raise ValueError("set kepler_endpoints or kepler_discover_url, not both")
        return self

    @model_validator(mode="after")
    def _check_token(self) -> KeplerSettings:
        if self.bearer_token is not None and self.bearer_token_file is not None:
            raise ValueError("set kepler_bearer_token or kepler_bearer_token_file, not both")
        return self


class PrometheusSettings(_Group):
    """A Prometheus-compatible API that scrapes Kepler (cluster-wide, windowed energy)."""

    url: str | None = Field(default=None, validation_alias=_env("prometheus_url", "PROMETHEUS_URL"))
    """Base URL of a Prometheus-compatible HTTP API that scrapes Kepler (the part before ``/api/v1``; for
    Mimir usually ``…/prometheus``, for Thanos the Query endpoint)."""

    bearer_token: SecretStr | None = Field(default=None, validation_alias=_env("prometheus_bearer_token"))
    """Bearer token sent to Prometheus. Never logged."""

    bearer_token_file: Path | None = Field(default=None, validation_alias=_env("prometheus_bearer_token_file"))
    """File holding the Prometheus bearer token (re-read on every query)."""

    username: str | None = Field(default=None, validation_alias=_env("prometheus_username"))
    """User for HTTP basic auth (with ``prometheus_password``)."""

    password: SecretStr | None = Field(default=None, validation_alias=_env("prometheus_password"))
    """Password for HTTP basic auth. Never logged."""

    ca_bundle: Path | None = Field(default=None, validation_alias=_env("prometheus_ca_bundle"))
    """PEM file of CA certificates to verify an HTTPS Prometheus (default: the OS trust store)."""

    insecure_skip_verify: bool = Field(default=False, validation_alias=_env("prometheus_insecure_skip_verify"))
    """Skip TLS verification of Prometheus. Opt-in only, for lab clusters."""

    timeout_seconds: float = Field(default=30.0, gt=0, le=600, validation_alias=_env("prometheus_timeout_seconds"))
    """Total deadline of one query, retries and every byte of the answer included (also sent to Prometheus as
    the query's ``timeout``)."""

    rate_window: str = Field(default="5m", validation_alias=_env("prometheus_rate_window"))
    """How far back "power now" looks (5m to 1h): the energy of a pod's samples in that span ÷ the time between
    them. Never longer than the answer's window, and never divided by time without samples."""

    max_bytes: int = Field(
        default=64 * 1024 * 1024, ge=1024, le=1024 * 1024 * 1024, validation_alias=_env("prometheus_max_bytes")
    )
    """Largest answer accepted for one query. Per-pod aggregates of 5,000 pods are about 3 MB."""

    @field_validator("rate_window")
    @classmethod
    def _check_rate_window(cls, value: str) -> str:
        try:
            seconds = parse_window(value)
        except InvalidArgumentError as exc:
            raise ValueError(str(exc)) from exc
        if seconds > 3600:
            raise ValueError(f"prometheus_rate_window {value!r} is longer than 1h: power now must be recent")
        return value

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"Prometheus URL {redact_url(value)!r} must start with http:// or https://")
        return value.rstrip("/") if value else None

    @model_validator(mode="after")
    def _check_auth(self) -> PrometheusSettings:
        token = self.bearer_token is not None or self.bearer_token_file is not None
        if self.bearer_token is not None and self.bearer_token_file is not None:
            raise ValueError("set prometheus_bearer_token or prometheus_bearer_token_file, not both")
        if token and self.username is not None:
            raise ValueError("set a Prometheus bearer token or basic auth (prometheus_username/password), not both")
        if (self.username is None) != (self.password is None):
            raise ValueError("prometheus_username and prometheus_password go together")
        return self


class AccountingSettings(_Group):
    """The numbers: grid factor and PUE overrides, standards, region, price and reference data."""

    korea_carbon_intensity_g_per_kwh: float | None = Field(
        default=None, gt=0, le=2000, validation_alias=_env("korea_carbon_intensity_g_per_kwh", "KOREA_CARBON_INTENSITY")
    )
    """Override of the Korean grid factor (default: the official 417.3 gCO2eq/kWh for 2023). Reported as an
    operator override in every answer's provenance."""

    korea_pue_target: float | None = Field(
        default=None, ge=1.0, le=5.0, validation_alias=_env("korea_pue_target", "KOREA_PUE_TARGET")
    )
    """Override of the KR_PUE_GREEN_DC limit (default 1.4, the Green DC full-score band)."""

    pue: float | None = Field(default=None, ge=1.0, le=5.0, validation_alias=_env("pue"))
    """Your facility's PUE, applied to every node. Without it the region's cited cloud default is used and
    every answer says so."""

    node_pue: dict[str, float] = Field(default_factory=dict, validation_alias=_env("node_pue"))
    """Per-node PUE as JSON (``{"gpu-node-1": 1.6}``), for clusters spanning facilities. Wins over ``pue``."""

    pue_standard: str = Field(default="KR_PUE_GREEN_DC", validation_alias=_env("pue_standard"))
    """The PUE standard ``pue_status`` is judged against."""

    default_region: str = Field(default="ap-northeast-2", validation_alias=_env("default_region"))
    """Region used when a tool call names none."""

    electricity_price_usd_per_kwh: float = Field(
        default=0.10, ge=0, le=10, validation_alias=_env("electricity_price_usd_per_kwh")
    )
    """Price used for cost estimates. An assumption, not a cited tariff: set your own."""

    accept_default_pue: bool = Field(default=False, validation_alias=_env("accept_default_pue"))
    """Let the region's built-in default PUE decide verdicts. Off: without your facility's PUE (``PUE`` or
    ``NODE_PUE``) a standard that depends on PUE answers NOT_ASSESSED, saying what to set."""

    policy_file: Path | None = Field(default=None, validation_alias=_env("policy_file"))
    """The policy file (TOML or YAML, e.g. a mounted ConfigMap) declaring carbon budgets; see README."""

    idle_allocation: Literal["none", "proportional", "cpu_request"] = Field(
        default="none", validation_alias=_env("idle_allocation")
    )
    """How node idle power is shared into workloads when a call names none: ``none`` (Kepler's active share, as
    Kepler reports it), ``proportional`` (to each workload's power) or ``cpu_request`` (to its CPU request)."""

    node_hardware: dict[str, str | dict[str, float]] = Field(
        default_factory=dict, validation_alias=_env("node_hardware")
    )
    """Per-node hardware for embodied emissions, as JSON: a type of ``data/hardware.toml``
    (``{"gpu-node-1": "ccf-2s-512gb-2gpu"}``) or the figures (``{"n1": {"embodied_kgco2eq": 1500,
    "lifetime_years": 5, "cores": 64}}``). Nodes without an entry get no embodied figure (unless the demo names it)."""

    data_dir: Path | None = Field(default=None, validation_alias=_env("data_dir"))
    """Directory with replacement ``regions.toml`` / ``standards.toml`` / ``profiles.toml`` (e.g. a ConfigMap)."""

    # --- serving -------------------------------------------------------------------------------------

    @field_validator("node_pue")
    @classmethod
    def _check_node_pue(cls, value: dict[str, float]) -> dict[str, float]:
        for node, pue in value.items():
            if not 1.0 <= pue <= 5.0:
                raise ValueError(f"PUE of node {node!r} is {pue}; a PUE is between 1.0 and 5.0")
        return value


INTENSITY_PROVIDERS = ("electricitymaps", "watttime", "casdk", "file")


class IntensitySettings(_Group):
    """Live and historical grid intensity: which providers, in what order, and their URLs and credentials."""

    provider: Annotated[tuple[str, ...], NoDecode] = Field(default=(), validation_alias=_env("intensity_provider"))
    """``electricitymaps``, ``watttime``, ``casdk``, ``file``, or a comma-separated fallback chain. Empty (the
    default): the shipped annual factors and the labelled synthetic hourly shape, offline."""

    timeout_seconds: float = Field(default=10.0, gt=0, le=120, validation_alias=_env("intensity_timeout_seconds"))
    """Seconds to wait for one provider (retries on 429/502/503 included), before the chain moves on."""

    zones: dict[str, dict[str, str]] = Field(default_factory=dict, validation_alias=_env("intensity_zones"))
    """Per-region provider zones as JSON (``{"ap-northeast-2": {"watttime": "KOR"}}``), over the data file's."""

    electricitymaps_url: str = Field(
        default="https://api.electricitymaps.com/v3", validation_alias=_env("electricitymaps_url")
    )
    """Electricity Maps API base (the part before ``/carbon-intensity``), for a proxy or a test stand-in."""

    electricitymaps_api_token: SecretStr | None = Field(
        default=None, validation_alias=_env("electricitymaps_api_token", "ELECTRICITYMAPS_API_TOKEN")
    )
    """Electricity Maps API token (sent as the ``auth-token`` header). Never logged."""

    electricitymaps_api_token_file: Path | None = Field(
        default=None, validation_alias=_env("electricitymaps_api_token_file", "ELECTRICITYMAPS_API_TOKEN_FILE")
    )
    """File holding the Electricity Maps token (a mounted secret; re-read on every request)."""

    electricitymaps_emission_factor_type: Literal["lifecycle", "direct"] = Field(
        default="lifecycle", validation_alias=_env("electricitymaps_emission_factor_type")
    )
    """``lifecycle`` (Electricity Maps' default, the basis of the shipped comparison factors) or ``direct``."""

    watttime_url: str = Field(default="https://api.watttime.org", validation_alias=_env("watttime_url"))
    """WattTime API base (before ``/login`` and ``/v3``)."""

    watttime_username: str | None = Field(default=None, validation_alias=_env("watttime_username", "WATTTIME_USERNAME"))
    """WattTime account name."""

    watttime_username_file: Path | None = Field(
        default=None, validation_alias=_env("watttime_username_file", "WATTTIME_USERNAME_FILE")
    )
    """File holding the WattTime account name."""

    watttime_password: SecretStr | None = Field(
        default=None, validation_alias=_env("watttime_password", "WATTTIME_PASSWORD")
    )
    """WattTime password (exchanged at ``/login`` for a 30-minute token). Never logged."""

    watttime_password_file: Path | None = Field(
        default=None, validation_alias=_env("watttime_password_file", "WATTTIME_PASSWORD_FILE")
    )
    """File holding the WattTime password (re-read at every login)."""

    watttime_signal_type: Literal["co2_moer", "co2_aoer"] = Field(
        default="co2_moer", validation_alias=_env("watttime_signal_type")
    )
    """``co2_moer`` (marginal, WattTime's main signal) or ``co2_aoer`` (average)."""

    casdk_url: str | None = Field(default=None, validation_alias=_env("casdk_url"))
    """Base URL of a Carbon Aware SDK WebAPI you run (e.g. ``http://carbon-aware-sdk.ns:8080``)."""

    casdk_signal: Literal["average", "marginal"] = Field(default="marginal", validation_alias=_env("casdk_signal"))
    """What the SDK's data source gives: ``marginal`` (WattTime, the SDK's documented case) or ``average``
    (Electricity Maps). The SDK's answers do not say, so you do."""

    file: str | None = Field(default=None, validation_alias=_env("intensity_file"))
    """Path or http(s) URL of your own hourly series (CSV or JSON, gCO2eq/kWh with timestamps)."""

    file_signal: Literal["average", "marginal"] = Field(
        default="average", validation_alias=_env("intensity_file_signal")
    )
    """Signal of that series when the file does not say (JSON ``signal``)."""

    file_basis: str = Field(
        default="operator-supplied series", max_length=200, validation_alias=_env("intensity_file_basis")
    )
    """Basis of that series when the file does not say (JSON ``basis``), e.g. ``KPX hourly, direct``."""

    @field_validator("provider", mode="before")
    @classmethod
    def _split_provider(cls, value: Any) -> Any:
        split: object = _split(value)
        if isinstance(split, tuple | list):
            return tuple(str(v).lower() for v in cast(list[object], split))
        return split

    @field_validator("provider")
    @classmethod
    def _check_provider(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if name not in INTENSITY_PROVIDERS:
                raise ValueError(f"intensity provider {name!r} is not one of {', '.join(INTENSITY_PROVIDERS)}")
        if len(set(value)) != len(value):
            raise ValueError(f"intensity provider chain {','.join(value)} names a provider twice")
        return value

    @field_validator("electricitymaps_url", "watttime_url", "casdk_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"provider URL {value!r} must start with http:// or https://")
        return value.rstrip("/") if value else value

    @model_validator(mode="after")
    def _check_credentials(self) -> IntensitySettings:
        if self.electricitymaps_api_token is not None and self.electricitymaps_api_token_file is not None:
            raise ValueError("set electricitymaps_api_token or electricitymaps_api_token_file, not both")
        if self.watttime_password is not None and self.watttime_password_file is not None:
            raise ValueError("set watttime_password or watttime_password_file, not both")
        if self.watttime_username is not None and self.watttime_username_file is not None:
            raise ValueError("set watttime_username or watttime_username_file, not both")
        if "casdk" in self.provider and not self.casdk_url:
            raise ValueError("intensity provider casdk needs casdk_url (CARBON_KEPLER_CASDK_URL)")
        if "file" in self.provider and not self.file:
            raise ValueError("intensity provider file needs intensity_file (CARBON_KEPLER_INTENSITY_FILE)")
        return self


class ServerSettings(_Group):
    """Serving MCP and HTTP: transport, bind, authentication, limits, which tools, logging."""

    transport: Transport = Field(default="stdio", validation_alias=_env("transport", "MCP_TRANSPORT"))
    """``stdio`` for desktop hosts, ``http`` for Streamable HTTP at ``/mcp``."""

    host: str = Field(default="127.0.0.1", validation_alias=_env("host"))
    """Address the HTTP transport binds. Loopback unless told otherwise."""

    port: int = Field(default=8000, ge=0, le=65535, validation_alias=_env("port"))
    """Port of the HTTP transport."""

    api_token: SecretStr | None = Field(default=None, validation_alias=_env("api_token"))
    """Bearer token HTTP clients must send (every route but ``/healthz`` and ``/readyz``). Never logged."""

    api_token_file: Path | None = Field(default=None, validation_alias=_env("api_token_file"))
    """File of accepted bearer tokens, one per line (``#`` comments and blank lines ignored). Re-read when it
    changes, so tokens rotate without a restart; a missing or empty file accepts no token at all."""

    allow_unauthenticated: bool = Field(default=False, validation_alias=_env("allow_unauthenticated"))
    """Serve HTTP on a non-loopback address without a token. Off, so exposure without auth is a decision."""

    allowed_hosts: Annotated[tuple[str, ...], NoDecode] = Field(default=(), validation_alias=_env("allowed_hosts"))
    """Accepted ``Host`` headers, comma-separated (``name:*`` = any port); loopback names are always accepted.
    Guards against DNS rebinding; add the Service name (``carbon.ns.svc:*``) when serving in a cluster."""

    allowed_origins: Annotated[tuple[str, ...], NoDecode] = Field(default=(), validation_alias=_env("allowed_origins"))
    """Accepted ``Origin`` headers, comma-separated; default: ``http://`` and ``https://`` of every allowed host."""

    max_request_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, le=64 * 1024 * 1024, validation_alias=_env("max_request_body_bytes")
    )
    """Largest HTTP request body accepted (413 above). Tool arguments are well under 1 KiB; 1 MiB leaves room."""

    tool_prefix: str = Field(
        default="", max_length=32, pattern=r"^([a-z][a-z0-9_]*_)?$", validation_alias=_env("tool_prefix")
    )
    """A prefix for every MCP tool name (e.g. ``prod_``), so one assistant can use one server per cluster."""

    tools_allowed: Annotated[tuple[str, ...] | None, NoDecode] = Field(
        default=None, validation_alias=_env("tools_allowed", "CARBON_KEPLER_TOOLS")
    )
    """Only these MCP tools, comma-separated (default: all of them); small-context models can load fewer tools."""

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", validation_alias=_env("log_level"))
    """Log level. Logs always go to stderr."""

    mcp_max_sessions: int = Field(default=256, ge=1, le=10_000, validation_alias=_env("mcp_max_sessions"))
    """Most MCP Streamable HTTP sessions open at once (each holds about 40 KiB); a new client beyond it gets 503
    until an idle one is closed. The SDK's own default, 10,000, would take about 400 MiB."""

    mcp_session_idle_seconds: float = Field(
        default=300.0, gt=0, le=86_400, validation_alias=_env("mcp_session_idle_seconds")
    )
    """An MCP session with no request for this long is closed (its client reconnects with a new session), so
    abandoned sessions free their place in minutes, not the SDK's 30."""

    mcp_stateless: bool = Field(default=False, validation_alias=_env("mcp_stateless"))
    """Serve MCP without sessions (every request stands alone): for several replicas behind a load balancer
    without session affinity. Server-to-client notifications then need a request to travel on."""

    readiness_timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, validation_alias=_env("readiness_timeout_seconds")
    )
    """Longest ``/readyz`` waits for the metrics source; a read still running then goes on in the background and
    ``/readyz`` answers 503 with the reason until it ends."""

    login_failures_per_minute: int = Field(default=5, ge=1, le=1000, validation_alias=_env("login_failures_per_minute"))
    """Wrong dashboard sign-ins accepted per client address per minute; more are refused with 429 until the
    minute has passed (the count of all addresses together is bounded at 20 times this)."""

    @field_validator("allowed_hosts", "allowed_origins", "tools_allowed", mode="before")
    @classmethod
    def _split_lists(cls, value: Any) -> Any:
        return _split(value)

    @field_validator("transport", mode="before")
    @classmethod
    def _transport_names(cls, value: Any) -> Any:
        # The original design used "sse" and "streamable-http"; SSE is deprecated by the MCP spec, so both
        # now mean the Streamable HTTP transport.
        if isinstance(value, str) and value.lower() in {"sse", "streamable-http", "streamable_http"}:
            return "http"
        return value.lower() if isinstance(value, str) else value


class Settings(BaseModel):
    """carbon-kepler-mcp settings, by group. See the README's settings table for the environment names.

    ``Settings()`` reads the environment; ``Settings(source="demo", scrape_timeout_seconds=5)`` overrides by flat
    name (a group can also be given whole: ``Settings(kepler=KeplerSettings(...))``). A name no group knows is
    refused, so a typo in code fails loudly.
    """

    model_config = ConfigDict(frozen=True)

    metrics: MetricsSettings
    kepler: KeplerSettings
    prometheus: PrometheusSettings
    accounting: AccountingSettings
    intensity: IntensitySettings
    server: ServerSettings

    _GROUPS: ClassVar[dict[str, type[_Group]]] = {
        "metrics": MetricsSettings,
        "kepler": KeplerSettings,
        "prometheus": PrometheusSettings,
        "accounting": AccountingSettings,
        "intensity": IntensitySettings,
        "server": ServerSettings,
    }

    def __init__(self, **values: Any) -> None:
        values.pop("_env_file", None)  # no .env file is read; accepted for callers that say so explicitly
        groups: dict[str, Any] = {}
        for name, group in self._GROUPS.items():
            given = values.pop(name, None)
            if given is not None:
                groups[name] = given
                continue
            names = group.flat_names()
            mine = {names[key]: values.pop(key) for key in list(values) if key in names}
            groups[name] = group(**mine)
        if values:
            raise TypeError(f"unknown settings: {', '.join(sorted(values))}")
        super().__init__(**groups)

    @classmethod
    def environment_names(cls) -> frozenset[str]:
        """Every environment name a setting is read from."""
        names: set[str] = set()
        for group in cls._GROUPS.values():
            names |= group.environment_names()
        return frozenset(names)
