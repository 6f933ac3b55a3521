"""The exceptions carbon-kepler-mcp raises.

Every adapter (MCP tools, CLI, REST) maps these, and only these, to user-facing errors, so the
message of each one must say what was wrong and what to do about it. Third-party errors (httpx2,
pydantic, tomllib) are wrapped with ``raise ... from exc`` and never leak out of the package.

    CarbonKeplerError
    ├── ConfigError                 settings are missing or contradictory
    ├── InvalidArgumentError        an argument is malformed or out of range
    │   └── InvalidNameError        not a valid Kubernetes (DNS-1123) name
    ├── NotFoundError               the thing asked for does not exist
    │   ├── UnknownWorkloadError
    │   ├── UnknownNamespaceError
    │   ├── UnknownStandardError
    │   ├── UnknownRegionError
    │   └── AmbiguousWorkloadError  a name matches pods of more than one workload
    ├── DataError                   shipped or operator-supplied reference data is invalid
    ├── InsufficientDataError       the metrics do not contain what a figure needs
    └── SourceError                 the metrics source failed
        ├── SourceUnavailableError  connection refused, DNS failure, HTTP error status
        ├── SourceTimeoutError
        ├── SourceTLSError
        ├── ResponseTooLargeError
        ├── MetricsParseError       the body is not Prometheus text exposition
        ├── EmptyScrapeError        the body parsed but holds no Kepler series
        ├── PrometheusQueryError    Prometheus answered "status":"error"
        └── IntensityProviderError  a grid-intensity provider failed (down, rate-limited, refused, a gap)

Each class says once how every adapter reports it: ``http_status``/``problem``/``title`` (REST problem details),
``exit_code`` (CLI); MCP reports every one as a tool error with the message.
"""

from __future__ import annotations

from collections.abc import Sequence


class CarbonKeplerError(Exception):
    """Root of every error this package raises on purpose."""

    http_status: int = 500
    problem: str = "internal-error"
    title: str = "Internal error"
    exit_code: int = 1


class ConfigError(CarbonKeplerError):
    """The settings are missing or contradictory."""

    problem = "server-misconfigured"
    title = "Server misconfigured"
    exit_code = 2


class InvalidArgumentError(CarbonKeplerError):
    """An argument is malformed or out of range."""

    http_status = 422
    problem = "invalid-argument"
    title = "Invalid argument"
    exit_code = 2


class InvalidNameError(InvalidArgumentError):
    """A name is not a valid Kubernetes object name."""


class NotFoundError(CarbonKeplerError):
    """The object asked for does not exist."""

    http_status = 404
    problem = "not-found"
    title = "Not found"
    exit_code = 3

    def __init__(self, message: str, *, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.suggestions: tuple[str, ...] = tuple(suggestions)


class UnknownWorkloadError(NotFoundError):
    """No pod of the namespace belongs to a workload of that name."""


class UnknownNamespaceError(NotFoundError):
    """The metrics hold no pod in that namespace."""


class UnknownStandardError(NotFoundError):
    """No standard has that code."""


class UnknownRegionError(NotFoundError):
    """No region has that code."""


class AmbiguousWorkloadError(NotFoundError):
    """A name matches the pods of more than one workload."""


class DataError(CarbonKeplerError):
    """Reference data (standards, regions, profiles) is invalid."""

    problem = "server-misconfigured"
    title = "Server misconfigured"


class InsufficientDataError(CarbonKeplerError):
    """The metrics do not contain what a figure needs."""

    http_status = 422
    problem = "insufficient-data"
    title = "Insufficient data"


class SourceError(CarbonKeplerError):
    """The metrics source failed."""

    http_status = 503
    problem = "source-unavailable"
    title = "Metrics source unavailable"
    exit_code = 4


class SourceUnavailableError(SourceError):
    """The metrics source could not be reached or answered with an error status."""


class SourceTimeoutError(SourceError):
    """The metrics source did not answer in time."""


class SourceTLSError(SourceError):
    """The TLS handshake with the metrics source failed."""


class ResponseTooLargeError(SourceError):
    """The metrics source sent more than the configured size cap."""


class MetricsParseError(SourceError):
    """The body is not valid Prometheus text exposition."""


class EmptyScrapeError(SourceError):
    """The body holds no Kepler series."""


class PrometheusQueryError(SourceError):
    """Prometheus answered ``"status":"error"`` (a bad query, a query that failed or was cancelled)."""


class IntensityProviderError(SourceError):
    """A grid-intensity provider (Electricity Maps, WattTime, the Carbon Aware SDK, the operator's file) failed.

    ``provider`` names it and ``reason`` says how (``unauthorised``, ``forbidden``, ``rate_limited``,
    ``unavailable``, ``timeout``, ``no_data``, ``bad_answer``, ``not_configured``), so a fallback chain can say
    in both languages why it moved on. The message never holds a credential.
    """

    problem = "intensity-provider-unavailable"
    title = "Grid intensity provider unavailable"

    def __init__(self, message: str, *, provider: str, reason: str) -> None:
        super().__init__(message)
        self.provider = provider
        self.reason = reason
