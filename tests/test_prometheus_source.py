"""The Prometheus source without a Prometheus: every failure mode through httpx2.MockTransport, and the
query builders, window parsing, right-sizing and observed-schedule arithmetic by hand."""

from __future__ import annotations

import json
import logging
import socket
import urllib.parse
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import anyio
import httpx2
import pytest

from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.app.observed import next_start, observe
from carbon_kepler_mcp.app.rightsizing import recommend_cores, rightsize
from carbon_kepler_mcp.bootstrap import build_source
from carbon_kepler_mcp.domain.window import format_window, parse_window
from carbon_kepler_mcp.errors import (
    ConfigError,
    EmptyScrapeError,
    InvalidArgumentError,
    InvalidNameError,
    PrometheusQueryError,
    ResponseTooLargeError,
    SourceTimeoutError,
    SourceUnavailableError,
)
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.settings import Settings
from carbon_kepler_mcp.sources import _http, promql
from carbon_kepler_mcp.sources.base import HistoryPoint, PodCpu
from carbon_kepler_mcp.sources.prometheus import PrometheusSource
from tests.tools import tools

URL = "http://prometheus.test:9090"
AT = datetime(2026, 4, 14, 11, 0, tzinfo=UTC)
HOSTILE = ['"} or vector(1) #', 'a"} or vector(1', "x\\", "{}", "ns\n", "Prod", ""]


def _vector(*rows: tuple[Mapping[str, str], float], **extra: Any) -> dict[str, Any]:
    result = [{"metric": dict(labels), "value": [AT.timestamp(), repr(value)]} for labels, value in rows]
    return {"status": "success", "data": {"resultType": "vector", "result": result}, **extra}


def _pod(ns: str, pod: str, node: str, zone: str, joules: float) -> tuple[dict[str, str], float]:
    return {"pod_namespace": ns, "pod_name": pod, "node_name": node, "zone": zone}, joules


WINDOW_FIRST = AT.timestamp() - 3585  # the first sample the 15 s subquery steps see in the 1 h window
RECENT_FIRST = AT.timestamp() - 285  # and in the last 5 min


def _energy(ns: str, pod: str, node: str, watts: Mapping[str, float]) -> list[tuple[dict[str, str], float]]:
    """The energy query's rows for a pod drawing ``watts`` per zone from WINDOW_FIRST to AT, never reset."""
    rows: list[tuple[dict[str, str], float]] = []
    for zone, w in watts.items():
        labels = _pod(ns, pod, node, zone, 0.0)[0]
        rows += [
            (labels | {"part": "window"}, w * 3585),
            (labels | {"part": "recent"}, w * 285),
            (labels | {"part": "increase"}, w * 3600),
            (labels | {"part": "resets"}, 0.0),
        ]
    return rows


def _times(
    ns: str, pod: str, node: str, first: float, last: float, first_recent: float
) -> list[tuple[dict[str, str], float]]:
    labels = {"pod_namespace": ns, "pod_name": pod, "node_name": node}
    return [
        (labels | {"part": "first"}, first),
        (labels | {"part": "last"}, last),
        (labels | {"part": "first_recent"}, first_recent),
    ]


# web-app-7d9f8b6c5-kx2vq: 11 W package (7.7 W of it core) and 2 W dram for the whole 1 h window.
WEB = ("production", "web-app-7d9f8b6c5-kx2vq", "worker-1")
ENERGY = _vector(*_energy(*WEB, {"package": 11.0, "core": 7.7, "dram": 2.0}))
TIMES = _vector(*_times(*WEB, WINDOW_FIRST, AT.timestamp(), RECENT_FIRST))
RUNNING = _vector(({"pod_namespace": "production", "pod_name": "web-app-7d9f8b6c5-kx2vq", "node_name": "worker-1"}, 1))
EMPTY = _vector()


