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

Korean: a raise site that can be reached from a tool's arguments passes ``ko=`` with the same message in Korean;
the adapter that knows the request's language calls :meth:`CarbonKeplerError.text`. Without ``ko`` a Korean
request gets the class's Korean title and the English detail.
"""

from __future__ import annotations

from collections.abc import Sequence


class CarbonKeplerError(Exception):
    """Root of every error this package raises on purpose."""

    http_status: int = 500
    problem: str = "internal-error"
    title: str = "Internal error"
    title_ko: str = "내부 오류"
    exit_code: int = 1

    def __init__(self, *args: object, ko: str | None = None) -> None:
        super().__init__(*args)
        self.ko = ko
        self.language = "en"
        """The language of the request that failed: set by the adapter that knows it (REST, CLI)."""

    def text(self, language: str | None = None) -> str:
        """The message in ``language`` (default: :attr:`language`)."""
        if (language or self.language) != "ko":
            return str(self)
        return self.ko if self.ko else f"{self.title_ko}: {self}"

    def title_in(self, language: str | None = None) -> str:
        """The class's title in ``language`` (default: :attr:`language`)."""
        return self.title_ko if (language or self.language) == "ko" else self.title


class ConfigError(CarbonKeplerError):
    """The settings are missing or contradictory."""

    problem = "server-misconfigured"
    title = "Server misconfigured"
    title_ko = "서버 설정 오류"
    exit_code = 2


class InvalidArgumentError(CarbonKeplerError):
    """An argument is malformed or out of range."""

    http_status = 422
    problem = "invalid-argument"
    title = "Invalid argument"
    title_ko = "잘못된 인수"
    exit_code = 2


class InvalidNameError(InvalidArgumentError):
    """A name is not a valid Kubernetes object name."""


class NotFoundError(CarbonKeplerError):
    """The object asked for does not exist."""

    http_status = 404
    problem = "not-found"
    title = "Not found"
    title_ko = "찾을 수 없음"
    exit_code = 3

    def __init__(self, message: str, *, suggestions: Sequence[str] = (), ko: str | None = None) -> None:
        super().__init__(message, ko=ko)
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
    title_ko = "서버 설정 오류"


class InsufficientDataError(CarbonKeplerError):
    """The metrics do not contain what a figure needs."""

    http_status = 422
    problem = "insufficient-data"
    title = "Insufficient data"
    title_ko = "데이터 부족"


class SourceError(CarbonKeplerError):
    """The metrics source failed."""

    http_status = 503
    problem = "source-unavailable"
    title = "Metrics source unavailable"
    title_ko = "메트릭 소스를 사용할 수 없음"
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
