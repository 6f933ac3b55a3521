"""What every metrics source returns: a :class:`Snapshot` of pods and nodes with their power."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from carbon_kepler_mcp.kepler.readings import NodeReading, PodReading


@dataclass(frozen=True, slots=True)
class FacilityInfo:
    """What a source knows about the facility a node runs in (the demo cluster knows; Kepler does not)."""

    pue: float
    facility: str
    note: str


class Snapshot:
    """Pods and nodes at one moment, indexed for the lookups the tools make."""

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
    ) -> None:
        self.taken_at = taken_at
        self.source_kind = source_kind
        self.generation = generation
        self.pods = tuple(pods)
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

    @property
    def namespaces(self) -> tuple[str, ...]:
        """Namespaces that have at least one pod series, sorted."""
        return tuple(sorted(self._by_namespace))

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
