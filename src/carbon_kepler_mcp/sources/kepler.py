"""Scrape one or more Kepler ``/metrics`` endpoints directly over HTTP(S).

The source fetches every endpoint concurrently, parses only the families the server uses, and caches the
resulting :class:`Snapshot` for ``cache_ttl_seconds``. Concurrent callers share one scrape, and while it runs
they get the previous snapshot; no lock is held across network I/O, and a failed scrape is remembered for
``failure_ttl_seconds`` (:mod:`._flight`). Each endpoint has a total deadline (``timeout_seconds``, every byte
included), a body larger than ``max_bytes`` is refused while it streams in, and all bodies in flight together
stay within one ``memory_budget_bytes``, so neither a slow-drip nor a runaway exporter can stall the server or
exhaust its memory. Parsing runs in a worker thread, so a large scrape does not freeze the event loop.

When some endpoints fail and others answer, the snapshot carries a warning naming each failed endpoint
(its node's pods are missing from the answer); when all fail, the first failure is raised.
"""

from __future__ import annotations

import gc
import logging
import ssl
import time
from collections.abc import Awaitable, Callable, Collection, Generator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar, cast

import anyio
import httpx2

from carbon_kepler_mcp.errors import (
    CarbonKeplerError,
    ConfigError,
    EmptyScrapeError,
    SourceError,
    SourceTimeoutError,
    SourceTLSError,
    SourceUnavailableError,
)
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.parser import Run, Sample, Screened, parse_columns, parse_exposition, screen
from carbon_kepler_mcp.kepler.readings import (
    EndpointReadings,
    PodReading,
    as_samples,
    current_readings,
    detect_generation,
    legacy_readings,
)
from carbon_kepler_mcp.kepler.timeline import (
    Observation,
    RatePlan,
    Stale,
    Wait,
    counter_fingerprint,
    longest_rate,
    plan_rate,
)
from carbon_kepler_mcp.sources._flight import FlightCache
from carbon_kepler_mcp.sources._http import (
    RETRY_STATUSES,
    DeadlineExceeded,
    MemoryBudget,
    Reservation,
    Transient,
    is_tls_error,
    read_capped,
    redact_text,
    redact_url,
    request_headers,
    retrying,
    root_message,
)
from carbon_kepler_mcp.sources.base import FacilityInfo, Snapshot

__all__ = ["KeplerSource", "build_ssl_context", "redact_url"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

_ACCEPT = "text/plain;version=0.0.4;q=1.0, */*;q=0.1"


_HISTORY_LENGTH = 16
"""Scrapes kept per legacy endpoint: enough to see Kepler's update period, few enough to stay small."""


@dataclass(frozen=True, slots=True)
class _Unchanged:
    """The current-generation counters of one endpoint and when they were first seen."""

    fingerprint: tuple[int, int]
    at_seconds: float
    wall: datetime
    scrapes: int


_STALE_GAUGES = "; the watts shown are the last values it computed, as old as that"


def build_ssl_context(*, ca_bundle: Path | None, insecure_skip_verify: bool) -> ssl.SSLContext | bool:
    """The ``verify`` argument for httpx2: a context for a CA bundle, False to skip, True for the OS store."""
    if insecure_skip_verify:
        return False
    if ca_bundle is None:
        return True
    try:
        return ssl.create_default_context(cafile=str(ca_bundle))
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            f"cannot load the CA bundle {str(ca_bundle)!r}: {exc}; set kepler_ca_bundle to a readable PEM file"
        ) from exc


