"""What every metrics source returns: a :class:`Snapshot` of pods and nodes with their power.

A direct Kepler scrape gives instant power. A windowed source (Prometheus, :class:`WindowedSource`) gives
energy over a window and average power = energy / window, and adds what Prometheus knows beside Kepler:
owner references, CPU requests and usage per pod, node capacity, the PromQL it ran.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from carbon_kepler_mcp.domain.workloads import WorkloadRef
from carbon_kepler_mcp.kepler.readings import NodeReading, PodReading, split_pseudo_pods


@dataclass(frozen=True, slots=True)
class FacilityInfo:
    """What a source knows about the facility a node runs in (the demo cluster knows; Kepler does not)."""

    pue: float
    facility: str
    note: str
    server_type: str | None = None
    """The hardware type of the node in the embodied-emissions table (the demo knows; Kepler does not)."""


@dataclass(frozen=True, slots=True)
class PodCpu:
    """A pod's CPU request and usage over the window, in cores (None: the series is missing)."""

    request_cores: float | None
    usage_avg_cores: float | None
    usage_p95_cores: float | None


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """IT energy of a workload in the hour ending at ``end``."""

    end: datetime
    joules: float


@dataclass(frozen=True, slots=True)
class History:
    """Hourly IT energy of a workload over past days, from a range query."""

    points: tuple[HistoryPoint, ...]
    query: str
    start: datetime
    end: datetime
    step_seconds: int
    warnings: tuple[str, ...] = ()


