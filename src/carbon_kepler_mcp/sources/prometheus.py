"""Cluster-wide, windowed energy from a Prometheus (or Thanos/Mimir) that scrapes Kepler.

Real clusters run Kepler as a DaemonSet and keep its series in Prometheus. This source asks Prometheus's
HTTP API (``POST /api/v1/query`` and ``/api/v1/query_range``) for aggregates, never for raw series: every
query is built by :mod:`carbon_kepler_mcp.sources.promql` and returns one value per pod and zone, per pod,
or per node. A snapshot is one namespace (or the whole cluster) over one window, all queries evaluated at
the same instant, and it carries the PromQL it ran so an answer can show it.

What it reads, and what happens when something is missing:

* **Kepler** (both generations; current and legacy together give ``mixed``): energy per pod over the
  window with ``increase()``, which counts across counter resets. Power = energy / window.
* **kube-state-metrics**: owner references (pod → ReplicaSet → Deployment, pod → Job → CronJob), CPU
  requests, node CPU capacity. Without them the answer names the missing series, workloads fall back to
  naming rules and right-sizing is not quantified.
* **cAdvisor**: CPU usage per pod (average and 95th percentile of 5-minute rates).
* **Node health**: per Kepler endpoint, when its data starts and ends in the window, whether it reports
  now, and how often its counters reset. A node that stopped reporting, a window only partly covered and
  Kepler restarts become warnings naming the node.

Failures map onto the source errors the other adapters already handle: connection refused →
:class:`SourceUnavailableError`, slow → :class:`SourceTimeoutError`, TLS → :class:`SourceTLSError`,
oversized body → :class:`ResponseTooLargeError`, ``"status":"error"`` → :class:`PrometheusQueryError`.
Prometheus ``warnings`` (and Thanos partial responses) travel in the snapshot's warnings.

Every query has a total deadline (``timeout_seconds``, every byte of the answer included), all answers in flight
share one memory budget, and snapshots are cached per namespace and window with one read in flight per key:
while it runs, other callers get the previous snapshot, and a failed read is remembered for
``failure_ttl_seconds`` (:mod:`._flight`). An error names Prometheus by its redacted URL; the PromQL of a failing
query goes to the server log at debug level, not into the message an API client sees.
"""

from __future__ import annotations

import json
import logging
import math
import ssl
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, cast

import anyio
import httpx2

from carbon_kepler_mcp.domain.expression import validate_promql_expression
from carbon_kepler_mcp.domain.names import safe_repr
from carbon_kepler_mcp.domain.window import DEFAULT_WINDOW_SECONDS, format_window
from carbon_kepler_mcp.domain.workloads import WorkloadKind, WorkloadRef
from carbon_kepler_mcp.errors import (
    CarbonKeplerError,
    ConfigError,
    EmptyScrapeError,
    PrometheusQueryError,
    SourceError,
    SourceTimeoutError,
    SourceTLSError,
    SourceUnavailableError,
)
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.parser import MAX_SAMPLE_VALUE
from carbon_kepler_mcp.kepler.readings import NodeReading, PodReading, it_total, measurement_warnings, meter_from_paths
from carbon_kepler_mcp.sources import promql, recorded
from carbon_kepler_mcp.sources._flight import FlightCache
from carbon_kepler_mcp.sources._http import (
    RETRY_STATUSES,
    DeadlineExceeded,
    MemoryBudget,
    Transient,
    is_tls_error,
    read_capped,
    redact_text,
    redact_url,
    request_headers,
    retrying,
    root_message,
)
from carbon_kepler_mcp.sources.base import FacilityInfo, History, HistoryPoint, PodCpu, Snapshot

__all__ = ["PrometheusClient", "PrometheusSource", "VectorSample"]

logger = logging.getLogger(__name__)

_KINDS: Final[frozenset[str]] = frozenset(
    {"Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet"}
)
_NONE: Final = "<none>"
_QUERY_SHOWN: Final = 300
"""Characters of a failing query quoted in the debug log."""
_JSON_IN_THREAD_BYTES: Final = 1024 * 1024
"""Answers larger than this are decoded in a worker thread, so the event loop keeps serving other requests."""


@dataclass(frozen=True, slots=True)
class VectorSample:
    """One element of an instant-vector result."""

    labels: Mapping[str, str]
    value: float