class KeplerSource:
    """Direct scrape of Kepler exporters."""

    def __init__(
        self,
        endpoints: Sequence[str],
        *,
        timeout_seconds: float = 10.0,
        max_bytes: int = 64 * 1024 * 1024,
        memory_budget_bytes: int = 64 * 1024 * 1024,
        cache_ttl_seconds: float = 60.0,
        failure_ttl_seconds: float = 5.0,
        legacy_rate_interval_seconds: float = 5.0,
        stale_after_seconds: float | None = None,
        verify: ssl.SSLContext | bool = True,
        bearer_token: str | None = None,
        bearer_token_file: Path | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        is_demo: bool = False,
        facilities: Mapping[str, FacilityInfo] | None = None,
    ) -> None:
        if not endpoints:
            raise ConfigError("no Kepler endpoint given; set KEPLER_ENDPOINT (comma-separated /metrics URLs)")
        self._endpoints = tuple(dict.fromkeys(endpoints))  # the same URL twice would count its pods twice
        self._timeout = timeout_seconds
        self._max_bytes = max_bytes
        self._budget = MemoryBudget(memory_budget_bytes)
        self._ttl = cache_ttl_seconds
        self._legacy_interval = legacy_rate_interval_seconds
        # Kepler updates every few seconds (0.7: 3 s, 0.10: 5 s by default); counters that have not moved for three
        # rate intervals mean it stopped updating.
        self._stale_after = stale_after_seconds if stale_after_seconds is not None else 3 * legacy_rate_interval_seconds
        self._token = bearer_token
        self._token_file = bearer_token_file
        self._clock = clock
        self._wall_clock = wall_clock
        self._sleep = sleep
        self._is_demo = is_demo
        self._facilities = dict(facilities or {})
        if not any(url.startswith("https://") for url in self._endpoints):
            verify = False  # no TLS at all: skip building an SSL context (about 20 ms per client)
        self._client = httpx2.AsyncClient(
            verify=verify,
            timeout=httpx2.Timeout(timeout_seconds),
            transport=transport,
            follow_redirects=False,
            trust_env=False,
        )
        self._cache: FlightCache[None, Snapshot] = FlightCache(
            ttl_seconds=cache_ttl_seconds, failure_ttl_seconds=failure_ttl_seconds, clock=clock
        )
        self._legacy_history: dict[str, list[Observation[list[Sample]]]] = {}
        self._current_seen: dict[str, _Unchanged] = {}
        self._refused: dict[str, list[str]] = {}
        self._parse_limiter: anyio.CapacityLimiter | None = None

    @property
    def kind(self) -> str:
        """``demo`` for the built-in demo cluster, otherwise ``kepler``."""
        return "demo" if self._is_demo else "kepler"

    @property
    def description(self) -> str:
        """The endpoints scraped (credentials removed)."""
        return ", ".join(redact_url(url) for url in self._endpoints)

    @property
    def endpoints(self) -> tuple[str, ...]:
        """The endpoints scraped."""
        return self._endpoints

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self._client.aclose()

    @property
    def memory_budget(self) -> MemoryBudget:
        """The body bytes every scrape in flight shares."""
        return self._budget

    async def snapshot(self) -> Snapshot:
        """The cached snapshot if younger than the TTL, the previous one while a scrape runs, else a fresh scrape.

        One scrape at a time (the legacy rate history and staleness state are the scrape's own), and a failed one
        is remembered for ``failure_ttl_seconds``.
        """
        return await self._cache.get(None, self._scrape_all)

    async def scrape_families(self, names: Collection[str]) -> list[tuple[str, list[Sample]]]:
        """Samples of the named families from every endpoint that answers, uncached (detail on demand).

        Uses the same credentials, TLS settings, timeout and size cap as the snapshot scrape. Endpoints that
        fail are left out; when every endpoint fails, the first failure is raised.
        """
        wanted = frozenset(names)
        answered: dict[str, list[Sample]] = {}
        failures: list[SourceError] = []

        async def one(url: str) -> None:
            shown = redact_url(url)
            try:
                with self._budget.reserve() as reservation:
                    body = await self._fetch(url, reservation)
                    answered[url] = await self._in_worker(_parse_families, body, wanted, shown)
            except SourceError as exc:
                failures.append(exc)

        async with anyio.create_task_group() as group:
            for url in self._endpoints:
                group.start_soon(one, url)
        if not answered and failures:
            raise failures[0]
        return [(redact_url(url), answered[url]) for url in self._endpoints if url in answered]

    def invalidate(self) -> None:
        """Drop the cached snapshot and any remembered failure (the next call scrapes)."""
        self._cache.clear()

    # --- internals -----------------------------------------------------------------------------------

    async def _in_worker(self, func: Callable[..., _T], *args: object) -> _T:
        """``func(*args)`` in a worker thread, one at a time for this source.

        One at a time: ten endpoints parsed in ten threads would fight over the GIL (and the event loop with
        them) and hold ten parses' memory at once; one worker keeps both bounded, and the loop still runs between.
        """
        if self._parse_limiter is None:
            self._parse_limiter = anyio.CapacityLimiter(1)
        return await anyio.to_thread.run_sync(func, *args, limiter=self._parse_limiter)

    def _headers(self) -> dict[str, str]:
        return request_headers(_ACCEPT, self._token, self._token_file, token_file_name="bearer token file")

    async def _fetch(self, url: str, reservation: Reservation) -> bytes:
        """The endpoint's body, asked again on connection errors, 429, 502 and 503 within the scrape deadline."""
        shown = redact_url(url)
        return await retrying(
            lambda left: self._fetch_once(url, left, reservation),
            budget_seconds=self._timeout,
            what=f"Kepler {shown}",
            timed_out=lambda elapsed: SourceTimeoutError(
                f"Kepler endpoint {shown} did not answer within {self._timeout:g} s (the whole scrape's "
                f"deadline; gave up after {elapsed:.1f} s); is the exporter overloaded? Raise "
                "scrape_timeout_seconds if the node is busy",
                ko=f"Kepler 엔드포인트 {shown}이(가) {self._timeout:g}초 안에 응답하지 않았습니다(수집 전체의 제한 시간, "
                f"{elapsed:.1f}초 후 중단). exporter가 과부하인지 확인하고, 노드가 바쁘다면 scrape_timeout_seconds를 "
                "늘리세요",
            ),
        )

    async def _fetch_once(self, url: str, left: float, reservation: Reservation) -> bytes:
        shown = redact_url(url)
        try:
            async with self._client.stream(
                "GET", url, headers=self._headers(), timeout=httpx2.Timeout(max(left, 0.001))
            ) as response:
                if response.status_code != 200:
                    hint = {
                        401: "the endpoint wants credentials: set kepler_bearer_token(_file)",
                        403: "the credentials were refused: check the token's RBAC",
                        404: "wrong path? Kepler serves /metrics",
                        429: "it is rate-limiting this server: try again later",
                        503: "it is not ready or overloaded",
                    }.get(response.status_code, "is this a Kepler exporter?")
                    error = SourceUnavailableError(
                        f"Kepler endpoint {shown} answered HTTP {response.status_code}; {hint}"
                    )
                    if response.status_code in RETRY_STATUSES:
                        raise Transient(error, response.headers.get("retry-after"))
                    raise error
                return await read_capped(
                    response,
                    self._max_bytes,
                    lambda: self._too_large(shown),
                    reservation,
                    lambda: self._over_budget(shown),
                )
        except httpx2.TimeoutException as exc:
            raise DeadlineExceeded() from exc
        except httpx2.ConnectError as exc:
            if is_tls_error(exc):
                raise SourceTLSError(
                    f"TLS handshake with {shown} failed ({root_message(exc)}); set kepler_ca_bundle to the CA that "
                    "signed the exporter's certificate (kepler_insecure_skip_verify=true only for lab clusters)",
                    ko=f"{shown}과(와)의 TLS 핸드셰이크에 실패했습니다({root_message(exc)}). kepler_ca_bundle을 exporter "
                    "인증서에 서명한 CA로 설정하세요(kepler_insecure_skip_verify=true는 실험용 클러스터에서만)",
                ) from exc
            raise Transient(
                SourceUnavailableError(
                    f"cannot connect to Kepler endpoint {shown} ({root_message(exc)}); is Kepler running and the "
                    "address right? In a cluster: kubectl -n kepler-system get pods,svc"
                )
            ) from exc
        except httpx2.HTTPError as exc:
            raise SourceUnavailableError(
                f"request to Kepler endpoint {shown} failed: {redact_text(root_message(exc))}",
                ko=f"Kepler 엔드포인트 {shown} 요청에 실패했습니다: {redact_text(root_message(exc))}",
            ) from exc

    def _too_large(self, shown: str) -> str:
        return (
            f"Kepler endpoint {shown} sent more than {self._max_bytes:,} bytes; raise scrape_max_bytes if that is "
            "expected, or check what the exporter is exporting"
        )

    def _over_budget(self, shown: str) -> str:
        return (
            f"the scrape of Kepler endpoint {shown} was refused: the scrapes in flight together passed the memory "
            f"budget of {self._budget.max_bytes:,} bytes (scrape_memory_budget_bytes); fewer or smaller endpoints, "
            "or a larger budget and memory limit"
        )

    async def _read_endpoint(self, url: str) -> tuple[list[Sample | Run], float]:
        """The endpoint's samples (screened: see :func:`kepler.parser.screen`) and when they were read.

        What the screen refused is remembered per endpoint and becomes a warning of its readings.
        """
        shown = redact_url(url)
        with self._budget.reserve() as reservation:
            body = await self._fetch(url, reservation)
            started = self._clock()
            # Parsing 10,000 pods takes the better part of a second of CPU: off the event loop, so the other
            # requests (and the probes) keep being answered meanwhile.
            screened = await self._in_worker(_parse_all, body, shown)
        self._refused[url] = screened.warnings(f"Kepler endpoint {shown}")
        return screened.items, started

    async def _endpoint_readings(self, url: str) -> EndpointReadings:
        readings = await self._screened_readings(url)
        if refused := self._refused.pop(url, None):
            readings = replace(readings, warnings=(*refused, *readings.warnings))
        return readings

    async def _screened_readings(self, url: str) -> EndpointReadings:
        shown = redact_url(url)
        samples, at = await self._read_endpoint(url)
        generation = detect_generation(samples)
        if generation is None:
            raise EmptyScrapeError(
                f"the scrape of {shown} holds no kepler_* power series; is this a Kepler exporter, and has it "
                "finished starting up (Kepler exports pod series once it has seen processes)?",
                ko=f"{shown}의 수집 결과에 kepler_* 전력 시계열이 없습니다. Kepler exporter가 맞는지, 시작이 끝났는지 "
                "확인하세요(Kepler는 프로세스를 본 뒤에야 파드 시계열을 내보냅니다)",
            )
        if generation == "current":
            stale = self._current_stale(url, samples, at)
            readings = await self._in_worker(_current, samples, shown)
            if stale is None:
                return readings
            # The gauges still hold Kepler's last computed watts (not 0 W): answer with them, and say how old they are.
            return replace(readings, warnings=(self._stale_sentence(shown, stale) + _STALE_GAUGES, *readings.warnings))
        return await self._legacy_endpoint_readings(url, shown, as_samples(samples), at)

    def _current_stale(self, url: str, samples: Sequence[Sample | Run], at: float) -> Stale | None:
        """Counters unchanged for ``stale_after`` seconds or more: the watts next to them are as old."""
        fingerprint = counter_fingerprint(samples)
        seen = self._current_seen.get(url)
        if seen is None or seen.fingerprint != fingerprint:
            self._current_seen[url] = _Unchanged(fingerprint, at, self._wall_clock(), 1)
            return None
        self._current_seen[url] = seen = replace(seen, scrapes=seen.scrapes + 1)
        if at - seen.at_seconds >= self._stale_after:
            return Stale(seen.wall, at - seen.at_seconds, seen.scrapes)
        return None

    @staticmethod
    def _stale_sentence(shown: str, stale: Stale) -> str:
        return (
            f"Kepler at {shown} has not updated since {stale.since.astimezone(UTC).isoformat(timespec='seconds')}: "
            f"its energy counters are unchanged over {stale.unchanged_seconds:.1f} s ({stale.scrapes} scrapes)"
        )

    def _stale_error(self, shown: str, stale: Stale) -> SourceUnavailableError:
        return SourceUnavailableError(
            self._stale_sentence(shown, stale) + ", so no power can be measured (a rate of 0 W would be wrong). "
            "Check the exporter's logs (RAPL or eBPF access lost?); if Kepler's update interval is set longer, "
            "raise legacy_rate_interval_seconds"
        )

    async def _legacy_endpoint_readings(
        self, url: str, shown: str, samples: list[Sample], at: float
    ) -> EndpointReadings:
        """Kepler 0.7 has no watts gauges: power is the counters' rate between two scrapes far enough apart.

        Scrapes of the endpoint are kept (up to 16, none older than four cache lifetimes), so a later call measures
        over the time since the previous one; a first call scrapes again (every fifth of the rate interval) until
        two seen counter changes are far enough apart, for at most the stale time, or reports that Kepler has
        stopped updating (:mod:`kepler.timeline`).
        """
        max_age = max(self._ttl, self._legacy_interval) * 4
        history = [o for o in self._legacy_history.get(url, []) if at - o.at_seconds <= max_age]
        history.append(Observation(at, self._wall_clock(), counter_fingerprint(samples), samples))
        waited = 0.0
        plan = plan_rate(history, min_interval_seconds=self._legacy_interval, stale_after_seconds=self._stale_after)
        while isinstance(plan, Wait) and waited + plan.seconds <= self._stale_after + 1e-9:
            logger.info("legacy Kepler at %s: waiting %.1f s for a second scrape", shown, plan.seconds)
            await self._sleep(plan.seconds)
            waited += plan.seconds
            items, at = await self._read_endpoint(url)
            samples = as_samples(items)
            history.append(Observation(at, self._wall_clock(), counter_fingerprint(samples), samples))
            plan = plan_rate(history, min_interval_seconds=self._legacy_interval, stale_after_seconds=self._stale_after)
        self._legacy_history[url] = history[-_HISTORY_LENGTH:]
        short = False
        if isinstance(plan, Wait):
            fallback = longest_rate(history)
            if fallback is None:
                first = history[0]
                raise self._stale_error(
                    shown, Stale(first.wall, history[-1].at_seconds - first.at_seconds, len(history))
                )
            plan, short = fallback, True
        if isinstance(plan, Stale):
            raise self._stale_error(shown, plan)
        readings = legacy_readings(plan.before.data, plan.after.data, plan.seconds, shown)
        return replace(
            readings, warnings=(*readings.warnings, _interval_warning(shown, plan, short)), rate_seconds=plan.seconds
        )

    async def _scrape_all(self) -> Snapshot:
        results: dict[str, EndpointReadings | CarbonKeplerError] = {}

        async def one(url: str) -> None:
            try:
                results[url] = await self._endpoint_readings(url)
            except CarbonKeplerError as exc:
                results[url] = exc

        async with anyio.create_task_group() as group:
            for url in self._endpoints:
                group.start_soon(one, url)

        readings = [r for url in self._endpoints if isinstance(r := results[url], EndpointReadings)]
        failures = [r for url in self._endpoints if isinstance(r := results[url], CarbonKeplerError)]
        if not readings:
            raise failures[0]
        if config_errors := [f for f in failures if not isinstance(f, SourceError)]:
            raise config_errors[0]
        failed = [f"{failure} — pods on that endpoint's node are missing from this answer" for failure in failures]
        warnings = list(failed)
        for reading in readings:
            warnings.extend(reading.warnings)
        overhead = [pod for r in readings for pod in r.overhead]
        if running_overhead := [p for p in overhead if p.running]:
            listed = ", ".join(f"{p.namespace}/{p.name} {p.power_watts:.2f} W" for p in running_overhead[:4])
            warnings.append(
                f"Kepler's pseudo-pods ({listed}{' ...' if len(running_overhead) > 4 else ''}) are host processes "
                "and kernel threads outside any pod: reported as node overhead, not as workloads"
            )
        pods, duplicates = _unique_pods(readings)
        if duplicates:
            warnings.append(
                f"{duplicates} pod series were reported by more than one endpoint (the same node scraped twice?); "
                "each was counted once"
            )
        generations = sorted({r.generation for r in readings})
        generation = generations[0] if len(generations) == 1 else "mixed"
        rates = [r.rate_seconds for r in readings if r.rate_seconds is not None]
        bases = sorted({r.basis for r in readings if r.generation == "legacy"})
        legacy_method = (
            f"rate of Kepler 0.7 joule counters over {_seconds_range(rates)} between two scrapes, "
            f"{' / '.join('zones package+dram' if b == 'package+dram' else b + ' (total only)' for b in bases)}, "
            "mode=dynamic"
        )
        method = {
            "current": "Kepler watts gauges (state=running), zones package+dram",
            "legacy": legacy_method,
        }.get(generation, "Kepler watts gauges (current exporters) and counter rates (legacy exporters)")
        return Snapshot(
            taken_at=self._wall_clock(),
            source_kind=self.kind,
            generation=generation,
            pods=pods,
            nodes=list({node.name: node for r in reversed(readings) for node in r.nodes}.values()),  # once each
            endpoints=[r.endpoint for r in readings],
            power_method=method,
            is_demo=self._is_demo,
            warnings=warnings,
            kepler_versions=sorted({r.kepler_version for r in readings if r.kepler_version}),
            facilities=self._facilities,
            overhead_pods=overhead,
            failed_endpoints=[str(failure) for failure in failures],
            endpoints_asked=len(self._endpoints),
            rate_interval_seconds=max(rates) if rates else None,
        )