def _fake(
    overrides: Callable[[str], httpx2.Response | None] | None = None, seen: list[str] | None = None
) -> httpx2.MockTransport:
    """A fake Prometheus: answers the energy and running queries for one pod, everything else empty."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        form = urllib.parse.parse_qs(request.content.decode())
        query = form.get("query", [""])[0]
        if seen is not None:
            seen.append(query)
        if overrides is not None and (answer := overrides(query)) is not None:
            return answer
        if query.startswith("sum by (pod_namespace, pod_name, node_name, zone, part)"):
            return httpx2.Response(200, json=ENERGY)
        if query.startswith("label_replace(min by (pod_namespace, pod_name, node_name)"):
            return httpx2.Response(200, json=TIMES)
        if query.startswith("group by (pod_namespace, pod_name, node_name)"):
            return httpx2.Response(200, json=RUNNING)
        return httpx2.Response(200, json=EMPTY)

    return httpx2.MockTransport(handler)


def _source(transport: httpx2.MockTransport, **kwargs: Any) -> PrometheusSource:
    return PrometheusSource(URL, transport=transport, cache_ttl_seconds=0, wall_clock=lambda: AT, **kwargs)


pytestmark = pytest.mark.anyio


async def test_one_pod_energy_over_an_hour_becomes_its_average_power_without_double_counting_core() -> None:
    source = _source(_fake())
    snapshot = await source.window_snapshot("production", 3600)
    (pod,) = snapshot.pods
    # Window: (11 + 2) W × 3,585 s between the first and last sample = 46,605 J (core is inside package: not
    # added); power now: (11 + 2) W × 285 s ÷ 285 s = 13 W. Neither is divided by the 15 s without data.
    assert pod.energy_joules == pytest.approx(46_605.0)
    assert pod.covered_seconds == 3585
    assert pod.power_watts == pytest.approx(13.0)
    assert pod.running and snapshot.window_seconds == 3600 and snapshot.generation == "current"
    assert snapshot.owners is None
    assert (
        "kube_pod_owner" in snapshot.missing_series
        and "kube_pod_container_resource_requests" in snapshot.missing_series
    )
    await source.aclose()


async def test_without_kube_state_metrics_right_sizing_names_the_missing_series() -> None:
    service = AppContext(_source(_fake()), load_reference_data(), AppConfig())
    result = await tools(service).assess("web-app", "production")
    sizing = next(o for o in result.optimizations if o.type == "resource_rightsizing")
    assert not sizing.quantified
    assert "kube_pod_container_resource_requests" in sizing.data_basis
    assert "container_cpu_usage_seconds_total" in sizing.data_basis
    assert result.workload_kind == "Deployment" and "naming rules" in result.resolution
    assert result.window_seconds == 3600 and result.pod_count == 1 and result.node_count == 1
    await service.aclose()


@pytest.mark.parametrize("hostile", HOSTILE)
async def test_a_hostile_name_is_refused_before_any_query_is_sent(hostile: str) -> None:
    seen: list[str] = []
    service = AppContext(_source(_fake(seen=seen)), load_reference_data(), AppConfig())
    with pytest.raises(InvalidNameError):
        await tools(service).assess("web-app", hostile)
    with pytest.raises(InvalidNameError):
        await tools(service).assess(hostile, "production")
    with pytest.raises(InvalidNameError):
        await tools(service).list_workloads(hostile)
    # The valid namespace was queried; the hostile value never reached any query.
    assert seen and not any(hostile and hostile in q for q in seen)
    assert not any("or vector(1)" in q for q in seen)
    await service.aclose()


@pytest.mark.parametrize("hostile", HOSTILE)
def test_every_query_builder_validates_its_label_values(hostile: str) -> None:
    with pytest.raises(InvalidNameError):
        promql.pod_energy_query("current", hostile, 3600, 300, AT.timestamp())
    with pytest.raises(InvalidNameError):
        promql.owners_query(hostile, 3600)
    with pytest.raises(InvalidNameError):
        promql.cpu_query(hostile, 3600)
    with pytest.raises(InvalidNameError):
        promql.workload_pods_regex(hostile, "Deployment")
    with pytest.raises(InvalidNameError):
        promql.pod_name_regex([hostile])


def test_a_namespace_is_written_as_one_escaped_string_literal() -> None:
    query = promql.pod_energy_query("current", "production", 3600, 300, AT.timestamp())
    start = AT.timestamp() - 3600
    assert 'kepler_pod_cpu_joules_total{pod_namespace="production"}' in query
    assert query.count("pod_namespace=") == query.count('pod_namespace="production"')
    # The window's counter growth from raw samples: the last value minus the first, across a pod's state series.
    assert (
        "max by (pod_namespace, pod_name, node_name, zone) (last_over_time(kepler_pod_cpu_joules_total"
        '{pod_namespace="production"}[3600s])) - min by (pod_namespace, pod_name, node_name, zone) '
        '(min_over_time(kepler_pod_cpu_joules_total{pod_namespace="production"}[3600s]))'
    ) in query
    # Power now: the growth between the samples of the last 5 min (only those at or after its start).
    assert f'timestamp(kepler_pod_cpu_joules_total{{pod_namespace="production"}}) >= {start + 3300:.3f})' in query
    assert 'increase(kepler_pod_cpu_joules_total{pod_namespace="production"}[3600s])' in query


def test_workload_regexes_match_every_run_of_a_controller_and_nothing_else() -> None:
    import re

    cron = re.compile(promql.workload_pods_regex("nightly-report", "CronJob"))
    assert cron.fullmatch("nightly-report-29113920-q7w4z")
    assert not cron.fullmatch("nightly-report-extra-29113920-q7w4z")
    deployment = re.compile(promql.workload_pods_regex("web", "Deployment"))
    assert deployment.fullmatch("web-7d9f8b6c5-kx2vq")
    assert not deployment.fullmatch("web-app-7d9f8b6c5-kx2vq")  # no prefix matching
    dotted = re.compile(promql.workload_pods_regex("a.b", "StatefulSet"))
    assert dotted.fullmatch("a.b-0") and not dotted.fullmatch("axb-0")  # '.' is literal


async def test_a_query_prometheus_refuses_is_a_query_error_with_the_query_in_the_debug_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def refuse(query: str) -> httpx2.Response | None:
        body = {"status": "error", "errorType": "bad_data", "error": "parse error at char 7"}
        return httpx2.Response(400, json=body) if query.startswith("sum by (pod_namespace") else None

    source = _source(_fake(refuse))
    with (
        caplog.at_level(logging.DEBUG, logger="carbon_kepler_mcp.sources.prometheus"),
        pytest.raises(PrometheusQueryError, match=r"HTTP 400, bad_data: parse error at char 7") as refused,
    ):
        await source.window_snapshot("production", 3600)
    # The API client learns which server refused and why; the PromQL stays in the server's debug log.
    assert "kepler_pod_cpu_joules_total" not in str(refused.value)
    assert any("kepler_pod_cpu_joules_total" in r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG)
    await source.aclose()


async def test_a_query_timeout_inside_prometheus_is_a_timeout_error() -> None:
    body = {"status": "error", "errorType": "timeout", "error": "query timed out in expression evaluation"}
    source = _source(httpx2.MockTransport(lambda request: httpx2.Response(503, json=body)))
    with pytest.raises(SourceTimeoutError, match="shorter window"):
        await source.window_snapshot("production", 3600)
    await source.aclose()


async def test_a_slow_prometheus_times_out_with_the_setting_to_change() -> None:
    def slow(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("timed out", request=request)

    source = _source(httpx2.MockTransport(slow), timeout_seconds=2.5)
    with pytest.raises(SourceTimeoutError, match=r"within 2.5 s.*prometheus_timeout_seconds"):
        await source.window_snapshot("production", 3600)
    await source.aclose()


@pytest.mark.parametrize(
    ("status", "hint"),
    [
        (401, "credentials"),
        (403, "permissions"),
        (404, "/api/v1"),
        (429, "rate-limiting"),
        (502, "Prometheus-compatible"),
    ],
)
async def test_an_http_error_is_reported_with_what_to_check(status: int, hint: str, pauses: list[float]) -> None:
    source = _source(httpx2.MockTransport(lambda request: httpx2.Response(status, text="nope")))
    with pytest.raises(SourceUnavailableError, match=rf"HTTP {status}.*{hint}"):
        await source.window_snapshot("production", 3600)
    await source.aclose()


async def test_a_prometheus_that_is_down_is_reported_plainly() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    source = PrometheusSource(f"http://127.0.0.1:{port}", timeout_seconds=2)
    with pytest.raises(SourceUnavailableError, match=rf"cannot connect to Prometheus at http://127.0.0.1:{port}"):
        await source.window_snapshot("production", 3600)
    await source.aclose()


async def test_a_web_page_is_not_taken_for_the_api() -> None:
    source = _source(httpx2.MockTransport(lambda request: httpx2.Response(200, text="<html>Grafana</html>")))
    with pytest.raises(SourceUnavailableError, match="not JSON"):
        await source.window_snapshot("production", 3600)
    await source.aclose()


async def test_an_oversized_answer_is_refused_while_streaming() -> None:
    big = httpx2.MockTransport(lambda request: httpx2.Response(200, content=b" " * 4096))
    source = _source(big, max_bytes=1024)
    with pytest.raises(ResponseTooLargeError, match="prometheus_max_bytes"):
        await source.window_snapshot("production", 3600)
    await source.aclose()


async def test_prometheus_warnings_and_partial_answers_reach_the_answer() -> None:
    def warn(query: str) -> httpx2.Response | None:
        if query.startswith("sum by (pod_namespace"):
            return httpx2.Response(
                200, json={**ENERGY, "warnings": ["store gateway 2 did not respond"], "isPartial": True}
            )
        return None

    source = _source(_fake(warn))
    snapshot = await source.window_snapshot("production", 3600)
    assert "Prometheus: store gateway 2 did not respond" in snapshot.warnings
    assert any("partial" in w for w in snapshot.warnings)
    await source.aclose()


async def test_a_failing_optional_query_becomes_a_warning_not_a_failure() -> None:
    def owners_fail(query: str) -> httpx2.Response | None:
        if "kube_pod_owner" in query:
            return httpx2.Response(422, json={"status": "error", "errorType": "execution", "error": "too many samples"})
        return None

    source = _source(_fake(owners_fail))
    snapshot = await source.window_snapshot("production", 3600)
    assert len(snapshot.pods) == 1
    assert any("too many samples" in w and "missing" in w for w in snapshot.warnings)
    await source.aclose()


async def test_a_prometheus_without_kepler_series_says_what_to_check() -> None:
    source = _source(httpx2.MockTransport(lambda request: httpx2.Response(200, json=EMPTY)))
    with pytest.raises(EmptyScrapeError, match="kepler_pod_cpu_joules_total"):
        await source.window_snapshot("production", 3600)
    await source.aclose()


async def test_a_pod_with_one_sample_in_the_window_is_flagged_as_not_counted_yet() -> None:
    def fresh(query: str) -> httpx2.Response | None:
        if query.startswith("group by (pod_namespace, pod_name, node_name)"):
            new = {"pod_namespace": "production", "pod_name": "web-app-7d9f8b6c5-zzzzz", "node_name": "worker-1"}
            return httpx2.Response(200, json=_vector((new, 1)))
        return None

    source = _source(_fake(fresh))
    snapshot = await source.window_snapshot("production", 3600)
    assert any("fewer than two samples" in w and "web-app-7d9f8b6c5-zzzzz" in w for w in snapshot.warnings)
    await source.aclose()


async def test_a_node_without_a_dram_zone_is_flagged() -> None:
    def no_dram(query: str) -> httpx2.Response | None:
        if query.startswith("sum by (pod_namespace"):
            return httpx2.Response(200, json=_vector(*_energy(*WEB, {"package": 10.0})))
        return None

    source = _source(_fake(no_dram))
    snapshot = await source.window_snapshot("production", 3600)
    assert snapshot.pods[0].power_watts == pytest.approx(10.0)
    assert any("worker-1" in w and "no dram zone" in w for w in snapshot.warnings)
    await source.aclose()


async def test_answers_are_cached_per_namespace_and_window_for_the_ttl() -> None:
    seen: list[str] = []
    now = [100.0]
    source = PrometheusSource(
        URL, transport=_fake(seen=seen), cache_ttl_seconds=60, clock=lambda: now[0], wall_clock=lambda: AT
    )
    first = await source.window_snapshot("production", 3600)
    count = len(seen)
    assert await source.window_snapshot("production", 3600) is first and len(seen) == count
    await source.window_snapshot("production", 1800)
    assert len(seen) == 2 * count
    now[0] += 61
    assert await source.window_snapshot("production", 3600) is not first
    await source.aclose()


def test_credentials_never_reach_the_description() -> None:
    source = PrometheusSource("https://user:s3cret@mimir.example/prometheus")
    assert "s3cret" not in source.description and "mimir.example/prometheus" in source.description


# --- settings ---------------------------------------------------------------------------------------------


def test_prometheus_url_alias_makes_auto_pick_prometheus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROMETHEUS_URL", "http://prom.monitoring:9090/")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.prometheus.url == "http://prom.monitoring:9090"
    assert isinstance(build_source(settings), PrometheusSource)


def test_prometheus_auth_settings_must_not_contradict_each_other() -> None:
    with pytest.raises(ValueError, match="not both"):
        Settings(prometheus_bearer_token="t", prometheus_username="u", prometheus_password="p")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="go together"):
        Settings(prometheus_username="u")
    with pytest.raises(ValueError, match="out of range"):
        Settings(default_window="30s")


def test_source_prometheus_without_a_url_names_the_setting() -> None:
    with pytest.raises(ConfigError, match="PROMETHEUS_URL"):
        build_source(Settings(source="prometheus"))


def test_basic_auth_and_a_bearer_token_are_sent() -> None:
    seen: list[str | None] = []

    def record(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.headers.get("authorization"))
        return httpx2.Response(200, json=EMPTY)

    import anyio

    async def run() -> None:
        for kwargs in ({"basic_auth": ("ops", "pw")}, {"bearer_token": "tok"}):
            source = _source(httpx2.MockTransport(record), **kwargs)
            await source.client.instant("up", 0)
            await source.aclose()

    anyio.run(run)
    assert seen == ["Basic b3BzOnB3", "Bearer tok"]


# --- window -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"), [("1h", 3600), ("90m", 5400), ("1h30m", 5400), ("7d", 604_800), ("300", 300)]
)
def test_a_window_is_parsed_into_whole_seconds(text: str, seconds: int) -> None:
    assert parse_window(text) == seconds
    query = promql.pod_energy_query("current", "x", seconds, 300, AT.timestamp())
    assert f'increase(kepler_pod_cpu_joules_total{{pod_namespace="x"}}[{seconds}s])' in query


@pytest.mark.parametrize("text", ["4m", "8d", "1h1h", "1w", "-1h", "1h; drop", "] or vector(1)", "", "nan"])
def test_a_bad_window_is_a_clear_error(text: str) -> None:
    with pytest.raises(InvalidArgumentError, match="window"):
        parse_window(text)


def test_windows_are_shown_in_short_form() -> None:
    assert [format_window(s) for s in (3600, 5400, 90, 604_800)] == ["1h", "1h30m", "1m30s", "7d"]


# --- right-sizing and observed schedule, by hand --------------------------------------------------------------


def _reading(pod: str, node: str, watts: float) -> PodReading:
    return PodReading("ai", pod, "", node, "running", watts, watts * 3600, {}, {}, "prometheus")


def test_right_sizing_releases_the_idle_power_the_freed_cores_hold() -> None:
    # 4 cores requested, p95 use 0.6 → 0.6 × 1.15 = 0.69 recommended, 3.31 freed; node idle 87 W over 64
    # cores = 1.359375 W/core → released 3.31 × 1.359375 = 4.49953 W; footprint 8 + 4 × 1.359375 = 13.4375 W.
    sizing = rightsize(
        [_reading("lab-0", "n1", 8.0)],
        {("ai", "lab-0"): PodCpu(4.0, 0.5, 0.6)},
        {"n1": 87.0},
        {"n1": 64.0},
        (),
        8.0,
    )
    assert sizing.detail.recommended_cores == 0.69
    assert sizing.detail.freed_cores == pytest.approx(3.31)
    assert sizing.released_idle_watts == pytest.approx(3.31 * 87 / 64)
    assert sizing.reduction_fraction == pytest.approx(3.31 * 87 / 64 / (8 + 4 * 87 / 64))


def test_a_pod_using_more_than_its_request_frees_nothing() -> None:
    sizing = rightsize(
        [_reading("t", "n1", 193.0)], {("ai", "t"): PodCpu(16.0, 15.2, 15.2)}, {"n1": 124.0}, {"n1": 96.0}, (), 193.0
    )
    assert recommend_cores(15.2) == 17.48 and sizing.detail.freed_cores == 0.0
    assert sizing.reduction_fraction == 0.0


def test_right_sizing_without_node_capacity_says_so_and_gives_no_number() -> None:
    sizing = rightsize(
        [_reading("lab-0", "n1", 8.0)], {("ai", "lab-0"): PodCpu(4.0, 0.5, 0.6)}, {"n1": 87.0}, {}, (), 8.0
    )
    assert sizing.reduction_fraction is None and "kube_node_status_capacity" in sizing.detail.missing_series


def test_the_observed_schedule_finds_the_usual_start_and_the_power_while_running() -> None:
    seoul = ZoneInfo("Asia/Seoul")
    start = datetime(2026, 4, 10, 0, 0, tzinfo=seoul)
    points: list[HistoryPoint] = []
    for hour in range(3 * 24):
        begin = start + timedelta(hours=hour)
        local = begin.hour
        # A 90-minute run at 44 W from 01:00 local: 01-02 full (158,400 J), 02-03 half (79,200 J).
        joules = {1: 44 * 3600.0, 2: 44 * 1800.0}.get(local, 0.0)
        points.append(HistoryPoint(begin + timedelta(hours=1), joules))
    observed = observe(points, seoul, 3, "q")
    assert observed is not None
    assert observed.typical_start_local == "01:00" and observed.runs_observed == 3
    assert observed.power_while_running_watts == 44.0 and observed.average_run_hours == 1.5
    assert observed.active_hours_local == ["01:00", "02:00"]
    assert observed.hourly_energy_share[1] == pytest.approx(2 / 3, abs=1e-4)
    assert next_start(1, datetime(2026, 4, 14, 20, 0, tzinfo=seoul), seoul) == datetime(2026, 4, 15, 1, tzinfo=seoul)


def test_a_workload_that_never_stops_has_no_start_to_move() -> None:
    points = [HistoryPoint(AT + timedelta(hours=h), 39 * 3600.0) for h in range(48)]
    observed = observe(points, ZoneInfo("UTC"), 2, "q")
    assert observed is not None and observed.typical_start_local is None and observed.runs_observed == 0


def test_json_bodies_in_this_file_are_valid() -> None:
    assert json.loads(json.dumps(ENERGY))["status"] == "success"


# --- retries and single flight -----------------------------------------------------------------------------


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pauses the retry loop takes, recorded instead of waited."""
    taken: list[float] = []

    async def record(seconds: float) -> None:
        taken.append(seconds)

    monkeypatch.setattr(_http, "_sleep", record)
    return taken


