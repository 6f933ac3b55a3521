"""Every PromQL query the Prometheus source runs, as pure functions of validated arguments.

Aggregation happens in Prometheus: the queries return one value per pod and zone (energy over the window,
summed over RAPL domains, states and, for legacy Kepler, containers), one per pod for owners and CPU, and
one per node for node figures, never raw series. Python only combines zones without double counting
(:func:`~carbon_kepler_mcp.kepler.readings.it_total`) and groups pods into workloads.

Every label value that reaches a query goes through two gates: a validator from :mod:`carbon_kepler_mcp.domain.names`
(an allow-list: a namespace is a DNS-1123 label, a pod a DNS-1123 subdomain) and then
:func:`~carbon_kepler_mcp.domain.names.escape_promql_string` (and :func:`~carbon_kepler_mcp.domain.names.escape_promql_regex`
for ``=~`` matchers). Durations are written from integers (:func:`~carbon_kepler_mcp.domain.window.promql_duration`).
No argument can end a string literal early or add an operator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from carbon_kepler_mcp.domain.names import (
    escape_promql_regex,
    escape_promql_string,
    validate_namespace,
    validate_object_name,
)
from carbon_kepler_mcp.domain.window import promql_duration
from carbon_kepler_mcp.domain.workloads import GENERATED_NAME_ALPHABET, WorkloadKind
from carbon_kepler_mcp.errors import InvalidArgumentError
from carbon_kepler_mcp.kepler import schema

__all__ = [
    "CADVISOR_CPU_USAGE",
    "DEFAULT_RECENT_SECONDS",
    "KSM_JOB_OWNER",
    "KSM_NODE_CAPACITY",
    "KSM_POD_OWNER",
    "KSM_POD_REQUESTS",
    "KSM_REPLICASET_OWNER",
    "cpu_query",
    "energy_zone_regex",
    "functional_units_query",
    "history_query",
    "namespaces_query",
    "node_health_query",
    "node_query",
    "owners_query",
    "pod_energy_query",
    "pod_name_regex",
    "pod_times_query",
    "pods_with_labels_query",
    "running_query",
    "subquery_step_seconds",
    "workload_check_query",
    "workload_pods_regex",
]

# kube-state-metrics (v2) and cAdvisor (kubelet /metrics/cadvisor) series the source reads.
KSM_POD_OWNER: Final = "kube_pod_owner"
KSM_REPLICASET_OWNER: Final = "kube_replicaset_owner"
KSM_JOB_OWNER: Final = "kube_job_owner"
KSM_POD_REQUESTS: Final = "kube_pod_container_resource_requests"
KSM_NODE_CAPACITY: Final = "kube_node_status_capacity"
CADVISOR_CPU_USAGE: Final = "container_cpu_usage_seconds_total"

LEGACY_ZONE_METRICS: Final = {
    schema.ZONE_PACKAGE: schema.LEGACY_CONTAINER_PACKAGE_JOULES,
    schema.ZONE_DRAM: schema.LEGACY_CONTAINER_DRAM_JOULES,
    schema.ZONE_CORE: schema.LEGACY_CONTAINER_CORE_JOULES,
    schema.ZONE_UNCORE: schema.LEGACY_CONTAINER_UNCORE_JOULES,
}
"""Legacy (0.7) per-zone container counters, as in :data:`schema.LEGACY_ZONE_FAMILIES`."""

P95_RATE_RANGE_SECONDS: Final = 300
"""Right-sizing looks at CPU usage as 5-minute rates (the usual ``rate(...[5m])`` of dashboards)."""

_ALPHABET_CLASS: Final = f"[{GENERATED_NAME_ALPHABET}]"


def _s(value: str) -> str:
    return escape_promql_string(value)


def _ns_matcher(label: str, namespace: str | None) -> str:
    if namespace is None:
        return ""
    return f"{label}={_s(validate_namespace(namespace))}"


def _selector(metric: str, *matchers: str) -> str:
    parts = [m for m in matchers if m]
    return f"{metric}{{{','.join(parts)}}}" if parts else metric


def _tag(expression: str, label: str, value: str) -> str:
    """``label_replace`` that adds a constant label, so results of one ``or`` query can be told apart."""
    return f"label_replace({expression}, {_s(label)}, {_s(value)}, {_s('')}, {_s('')})"


def energy_zone_regex(zones: Sequence[str]) -> str:
    """A ``zone=~`` matcher value for known zones only (e.g. ``"package|dram"``)."""
    unknown = [z for z in zones if z not in schema.KNOWN_ZONES]
    if unknown or not zones:
        raise InvalidArgumentError(f"unknown RAPL zones {unknown!r}; known: {sorted(schema.KNOWN_ZONES)}")
    return "|".join(escape_promql_regex(z) for z in zones)


# --- snapshot queries (instant, evaluated at the snapshot's time) --------------------------------------


DEFAULT_RECENT_SECONDS: Final = 300
"""How far back "power now" looks on the Prometheus source (5 min; a setting, never longer than the window)."""


def subquery_step_seconds(range_seconds: int) -> int:
    """Resolution of the subqueries that find a series' first and last samples in a range.

    A series that starts inside the range is seen from the first step after its first sample, so up to one step
    of its time is not seen; the source recovers it from the counter (``part="stepped"``, see
    ``prometheus._recovered_first``). 15 s for ranges up to an hour, 1/240 of longer ones (6 min of a day, 42 min
    of a week).
    """
    return max(1, min(15, range_seconds // 20)) if range_seconds <= 3600 else max(15, range_seconds // 240)


def _since(selector: str, start: float) -> str:
    """Only samples taken at or after ``start`` (unix seconds): a subquery step otherwise sees the last sample
    before the range opened, and a span would start outside its window. (The comparison's right side is a
    number, so the result keeps the selector's values.)"""
    return f"({selector} and timestamp({selector}) >= {start:.3f})"


def _subrange(range_seconds: int) -> str:
    return f"[{promql_duration(range_seconds)}:{promql_duration(subquery_step_seconds(range_seconds))}]"


def _window_delta(selector: str, range_seconds: int, end: float | None = None, *, by: str | None = None) -> str:
    """Counter growth between the first and the last raw sample in the range, exact (no steps, no extrapolation):
    a counter's first value in the range is its minimum when it did not reset (resets are counted apart).

    ``by``: take the last and first values across the series of each group before subtracting. Kepler ≥ 0.10
    moves a pod's counter from its ``state="running"`` series to a ``terminated`` one when the pod ends, so the
    energy between the last running sample and the end is only in the terminated series' first value.
    """
    r = f"[{promql_duration(range_seconds)}]" + ("" if end is None else f" @ {end:.3f}")
    if by is None:
        return f"(last_over_time({selector}{r}) - min_over_time({selector}{r}))"
    return f"(max by ({by}) (last_over_time({selector}{r})) - min by ({by}) (min_over_time({selector}{r})))"


def _stepped_delta(selector: str, range_seconds: int, end: float, *, by: str | None = None) -> str:
    """Counter growth from the value at the first subquery step the series is seen at to its last sample.

    Read beside :func:`_window_delta`: the difference is the energy of the seconds before that step, which
    :func:`pod_times_query`'s stepped first time does not see; the source turns it back into seconds.
    """
    r = f"[{promql_duration(range_seconds)}]"
    stepped = f"min_over_time({_since(selector, end - range_seconds)}{_subrange(range_seconds)})"
    if by is None:
        return f"(last_over_time({selector}{r}) - {stepped})"
    return f"(max by ({by}) (last_over_time({selector}{r})) - min by ({by}) ({stepped}))"


_POD_ZONE: Final = "pod_namespace, pod_name, node_name, zone"
"""A current-generation pod's counter per node and zone, across its ``state`` series."""


def _raw_delta(selector: str, range_seconds: int, end: float) -> str:
    """Counter growth between the first and the last sample in ``(end − range, end]``: no extrapolation.

    Exact between two real samples when the counter did not reset (resets are counted apart, see
    :func:`pod_energy_query`).
    """
    inside = _since(selector, end - range_seconds)
    r = _subrange(range_seconds)
    # The last value is the selector's own (its latest sample, exact to the second); a series that has gone
    # stale (a stopped pod or node) falls back to its last value the subquery saw.
    return f"(({selector} or max_over_time({inside}{r})) - min_over_time({inside}{r}))"


def _first_last(
    selector: str, range_seconds: int, end: float, part_first: str, part_last: str | None, by: str
) -> list[str]:
    # timestamp() gives a sample's own time only when applied to a selector (of anything else it gives the
    # evaluation time), so the filter compares it directly: its values are the samples' times.
    stamps = f"(timestamp({selector}) >= {end - range_seconds:.3f})"
    r = _subrange(range_seconds)
    parts = [_tag(f"min by ({by}) (min_over_time({stamps}{r}))", "part", part_first)]
    if part_last is not None:
        last = f"(timestamp({selector}) or max_over_time({stamps}{r}))"
        parts.append(_tag(f"max by ({by}) ({last})", "part", part_last))
    return parts


def pod_energy_query(
    generation: str,
    namespace: str | None,
    window_seconds: int,
    recent_seconds: int,
    at: float,
    *,
    metric: str = schema.POD_JOULES,
) -> str:
    """Energy of every pod of ``namespace`` (all namespaces when None) per node, zone and part.

    ``part="window"``: counter growth between the pod's first and last sample in the window ``(at − window, at]``
    (no extrapolation); ``part="stepped"``: the growth from the first subquery step that sees the pod (see
    :func:`pod_times_query`), so the seconds before that step can be recovered;
    ``part="recent"``: the same over the last ``recent_seconds`` (power now = that ÷ the time between those two
    samples, from :func:`pod_times_query`); ``part="increase"``: Prometheus's extrapolated ``increase()`` over the
    window, used only for a pod whose counters reset in the window; ``part="resets"``: how many resets.

    Current Kepler: ``kepler_pod_cpu_joules_total``, summed over states and RAPL domains per zone. Legacy
    Kepler: the per-zone container counters (``mode`` other than ``idle``) summed over the pod's containers;
    the node is the scrape target (``instance``), as Kepler 0.7 labels no node. ``metric``: for the current
    generation, a series with Kepler's pod labels (the recording rules' ``carbon_kepler:pod_zone_energy_joules_total``).
    """
    w = promql_duration(window_seconds)
    recent = min(recent_seconds, window_seconds)
    if generation == "current":
        sel = _selector(metric, _ns_matcher(schema.L_POD_NAMESPACE, namespace))
        parts = [
            _tag(_window_delta(sel, window_seconds, by=_POD_ZONE), "part", "window"),
            _tag(_stepped_delta(sel, window_seconds, at, by=_POD_ZONE), "part", "stepped"),
            _tag(_raw_delta(sel, recent, at), "part", "recent"),
            _tag(f"increase({sel}[{w}])", "part", "increase"),
            _tag(f"resets({sel}[{w}])", "part", "resets"),
        ]
        return f"sum by (pod_namespace, pod_name, node_name, zone, part) ({' or '.join(parts)})"
    if generation == "legacy":
        ns = _ns_matcher(schema.L_LEGACY_NAMESPACE, namespace)
        parts: list[str] = []
        # The GPU counter rides along as the pseudo-zone "gpu": the source takes it out as the pod's GPU line.
        for zone, metric in {**LEGACY_ZONE_METRICS, schema.ZONE_GPU: schema.LEGACY_CONTAINER_GPU_JOULES}.items():
            sel = _selector(metric, ns, "mode!=" + _s("idle"))
            for part, expression in (
                ("window", _window_delta(sel, window_seconds)),
                ("stepped", _stepped_delta(sel, window_seconds, at)),
                ("recent", _raw_delta(sel, recent, at)),
                ("increase", f"increase({sel}[{w}])"),
                ("resets", f"resets({sel}[{w}])"),
            ):
                parts.append(_tag(_tag(expression, "zone", zone), "part", part))
        return f"sum by (container_namespace, pod_name, instance, zone, part) ({' or '.join(parts)})"
    raise InvalidArgumentError(f"unknown Kepler generation {generation!r}")


_POD: Final = "pod_namespace, pod_name, node_name"


def pod_gpu_energy_query(namespace: str | None, window_seconds: int, recent_seconds: int, at: float) -> str:
    """GPU energy of every pod (Kepler ≥ 0.11.4 ``kepler_pod_gpu_joules_total``, no zone label) per node and part,
    tagged ``zone="gpu"``; the parts are :func:`pod_energy_query`'s (window, recent, increase, resets)."""
    w = promql_duration(window_seconds)
    recent = min(recent_seconds, window_seconds)
    sel = _selector(schema.POD_GPU_JOULES, _ns_matcher(schema.L_POD_NAMESPACE, namespace))
    parts = [
        _tag(_tag(_window_delta(sel, window_seconds, by=_POD), "zone", schema.ZONE_GPU), "part", "window"),
        _tag(_tag(_raw_delta(sel, recent, at), "zone", schema.ZONE_GPU), "part", "recent"),
        _tag(_tag(f"increase({sel}[{w}])", "zone", schema.ZONE_GPU), "part", "increase"),
        _tag(_tag(f"resets({sel}[{w}])", "zone", schema.ZONE_GPU), "part", "resets"),
    ]
    return f"sum by (pod_namespace, pod_name, node_name, zone, part) ({' or '.join(parts)})"


def node_gpu_query(window_seconds: int) -> str:
    """Per node: GPU energy (all devices) and GPU idle energy over the window (Kepler ≥ 0.11.4 series, which carry
    ``gpu_uuid``; Kepler 0.7's counter of the same name has none), and the meter paths of its CPU series (``part=
    "meter"``, one sample per ``path``: Kepler's fake meter names them ``…/energy_<zone>``)."""
    w = promql_duration(window_seconds)
    total = _selector(schema.NODE_GPU_JOULES, schema.L_GPU_UUID + "!=" + _s(""))
    idle = _selector(schema.NODE_GPU_IDLE_JOULES, schema.L_GPU_UUID + "!=" + _s(""))
    return " or ".join(
        [
            _tag(f"sum by (node_name) (increase({total}[{w}]))", "part", "gpu_total"),
            _tag(f"sum by (node_name) (increase({idle}[{w}]))", "part", "gpu_idle"),
            _tag(f"count by (node_name, path) (last_over_time({schema.NODE_JOULES}[{w}]))", "part", "meter"),
        ]
    )


def pod_times_query(
    generation: str,
    namespace: str | None,
    window_seconds: int,
    recent_seconds: int,
    at: float,
    *,
    metric: str = schema.POD_JOULES,
) -> str:
    """When each pod's series held data: ``part="first"``/``"last"`` sample time in the window and
    ``part="first_recent"`` in the last ``recent_seconds`` (unix seconds), per pod and node.

    Read with :func:`pod_energy_query`: the window's energy ÷ (last − first) is the pod's average power over the
    time it really ran, never diluted by window time that holds no data.
    """
    recent = min(recent_seconds, window_seconds)
    if generation == "current":
        sel = _selector(metric, _ns_matcher(schema.L_POD_NAMESPACE, namespace))
        by = "pod_namespace, pod_name, node_name"
    elif generation == "legacy":
        sel = _selector(schema.LEGACY_CONTAINER_PACKAGE_JOULES, _ns_matcher(schema.L_LEGACY_NAMESPACE, namespace))
        by = "container_namespace, pod_name, instance"
    else:
        raise InvalidArgumentError(f"unknown Kepler generation {generation!r}")
    parts = _first_last(sel, window_seconds, at, "first", "last", by) + _first_last(
        sel, recent, at, "first_recent", None, by
    )
    return " or ".join(parts)


def running_query(generation: str, namespace: str | None, *, metric: str = schema.POD_JOULES) -> str:
    """Pods with a running series at the evaluation time (stale series, e.g. of a stopped node, are absent)."""
    if generation == "current":
        sel = _selector(
            metric,
            _ns_matcher(schema.L_POD_NAMESPACE, namespace),
            f"{schema.L_STATE}={_s(schema.STATE_RUNNING)}",
        )
        return f"group by (pod_namespace, pod_name, node_name) ({sel})"
    if generation == "legacy":
        sel = _selector(schema.LEGACY_CONTAINER_PACKAGE_JOULES, _ns_matcher(schema.L_LEGACY_NAMESPACE, namespace))
        return f"group by (container_namespace, pod_name, instance) ({sel})"
    raise InvalidArgumentError(f"unknown Kepler generation {generation!r}")


def namespaces_query(window_seconds: int) -> str:
    """Namespaces with Kepler pod series in the window (both generations), for "did you mean" answers."""
    w = promql_duration(window_seconds)
    legacy = (
        f"label_replace(group by (container_namespace) (last_over_time({schema.LEGACY_CONTAINER_PACKAGE_JOULES}[{w}])), "
        f'"pod_namespace", "$1", "container_namespace", "(.*)")'
    )
    current = f"group by (pod_namespace) (last_over_time({schema.POD_JOULES}[{w}]))"
    return f"group by (pod_namespace) ({current} or {legacy})"


KSM_POD_LABELS: Final = "kube_pod_labels"

_LABEL_KEY_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def ksm_label_name(key: str) -> str:
    """kube-state-metrics' label name for a Kubernetes label key: ``label_`` + the key, other characters as ``_``."""
    if not key or len(key) > 316:
        raise InvalidArgumentError(f"label key {key[:40]!r} is empty or too long")
    return "label_" + "".join(c if c in _LABEL_KEY_CHARS else "_" for c in key)


def pods_with_labels_query(namespace: str, selector: Mapping[str, str], window_seconds: int) -> str:
    """The pods of ``namespace`` whose labels matched ``selector`` at some time in the window (kube-state-metrics
    ``kube_pod_labels``; it exports only the labels its ``--metric-labels-allowlist`` names)."""
    matchers = [_ns_matcher("namespace", validate_namespace(namespace))]
    matchers += [f"{ksm_label_name(key)}={escape_promql_string(value)}" for key, value in sorted(selector.items())]
    return f"group by (pod) (last_over_time({_selector(KSM_POD_LABELS, *matchers)}[{promql_duration(window_seconds)}]))"


def owners_query(namespace: str | None, window_seconds: int) -> str:
    """kube-state-metrics owner references seen in the window: pod → owner, ReplicaSet → owner, Job → owner."""
    w = promql_duration(window_seconds)
    ns = _ns_matcher("namespace", namespace)
    pod = _selector(KSM_POD_OWNER, ns, "owner_is_controller!=" + _s("false"))
    return " or ".join(
        [
            f"max by (namespace, pod, owner_kind, owner_name) (last_over_time({pod}[{w}]))",
            f"max by (namespace, replicaset, owner_kind, owner_name) "
            f"(last_over_time({_selector(KSM_REPLICASET_OWNER, ns)}[{w}]))",
            f"max by (namespace, job_name, owner_kind, owner_name) (last_over_time({_selector(KSM_JOB_OWNER, ns)}[{w}]))",
        ]
    )


def _p95_step(window_seconds: int) -> int:
    return max(15, window_seconds // 120)


def cpu_query(namespace: str | None, window_seconds: int) -> str:
    """CPU requests (kube-state-metrics) and usage (cAdvisor) per pod over the window.

    ``series="request"``: the pod's CPU request in cores (sum over containers, last value in the window);
    ``series="usage_avg"``: average cores used over the window;
    ``series="usage_p95"``: 95th percentile over the window of the pod's 5-minute usage rate, in cores.
    cAdvisor's pod-level cgroup (``container=""``) and the pause container (``POD``) are left out so
    nothing is counted twice.
    """
    w = promql_duration(window_seconds)
    ns = _ns_matcher("namespace", namespace)
    requests = _selector(KSM_POD_REQUESTS, ns, "resource=" + _s("cpu"))
    usage = _selector(CADVISOR_CPU_USAGE, ns, "container!=" + _s(""), "container!=" + _s("POD"))
    rate5 = promql_duration(min(P95_RATE_RANGE_SECONDS, window_seconds))
    step = promql_duration(_p95_step(window_seconds))
    return " or ".join(
        [
            _tag(f"sum by (namespace, pod) (last_over_time({requests}[{w}]))", "series", "request"),
            _tag(f"sum by (namespace, pod) (rate({usage}[{w}]))", "series", "usage_avg"),
            _tag(
                f"quantile_over_time(0.95, sum by (namespace, pod) (rate({usage}[{rate5}]))[{w}:{step}])",
                "series",
                "usage_p95",
            ),
        ]
    )


def node_query(generation: str, window_seconds: int) -> str:
    """Per node: IT energy and idle energy per zone over the window, average CPU usage ratio, CPU capacity.

    Current Kepler only (legacy Kepler's node counters carry no idle split the server uses); the capacity
    comes from kube-state-metrics (``kube_node_status_capacity{resource="cpu"}``, label ``node``).
    """
    w = promql_duration(window_seconds)
    capacity = _tag(
        f"max by (node) (last_over_time({_selector(KSM_NODE_CAPACITY, 'resource=' + _s('cpu'))}[{w}]))",
        "part",
        "capacity",
    )
    if generation == "legacy":
        return capacity
    return " or ".join(
        [
            _tag(f"sum by (node_name, zone) (increase({schema.NODE_JOULES}[{w}]))", "part", "total"),
            _tag(f"sum by (node_name, zone) (increase({schema.NODE_IDLE_JOULES}[{w}]))", "part", "idle"),
            _tag(f"avg by (node_name) (avg_over_time({schema.NODE_USAGE_RATIO}[{w}]))", "part", "usage"),
            capacity,
        ]
    )


def node_health_query(generation: str, window_seconds: int) -> str:
    """Per Kepler endpoint: first and last sample time in the window, present now, and counter resets.

    ``part="first"``/``"last"``: min/max sample timestamp (a subquery at 1/120 of the window, so the first
    time is known to within one step); ``part="now"``: the node has a fresh sample at the evaluation time
    (a stopped exporter's series are marked stale by Prometheus and drop out); ``part="resets"``: the most
    resets any of the node's energy counters had in the window (Kepler restarts).
    """
    w = promql_duration(window_seconds)
    step = promql_duration(_p95_step(window_seconds))
    if generation == "current":
        metric, by = schema.NODE_JOULES, "node_name"
    elif generation == "legacy":
        metric, by = schema.LEGACY_NODE_PACKAGE_JOULES, "instance"
    else:
        raise InvalidArgumentError(f"unknown Kepler generation {generation!r}")
    return " or ".join(
        [
            _tag(f"min by ({by}) (min_over_time(timestamp({metric})[{w}:{step}]))", "part", "first"),
            _tag(f"max by ({by}) (max_over_time(timestamp({metric})[{w}:{step}]))", "part", "last"),
            _tag(f"max by ({by}) (timestamp({metric}))", "part", "now"),
            _tag(f"max by ({by}) (resets({metric}[{w}]))", "part", "resets"),
        ]
    )


# --- workload queries ----------------------------------------------------------------------------------


def pod_name_regex(pods: Sequence[str]) -> str:
    """An ``=~`` value matching exactly the given pods (each validated, then escaped literally)."""
    if not pods:
        raise InvalidArgumentError("no pod to match")
    return "|".join(escape_promql_regex(validate_object_name(p, what="pod name")) for p in sorted(set(pods)))


def workload_pods_regex(name: str, kind: WorkloadKind) -> str:
    """An ``=~`` value matching every pod a controller ``name`` of ``kind`` creates, past runs included.

    The Kubernetes naming rules of :mod:`carbon_kepler_mcp.domain.workloads` written as RE2: a CronJob's pods
    of every scheduled run, a Deployment's pods of every ReplicaSet, a StatefulSet's ordinals. ``name`` is
    validated and its ``.`` escaped, so it only matches itself.
    """
    base = escape_promql_regex(validate_object_name(name))
    suffix = f"{_ALPHABET_CLASS}{{5}}"
    if kind == "Pod":
        return base
    if kind == "Deployment":
        return f"{base}-{_ALPHABET_CLASS}{{6,10}}-{suffix}"
    if kind == "StatefulSet":
        return f"{base}-(0|[1-9][0-9]{{0,9}})"
    if kind == "CronJob":
        return f"{base}-[1-9][0-9]{{7,11}}-{suffix}"
    if kind == "Job":
        return f"{base}-((0|[1-9][0-9]{{0,6}})-)?{suffix}"
    return f"{base}-{suffix}"  # DaemonSet, ReplicaSet


def _pods_selector(generation: str, namespace: str, pods_regex: str, zones: Sequence[str]) -> list[str]:
    """Selectors (one per metric) for the chosen pods and zones."""
    if generation == "current":
        return [
            _selector(
                schema.POD_JOULES,
                _ns_matcher(schema.L_POD_NAMESPACE, namespace),
                f"{schema.L_POD_NAME}=~{_s(pods_regex)}",
                f"{schema.L_ZONE}=~{_s(energy_zone_regex(zones))}",
            )
        ]
    if generation == "legacy":
        return [
            _selector(
                LEGACY_ZONE_METRICS[zone],
                _ns_matcher(schema.L_LEGACY_NAMESPACE, namespace),
                f"{schema.L_LEGACY_POD}=~{_s(pods_regex)}",
                "mode!=" + _s("idle"),
            )
            for zone in zones
            if zone in LEGACY_ZONE_METRICS
        ]
    raise InvalidArgumentError(f"unknown Kepler generation {generation!r}")


def _energy_sum(
    generation: str, namespace: str, pods_regex: str, zones: Sequence[str], range_: str, at: float | None = None
) -> str:
    selectors = _pods_selector(generation, namespace, pods_regex, zones)
    if not selectors:
        raise InvalidArgumentError(f"no legacy Kepler counter for zones {list(zones)!r}")
    pin = "" if at is None else f" @ {at:.3f}"
    if len(selectors) == 1:
        cpu = f"sum(increase({selectors[0]}[{range_}]{pin}))"
    else:
        # Functions drop the metric name, so each legacy zone gets its own label before the series are joined.
        tagged = [_tag(f"increase({sel}[{range_}]{pin})", "zone", str(i)) for i, sel in enumerate(selectors)]
        cpu = f"sum({' or '.join(tagged)})"
    # GPU energy is part of IT energy (as in the snapshot's figures); a range without CPU data stays empty, and one
    # without GPU series adds 0.
    return f"({cpu} + (sum(increase({_gpu_selector(generation, namespace, pods_regex)}[{range_}]{pin})) or vector(0)))"


def _gpu_selector(generation: str, namespace: str, pods_regex: str) -> str:
    """The GPU energy counter of the chosen pods (Kepler ≥ 0.11.4 per pod; Kepler 0.7 per container)."""
    if generation == "current":
        return _selector(
            schema.POD_GPU_JOULES,
            _ns_matcher(schema.L_POD_NAMESPACE, namespace),
            f"{schema.L_POD_NAME}=~{_s(pods_regex)}",
        )
    return _selector(
        schema.LEGACY_CONTAINER_GPU_JOULES,
        _ns_matcher(schema.L_LEGACY_NAMESPACE, namespace),
        f"{schema.L_LEGACY_POD}=~{_s(pods_regex)}",
        "mode!=" + _s("idle"),
    )


def workload_check_query(
    generation: str, namespace: str, pods: Sequence[str], zones: Sequence[str], window_seconds: int, at: float
) -> str:
    """The workload's window energy (J) in one query, pinned to the snapshot's time (``@``).

    Shown in every windowed answer so an operator can paste it into their Prometheus UI and get the answer's
    ``window_energy_joules`` (for pods whose counters did not reset): Σ of (last − first) of the chosen zones'
    counters over the window.
    """
    selectors = _pods_selector(generation, namespace, pod_name_regex(pods), zones)
    if not selectors:
        raise InvalidArgumentError(f"no legacy Kepler counter for zones {list(zones)!r}")
    by = _POD_ZONE if generation == "current" else None
    deltas = [_window_delta(sel, window_seconds, at, by=by) for sel in selectors]
    if len(deltas) == 1:
        return f"sum({deltas[0]})"
    return f"sum({' or '.join(_tag(d, 'zone', str(i)) for i, d in enumerate(deltas))})"


def functional_units_query(expression: str, window_seconds: int) -> str:
    """The mean over the window of the operator's per-second rate of work R (SCI), summed to one value.

    ``expression`` must have passed :func:`~carbon_kepler_mcp.domain.expression.validate_promql_expression`.
    """
    return f"sum(avg_over_time(({expression}){_subrange(window_seconds)}))"


def history_query(generation: str, namespace: str, pods_regex: str, zones: Sequence[str]) -> str:
    """Hourly IT energy of a workload's pods (all runs): a ``query_range`` with a 1 h step gives one point per hour.

    ``pods_regex`` must come from :func:`workload_pods_regex` or :func:`pod_name_regex` (already escaped).
    """
    return _energy_sum(generation, namespace, pods_regex, zones, "1h")
