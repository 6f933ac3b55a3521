"""Read the figures the recording rules (deploy/prometheus/carbon-kepler-rules.yaml) keep in Prometheus.

The Prometheus source reads the rules' per-pod counter ``carbon_kepler:pod_zone_energy_joules_total`` (Kepler's
own labels, without ``pod_id`` and the core/uncore zones) instead of ``kepler_pod_cpu_joules_total`` when
:func:`rules_cover` finds the rules recording over the whole window; otherwise, or for Kepler 0.7, it reads the
raw counters as before and says why.

With the rules loaded, a namespace's or a workload's power and emissions are one recorded series each, so a
cluster-wide figure costs Prometheus a handful of series whatever the number of pods. :func:`read_recorded`
asks for the rules' marker and the namespace and workload series in one round of instant queries, and says
which recorded series are missing (rules not loaded, the server's gauges not scraped, no kube-state-metrics)
instead of answering with zeros.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final, Protocol

import anyio

from carbon_kepler_mcp.domain.names import escape_promql_string, validate_namespace
from carbon_kepler_mcp.domain.window import format_window, promql_duration
from carbon_kepler_mcp.errors import CarbonKeplerError

__all__ = [
    "POD_ZONE_JOULES",
    "RECORDED",
    "RULES_INFO",
    "RULE_INTERVAL_SECONDS",
    "Coverage",
    "NamespaceFigures",
    "RecordedFigures",
    "WorkloadFigures",
    "coverage_query",
    "read_recorded",
    "recorded_queries",
    "rules_cover",
]

RULES_INFO: Final = "carbon_kepler:rules_info"
"""Present (value 1, label ``version``) as soon as the rules are loaded, Kepler data or not."""

POD_ZONE_JOULES: Final = "carbon_kepler:pod_zone_energy_joules_total"
"""The rules' per-pod counter with Kepler's labels (current generation), read in place of Kepler's own."""

RULE_INTERVAL_SECONDS: Final = 30
"""The rules' evaluation interval (the group's ``interval``): recorded samples are this far apart."""

RECORDED: Final[Mapping[str, str]] = {
    "namespace_it_power_watts": "carbon_kepler:namespace_it_power_watts",
    "namespace_facility_power_watts": "carbon_kepler:namespace_facility_power_watts",
    "namespace_emissions_g_per_hour": "carbon_kepler:namespace_emissions_g_per_hour",
    "workload_it_power_watts": "carbon_kepler:workload_it_power_watts",
    "workload_facility_power_watts": "carbon_kepler:workload_facility_power_watts",
    "workload_emissions_g_per_hour": "carbon_kepler:workload_emissions_g_per_hour",
}
"""The recorded series read, by the figure they give."""

_WHY_MISSING: Final[Mapping[str, str]] = {
    "namespace_it_power_watts": "no Kepler counters in this Prometheus",
    "namespace_facility_power_watts": "the server's /metrics (PUE gauges) is not scraped",
    "namespace_emissions_g_per_hour": "the server's /metrics (grid intensity gauges) is not scraped",
    "workload_it_power_watts": "no kube-state-metrics (kube_pod_owner)",
    "workload_facility_power_watts": "no kube-state-metrics, or the server's /metrics is not scraped",
    "workload_emissions_g_per_hour": "no kube-state-metrics, or the server's /metrics is not scraped",
}


class _Sample(Protocol):
    @property
    def labels(self) -> Mapping[str, str]: ...

    @property
    def value(self) -> float: ...


class _Result(Protocol):
    @property
    def samples(self) -> Sequence[_Sample]: ...


class _Client(Protocol):
    async def instant(self, query: str, at: float) -> _Result: ...


@dataclass(frozen=True, slots=True)
class NamespaceFigures:
    """One namespace's recorded figures (None: that series is missing)."""

    it_power_watts: float | None = None
    facility_power_watts: float | None = None
    emissions_g_per_hour: float | None = None


@dataclass(frozen=True, slots=True)
class WorkloadFigures:
    """One workload's recorded figures (None: that series is missing)."""

    namespace: str
    name: str
    kind: str
    it_power_watts: float | None = None
    facility_power_watts: float | None = None
    emissions_g_per_hour: float | None = None


@dataclass(frozen=True, slots=True)
class RecordedFigures:
    """What the recorded series say, and which are missing."""

    rules_loaded: bool
    rules_version: str | None
    namespaces: Mapping[str, NamespaceFigures] = field(default_factory=dict[str, NamespaceFigures])
    workloads: tuple[WorkloadFigures, ...] = ()
    missing_series: tuple[str, ...] = ()
    """Each missing recorded series with its likely reason (``name: reason``)."""
    queries: tuple[str, ...] = ()