def _flaky(failures: int, answer: Callable[[], httpx2.Response]) -> tuple[httpx2.MockTransport, list[str]]:
    """A fake Prometheus whose first ``failures`` answers to each query are ``answer()``, then real ones."""
    asked: list[str] = []
    normal = _fake()

    def handler(request: httpx2.Request) -> httpx2.Response:
        query = urllib.parse.parse_qs(request.content.decode()).get("query", [""])[0]
        asked.append(query)
        if asked.count(query) <= failures:
            return answer()
        return normal.handler(request)  # type: ignore[no-any-return]

    return httpx2.MockTransport(handler), asked


async def test_a_prometheus_not_ready_yet_is_asked_again_when_its_retry_after_says(pauses: list[float]) -> None:
    transport, asked = _flaky(1, lambda: httpx2.Response(503, headers={"Retry-After": "2"}, text="not ready"))
    source = _source(transport)
    snapshot = await source.window_snapshot("production", 3600)
    assert snapshot.pods[0].power_watts == pytest.approx(13.0)
    queries = set(asked)
    assert all(asked.count(q) == 2 for q in queries)  # each query: one 503, then its answer
    assert pauses == [2.0] * len(queries)
    await source.aclose()


async def test_connection_failures_back_off_and_give_up_after_three_attempts(pauses: list[float]) -> None:
    asked: list[str] = []

    def refuse(request: httpx2.Request) -> httpx2.Response:
        asked.append(urllib.parse.parse_qs(request.content.decode()).get("query", [""])[0])
        raise httpx2.ConnectError("connection refused", request=request)

    source = _source(httpx2.MockTransport(refuse))
    with pytest.raises(SourceUnavailableError, match="cannot connect to Prometheus"):
        await source.window_snapshot("production", 3600)
    assert asked and all(asked.count(q) == 3 for q in asked)  # three attempts per query, no more
    assert pauses == [0.25, 0.5] * len(set(asked))  # 0.25 s, then doubled, before the 2nd and 3rd attempts
    await source.aclose()


