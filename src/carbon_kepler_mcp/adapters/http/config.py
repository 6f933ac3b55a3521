"""What the HTTP app needs from the settings, and the exposure rule (no token, no public bind).

Only this module reads :class:`~carbon_kepler_mcp.settings.Settings` inside the web package; the app itself
receives a plain :class:`WebConfig`, so tests can build as many differently configured apps as they like.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from carbon_kepler_mcp.errors import ConfigError

LOOPBACK_HOSTS: tuple[str, ...] = (
    "127.0.0.1",
    "127.0.0.1:*",
    "localhost",
    "localhost:*",
    "[::1]",
    "[::1]:*",
)
"""``Host`` headers always accepted: the loopback names, with or without a port."""

MIN_TOKEN_CHARS = 16
"""Shortest API token accepted. A guessable token is worse than none, because it looks like protection."""


@dataclass(frozen=True)
class WebConfig:
    """Settings of the HTTP app. Secrets are plain strings here and never leave :mod:`.security`."""

    api_tokens: tuple[str, ...] = ()
    """Accepted bearer tokens (besides those in ``api_token_file``)."""

    api_token_file: Path | None = None
    """File of accepted bearer tokens, one per line, re-read when it changes."""

    allowed_hosts: tuple[str, ...] = ()
    """Extra accepted ``Host`` headers (the loopback names are always accepted)."""

    allowed_origins: tuple[str, ...] = ()
    """Accepted ``Origin`` headers; empty = ``http://`` and ``https://`` of every accepted host."""

    max_request_body_bytes: int = 1024 * 1024
    """Largest request body (413 above)."""

    bind_host: str = "127.0.0.1"
    """The address the server binds, for the startup message and the default host list."""

    tool_prefix: str = ""
    """Prefix of the MCP tool names (REST routes keep the plain names)."""

    tools_allowed: tuple[str, ...] | None = None
    """The MCP tools served (None: all)."""

    mcp_max_sessions: int = 256
    """Most MCP sessions open at once (503 for a new client beyond it)."""

    mcp_session_idle_seconds: float = 300.0
    """An MCP session idle this long is closed."""

    mcp_stateless: bool = False
    """Serve MCP without sessions (for replicas behind a load balancer)."""

    readiness_timeout_seconds: float = 10.0
    """Longest ``/readyz`` waits for the metrics source."""

    login_failures_per_minute: int = 5
    """Wrong dashboard sign-ins per client address per minute before 429."""

    @property
    def auth_enabled(self) -> bool:
        """Whether requests need a bearer token (a token file counts even while it is empty)."""
        return bool(self.api_tokens) or self.api_token_file is not None

    @property
    def hosts(self) -> tuple[str, ...]:
        """Every accepted ``Host`` header pattern."""
        bound: tuple[str, ...] = ()
        if is_concrete_address(self.bind_host) and not is_loopback(self.bind_host):
            literal = f"[{self.bind_host}]" if ":" in self.bind_host else self.bind_host
            bound = (literal, f"{literal}:*")
        return tuple(dict.fromkeys((*LOOPBACK_HOSTS, *bound, *self.allowed_hosts)))

    @property
    def origins(self) -> tuple[str, ...]:
        """Every accepted ``Origin`` header pattern."""
        if self.allowed_origins:
            return self.allowed_origins
        return tuple(f"{scheme}://{host}" for host in self.hosts for scheme in ("http", "https"))


def is_loopback(host: str) -> bool:
    """Whether a bind address only accepts connections from this machine."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name could resolve to anything: treat it as exposed


def is_concrete_address(host: str) -> bool:
    """Whether a bind address is one IP address (not a wildcard such as 0.0.0.0 or a host name)."""
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def check_token(token: str, where: str) -> None:
    """Refuse a token too short to be a secret."""
    if len(token) < MIN_TOKEN_CHARS:
        raise ConfigError(
            f"the API token in {where} is shorter than {MIN_TOKEN_CHARS} characters; "
            "generate one with `openssl rand -hex 32`"
        )


def check_exposure(host: str, *, auth_enabled: bool, allow_unauthenticated: bool) -> None:
    """Refuse to serve on a non-loopback address without a token, unless the operator said so explicitly."""
    if is_loopback(host) or auth_enabled or allow_unauthenticated:
        return
    raise ConfigError(
        f"refusing to serve HTTP on {host} without an API token: anyone who can reach the port could use it. "
        "Set CARBON_KEPLER_API_TOKEN or CARBON_KEPLER_API_TOKEN_FILE, or pass --allow-unauthenticated "
        "(CARBON_KEPLER_ALLOW_UNAUTHENTICATED=true) if something else guards the port"
    )