class Snapshot:
    """Pods and nodes at one moment (or over one window), indexed for the lookups the tools make."""

    def __init__(
        self,
        *,
        taken_at: datetime,
        source_kind: str,
        generation: str,
        pods: Sequence[PodReading],
        nodes: Sequence[NodeReading],
        endpoints: Sequence[str],
        power_method: str,
        is_demo: bool,
        warnings: Sequence[str] = (),
        kepler_versions: Sequence[str] = (),
        facilities: Mapping[str, FacilityInfo] | None = None,
        window_seconds: int | None = None,
        owners: Mapping[str, Mapping[str, WorkloadRef]] | None = None,
        pod_cpu: Mapping[tuple[str, str], PodCpu] | None = None,
        node_cpu_capacity: Mapping[str, float] | None = None,
        node_idle_watts: Mapping[str, float] | None = None,
        missing_series: Sequence[str] = (),
        queries: Sequence[str] = (),
        known_namespaces: Sequence[str] | None = None,
        overhead_pods: Sequence[PodReading] = (),
        failed_endpoints: Sequence[str] = (),
        endpoints_asked: int | None = None,
        rate_interval_seconds: float | None = None,
    ) -> None:
        self.taken_at = taken_at
        self.source_kind = source_kind
        self.generation = generation
        # Kepler's pseudo-pods are node overhead whatever the source (a direct scrape or Prometheus): never
        # workloads, so never in ``pods``.
        workloads, pseudo = split_pseudo_pods(pods)
        self.pods = tuple(workloads)
        self.nodes = tuple(nodes)
        self.endpoints = tuple(endpoints)
        self.power_method = power_method
        self.is_demo = is_demo
        self.warnings = tuple(warnings)
        self.kepler_versions = tuple(kepler_versions)
        self.facilities: Mapping[str, FacilityInfo] = dict(facilities or {})
        by_namespace: dict[str, list[PodReading]] = defaultdict(list)
        for pod in self.pods:
            by_namespace[pod.namespace].append(pod)
        self._by_namespace = {ns: tuple(pods) for ns, pods in by_namespace.items()}
        self._nodes = {node.name: node for node in self.nodes}
        self.window_seconds = window_seconds
        """Energy window in seconds; None for instant power (direct scrape)."""
        self.owners: Mapping[str, Mapping[str, WorkloadRef]] | None = owners
        """Namespace → pod → owning controller (kube-state-metrics); None when the source has none."""
        self.pod_cpu: Mapping[tuple[str, str], PodCpu] = dict(pod_cpu or {})
        """(namespace, pod) → CPU request and usage; empty when the source has none."""
        self.node_cpu_capacity: Mapping[str, float] = dict(node_cpu_capacity or {})
        self.node_idle_watts: Mapping[str, float] = dict(node_idle_watts or {})
        self.missing_series = tuple(missing_series)
        """Series the source looked for and did not find (e.g. ``kube_pod_owner``)."""
        self.queries = tuple(queries)
        """The PromQL the source ran for this snapshot (empty for a direct scrape)."""
        self._known_namespaces = None if known_namespaces is None else tuple(sorted(known_namespaces))
        self.overhead_pods = (*overhead_pods, *pseudo)
        """Kepler's pseudo-pods (host processes, kernel threads): node overhead, kept out of ``pods``."""
        self.failed_endpoints = tuple(failed_endpoints)
        """One sentence per endpoint that failed (its pods are missing from this snapshot)."""
        self.endpoints_asked = (
            len(self.endpoints) + len(self.failed_endpoints) if endpoints_asked is None else endpoints_asked
        )
        self.rate_interval_seconds = rate_interval_seconds
        """Legacy Kepler: the longest interval a counter rate spans in this snapshot (None otherwise)."""
        self.idle_allocation = "none"
        """How node idle power was shared into the pods: ``none`` (Kepler's active share), ``proportional`` or
        ``cpu_request`` (set by :meth:`with_idle_allocation`)."""

    def with_idle_allocation(
        self, pods: Sequence[PodReading], allocation: str, warnings: Sequence[str] = ()
    ) -> Snapshot:
        """A copy whose pods carry their share of node idle power (``PodReading.idle_power_watts``)."""
        copied = copy.copy(self)
        copied.pods = tuple(pods)
        by_namespace: dict[str, list[PodReading]] = defaultdict(list)
        for pod in copied.pods:
            by_namespace[pod.namespace].append(pod)
        copied._by_namespace = {ns: tuple(found) for ns, found in by_namespace.items()}
        copied.idle_allocation = allocation
        copied.warnings = (*self.warnings, *warnings)
        return copied

    @property
    def windowed(self) -> bool:
        """Whether power is an average over a window (energy / window) rather than an instant reading."""
        return self.window_seconds is not None

    @property
    def namespaces(self) -> tuple[str, ...]:
        """Namespaces that have at least one pod series, sorted."""
        if self._known_namespaces is not None:
            return tuple(sorted(set(self._known_namespaces) | set(self._by_namespace)))
        return tuple(sorted(self._by_namespace))

    def owners_in(self, namespace: str) -> Mapping[str, WorkloadRef] | None:
        """Owner references of a namespace's pods, or None when the source has no owner metadata."""
        if self.owners is None:
            return None
        return self.owners.get(namespace, {})

    def pods_in(self, namespace: str) -> tuple[PodReading, ...]:
        """Every pod series of a namespace (running and terminated)."""
        return self._by_namespace.get(namespace, ())

    def node(self, name: str) -> NodeReading | None:
        """A node's reading, if the source reported it."""
        return self._nodes.get(name)


class MetricsSource(Protocol):
    """Something that can produce a :class:`Snapshot`."""

    @property
    def kind(self) -> str:
        """Short name: ``kepler`` or ``demo``."""
        ...

    @property
    def description(self) -> str:
        """Where the metrics come from, for answers and logs (no secrets)."""
        ...

    async def snapshot(self) -> Snapshot:
        """The current pods and nodes (possibly cached)."""
        ...

    async def aclose(self) -> None:
        """Release connections and background servers."""
        ...


@runtime_checkable
class WindowedSource(Protocol):
    """A source that measures energy over a window (Prometheus) and keeps history."""

    async def window_snapshot(self, namespace: str | None, window_seconds: int) -> Snapshot:
        """Pods of ``namespace`` (every namespace when None) with their energy over the window."""
        ...

    async def history(
        self, namespace: str, pods_regex: str, zones: Sequence[str], generation: str, days: int, end: datetime
    ) -> History:
        """Hourly IT energy of the pods matching ``pods_regex`` over ``days`` days up to ``end``."""
        ...