async def test_a_retry_after_longer_than_the_timeout_is_not_waited_for(pauses: list[float]) -> None:
    transport, asked = _flaky(5, lambda: httpx2.Response(429, headers={"Retry-After": "3600"}, text="slow down"))
    source = _source(transport, timeout_seconds=30)
    with pytest.raises(SourceUnavailableError, match=r"HTTP 429.*rate-limiting"):
        await source.window_snapshot("production", 3600)
    assert pauses == [] and all(asked.count(q) == 1 for q in asked)
    await source.aclose()


async def test_a_query_prometheus_refuses_is_not_asked_again(pauses: list[float]) -> None:
    bad = {"status": "error", "errorType": "bad_data", "error": "parse error"}
    transport, asked = _flaky(5, lambda: httpx2.Response(400, json=bad))
    source = _source(transport)
    with pytest.raises(PrometheusQueryError, match="bad_data"):
        await source.window_snapshot("production", 3600)
    assert pauses == [] and all(asked.count(q) == 1 for q in asked)
    await source.aclose()


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    now = datetime(2026, 12, 3, 12, 0, 0, tzinfo=UTC)
    assert _http.retry_after_seconds("7", now) == 7.0
    assert _http.retry_after_seconds("Thu, 03 Dec 2026 12:00:30 GMT", now) == 30.0
    assert _http.retry_after_seconds("Thu, 03 Dec 2026 11:00:00 GMT", now) == 0.0  # already past
    assert _http.retry_after_seconds("soon", now) is None
    assert _http.retry_after_seconds(None, now) is None