def _seconds_range(seconds: Sequence[float]) -> str:
    if not seconds:
        return "an interval"
    low, high = min(seconds), max(seconds)
    return f"{low:.1f} s" if round(low, 1) == round(high, 1) else f"{low:.1f}–{high:.1f} s"


def _interval_warning(shown: str, plan: RatePlan[list[Sample]], short: bool) -> str:
    period = (
        f"Kepler's update period, as observed, is at least {plan.update_period_seconds:.1f} s"
        if plan.update_period_seconds is not None
        else "Kepler's update period was not observed (no two scrapes with equal counters)"
    )
    sentence = (
        f"{shown}: power is the rate of Kepler's counters over {plan.seconds:.1f} s, between the first scrapes that "
        f"showed each value; {period}"
    )
    if short:
        sentence += "; that interval is shorter than the rate interval asked for, so the figure swings more"
    return sentence


def _unique_pods(readings: Sequence[EndpointReadings]) -> tuple[list[PodReading], int]:
    """Every pod series once, even when two endpoints (say a Service VIP and a pod IP) scrape one node."""
    if len(readings) == 1:
        return list(readings[0].pods), 0  # one endpoint's readings hold each series once (keyed by its labels)
    seen: set[tuple[str, str, str, str, str]] = set()
    pods: list[PodReading] = []
    for reading in readings:
        for pod in reading.pods:
            key = (pod.namespace, pod.name, pod.uid, pod.node, pod.state)
            if key not in seen:
                seen.add(key)
                pods.append(pod)
    return pods, sum(len(r.pods) for r in readings) - len(pods)