def recorded_queries(namespace: str | None = None) -> dict[str, str]:
    """The instant queries :func:`read_recorded` runs (one namespace, or all)."""
    matcher = "" if namespace is None else f"{{namespace={escape_promql_string(validate_namespace(namespace))}}}"
    queries = {"rules_info": RULES_INFO}
    queries |= {key: series + matcher for key, series in RECORDED.items()}
    return queries


async def read_recorded(client: _Client, at: float, namespace: str | None = None) -> RecordedFigures:
    """Namespace and workload figures from the recorded series at unix time ``at``, all queries at once."""
    queries = recorded_queries(namespace)
    results: dict[str, Sequence[_Sample]] = {}

    async def one(key: str, query: str) -> None:
        results[key] = (await client.instant(query, at)).samples

    async with anyio.create_task_group() as group:
        for key, query in queries.items():
            group.start_soon(one, key, query)

    info = results["rules_info"]
    version = info[0].labels.get("version") if info else None
    missing = tuple(
        f"{RECORDED[key]}: " + ("the recording rules are not loaded" if not info else _WHY_MISSING[key])
        for key in RECORDED
        if not results[key]
    )
    by_namespace: dict[str, dict[str, float]] = {}
    by_workload: dict[tuple[str, str, str], dict[str, float]] = {}
    for key in RECORDED:
        figure = key.split("_", 1)[1]
        for sample in results[key]:
            if not math.isfinite(sample.value):
                continue
            labels = sample.labels
            if key.startswith("namespace_"):
                by_namespace.setdefault(labels.get("namespace", ""), {})[figure] = sample.value
            else:
                ref = (labels.get("namespace", ""), labels.get("workload", ""), labels.get("workload_kind", ""))
                by_workload.setdefault(ref, {})[figure] = sample.value
    return RecordedFigures(
        rules_loaded=bool(info),
        rules_version=version,
        namespaces={ns: NamespaceFigures(**figures) for ns, figures in sorted(by_namespace.items()) if ns},
        workloads=tuple(
            WorkloadFigures(namespace=ns, name=name, kind=kind, **figures)
            for (ns, name, kind), figures in sorted(by_workload.items())
            if ns and name
        ),
        missing_series=missing,
        queries=tuple(queries.values()),
    )


@dataclass(frozen=True, slots=True)
class Coverage:
    """Whether the recorded pod counter covers a window, and what the answer should say about it."""

    covered: bool
    note: str | None = None
    query: str = ""


def coverage_query(window_seconds: int) -> str:
    """The first and the latest time the rules recorded in the window (``part="first"`` / ``"last"``)."""
    step = promql_duration(RULE_INTERVAL_SECONDS)
    window = promql_duration(window_seconds)
    first = f"min_over_time(timestamp({RULES_INFO})[{window}:{step}])"
    return f'label_replace({first}, "part", "first", "", "") or label_replace(timestamp({RULES_INFO}), "part", "last", "", "")'


async def rules_cover(client: _Client, at: float, window_seconds: int) -> Coverage:
    """Whether the rules have been recording for the whole window up to ``at`` (one cheap query on one series).

    A window that starts before the rules were loaded, or rules that stopped (their marker is stale), leave the
    raw counters in use, with a note saying so.
    """
    query = coverage_query(window_seconds)
    try:
        samples = (await client.instant(query, at)).samples
    except CarbonKeplerError:  # the raw queries that follow report a failing Prometheus; this only picks the series
        return Coverage(False, None, query)
    parts = {s.labels.get("part"): s.value for s in samples if math.isfinite(s.value)}
    first, last = parts.get("first"), parts.get("last")
    if first is None or last is None:
        return Coverage(False, None, query)
    slack = 2 * RULE_INTERVAL_SECONDS
    if last < at - slack:
        return Coverage(False, f"the recording rules stopped at {_iso(last)}: raw Kepler counters were read", query)
    if first > at - window_seconds + slack:
        return Coverage(
            False,
            f"the recording rules have run for {format_window(int(at - first))} only, less than the "
            f"{format_window(window_seconds)} window: raw Kepler counters were read",
            query,
        )
    return Coverage(True, None, query)


def _iso(unix: float) -> str:
    return datetime.fromtimestamp(unix, UTC).isoformat(timespec="seconds")
