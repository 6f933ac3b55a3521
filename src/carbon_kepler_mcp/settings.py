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
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from carbon_kepler_mcp.domain.window import parse_window
from carbon_kepler_mcp.errors import InvalidArgumentError

__all__ = [
    "AccountingSettings",
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
    """Seconds to wait for one endpoint. Kepler answers in well under a second; 10 s tolerates busy nodes."""

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
                raise ValueError(f"Kepler endpoint {url!r} must start with http:// or https://")
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
    """Seconds to wait for one query (also sent to Prometheus as the query's ``timeout``)."""

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
            raise ValueError(f"Prometheus URL {value!r} must start with http:// or https://")
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
    server: ServerSettings

    _GROUPS: ClassVar[dict[str, type[_Group]]] = {
        "metrics": MetricsSettings,
        "kepler": KeplerSettings,
        "prometheus": PrometheusSettings,
        "accounting": AccountingSettings,
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