async def test_concurrent_asks_share_one_read_per_namespace_and_different_namespaces_run_together() -> None:
    asked: list[str] = []
    batch_arrived = anyio.Event()

    async def handler(request: httpx2.Request) -> httpx2.Response:
        query = urllib.parse.parse_qs(request.content.decode()).get("query", [""])[0]
        asked.append(query)
        if 'pod_namespace="batch"' in query:
            batch_arrived.set()
        elif 'pod_namespace="production"' in query:
            await batch_arrived.wait()  # a global lock would hold batch back until production is done: a hang
        return _fake().handler(request)  # type: ignore[no-any-return]

    source = PrometheusSource(URL, transport=httpx2.MockTransport(handler), cache_ttl_seconds=60, wall_clock=lambda: AT)
    results: dict[str, object] = {}

    async def read(label: str, namespace: str) -> None:
        results[label] = await source.window_snapshot(namespace, 3600)

    with anyio.fail_after(10):
        async with anyio.create_task_group() as group:
            group.start_soon(read, "first", "production")
            group.start_soon(read, "second", "production")
            group.start_soon(read, "batch", "batch")
    assert results["first"] is results["second"]  # one read, shared
    production = [q for q in asked if 'pod_namespace="production"' in q]
    batch = [q for q in asked if 'pod_namespace="batch"' in q]
    assert batch and len(production) == len(batch)  # production's queries asked once, not twice
    await source.aclose()