@dataclass(frozen=True, slots=True)
class QueryResult:
    """An instant query's samples and the warnings Prometheus attached."""

    samples: tuple[VectorSample, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RangeResult:
    """A range query's series (labels, [(unix time, value)]) and warnings."""

    series: tuple[tuple[Mapping[str, str], tuple[tuple[float, float], ...]], ...]
    warnings: tuple[str, ...]


def _shown_query(query: str) -> str:
    return query if len(query) <= _QUERY_SHOWN else query[:_QUERY_SHOWN] + " ..."


def _float(raw: object) -> float:
    if not isinstance(raw, str | int | float):
        raise ValueError(f"not a number: {raw!r}")
    return float(raw)


class PrometheusClient:
    """A small client for the Prometheus HTTP API (also Thanos Query and Mimir's Prometheus API).

    ``base_url`` is what comes before ``/api/v1`` (``http://prometheus:9090``, or with a path prefix such
    as ``https://mimir.example/prometheus``). Queries are sent as form-encoded POSTs, so long PromQL never
    meets a URL length limit.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout_seconds: float = 30.0,
        max_bytes: int = 64 * 1024 * 1024,
        memory_budget: MemoryBudget | None = None,
        verify: ssl.SSLContext | bool = True,
        bearer_token: str | None = None,
        bearer_token_file: Path | None = None,
        basic_auth: tuple[str, str] | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError(f"Prometheus URL {safe_repr(redact_url(base_url))} must start with http:// or https://")
        if (bearer_token or bearer_token_file) and basic_auth:
            raise ConfigError("set a Prometheus bearer token or basic auth, not both")
        self._base = base_url.rstrip("/")
        self._shown = redact_url(self._base)
        self._timeout = timeout_seconds
        self._max_bytes = max_bytes
        self._budget = memory_budget or MemoryBudget(64 * 1024 * 1024)
        self._token = bearer_token
        self._token_file = bearer_token_file
        if not self._base.startswith("https://"):
            verify = False  # no TLS: skip building an SSL context
        self._client = httpx2.AsyncClient(
            verify=verify,
            timeout=httpx2.Timeout(timeout_seconds),
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            auth=basic_auth,
        )

    @property
    def url(self) -> str:
        """The base URL without credentials."""
        return self._shown

    @property
    def memory_budget(self) -> MemoryBudget:
        """The answer bytes every query in flight shares."""
        return self._budget

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def instant(self, query: str, at: float) -> QueryResult:
        """Evaluate ``query`` at unix time ``at``; the result must be an instant vector."""
        body = await self._post("/api/v1/query", {"query": query, "time": f"{at:.3f}"}, query)
        data = self._data(body, query, "vector")
        samples: list[VectorSample] = []
        raw_result = data.get("result")
        if not isinstance(raw_result, list):
            raise self._malformed(query, "no result list")
        try:
            for item in cast(list[dict[str, Any]], raw_result):
                labels = cast(dict[str, str], item.get("metric") or {})
                value = _float(cast(list[object], item["value"])[1])
                if not -MAX_SAMPLE_VALUE <= value <= MAX_SAMPLE_VALUE:
                    value = math.nan  # no reading is that large, and sums of it would overflow: left out as NaN
                samples.append(VectorSample(labels, value))
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise self._malformed(query, f"unreadable sample ({exc})") from exc
        return QueryResult(tuple(samples), self._warnings(body))

    async def range(self, query: str, start: float, end: float, step: int) -> RangeResult:
        """Evaluate ``query`` from ``start`` to ``end`` every ``step`` seconds; the result must be a matrix."""
        body = await self._post(
            "/api/v1/query_range",
            {"query": query, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": str(step)},
            query,
        )
        data = self._data(body, query, "matrix")
        series: list[tuple[Mapping[str, str], tuple[tuple[float, float], ...]]] = []
        try:
            for item in cast(list[dict[str, Any]], data.get("result") or []):
                labels = cast(dict[str, str], item.get("metric") or {})
                values = tuple(
                    (_float(point[0]), _float(point[1])) for point in cast(list[list[object]], item["values"])
                )
                series.append((labels, values))
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise self._malformed(query, f"unreadable series ({exc})") from exc
        return RangeResult(tuple(series), self._warnings(body))

    # --- internals -----------------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return request_headers(
            "application/json", self._token, self._token_file, token_file_name="Prometheus bearer token file"
        )

    def _data(self, body: Mapping[str, Any], query: str, result_type: str) -> dict[str, Any]:
        """The answer's ``data`` object, checked to hold a result of ``result_type`` (vector or matrix)."""
        data = body.get("data")
        if not isinstance(data, dict):
            raise self._malformed(query, "no data object")
        data = cast(dict[str, Any], data)
        if data.get("resultType") != result_type:
            raise self._malformed(query, f"resultType {data.get('resultType')!r}, expected {result_type!r}")
        return data

    def _malformed(self, query: str, what: str) -> SourceUnavailableError:
        logger.debug("Prometheus at %s: unreadable answer (%s) for %s", self._shown, what, _shown_query(query))
        return SourceUnavailableError(
            f"Prometheus at {self._shown} sent an answer this server cannot read ({what}); is the URL a "
            "Prometheus-compatible API? (the query is in the server log at debug level)"
        )

    @staticmethod
    def _warnings(body: Mapping[str, Any]) -> tuple[str, ...]:
        found: list[str] = []
        for key in ("warnings", "infos"):
            raw = body.get(key)
            if isinstance(raw, list):
                found.extend(str(w) for w in cast(list[object], raw))
        if body.get("partial") is True or body.get("isPartial") is True:
            found.append("the answer is partial: some stores or shards did not respond")
        return tuple(found)

    async def _post(self, path: str, form: Mapping[str, str], query: str) -> dict[str, Any]:
        """The JSON body of a query, asked again on connection errors, 429, 502 and 503 within the timeout."""
        return await retrying(
            lambda left: self._post_once(path, form, query, left),
            budget_seconds=self._timeout,
            what=f"Prometheus at {self._shown}",
            timed_out=lambda elapsed: SourceTimeoutError(
                f"Prometheus at {self._shown} did not answer within {self._timeout:g} s (the whole query's "
                f"deadline; gave up after {elapsed:.1f} s); is it overloaded? Raise prometheus_timeout_seconds, or "
                "use a namespace or a shorter window",
                ko=f"{self._shown}의 Prometheus가 {self._timeout:g}초 안에 응답하지 않았습니다(질의 전체의 제한 시간, "
                f"{elapsed:.1f}초 후 중단). 과부하인지 확인하고 prometheus_timeout_seconds를 늘리거나 네임스페이스나 더 짧은 "
                "window를 쓰세요",
            ),
        )

    async def _post_once(self, path: str, form: Mapping[str, str], query: str, left: float) -> dict[str, Any]:
        url = self._base + path
        shown = self._shown
        params = dict(form)
        params["timeout"] = f"{self._timeout:g}s"
        try:
            with self._budget.reserve() as reservation:
                async with self._client.stream(
                    "POST", url, data=params, headers=self._headers(), timeout=httpx2.Timeout(max(left, 0.001))
                ) as response:
                    raw = await read_capped(response, self._max_bytes, self._too_large, reservation, self._over_budget)
                    status = response.status_code
                    retry_after = response.headers.get("retry-after")
                if len(raw) > _JSON_IN_THREAD_BYTES:
                    parsed_body = await anyio.to_thread.run_sync(_json_object, raw)
                else:
                    parsed_body = _json_object(raw)
        except httpx2.TimeoutException as exc:
            raise DeadlineExceeded() from exc
        except httpx2.ConnectError as exc:
            if is_tls_error(exc):
                raise SourceTLSError(
                    f"TLS handshake with Prometheus at {shown} failed ({root_message(exc)}); set "
                    "prometheus_ca_bundle to the CA that signed its certificate",
                    ko=f"{shown}의 Prometheus와의 TLS 핸드셰이크에 실패했습니다({root_message(exc)}). "
                    "prometheus_ca_bundle을 인증서에 서명한 CA로 설정하세요",
                ) from exc
            raise Transient(
                SourceUnavailableError(
                    f"cannot connect to Prometheus at {shown} ({root_message(exc)}); is it running and the URL "
                    "right? In a cluster: kubectl -n monitoring get svc"
                )
            ) from exc
        except httpx2.HTTPError as exc:
            raise SourceUnavailableError(
                f"request to Prometheus at {shown} failed: {redact_text(root_message(exc))}",
                ko=f"{shown}의 Prometheus 요청에 실패했습니다: {redact_text(root_message(exc))}",
            ) from exc
        body = parsed_body
        if body is not None and body.get("status") == "error":
            error_type = str(body.get("errorType") or "error")
            error = redact_text(str(body.get("error") or "no message"))[:_QUERY_SHOWN]
            logger.debug("Prometheus at %s: %s (%s) for %s", shown, error_type, error, _shown_query(query))
            if error_type == "timeout":
                raise SourceTimeoutError(
                    f"Prometheus at {shown} gave up on a query ({error}); use a shorter window or raise its "
                    "--query.timeout (the query is in the server log at debug level)",
                    ko=f"{shown}의 Prometheus가 질의를 중단했습니다({error}). 더 짧은 window를 쓰거나 --query.timeout을 "
                    "늘리세요(질의는 서버 로그에 debug 수준으로 남습니다)",
                )
            refused = PrometheusQueryError(
                f"Prometheus at {shown} refused a query (HTTP {status}, {error_type}: {error}); the query is in the "
                "server log at debug level"
            )
            if status in RETRY_STATUSES:  # "unavailable" while starting up, a frontend's queue full
                raise Transient(refused, retry_after)
            raise refused
        if status != 200:
            hint = {
                401: "it wants credentials: set prometheus_bearer_token(_file) or prometheus_username/password",
                403: "the credentials were refused: check the token's permissions",
                404: "wrong path? Give the URL before /api/v1 (for Mimir usually .../prometheus)",
                429: "it is rate-limiting this server: try again later",
                503: "it is not ready or overloaded",
            }.get(status, "is this a Prometheus-compatible API?")
            error = SourceUnavailableError(f"Prometheus at {shown} answered HTTP {status}; {hint}")
            if status in RETRY_STATUSES:
                raise Transient(error, retry_after)
            raise error
        if body is None:
            raise SourceUnavailableError(
                f"Prometheus at {shown} sent a body that is not JSON; is the URL the Prometheus API (not a web "
                "page or a /metrics endpoint)?",
                ko=f"{shown}의 Prometheus 응답이 JSON이 아닙니다. URL이 웹 페이지나 /metrics가 아닌 Prometheus API인지 "
                "확인하세요",
            )
        if body.get("status") != "success":
            raise self._malformed(query, f"status {body.get('status')!r}")
        return body

    def _too_large(self) -> str:
        return (
            f"Prometheus at {self._shown} sent more than {self._max_bytes:,} bytes for one query; use a "
            "namespace or a shorter window, or raise prometheus_max_bytes"
        )

    def _over_budget(self) -> str:
        return (
            f"an answer of Prometheus at {self._shown} was refused: the answers in flight together passed the "
            f"memory budget of {self._budget.max_bytes:,} bytes (scrape_memory_budget_bytes); use a namespace or "
            "a shorter window, or raise the budget and the memory limit"
        )


def _json_object(raw: bytes) -> dict[str, Any] | None:
    """The JSON object in ``raw``; None when it is not UTF-8 JSON or not an object."""
    try:
        parsed: object = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return cast(dict[str, Any], parsed) if isinstance(parsed, dict) else None


# --- the source ------------------------------------------------------------------------------------------

_PodKey = tuple[str, str, str]
"""(namespace, pod, node) of a pod's series."""

_NO_METER: Final = "no meter path seen in Prometheus"
_ESSENTIAL: Final = ("energy_current", "energy_legacy", "times_current", "times_legacy")


@dataclass(frozen=True, slots=True)
class _NodeHealth:
    first: float | None = None
    last: float | None = None
    now: bool = False
    resets: int = 0


class PrometheusSource:
    """Kepler energy, owners and CPU figures from a Prometheus HTTP API, aggregated in PromQL."""

    def __init__(
        self,
        url: str,
        *,
        timeout_seconds: float = 30.0,
        max_bytes: int = 64 * 1024 * 1024,
        memory_budget_bytes: int = 64 * 1024 * 1024,
        cache_ttl_seconds: float = 60.0,
        failure_ttl_seconds: float = 5.0,
        default_window_seconds: int = DEFAULT_WINDOW_SECONDS,
        recent_seconds: int = promql.DEFAULT_RECENT_SECONDS,
        verify: ssl.SSLContext | bool = True,
        bearer_token: str | None = None,
        bearer_token_file: Path | None = None,
        basic_auth: tuple[str, str] | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        is_demo: bool = False,
        facilities: Mapping[str, FacilityInfo] | None = None,
    ) -> None:
        self._client = PrometheusClient(
            url,
            timeout_seconds=timeout_seconds,
            max_bytes=max_bytes,
            memory_budget=MemoryBudget(memory_budget_bytes),
            verify=verify,
            bearer_token=bearer_token,
            bearer_token_file=bearer_token_file,
            basic_auth=basic_auth,
            transport=transport,
        )
        self._ttl = cache_ttl_seconds
        self._default_window = default_window_seconds
        self._recent = recent_seconds
        self._clock = clock
        self._wall_clock = wall_clock
        self._is_demo = is_demo
        self._facilities = dict(facilities or {})
        self._cache: FlightCache[tuple[str | None, int], Snapshot] = FlightCache(
            ttl_seconds=cache_ttl_seconds, failure_ttl_seconds=failure_ttl_seconds, clock=clock
        )

    @property
    def kind(self) -> str:
        """Always ``prometheus``."""
        return "prometheus"

    @property
    def description(self) -> str:
        """The Prometheus URL (credentials removed)."""
        return f"Prometheus at {self._client.url}" + (" (demo cluster)" if self._is_demo else "")

    @property
    def client(self) -> PrometheusClient:
        """The HTTP API client (for benchmarks and checks)."""
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self._client.aclose()

    async def snapshot(self) -> Snapshot:
        """The whole cluster over the default window."""
        return await self.window_snapshot(None, self._default_window)

    async def window_snapshot(self, namespace: str | None, window_seconds: int) -> Snapshot:
        """Pods of ``namespace`` (every namespace when None) over the window, cached for the TTL."""
        # Single flight per key: concurrent asks for one namespace and window share one read (or get the previous
        # answer while it runs), while other namespaces are read at the same time; no lock spans the network.
        return await self._cache.get((namespace, window_seconds), lambda: self._read(namespace, window_seconds))

    async def history(
        self, namespace: str, pods_regex: str, zones: Sequence[str], generation: str, days: int, end: datetime
    ) -> History:
        """Hourly IT energy of the matching pods over ``days`` days, ending on the hour at or before ``end``."""
        if not 1 <= days <= 31:
            raise CarbonKeplerError(f"history of {days} days is out of range (1-31)")
        if generation not in ("current", "legacy"):
            generation = "current"
        query = promql.history_query(generation, namespace, pods_regex, zones)
        end_ts = math.floor(end.timestamp() / 3600) * 3600
        start_ts = end_ts - days * 86_400
        result = await self._client.range(query, start_ts + 3600, end_ts, 3600)
        totals: dict[float, float] = defaultdict(float)
        for _, values in result.series:
            for stamp, value in values:
                if math.isfinite(value):
                    totals[stamp] += value
        points = tuple(
            HistoryPoint(datetime.fromtimestamp(stamp, UTC), joules) for stamp, joules in sorted(totals.items())
        )
        return History(
            points=points,
            query=query,
            start=datetime.fromtimestamp(start_ts, UTC),
            end=datetime.fromtimestamp(end_ts, UTC),
            step_seconds=3600,
            warnings=tuple(f"Prometheus: {w}" for w in result.warnings),
        )

    async def pods_with_labels(
        self, namespace: str, selector: Mapping[str, str], window_seconds: int
    ) -> tuple[tuple[str, ...], str]:
        """The pods of ``namespace`` that carried every label of ``selector`` in the window, and the query."""
        query = promql.pods_with_labels_query(namespace, selector, window_seconds)
        result = await self._client.instant(query, self._wall_clock().timestamp())
        return tuple(sorted({s.labels["pod"] for s in result.samples if s.labels.get("pod")})), query

    async def functional_units_rate(self, expression: str, window_seconds: int) -> tuple[float | None, str]:
        """The window's mean of the operator's rate of work (units per second) and the query that gave it;
        None when the expression returns nothing."""
        query = promql.functional_units_query(validate_promql_expression(expression), window_seconds)
        result = await self._client.instant(query, self._wall_clock().timestamp())
        values = [s.value for s in result.samples if math.isfinite(s.value)]
        return (sum(values) if values else None), query

    # --- internals -----------------------------------------------------------------------------------

    async def _read(self, namespace: str | None, window_seconds: int) -> Snapshot:
        taken = self._wall_clock()
        at = float(math.floor(taken.timestamp()))
        # With the recording rules loaded for the whole window, Kepler >= 0.10 pods come from their recorded
        # counter (sources/recorded.py): the same labels, half the series where Kepler exports core and uncore.
        coverage = await recorded.rules_cover(self._client, at, window_seconds)
        pod_metric = recorded.POD_ZONE_JOULES if coverage.covered else schema.POD_JOULES
        queries = {
            "recorded": coverage.query,
            "energy_current": promql.pod_energy_query(
                "current", namespace, window_seconds, self._recent, at, metric=pod_metric
            ),
            "energy_legacy": promql.pod_energy_query("legacy", namespace, window_seconds, self._recent, at),
            "times_current": promql.pod_times_query(
                "current", namespace, window_seconds, self._recent, at, metric=pod_metric
            ),
            "times_legacy": promql.pod_times_query("legacy", namespace, window_seconds, self._recent, at),
            "running_current": promql.running_query("current", namespace, metric=pod_metric),
            "running_legacy": promql.running_query("legacy", namespace),
            "owners": promql.owners_query(namespace, window_seconds),
            "cpu": promql.cpu_query(namespace, window_seconds),
            "nodes": promql.node_query("current", window_seconds),
            "energy_gpu": promql.pod_gpu_energy_query(namespace, window_seconds, self._recent, at),
            "nodes_gpu": promql.node_gpu_query(window_seconds),
            "health_current": promql.node_health_query("current", window_seconds),
            "health_legacy": promql.node_health_query("legacy", window_seconds),
        }
        results = await self._run_all({k: q for k, q in queries.items() if k != "recorded"}, at)
        warnings: list[str] = [coverage.note] if coverage.note else []
        for name, outcome in results.items():
            if isinstance(outcome, CarbonKeplerError):
                if name in _ESSENTIAL or not isinstance(outcome, SourceError):
                    raise outcome
                warnings.append(f"{outcome} — the figures that need it are missing from this answer")
        ok: dict[str, tuple[VectorSample, ...]] = {}
        for name, outcome in results.items():
            if isinstance(outcome, QueryResult):
                ok[name] = outcome.samples
                warnings.extend(f"Prometheus: {w}" for w in outcome.warnings)

        w = float(window_seconds)
        pods, generations, pod_warnings = self._pods(ok, w, at)
        warnings.extend(pod_warnings)
        known: list[str] | None = None
        if not pods:
            names = await self._client.instant(promql.namespaces_query(window_seconds), at)
            known = sorted({s.labels.get("pod_namespace", "") for s in names.samples} - {""})
            queries["namespaces"] = promql.namespaces_query(window_seconds)
            if not known:
                raise EmptyScrapeError(
                    f"Prometheus at {self._client.url} holds no Kepler pod series in the last "
                    f"{format_window(window_seconds)}: is it scraping Kepler (check `kepler_pod_cpu_joules_total` "
                    "or `kepler_container_package_joules_total` in its UI), and is the window long enough?",
                    ko=f"{self._client.url}의 Prometheus에 최근 {format_window(window_seconds)} 동안의 Kepler 파드 "
                    "시계열이 없습니다. Kepler를 수집하는지(UI에서 `kepler_pod_cpu_joules_total` 또는 "
                    "`kepler_container_package_joules_total` 확인), window가 충분히 긴지 확인하세요",
                )
        nodes, idle_watts, capacity, node_missing = self._nodes((*ok.get("nodes", ()), *ok.get("nodes_gpu", ())), w)
        if not self._is_demo:  # the demo is simulated anyway, and every answer says so
            seen = [n for n in nodes if n.meter != _NO_METER]
            warnings.extend(measurement_warnings(f"Prometheus at {self._client.url}", seen))
        health_warnings = self._health(ok, pods, at, window_seconds)
        warnings.extend(health_warnings)
        owners, owner_warnings = self._owners(ok.get("owners"))
        warnings.extend(owner_warnings)
        pod_cpu, cpu_missing = self._cpu(ok.get("cpu"))
        missing: list[str] = []
        if owners is None:
            missing.extend([promql.KSM_POD_OWNER, promql.KSM_REPLICASET_OWNER, promql.KSM_JOB_OWNER])
        missing.extend(cpu_missing)
        missing.extend(node_missing)
        if generations == {"legacy"}:
            missing = [m for m in missing if m != schema.NODE_IDLE_JOULES]
        generation = "mixed" if len(generations) > 1 else (next(iter(generations)) if generations else "current")
        recent = format_window(min(self._recent, window_seconds))
        method = (
            f"Kepler joule counters per pod across all nodes, zones package+dram: window energy = counter growth "
            f"between each pod's first and last sample in the last {format_window(window_seconds)} (covered_seconds "
            f"= the time between them); power now = the growth over the last {recent} ÷ the time between its "
            "samples; never energy divided by time that holds no data"
        )
        if generation != "current":
            method += " (Kepler 0.7 container counters, mode≠idle, summed per pod)"
        if coverage.covered:
            method += (
                f"; Kepler >= 0.10 pods read from the recording rules' {recorded.POD_ZONE_JOULES} (sampled every "
                f"{recorded.RULE_INTERVAL_SECONDS} s; zones without core and uncore, which package contains)"
            )
        return Snapshot(
            taken_at=datetime.fromtimestamp(at, UTC),
            source_kind=self.kind,
            generation=generation,
            pods=pods,
            nodes=nodes,
            endpoints=[self._client.url],
            power_method=method,
            is_demo=self._is_demo,
            warnings=list(dict.fromkeys(warnings)),
            facilities=self._facilities,
            window_seconds=window_seconds,
            owners=owners,
            pod_cpu=pod_cpu,
            node_cpu_capacity=capacity,
            node_idle_watts=idle_watts,
            missing_series=list(dict.fromkeys(missing)),
            queries=list(queries.values()),
            known_namespaces=known,
        )

    async def _run_all(self, queries: Mapping[str, str], at: float) -> dict[str, QueryResult | CarbonKeplerError]:
        results: dict[str, QueryResult | CarbonKeplerError] = {}

        async def one(name: str, query: str) -> None:
            try:
                results[name] = await self._client.instant(query, at)
            except CarbonKeplerError as exc:
                results[name] = exc

        async with anyio.create_task_group() as group:
            for name, query in queries.items():
                group.start_soon(one, name, query)
        return {name: results[name] for name in queries}

    def _pods(
        self, ok: Mapping[str, tuple[VectorSample, ...]], window: float, at: float
    ) -> tuple[list[PodReading], set[str], list[str]]:
        # part → pod key → zone → joules (or reset count)
        parts: defaultdict[str, defaultdict[_PodKey, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
        times: dict[str, dict[_PodKey, float]] = defaultdict(dict)
        running: set[_PodKey] = set()
        generations: set[str] = set()
        skipped = 0
        for generation, (ns_label, node_label) in {
            "current": (schema.L_POD_NAMESPACE, schema.L_NODE_NAME),
            "legacy": (schema.L_LEGACY_NAMESPACE, "instance"),
        }.items():

            def key_of(sample: VectorSample, ns_label: str = ns_label, node_label: str = node_label) -> _PodKey:
                labels = sample.labels
                return (labels.get(ns_label, ""), labels.get("pod_name", ""), labels.get(node_label, ""))

            energy = ok.get(f"energy_{generation}", ())
            if generation == "current":  # GPU energy is tagged zone="gpu"; nothing else of that query counts
                energy = (*energy, *(g for g in ok.get("energy_gpu", ()) if g.labels.get("zone") == schema.ZONE_GPU))
            for sample in energy:
                key = key_of(sample)
                if not key[0] or not key[1]:
                    continue
                generations.add(generation)
                if not math.isfinite(sample.value) or sample.value < 0:
                    skipped += 1
                    continue
                zone = sample.labels.get("zone", schema.ZONE_PACKAGE)
                bucket = parts[sample.labels.get("part", "window")][key]
                bucket[zone] = bucket.get(zone, 0.0) + sample.value
            for sample in ok.get(f"times_{generation}", ()):
                key = key_of(sample)
                if key[0] and key[1] and math.isfinite(sample.value):
                    times[sample.labels.get("part", "")][key] = sample.value
            for sample in ok.get(f"running_{generation}", ()):
                key = key_of(sample)
                if key[0] and key[1]:
                    running.add(key)
                    generations.add(generation)
        warnings: list[str] = []
        if skipped:
            warnings.append(f"{skipped} pod zone values were not finite numbers and were left out")
        fresh: list[_PodKey] = []
        reset: list[_PodKey] = []
        pods: list[PodReading] = []
        node_zones: dict[str, set[str]] = defaultdict(set)
        for key in sorted(parts["window"].keys() | running):
            namespace, pod, node = key
            first, last = times["first"].get(key), times["last"].get(key)
            zone_j = dict(parts["window"].get(key, {}))
            if first is None or last is None or last <= first:
                fresh.append(key)  # one sample (or none) in the window: no energy or time to count yet
                span: tuple[float, float] = (last, last) if last is not None else (at, at)
                zone_j = {}
            else:
                if any(parts["resets"].get(key, {}).values()):
                    # Kepler restarted: max − min is wrong across the reset; Prometheus's increase() counts
                    # across it (extrapolated up to the window's end), so the span runs to the window's end.
                    reset.append(key)
                    zone_j = dict(parts["increase"].get(key, {}))
                    last = at
                else:
                    first = _recovered_first(first, last, it_total(zone_j), parts["stepped"].get(key), at - window)
                span = (first, last)
            gpu_j = zone_j.pop(schema.ZONE_GPU, 0.0)
            node_zones[node].update(zone_j)
            energy = it_total(zone_j)
            zone_w: dict[str, float] = {}
            if key in running:
                recent_first = times["first_recent"].get(key)
                recent_j = parts["recent"].get(key, {})
                if recent_first is not None and last is not None and last > recent_first and key not in reset:
                    zone_w = {z: j / (last - recent_first) for z, j in recent_j.items()}
                elif span[1] > span[0]:
                    zone_w = {z: j / (span[1] - span[0]) for z, j in zone_j.items()}
                    if gpu_j:
                        zone_w[schema.ZONE_GPU] = gpu_j / (span[1] - span[0])
            gpu_w = zone_w.pop(schema.ZONE_GPU, 0.0)
            pods.append(
                PodReading(
                    namespace=namespace,
                    name=pod,
                    uid="",
                    node=node,
                    state=schema.STATE_RUNNING if key in running else schema.STATE_TERMINATED,
                    power_watts=it_total(zone_w) + gpu_w,
                    energy_joules=energy + gpu_j,
                    zone_power_watts=zone_w,
                    zone_energy_joules=zone_j,
                    endpoint=self._client.url,
                    span=span,
                    gpu_power_watts=gpu_w,
                    gpu_energy_joules=gpu_j,
                )
            )
        if fresh:
            shown = ", ".join(f"{ns}/{pod}" for ns, pod, _ in fresh[:5]) + (" ..." if len(fresh) > 5 else "")
            warnings.append(
                f"{len(fresh)} pods have fewer than two samples in the window (just started?), so neither their "
                f"energy nor their power can be counted yet: {shown}"
            )
        if reset:
            shown = ", ".join(f"{ns}/{pod}" for ns, pod, _ in reset[:5]) + (" ..." if len(reset) > 5 else "")
            warnings.append(
                f"Kepler's counters reset in the window for {len(reset)} pods (a Kepler restart): their energy is "
                f"Prometheus's increase(), extrapolated to the window's edges: {shown}"
            )
        for node, seen in sorted(node_zones.items()):
            if not seen:
                continue
            if schema.ZONE_PACKAGE in seen and schema.ZONE_DRAM not in seen:
                warnings.append(
                    f"node {node}: Kepler reports no dram zone for its pods, so their figures are CPU package only"
                )
            elif not seen & {schema.ZONE_PACKAGE, schema.ZONE_CORE, schema.ZONE_UNCORE, schema.ZONE_DRAM}:
                warnings.append(f"node {node}: Kepler reports only zones {sorted(seen)} for its pods")
        return pods, generations, warnings

    @staticmethod
    def _nodes(
        samples: Sequence[VectorSample], window: float
    ) -> tuple[list[NodeReading], dict[str, float], dict[str, float], list[str]]:
        total: dict[str, dict[str, float]] = defaultdict(dict)
        idle: dict[str, dict[str, float]] = defaultdict(dict)
        usage: dict[str, float] = {}
        capacity: dict[str, float] = {}
        gpu_total: dict[str, float] = {}
        gpu_idle: dict[str, float] = {}
        paths: dict[str, set[str]] = defaultdict(set)
        for sample in samples:
            part = sample.labels.get("part")
            if not math.isfinite(sample.value) or sample.value < 0:
                continue  # no energy, capacity or ratio is negative: a broken exporter, left out
            if part == "capacity":
                capacity[sample.labels.get("node", "")] = sample.value
                continue
            node = sample.labels.get(schema.L_NODE_NAME, "")
            zone = sample.labels.get(schema.L_ZONE, schema.ZONE_PACKAGE)
            if part == "total":
                total[node][zone] = total[node].get(zone, 0.0) + sample.value
            elif part == "idle":
                idle[node][zone] = idle[node].get(zone, 0.0) + sample.value
            elif part == "usage":
                usage[node] = sample.value
            elif part == "gpu_total":
                gpu_total[node] = sample.value
            elif part == "gpu_idle":
                gpu_idle[node] = sample.value
            elif part == "meter":
                paths[node].add(sample.labels.get(schema.L_PATH, ""))
        nodes: list[NodeReading] = []
        idle_watts = {node: it_total(zones) / window for node, zones in idle.items()}
        for node, zones in sorted(total.items()):
            power = it_total(zones) / window
            idle_w = idle_watts.get(node)
            gpu_w = gpu_total.get(node, 0.0) / window
            measurement, meter = meter_from_paths(paths[node]) if node in paths else ("estimated", _NO_METER)
            nodes.append(
                NodeReading(
                    name=node,
                    power_watts=power + gpu_w,
                    active_power_watts=None if idle_w is None else max(0.0, power - idle_w),
                    idle_power_watts=idle_w,
                    usage_ratio=usage.get(node),
                    zones=tuple(sorted(zones)),
                    endpoint="prometheus",
                    gpu_power_watts=gpu_w,
                    gpu_idle_power_watts=gpu_idle[node] / window if node in gpu_idle else None,
                    power_measurement=measurement,
                    meter=meter,
                    unknown_zone_power_watts={z: j / window for z, j in zones.items() if z not in schema.KNOWN_ZONES},
                )
            )
        missing: list[str] = []
        if not idle:
            missing.append(schema.NODE_IDLE_JOULES)
        if not capacity:
            missing.append(promql.KSM_NODE_CAPACITY)
        return nodes, idle_watts, capacity, missing

    def _health(
        self, ok: Mapping[str, tuple[VectorSample, ...]], pods: Sequence[PodReading], at: float, window_seconds: int
    ) -> list[str]:
        health: dict[str, _NodeHealth] = {}
        for generation, label in (("current", schema.L_NODE_NAME), ("legacy", "instance")):
            for sample in ok.get(f"health_{generation}", ()):
                node = sample.labels.get(label, "")
                part = sample.labels.get("part")
                h = health.get(node, _NodeHealth())
                if part == "first":
                    h = _NodeHealth(sample.value, h.last, h.now, h.resets)
                elif part == "last":
                    h = _NodeHealth(h.first, sample.value, h.now, h.resets)
                elif part == "now":
                    h = _NodeHealth(h.first, h.last, True, h.resets)
                elif part == "resets" and math.isfinite(sample.value):
                    h = _NodeHealth(h.first, h.last, h.now, int(sample.value))
                health[node] = h
        warnings: list[str] = []
        start = at - window_seconds
        step = max(15, window_seconds // 120)
        pods_by_node: dict[str, list[str]] = defaultdict(list)
        for pod in pods:
            pods_by_node[pod.node].append(f"{pod.namespace}/{pod.name}")
        for node, h in sorted(health.items()):
            if pods and node not in pods_by_node:
                continue  # a node none of the answer's pods ran on
            if h.last is not None and not h.now:
                affected = pods_by_node.get(node, [])
                shown = ", ".join(affected[:5]) + (" ..." if len(affected) > 5 else "")
                warnings.append(
                    f"node {node}: Kepler stopped reporting at {_iso(h.last)} ({format_window(int(at - h.last))} "
                    f"before the end of the window); energy after that is missing"
                    + (f" for its pods ({shown}), so their figures are too low" if affected else "")
                )
            if h.first is not None and h.first > start + 2 * step:
                covered = max(0.0, (at - h.first) / window_seconds)
                warnings.append(
                    f"node {node}: Prometheus holds Kepler data only from {_iso(h.first)} (the last "
                    f"{covered:.0%} of the window); energy before that is not in the answer (node or Kepler added, "
                    "or retention shorter than the window)"
                )
            if h.resets > 0:
                warnings.append(
                    f"node {node}: Kepler's counters reset {h.resets} time(s) in the window (Kepler restarted); "
                    "increase() counted the energy across the resets, as Prometheus rate() does, but what was used "
                    "between the last scrape before a restart and the restart is lost"
                )
        return warnings

    @staticmethod
    def _owners(
        samples: Sequence[VectorSample] | None,
    ) -> tuple[dict[str, dict[str, WorkloadRef]] | None, list[str]]:
        if not samples:
            return None, []
        pod_rows = [s.labels for s in samples if "pod" in s.labels]
        if not pod_rows:
            return None, []
        rs_owner: dict[tuple[str, str], tuple[str, str]] = {}
        job_owner: dict[tuple[str, str], tuple[str, str]] = {}
        for s in samples:
            labels = s.labels
            kind, name = labels.get("owner_kind", _NONE), labels.get("owner_name", _NONE)
            ns = labels.get("namespace", "")
            if "replicaset" in labels:
                rs_owner[(ns, labels["replicaset"])] = (kind, name)
            elif "job_name" in labels:
                job_owner[(ns, labels["job_name"])] = (kind, name)
        owners: dict[str, dict[str, WorkloadRef]] = defaultdict(dict)
        unknown: set[str] = set()
        for labels in pod_rows:
            ns, pod = labels.get("namespace", ""), labels["pod"]
            kind, name = labels.get("owner_kind", _NONE), labels.get("owner_name", _NONE)
            if kind == "ReplicaSet":
                parent = rs_owner.get((ns, name))
                if parent is not None and parent[0] == "Deployment" and parent[1] != _NONE:
                    kind, name = parent
            elif kind == "Job":
                parent = job_owner.get((ns, name))
                if parent is not None and parent[0] == "CronJob" and parent[1] != _NONE:
                    kind, name = parent
            if kind == _NONE or name == _NONE:
                owners[ns][pod] = WorkloadRef(pod, "Pod")
            elif kind in _KINDS:
                owners[ns][pod] = WorkloadRef(name, cast(WorkloadKind, kind))
            else:
                unknown.add(kind)
        warnings: list[str] = []
        if unknown:
            warnings.append(
                f"pods owned by {', '.join(sorted(unknown))} are grouped by naming rules (this server knows the "
                "built-in controllers only)"
            )
        return dict(owners), warnings

    @staticmethod
    def _cpu(samples: Sequence[VectorSample] | None) -> tuple[dict[tuple[str, str], PodCpu], list[str]]:
        if samples is None:
            return {}, [promql.KSM_POD_REQUESTS, promql.CADVISOR_CPU_USAGE]
        values: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
        for sample in samples:
            key = (sample.labels.get("namespace", ""), sample.labels.get("pod", ""))
            if key[0] and key[1] and math.isfinite(sample.value):
                values[key][sample.labels.get("series", "")] = sample.value
        seen = {series for v in values.values() for series in v}
        missing: list[str] = []
        if "request" not in seen:
            missing.append(promql.KSM_POD_REQUESTS)
        if "usage_avg" not in seen:
            missing.append(promql.CADVISOR_CPU_USAGE)
        cpu = {
            key: PodCpu(v.get("request"), v.get("usage_avg"), v.get("usage_p95", v.get("usage_avg")))
            for key, v in values.items()
        }
        return cpu, missing


def _recovered_first(
    first: float, last: float, energy_j: float, stepped: Mapping[str, float] | None, window_start: float
) -> float:
    """The pod's first sample time: the first subquery step that saw it, moved back by the seconds before it.

    The stepped time misses up to one subquery step; the counter does not (``energy_j`` is exact from the first
    raw sample). Those missing joules at the pod's average power after the step give the missing seconds, so
    covered seconds and energy describe the same span (exact at constant power, never before the window).
    """
    if not stepped:
        return first
    stepped_j = it_total(stepped)
    if stepped_j <= 0 or energy_j <= stepped_j or last <= first:
        return first
    watts = stepped_j / (last - first)
    return max(window_start, first - (energy_j - stepped_j) / watts)


def _iso(unix: float) -> str:
    return datetime.fromtimestamp(unix, UTC).isoformat(timespec="seconds")