def _decoded(body: bytes, shown: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceUnavailableError(
            f"Kepler endpoint {shown} sent a body that is not UTF-8 text; is the URL the /metrics endpoint?"
        ) from exc


def _parse_all(body: bytes, shown: str) -> Screened:
    """Every family the server reads, screened for repeats and impossible values (runs in a worker thread)."""
    text = _decoded(body, shown)
    with _gc_paused():
        return screen(parse_columns(text, schema.ALL_FAMILIES, source=shown))


def _parse_families(body: bytes, wanted: frozenset[str], shown: str) -> list[Sample]:
    """The named families only (runs in a worker thread)."""
    text = _decoded(body, shown)
    with _gc_paused():
        # parse_exposition gives samples only, so the screened items are samples too.
        return cast(list[Sample], screen(parse_exposition(text, wanted, source=shown)).items)


def _current(samples: list[Sample | Run], shown: str) -> EndpointReadings:
    with _gc_paused():
        return current_readings(samples, shown)


@contextmanager
def _gc_paused() -> Generator[None]:
    """Pause the cyclic garbage collector while building tens of thousands of acyclic objects.

    Parsing a 40,000-sample scrape allocates ~30,000 dicts and tuples; each allocation burst triggers full
    collections that find nothing (the objects hold no reference cycles) and cost a quarter of the parse.
    Reference counting still frees everything; the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