# --- energy over time: coverage, never dilution ---------------------------------------------------------------


def _only(energy: dict[str, Any], times: dict[str, Any], running: dict[str, Any]) -> httpx2.MockTransport:
    def answer(query: str) -> httpx2.Response | None:
        if query.startswith("sum by (pod_namespace, pod_name, node_name, zone, part)"):
            return httpx2.Response(200, json=energy)
        if query.startswith("label_replace(min by (pod_namespace, pod_name, node_name)"):
            return httpx2.Response(200, json=times)
        if query.startswith("group by (pod_namespace, pod_name, node_name)"):
            return httpx2.Response(200, json=running)
        return None

    return _fake(answer)


async def test_a_pod_with_30_s_of_data_in_an_hour_reads_its_real_power_not_a_120th_of_it() -> None:
    # Prometheus started 30 s ago: the pod's first sample is 30 s old. 386 W (330 package + 56 dram) for 30 s =
    # 11,580 J. Dividing by the 1 h window would say 3.2 W; the answer is 386 W now, and on average.
    at = AT.timestamp()
    pod = ("ai-team", "ml-training-job-r9t4m", "gpu-1")
    labels = _pod(*pod, "package", 0.0)[0]
    dram = _pod(*pod, "dram", 0.0)[0]
    energy = _vector(
        *[
            (zone | {"part": part}, value)
            for zone, watts in ((labels, 330.0), (dram, 56.0))
            for part, value in (
                ("window", watts * 30),
                ("recent", watts * 30),
                ("increase", watts * 37.5),
                ("resets", 0),
            )
        ]
    )
    times = _vector(*_times(*pod, at - 30, at, at - 30))
    running = _vector(({"pod_namespace": pod[0], "pod_name": pod[1], "node_name": pod[2]}, 1))
    service = AppContext(_source(_only(energy, times, running)), load_reference_data(), AppConfig())
    result = await tools(service).assess("ml-training-job", "ai-team")
    assert result.current_power_watts == pytest.approx(386.0)
    coverage = result.coverage
    assert coverage is not None
    assert (coverage.window_energy_joules, coverage.covered_seconds) == (pytest.approx(11_580.0), 30.0)
    assert coverage.average_power_watts == pytest.approx(386.0)
    await service.aclose()


async def test_a_pod_that_finished_in_the_window_keeps_its_energy_and_draws_nothing_now() -> None:
    # report-1: 44 W (40 package + 4 dram) from 50 min ago to 20 min ago, gone since: 44 × 1,800 = 79,200 J.
    at = AT.timestamp()
    pod = ("batch", "report-28900000-x7k2p", "worker-2")
    rows = [
        (_pod(*pod, zone, 0.0)[0] | {"part": part}, value)
        for zone, watts in (("package", 40.0), ("dram", 4.0))
        for part, value in (("window", watts * 1800), ("increase", watts * 1800), ("resets", 0))
    ]
    times = _vector(*_times(*pod, at - 3000, at - 1200, at - 1200)[:2])
    service = AppContext(_source(_only(_vector(*rows), times, _vector())), load_reference_data(), AppConfig())
    result = await tools(service).assess("report", "batch")
    assert result.current_power_watts == 0.0
    assert [p.state for p in result.pods] == ["terminated"]
    coverage = result.coverage
    assert coverage is not None and coverage.window_energy_joules == pytest.approx(79_200.0)
    assert coverage.covered_seconds == 1800.0 and coverage.average_power_watts == pytest.approx(44.0)
    await service.aclose()


async def test_a_counter_reset_falls_back_to_prometheus_increase_and_says_so() -> None:
    at = AT.timestamp()
    rows = [
        (labels | {"part": part}, value)
        for labels, watts in ((_pod(*WEB, "package", 0.0)[0], 11.0), (_pod(*WEB, "dram", 0.0)[0], 2.0))
        # max − min across the restart is meaningless (here 5 J); increase() counts across it: 13 W × 3,600 s.
        for part, value in (("window", 5.0), ("recent", watts * 285), ("increase", watts * 3600), ("resets", 1))
    ]
    source = _source(_only(_vector(*rows), TIMES, RUNNING))
    snapshot = await source.window_snapshot("production", 3600)
    (pod,) = snapshot.pods
    assert pod.energy_joules == pytest.approx(13.0 * 3600)
    assert pod.span == (WINDOW_FIRST, at)
    assert any("reset" in w and "web-app-7d9f8b6c5-kx2vq" in w for w in snapshot.warnings)
    await source.aclose()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"start": "yesterday", "end": "2026-04-14T11:00:00+00:00"}, "not an ISO 8601 time"),
        ({"start": "2026-04-10T00:00:00", "end": "2026-04-14T11:00:00+00:00"}, "no UTC offset"),
        ({"start": "2026-04-14T11:00:00+00:00", "end": "2026-04-14T10:00:00+00:00"}, "not before end"),
        ({"start": "2026-02-01T00:00:00+00:00", "end": "2026-04-14T11:00:00+00:00"}, "at most 31 days"),
        ({"end": "2027-01-01T00:00:00+00:00"}, "in the future"),
    ],
)
async def test_a_bad_report_period_is_a_clear_error_before_any_query(arguments: dict[str, str], message: str) -> None:
    seen: list[str] = []
    service = AppContext(_source(_fake(seen=seen)), load_reference_data(), AppConfig(), clock=lambda: AT)
    with pytest.raises(InvalidArgumentError, match=message):
        await tools(service).report(namespace="production", **arguments)
    assert seen == []  # refused before Prometheus was asked anything
    await service.aclose()
