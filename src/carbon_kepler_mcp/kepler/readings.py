"""From parsed Kepler samples to typed readings: pods and nodes with IT power and energy.

This is where Kepler's semantics are applied, once:

* **Zones overlap.** ``core`` and ``uncore`` are inside ``package``; ``dram`` is separate; ``psys``/
  ``platform`` covers the whole platform. IT power without double counting is ``package + dram``; without a
  package zone, ``core + uncore + dram``; with only a platform zone, the platform zone (:func:`it_total`).
* **State.** Current power counts only ``state="running"`` series; ``terminated`` series (finished pods
  Kepler still exports) keep their energy but draw no power.
* **Generations.** Current Kepler (≥0.10) exports watts gauges; legacy Kepler (0.7) exports only counters,
  so its power is the counters' rate between two scrapes (:func:`legacy_readings`), with counter resets
  (Kepler restarts) handled as Prometheus ``rate()`` does.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import repeat
from math import isfinite
from operator import attrgetter, itemgetter
from typing import Final, Literal

from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.parser import Run, Sample
from carbon_kepler_mcp.kepler.schema import Generation

PowerMeasurement = Literal["measured", "estimated", "simulated"]
"""How a node's power was obtained: a hardware meter, a model, or a fake meter / synthetic demo."""


@dataclass(frozen=True, slots=True)
class PodReading:
    """One pod series set as Kepler reports it (one pod UID, one node, one state)."""

    namespace: str
    name: str
    uid: str
    node: str
    state: str
    power_watts: float
    """IT power now (package + dram, see :func:`it_total`); 0 for terminated pods."""
    energy_joules: float
    """IT energy Kepler has counted for this pod since it started being tracked."""
    zone_power_watts: Mapping[str, float]
    zone_energy_joules: Mapping[str, float]
    endpoint: str
    span: tuple[float, float] | None = None
    """Windowed sources: unix times of the pod's first and last sample in the window; ``energy_joules`` is the
    energy between them. None for a direct scrape (energy since Kepler began tracking the pod)."""
    gpu_power_watts: float = 0.0
    """GPU power Kepler attributes to the pod (its active GPU share); already included in ``power_watts``."""
    gpu_energy_joules: float = 0.0
    """GPU energy of the pod; already included in ``energy_joules``."""
    idle_power_watts: float = 0.0
    """Node idle power allocated to the pod on request (``idle_allocation``); included in ``power_watts``."""
    idle_energy_joules: float = 0.0
    """Node idle energy allocated to the pod on request; included in ``energy_joules``."""

    @property
    def cpu_dram_power_watts(self) -> float:
        """Kepler's CPU+DRAM share alone (``power_watts`` without GPU and allocated idle power)."""
        return self.power_watts - self.gpu_power_watts - self.idle_power_watts

    @property
    def cpu_dram_energy_joules(self) -> float:
        """Kepler's CPU+DRAM energy alone."""
        return self.energy_joules - self.gpu_energy_joules - self.idle_energy_joules

    @property
    def running(self) -> bool:
        """Whether the series is a running pod's (terminated pods keep series with power 0)."""
        return self.state == schema.STATE_RUNNING

    @property
    def covered_seconds(self) -> float | None:
        """How long the pod's series held data in the window (windowed sources only)."""
        return None if self.span is None else self.span[1] - self.span[0]


@dataclass(frozen=True, slots=True)
class NodeReading:
    """A node's power as Kepler reports it."""

    name: str
    power_watts: float
    """Total IT power of the node (active + idle), zones combined by :func:`it_total`."""
    active_power_watts: float | None
    idle_power_watts: float | None
    usage_ratio: float | None
    zones: tuple[str, ...]
    endpoint: str
    overhead_power_watts: float = 0.0
    """Power of Kepler's pseudo-pods on this node (host processes, kernel threads): node overhead, no workload."""
    active_zone_power_watts: Mapping[str, float] = field(default_factory=dict[str, float])
    """Active (legacy: ``mode="dynamic"``) power by zone, sockets added; empty when not reported."""
    gpu_power_watts: float = 0.0
    """Power of the node's GPUs (all devices, active + idle); already included in ``power_watts``."""
    gpu_idle_power_watts: float | None = None
    """Idle power of the node's GPUs as Kepler estimates it (lowest power seen); None when not reported."""
    gpu_count: int = 0
    """GPU devices Kepler reports on the node."""
    power_measurement: PowerMeasurement = "measured"
    """``measured`` (a hardware meter: RAPL, hwmon, NVML), ``estimated`` (a model) or ``simulated`` (Kepler's
    fake CPU meter, or the demo cluster)."""
    meter: str = ""
    """What the measurement verdict rests on (the meter paths or sources Kepler reported)."""
    unknown_zone_power_watts: Mapping[str, float] = field(default_factory=dict[str, float])
    """Zones outside the known RAPL ones, with their power: reported, never added to IT power."""

    @property
    def cpu_power_watts(self) -> float:
        """The node's CPU+DRAM power alone (``power_watts`` without the GPUs)."""
        return self.power_watts - self.gpu_power_watts


@dataclass(frozen=True, slots=True)
class EndpointReadings:
    """What one Kepler endpoint contributed."""

    endpoint: str
    generation: Generation
    pods: tuple[PodReading, ...]
    nodes: tuple[NodeReading, ...]
    kepler_version: str | None = None
    warnings: tuple[str, ...] = field(default=())
    overhead: tuple[PodReading, ...] = field(default=())
    """Kepler's pseudo-pods (:data:`schema.PSEUDO_PODS`): node overhead, never workloads."""
    basis: str = "package+dram"
    """What pod power adds up: ``package+dram`` (see :func:`it_total`) or the legacy total counter."""
    rate_seconds: float | None = None
    """Legacy: the interval the counters' rate spans (set by the source that chose the two scrapes)."""


def it_total(zones: Mapping[str, float]) -> float:
    """IT power or energy of one series set, without counting a zone twice.

    ``package + dram`` when a package zone exists (``core``/``uncore`` are inside ``package``);
    otherwise ``core + uncore + dram``; a ``psys``/``platform`` zone alone stands for the whole platform.
    """
    if schema.ZONE_PACKAGE in zones:
        return zones[schema.ZONE_PACKAGE] + zones.get(schema.ZONE_DRAM, 0.0)
    parts = (schema.ZONE_CORE, schema.ZONE_UNCORE, schema.ZONE_DRAM)
    if any(zone in zones for zone in parts):
        return sum(zones.get(zone, 0.0) for zone in parts)
    for zone in (schema.ZONE_PSYS, schema.ZONE_PLATFORM, schema.ZONE_TOTAL):
        if zone in zones:
            return zones[zone]
    return 0.0


def is_pseudo_pod(namespace: str, name: str) -> bool:
    """Whether the series is one of Kepler's pseudo-pods (host processes, kernel threads), not a workload."""
    return (namespace, name) in schema.PSEUDO_PODS


_PSEUDO_POD_NAMES: Final = frozenset(name for _, name in schema.PSEUDO_PODS)
_pod_order = attrgetter("namespace", "name", "state", "uid")
"""The order of an endpoint's pod readings (a C-level sort key: tens of thousands of pods)."""


def split_pseudo_pods(pods: Iterable[PodReading]) -> tuple[list[PodReading], list[PodReading]]:
    """(workload pods, pseudo-pods), each in the order given."""
    pods = list(pods)
    # Pseudo-pods are a handful among thousands of pods: find the candidates by name first (one set lookup per
    # pod), and split only if there are any.
    if not [pod for pod in pods if pod.name in _PSEUDO_POD_NAMES]:
        return pods, []
    workloads: list[PodReading] = []
    pseudo: list[PodReading] = []
    for pod in pods:
        (pseudo if is_pseudo_pod(pod.namespace, pod.name) else workloads).append(pod)
    return workloads, pseudo


def with_overhead(nodes: Iterable[NodeReading], pseudo: Iterable[PodReading]) -> list[NodeReading]:
    """The nodes with their pseudo-pods' power as ``overhead_power_watts``."""
    overhead: dict[str, float] = defaultdict(float)
    for pod in pseudo:
        if pod.running:
            overhead[pod.node] += finite_or_zero(pod.power_watts)
    return [replace(node, overhead_power_watts=overhead.get(node.name, 0.0)) for node in nodes]


def unknown_zone_warning(endpoint: str, zone_watts: Mapping[str, float], what: str) -> str | None:
    """A warning naming zones the IT total does not know (and so leaves out), with their power; None if none."""
    unknown = {zone: watts for zone, watts in zone_watts.items() if zone not in schema.KNOWN_ZONES}
    if not unknown:
        return None
    listed = ", ".join(f"{zone!r} {watts:.2f} W" for zone, watts in sorted(unknown.items()))
    return (
        f"{endpoint}: {what} report zone(s) this server does not know ({listed}); they are not counted in IT power "
        "(known zones: package, core, uncore, dram, psys, platform)"
    )


def detect_generation(samples: Iterable[Sample | Run]) -> Generation | None:
    """Which Kepler generation produced the samples, or None when there is no Kepler series at all."""
    legacy = False
    for sample in samples:
        if sample.name in schema.CURRENT_FAMILIES:
            return "current"
        if sample.name in schema.LEGACY_FAMILIES:
            legacy = True
    return "legacy" if legacy else None


def finite_or_zero(value: float) -> float:
    """``value``, or 0 for NaN and ±Inf: for sums where one bad series must not poison the total."""
    return value if isfinite(value) else 0.0


_pod_labels = itemgetter(
    schema.L_POD_NAMESPACE, schema.L_POD_NAME, schema.L_POD_ID, schema.L_NODE_NAME, schema.L_STATE, schema.L_ZONE
)


def as_samples(items: Iterable[Sample | Run]) -> list[Sample]:
    """Every item as samples (runs expanded)."""
    samples: list[Sample] = []
    for item in items:
        if isinstance(item, Run):
            samples.extend(item.samples())
        else:
            samples.append(item)
    return samples


_POD_COLUMNS = (
    schema.L_POD_NAMESPACE,
    schema.L_POD_NAME,
    schema.L_POD_ID,
    schema.L_NODE_NAME,
    schema.L_STATE,
    schema.L_ZONE,
)


_MAX_ZONES_PER_SERIES = 16
"""The longest block of one pod series' zones :func:`_add_periodic_run` looks for (Kepler writes 4 at most)."""


def _add_periodic_run(
    target: dict[tuple[str, str, str, str, str], dict[str, float]],
    columns: Sequence[list[str]],
    values: Sequence[float],
) -> bool:
    """Add a pod run to ``target`` whole, if it has the shape Kepler writes; False (nothing added) if not.

    Kepler writes a pod's zones on consecutive lines (labels sorted, ``zone`` last), so a run is blocks of ``k``
    lines, one block per pod series, the same ``k`` zones in the same order in every block. When that holds, every
    state is known, every value finite and no series is seen twice (within the run or in ``target``), the per-line
    loop in :func:`current_readings` would give exactly ``{series: dict(zip(zones, block values))}``: this builds
    it with slices, joins and ``map`` instead (a 40,000-sample scrape: a few ms, not tens). Anything else returns
    False and the loop decides, warnings included.
    """
    *keys, zones = columns
    count = len(values)
    if not count or not isfinite(sum(values)):  # the sum is finite only if every value is
        return False
    k = 1
    while k < count and k <= _MAX_ZONES_PER_SERIES and all(column[k] == column[0] for column in keys):
        k += 1
    block = tuple(zones[:k])
    if k > _MAX_ZONES_PER_SERIES or count % k or len(set(block)) != k:
        return False
    blocks = count // k
    # Equal lists of strings, compared as one string each: joined with a newline, which no label value of a
    # parsed run holds (the count check makes sure), so equal joins mean equal lists. One memcmp per column
    # instead of a comparison per string.
    for j, zone in enumerate(block):
        joined = "\n".join(zones[j::k])
        if joined.count("\n") != blocks - 1 or joined != "\n".join(repeat(zone, blocks)):
            return False
    for column in keys:
        heads = "\n".join(column[0::k])
        if heads.count("\n") != blocks - 1 or any("\n".join(column[j::k]) != heads for j in range(1, k)):
            return False
    states = keys[-1][0::k]
    if states.count(schema.STATE_RUNNING) + states.count(schema.STATE_TERMINATED) != blocks:
        return False
    series = zip(*(column[0::k] for column in keys), strict=True)
    block_values = zip(*(values[j::k] for j in range(k)), strict=True)
    found = dict(zip(series, map(dict, map(zip, repeat(block), block_values)), strict=True))
    if len(found) != blocks or (target and not target.keys().isdisjoint(found)):
        return False  # a series twice: the loop counts the duplicates
    target.update(found)
    return True


def current_readings(items: Sequence[Sample | Run], endpoint: str) -> EndpointReadings:
    """Readings from one current-generation (Kepler ≥0.10) scrape (samples, or runs from ``parse_columns``)."""
    pod_watts: dict[tuple[str, str, str, str, str], dict[str, float]] = defaultdict(dict)
    pod_joules: dict[tuple[str, str, str, str, str], dict[str, float]] = defaultdict(dict)
    node_watts: dict[str, dict[str, float]] = defaultdict(dict)
    node_active: dict[str, dict[str, float]] = defaultdict(dict)
    node_idle: dict[str, dict[str, float]] = defaultdict(dict)
    usage: dict[str, float] = {}
    version: str | None = None
    warnings: list[str] = []
    gpu = _CurrentGpu()
    node_paths: dict[str, set[str]] = defaultdict(set)
    skipped_unknown_state = 0
    skipped_not_finite = 0
    duplicates = 0
    node_series: set[tuple[str, str, str, str]] = set()
    pod_targets = {schema.POD_WATTS: pod_watts, schema.POD_JOULES: pod_joules}
    valid_states = (schema.STATE_RUNNING, schema.STATE_TERMINATED)
    samples: list[Sample] = []
    for item in items:
        if not isinstance(item, Run):
            samples.append(item)
            continue
        target = pod_targets.get(item.name)
        if target is None or not all(label in item.keys for label in _POD_COLUMNS):
            samples.extend(item.samples())  # the general path below, with its label defaults
            continue
        # Hot path: tens of thousands of pod samples read column by column, no label dict per sample.
        columns = [item.columns[item.keys.index(label)] for label in _POD_COLUMNS]
        if _add_periodic_run(target, columns, item.values):
            continue
        for namespace, pod, uid, node, state, zone, value in zip(*columns, item.values, strict=True):
            if state not in valid_states:
                skipped_unknown_state += 1
                continue
            zones = target[(namespace, pod, uid, node, state)]
            if not isfinite(value):
                skipped_not_finite += 1
                continue
            if zone in zones:  # pod series carry no path label: a second sample of one zone is a duplicate line
                duplicates += 1
                continue
            zones[zone] = value
    for name, labels, value in samples:
        target = pod_targets.get(name)
        if target is not None:
            # Hot loop (tens of thousands of pod samples): one C-level itemgetter call when every label is
            # present, as Kepler always writes them; the careful path handles anything else.
            try:
                namespace, pod, uid, node, state, zone = _pod_labels(labels)
            except KeyError:
                namespace = labels.get(schema.L_POD_NAMESPACE, "")
                pod = labels.get(schema.L_POD_NAME, "")
                uid = labels.get(schema.L_POD_ID, "")
                node = labels.get(schema.L_NODE_NAME, "")
                state = labels.get(schema.L_STATE, schema.STATE_RUNNING)
                zone = labels.get(schema.L_ZONE, schema.ZONE_PACKAGE)
            if state not in valid_states:
                skipped_unknown_state += 1
                continue
            zones = target[(namespace, pod, uid, node, state)]
            if not isfinite(value):
                # Kepler exports NaN for a zone it failed to read: the zone is absent (it_total then falls
                # back to the zones that were read), never a number.
                skipped_not_finite += 1
                continue
            if zone in zones:
                duplicates += 1
                continue
            zones[zone] = value
        elif name in (schema.NODE_WATTS, schema.NODE_ACTIVE_WATTS, schema.NODE_IDLE_WATTS):
            node = labels.get(schema.L_NODE_NAME, "")
            zone = labels.get(schema.L_ZONE, schema.ZONE_PACKAGE)
            target_node = {schema.NODE_WATTS: node_watts, schema.NODE_ACTIVE_WATTS: node_active}.get(name, node_idle)
            if not isfinite(value):
                skipped_not_finite += 1
                continue
            # Several RAPL domains (sockets) export the same zone with different ``path`` labels: add them; the
            # same path twice is a duplicate line.
            series = (name, node, zone, labels.get(schema.L_PATH, ""))
            if series in node_series:
                duplicates += 1
                continue
            node_series.add(series)
            target_node[node][zone] = target_node[node].get(zone, 0.0) + value
            if name == schema.NODE_WATTS:
                node_paths[node].add(labels.get(schema.L_PATH, ""))
        elif name == schema.NODE_USAGE_RATIO:
            if isfinite(value):
                usage[labels.get(schema.L_NODE_NAME, "")] = value
        elif name == schema.BUILD_INFO:
            version = labels.get("version") or version
        elif name in schema.GPU_FAMILIES:
            gpu.add(name, labels, value)
    if skipped_unknown_state:
        warnings.append(f"{endpoint}: skipped {skipped_unknown_state} pod series with an unknown state label")
    if duplicates:
        warnings.append(_duplicates_warning(endpoint, duplicates))
    if skipped_not_finite:
        warnings.append(
            f"{endpoint}: {skipped_not_finite} series had NaN/Inf values (a zone Kepler could not read); those "
            "zones were left out and the IT total uses the zones that were read"
        )

    node_zone_watts: dict[str, float] = defaultdict(float)
    for zones in node_watts.values():
        for zone, watts in zones.items():
            node_zone_watts[zone] += watts
    pod_zone_watts: dict[str, float] = defaultdict(float)
    for (*_, state), zones in pod_watts.items():
        if state == schema.STATE_RUNNING:
            for zone, watts in zones.items():
                pod_zone_watts[zone] += watts
    for what, zone_watts in (("nodes", node_zone_watts), ("pods", pod_zone_watts)):
        if (warning := unknown_zone_warning(endpoint, zone_watts, what)) is not None:
            warnings.append(warning)

    pods: list[PodReading] = []
    append = pods.append
    package, dram = schema.ZONE_PACKAGE, schema.ZONE_DRAM
    # Hot loop (one reading per pod series): it_total's common case inlined, and the zone dicts handed over
    # without a copy (each is this function's own and goes to exactly one reading).
    # Every series in either family, joules first, each once: no union set of the keys.
    pod_series: list[tuple[tuple[str, str, str, str, str], dict[str, float]]] = list(pod_joules.items())
    pod_series.extend((key, {}) for key in pod_watts.keys() - pod_joules.keys())
    for key, zones_j in pod_series:
        namespace, pod, uid, node, state = key
        if not namespace or not pod:
            continue
        zones_w = pod_watts.get(key)
        if zones_w is None:
            zones_w = {}
        if state == schema.STATE_RUNNING:
            power = zones_w[package] + zones_w.get(dram, 0.0) if package in zones_w else it_total(zones_w)
        else:
            power = 0.0
            zones_w = dict.fromkeys(zones_w, 0.0)
        energy = zones_j[package] + zones_j.get(dram, 0.0) if package in zones_j else it_total(zones_j)
        append(PodReading(namespace, pod, uid, node, state, power, energy, zones_w, zones_j, endpoint))
    nodes = [
        NodeReading(
            name=node,
            power_watts=it_total(zones),
            active_power_watts=it_total(node_active[node]) if node in node_active else None,
            active_zone_power_watts=dict(node_active.get(node, {})),
            idle_power_watts=it_total(node_idle[node]) if node in node_idle else None,
            usage_ratio=usage.get(node),
            zones=tuple(sorted(zones)),
            endpoint=endpoint,
            unknown_zone_power_watts={z: w for z, w in zones.items() if z not in schema.KNOWN_ZONES},
        )
        for node, zones in node_watts.items()
    ]
    nodes = [with_measurement(node, *meter_from_paths(node_paths.get(node.name, set()))) for node in nodes]
    if gpu.seen:
        pods = gpu.merge_pods(pods, endpoint)
        nodes = gpu.merge_nodes(nodes, endpoint)
    warnings.extend(measurement_warnings(endpoint, nodes))
    workloads, pseudo = split_pseudo_pods(pods)
    return EndpointReadings(
        endpoint=endpoint,
        generation="current",
        pods=tuple(sorted(workloads, key=_pod_order)),
        nodes=tuple(sorted(with_overhead(nodes, pseudo), key=lambda n: n.name)),
        kepler_version=version,
        warnings=tuple(warnings),
        overhead=tuple(sorted(pseudo, key=_pod_order)),
    )


# --- GPU and power measurement ---------------------------------------------------------------------------


class _CurrentGpu:
    """Kepler ≥ 0.11.4 GPU series of one scrape: per pod (no zone label) and per node device."""

    def __init__(self) -> None:
        self.pod_watts: dict[tuple[str, str, str, str, str], float] = {}
        self.pod_joules: dict[tuple[str, str, str, str, str], float] = {}
        self.node_watts: dict[str, dict[str, float]] = defaultdict(dict)
        self.node_idle: dict[str, dict[str, float]] = defaultdict(dict)
        self.seen = False

    def add(self, name: str, labels: Mapping[str, str], value: float) -> None:
        if not isfinite(value) or value < 0:
            return
        if name in (schema.POD_GPU_WATTS, schema.POD_GPU_JOULES):
            key = (
                labels.get(schema.L_POD_NAMESPACE, ""),
                labels.get(schema.L_POD_NAME, ""),
                labels.get(schema.L_POD_ID, ""),
                labels.get(schema.L_NODE_NAME, ""),
                labels.get(schema.L_STATE, schema.STATE_RUNNING),
            )
            if not key[0] or not key[1]:
                return
            target = self.pod_watts if name == schema.POD_GPU_WATTS else self.pod_joules
            target[key] = target.get(key, 0.0) + value
        elif name in (schema.NODE_GPU_WATTS, schema.NODE_GPU_IDLE_WATTS):
            node = labels.get(schema.L_NODE_NAME, "")
            device = labels.get(schema.L_GPU_UUID) or labels.get(schema.L_GPU, "")
            (self.node_watts if name == schema.NODE_GPU_WATTS else self.node_idle)[node][device] = value
        else:
            return  # node joules: the watts gauges carry the instant figure
        self.seen = True

    def merge_pods(self, pods: Iterable[PodReading], endpoint: str) -> list[PodReading]:
        """The pods with their GPU power and energy added (a pod with GPU series only is added too)."""
        out: list[PodReading] = []
        keys: set[tuple[str, str, str, str, str]] = set()
        for pod in pods:
            key = (pod.namespace, pod.name, pod.uid, pod.node, pod.state)
            keys.add(key)
            out.append(self._with_gpu(pod, key))
        for key in sorted((self.pod_watts.keys() | self.pod_joules.keys()) - keys):
            namespace, name, uid, node, state = key
            bare = PodReading(namespace, name, uid, node, state, 0.0, 0.0, {}, {}, endpoint)
            out.append(self._with_gpu(bare, key))
        return out

    def _with_gpu(self, pod: PodReading, key: tuple[str, str, str, str, str]) -> PodReading:
        watts = self.pod_watts.get(key, 0.0) if pod.running else 0.0
        joules = self.pod_joules.get(key, 0.0)
        if not watts and not joules:
            return pod
        return replace(
            pod,
            power_watts=pod.power_watts + watts,
            energy_joules=pod.energy_joules + joules,
            gpu_power_watts=watts,
            gpu_energy_joules=joules,
        )

    def merge_nodes(self, nodes: Iterable[NodeReading], endpoint: str) -> list[NodeReading]:
        """The nodes with their GPUs' power added (a node with GPU series only is added too)."""
        by_name = {node.name: node for node in nodes}
        for name in self.node_watts.keys() - by_name.keys():
            by_name[name] = NodeReading(name, 0.0, None, None, None, (), endpoint)
        out: list[NodeReading] = []
        for name, node in by_name.items():
            devices = self.node_watts.get(name)
            if not devices:
                out.append(node)
                continue
            gpu_w = sum(devices.values())
            idle = self.node_idle.get(name)
            out.append(
                replace(
                    node,
                    power_watts=node.power_watts + gpu_w,
                    gpu_power_watts=gpu_w,
                    gpu_idle_power_watts=sum(idle.values()) if idle else None,
                    gpu_count=len(devices),
                )
            )
        return out


def meter_from_paths(paths: Collection[str]) -> tuple[PowerMeasurement, str]:
    """How a current-generation node's CPU power was obtained, from the ``path`` labels of its node series.

    Kepler's fake meter names a zone ``<base>/energy_<zone>``; RAPL zones live under /sys/class/powercap
    (``intel-rapl:N``); hwmon and IIO meters under /sys/class/hwmon or /sys/bus/iio. Anything else (or no path)
    is not a meter this server recognises, so the figure is taken as an estimate.
    """
    shown = ", ".join(sorted(p for p in paths if p)) or "no path label"
    names = [p.rstrip("/").rsplit("/", 1)[-1] for p in paths if p]
    if names and any(n.startswith(schema.FAKE_METER_PATH_PREFIX) for n in names):
        return "simulated", f"Kepler's fake CPU meter (path {shown})"
    if names and all(any(m in p for m in (*schema.RAPL_PATH_MARKERS, *schema.HWMON_PATH_MARKERS)) for p in paths if p):
        return "measured", f"hardware meter ({shown})"
    return "estimated", f"no hardware meter path recognised ({shown})"


def with_measurement(node: NodeReading, measurement: PowerMeasurement, meter: str) -> NodeReading:
    """The node with its measurement verdict."""
    return replace(node, power_measurement=measurement, meter=meter)


def measurement_warnings(endpoint: str, nodes: Iterable[NodeReading]) -> list[str]:
    """One warning per node whose power is not measured by a hardware meter."""
    out: list[str] = []
    for node in nodes:
        if node.power_measurement == "simulated":
            out.append(
                f"{endpoint}: node {node.name}: power is simulated — {node.meter}; its figures are not "
                "measurements and must not be reported"
            )
        elif node.power_measurement == "estimated":
            out.append(f"{endpoint}: node {node.name}: power is estimated, not measured — {node.meter}")
    return out


def legacy_measurement(samples: Iterable[Sample]) -> tuple[PowerMeasurement, str]:
    """Kepler 0.7: the ``source`` label of the node CPU counters (rapl, acpi, ...) or a model estimate."""
    sources: set[str] = set()
    for sample in samples:
        if sample.name in (schema.LEGACY_NODE_PACKAGE_JOULES, schema.LEGACY_NODE_DRAM_JOULES):
            sources.add(sample.labels.get(schema.L_LEGACY_SOURCE, ""))
    if not sources:
        return "estimated", "no node energy counters (Kepler 0.7 then estimates pod power with a model)"
    shown = ", ".join(sorted(s or '""' for s in sources))
    if sources <= schema.LEGACY_MEASURED_SOURCES:
        return "measured", f"hardware meter (source {shown})"
    return "estimated", f"Kepler's power model (source {shown})"


_LegacyKey = tuple[str, str, str]  # namespace, pod, zone


_LEGACY_POD_FAMILIES: Final = {
    **schema.LEGACY_ZONE_FAMILIES,
    schema.LEGACY_CONTAINER_TOTAL_JOULES: schema.ZONE_TOTAL,
    schema.LEGACY_CONTAINER_GPU_JOULES: schema.ZONE_GPU,
}
_NOT_COMPONENTS: Final = frozenset({schema.ZONE_TOTAL, schema.ZONE_GPU})
"""Pseudo-zones that do not make a pod's total counter redundant (the total already holds the GPU)."""


def _duplicates_warning(endpoint: str, count: int) -> str:
    return f"{endpoint}: {count} series appeared twice with the same labels (a malformed scrape); each was counted once"


def _series_key(sample: Sample) -> tuple[str, tuple[tuple[str, str], ...]]:
    return sample.name, tuple(sorted(sample.labels.items()))


def legacy_total_only(samples: Iterable[Sample]) -> bool:
    """Whether a legacy scrape has the total container counter but no per-component one (component power off)."""
    total = False
    for sample in samples:
        if sample.name in schema.LEGACY_ZONE_FAMILIES:
            return False
        total = total or sample.name == schema.LEGACY_CONTAINER_TOTAL_JOULES
    return total


_SeriesKey = tuple[str, tuple[tuple[str, str], ...]]


@dataclass(slots=True)
class _LegacyPods:
    totals: dict[_LegacyKey, float]
    """Per pod and zone, the sum of its containers' counters (NaN if any is unreadable)."""
    series: dict[_LegacyKey, dict[_SeriesKey, float]]
    """Per pod and zone, each container series' counter: rates are taken per series, then added."""
    seen: set[tuple[str, str]]
    duplicates: int


def _legacy_pod_zones(samples: Iterable[Sample]) -> _LegacyPods:
    """Legacy container counters summed per pod and zone (``mode="dynamic"`` only, see the module doc), and
    every pod seen in any mode.

    The total counter (``kepler_container_joules_total``, zone ``total``) is kept only for pods without any
    per-component counter (Kepler with component power off, or a pod exported only in the total). A sum with
    any NaN/Inf term is NaN: one unreadable container makes the pod's zone unknown for this scrape (counting it
    as 0 would turn the next good scrape into a huge false increase).
    """
    totals: dict[_LegacyKey, float] = defaultdict(float)
    per_series: dict[_LegacyKey, dict[_SeriesKey, float]] = defaultdict(dict)
    seen: set[tuple[str, str]] = set()
    series: set[_SeriesKey] = set()
    duplicates = 0
    for sample in samples:
        zone = _LEGACY_POD_FAMILIES.get(sample.name)
        if zone is None:
            continue
        key = _series_key(sample)
        if key in series:
            duplicates += 1
            continue
        series.add(key)
        labels = sample.labels
        namespace = labels.get(schema.L_LEGACY_NAMESPACE, "")
        pod = labels.get(schema.L_LEGACY_POD, "")
        if not namespace or not pod:
            continue
        seen.add((namespace, pod))
        if labels.get(schema.L_LEGACY_MODE, "dynamic") != "dynamic":
            continue
        value = sample.value if isfinite(sample.value) else math.nan
        totals[(namespace, pod, zone)] += value
        per_series[(namespace, pod, zone)][key] = value
    with_components = {(ns, pod) for ns, pod, zone in totals if zone not in _NOT_COMPONENTS}
    for key in [k for k in totals if k[2] == schema.ZONE_TOTAL and (k[0], k[1]) in with_components]:
        del totals[key], per_series[key]
    with_total = {(ns, pod) for ns, pod, zone in totals if zone == schema.ZONE_TOTAL}
    for key in [k for k in totals if k[2] == schema.ZONE_GPU and (k[0], k[1]) in with_total]:
        del totals[key], per_series[key]  # the total counter already holds the GPU: never count it twice
    return _LegacyPods(totals, per_series, seen, duplicates)


def _increase(before: Mapping[_SeriesKey, float], after: Mapping[_SeriesKey, float]) -> tuple[float, int, int]:
    """(increase, resets, new series) of one pod zone, container series by container series.

    Per series, as Prometheus ``rate()`` then ``sum``: a counter that went down was reset (Kepler restarted), so
    its whole value is the increase; a series only in the later scrape (a new container) has one sample and no
    rate yet. Added up at pod level first, one container's reset would hide in the others' increase.
    """
    increase = 0.0
    resets = 0
    new = 0
    for key, value in after.items():
        previous = before.get(key)
        if previous is None:
            new += 1
        elif value < previous:
            resets += 1
            increase += value
        else:
            increase += value - previous
    return increase, resets, new


def _legacy_node(samples: Iterable[Sample], mode: str | None = None) -> tuple[str, dict[str, float]]:
    """Node counters per zone (sockets added), of one ``mode`` (dynamic/idle) or of all modes when None."""
    zones: dict[str, float] = defaultdict(float)
    series: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    name = ""
    families = {
        schema.LEGACY_NODE_PACKAGE_JOULES: schema.ZONE_PACKAGE,
        schema.LEGACY_NODE_DRAM_JOULES: schema.ZONE_DRAM,
        schema.LEGACY_NODE_PLATFORM_JOULES: schema.ZONE_PLATFORM,
    }
    for sample in samples:
        zone = families.get(sample.name)
        if zone is None or (mode is not None and sample.labels.get(schema.L_LEGACY_MODE) != mode):
            continue
        if (key := _series_key(sample)) in series:
            continue  # a duplicate line (counted by _legacy_pod_zones' warning for pods)
        series.add(key)
        name = sample.labels.get(schema.L_LEGACY_INSTANCE, name)
        zones[zone] += sample.value if isfinite(sample.value) else math.nan
    return name, zones


def _rate(before: float, after: float, seconds: float) -> float:
    # Prometheus rate() semantics: a counter that went down was reset (Kepler restarted), so everything
    # counted after the reset is the increase.
    increase = after - before if after >= before else after
    return increase / seconds


def legacy_readings(
    earlier: Sequence[Sample], later: Sequence[Sample], seconds_between: float, endpoint: str
) -> EndpointReadings:
    """Readings from two legacy (Kepler 0.7) scrapes of one endpoint, ``seconds_between`` apart.

    Power is the rate of the counters between the scrapes. Pods (or zones) present only in the later scrape
    have no rate yet (one sample, as for Prometheus ``rate()``): they draw 0 W in this answer and a warning
    says so; pods gone from the later scrape are reported as terminated with their last energy.
    """
    if seconds_between <= 0:
        raise ValueError("seconds_between must be positive")
    total_only = legacy_total_only(later)
    earlier_pods = _legacy_pod_zones(earlier)
    later_pods = _legacy_pod_zones(later)
    before, after, seen_after = earlier_pods.totals, later_pods.totals, later_pods.seen
    node_name, node_before = _legacy_node(earlier)
    later_node_name, node_after = _legacy_node(later)
    node_name = later_node_name or node_name or endpoint

    per_pod_w: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    per_pod_j: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    resets = 0
    new_series = 0
    unseen: set[tuple[str, str]] = set()
    unreadable = 0
    for (namespace, pod, zone), value in after.items():
        previous = before.get((namespace, pod, zone))
        if not isfinite(value):
            # Unreadable now: the pod is still there, its energy is the last readable one, no rate.
            unreadable += 1
            per_pod_j[(namespace, pod)].setdefault(
                zone, previous if previous is not None and isfinite(previous) else 0.0
            )
            continue
        per_pod_j[(namespace, pod)][zone] = value
        if previous is not None and not isfinite(previous):
            unreadable += 1
            continue
        if previous is None:
            # First seen in the later scrape: when it started counting is unknown, so, like Prometheus
            # rate() with a single sample, no rate can be given yet.
            unseen.add((namespace, pod))
            continue
        increase, reset, new = _increase(
            earlier_pods.series[(namespace, pod, zone)], later_pods.series[(namespace, pod, zone)]
        )
        resets += reset
        new_series += new
        per_pod_w[(namespace, pod)][zone] = increase / seconds_between
    for key in seen_after - per_pod_j.keys():
        per_pod_j[key] = {}  # seen only in idle-mode series: present, no dynamic energy
    total_pods = sorted(
        key for key, zones in per_pod_j.items() if zones and all(zone == schema.ZONE_TOTAL for zone in zones)
    )
    gone: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for (namespace, pod, zone), value in before.items():
        if (namespace, pod) not in per_pod_j:
            gone[(namespace, pod)][zone] = finite_or_zero(value)

    pods = [
        _legacy_pod(namespace, pod, node_name, schema.STATE_RUNNING, per_pod_w[(namespace, pod)], zones_j, endpoint)
        for (namespace, pod), zones_j in per_pod_j.items()
    ]
    pods.extend(
        _legacy_pod(namespace, pod, node_name, schema.STATE_TERMINATED, dict.fromkeys(zones_j, 0.0), zones_j, endpoint)
        for (namespace, pod), zones_j in gone.items()
    )
    node_zones_w = _zone_rates(node_before, node_after, seconds_between)
    modes = {
        mode: _zone_rates(_legacy_node(earlier, mode)[1], _legacy_node(later, mode)[1], seconds_between)
        for mode in ("dynamic", "idle")
    }
    gpu_w = _zone_rates(_legacy_node_gpu(earlier), _legacy_node_gpu(later), seconds_between)
    gpu_idle_w = _zone_rates(_legacy_node_gpu(earlier, "idle"), _legacy_node_gpu(later, "idle"), seconds_between)
    measurement, meter = legacy_measurement(later)
    nodes = (
        (
            NodeReading(
                name=node_name,
                power_watts=it_total(node_zones_w) + sum(gpu_w.values()),
                active_power_watts=it_total(modes["dynamic"]) if modes["dynamic"] else None,
                active_zone_power_watts=modes["dynamic"],
                idle_power_watts=it_total(modes["idle"]) if modes["idle"] else None,
                usage_ratio=None,
                zones=tuple(sorted(node_zones_w)),
                endpoint=endpoint,
                gpu_power_watts=sum(gpu_w.values()),
                gpu_idle_power_watts=sum(gpu_idle_w.values()) if gpu_idle_w else None,
                gpu_count=len(gpu_w),
                power_measurement=measurement,
                meter=meter,
            ),
        )
        if node_zones_w
        else ()
    )
    warnings: list[str] = measurement_warnings(endpoint, nodes) if nodes else []
    if total_only:
        warnings.append(
            f"{endpoint}: Kepler exports only kepler_container_joules_total (component power off), so pod power is "
            "the rate of that total, which adds package, uncore, dram, GPU and other host components: higher than "
            "package + dram"
        )
    elif total_pods:
        warnings.append(
            f"{endpoint}: {len(total_pods)} pod(s) (e.g. {total_pods[0][0]}/{total_pods[0][1]}) have only "
            "kepler_container_joules_total; their power is that total's rate (package, uncore, dram, GPU and other "
            "host components), not package + dram"
        )
    if unreadable:
        warnings.append(
            f"{endpoint}: {unreadable} pod zone counters were NaN/Inf in one of the two scrapes; those zones have "
            "no rate in this answer"
        )
    if unseen:
        warnings.append(
            f"{endpoint}: {len(unseen)} pod(s) appeared between the two scrapes (e.g. {sorted(unseen)[0][1]}); "
            "their power needs two samples and is counted as 0 W until the next scrape"
        )
    if earlier_pods.duplicates or later_pods.duplicates:
        warnings.append(_duplicates_warning(endpoint, earlier_pods.duplicates + later_pods.duplicates))
    if new_series:
        warnings.append(
            f"{endpoint}: {new_series} container counter(s) of running pods appeared between the two scrapes (a "
            "container restarted?); they need two samples and add no power until the next scrape"
        )
    if resets:
        warnings.append(
            f"{endpoint}: {resets} counters went down between two scrapes (Kepler restarted?); "
            "their increase was counted from the reset, as Prometheus rate() does"
        )
    workloads, pseudo = split_pseudo_pods(pods)
    return EndpointReadings(
        endpoint=endpoint,
        generation="legacy",
        pods=tuple(sorted(workloads, key=lambda p: (p.namespace, p.name, p.state))),
        nodes=tuple(with_overhead(nodes, pseudo)),
        warnings=tuple(warnings),
        overhead=tuple(sorted(pseudo, key=lambda p: (p.namespace, p.name, p.state))),
        basis="kepler_container_joules_total" if total_only else "package+dram",
    )


def _legacy_pod(
    namespace: str,
    pod: str,
    node: str,
    state: str,
    zones_w: Mapping[str, float],
    zones_j: Mapping[str, float],
    endpoint: str,
) -> PodReading:
    """A legacy pod reading: CPU zones as they are, the GPU counter (``kepler_container_gpu_joules_total``) as its
    own line added to the IT power and energy."""
    cpu_w = {z: w for z, w in zones_w.items() if z != schema.ZONE_GPU}
    cpu_j = {z: j for z, j in zones_j.items() if z != schema.ZONE_GPU}
    gpu_w = finite_or_zero(zones_w.get(schema.ZONE_GPU, 0.0)) if state == schema.STATE_RUNNING else 0.0
    gpu_j = finite_or_zero(zones_j.get(schema.ZONE_GPU, 0.0))
    return PodReading(
        namespace=namespace,
        name=pod,
        uid="",
        node=node,
        state=state,
        power_watts=it_total(cpu_w) + gpu_w,
        energy_joules=it_total(cpu_j) + gpu_j,
        zone_power_watts=cpu_w,
        zone_energy_joules=cpu_j,
        endpoint=endpoint,
        gpu_power_watts=gpu_w,
        gpu_energy_joules=gpu_j,
    )


def _legacy_node_gpu(samples: Iterable[Sample], mode: str | None = None) -> dict[str, float]:
    """Kepler 0.7 ``kepler_node_gpu_joules_total`` per device (``index``), of one mode or all modes added."""
    devices: dict[str, float] = defaultdict(float)
    for sample in samples:
        if sample.name != schema.LEGACY_NODE_GPU_JOULES or schema.L_LEGACY_MODE not in sample.labels:
            continue  # the current generation's counter has no mode label
        if mode is not None and sample.labels.get(schema.L_LEGACY_MODE) != mode:
            continue
        devices[sample.labels.get(schema.L_LEGACY_GPU_INDEX, "")] += (
            sample.value if isfinite(sample.value) else math.nan
        )
    return devices


def _zone_rates(before: Mapping[str, float], after: Mapping[str, float], seconds: float) -> dict[str, float]:
    """Per-zone rates; a rate needs two readable samples."""
    return {
        zone: _rate(before[zone], value, seconds)
        for zone, value in after.items()
        if zone in before and isfinite(value) and isfinite(before[zone])
    }


# --- container, process and node-zone readings (read on demand, see sources.detail) ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContainerReading:
    """One container series set (one container id, one state) as Kepler reports it."""

    container_id: str
    name: str
    pod_uid: str
    runtime: str
    node: str
    state: str
    power_watts: float
    energy_joules: float
    zone_power_watts: Mapping[str, float]
    zone_energy_joules: Mapping[str, float]
    endpoint: str
    gpu_power_watts: float = 0.0
    """GPU power Kepler attributes to the container (``kepler_container_gpu_watts``); included in ``power_watts``."""
    gpu_energy_joules: float = 0.0
    """GPU energy of the container; included in ``energy_joules``."""

    @property
    def running(self) -> bool:
        """Whether the series is a running container's."""
        return self.state == schema.STATE_RUNNING


@dataclass(frozen=True, slots=True)
class ProcessReading:
    """One process series set (one pid on one node, one state) as Kepler reports it."""

    pid: str
    comm: str
    exe: str
    type: str
    container_id: str
    vm_id: str
    node: str
    state: str
    power_watts: float
    energy_joules: float
    zone_power_watts: Mapping[str, float]
    zone_energy_joules: Mapping[str, float]
    endpoint: str

    @property
    def running(self) -> bool:
        """Whether the series is a running process's."""
        return self.state == schema.STATE_RUNNING


@dataclass(frozen=True, slots=True)
class NodeZoneReading:
    """A node's power and energy by RAPL zone (several sockets of one zone added)."""

    node: str
    zone_power_watts: Mapping[str, float]
    zone_energy_joules: Mapping[str, float]
    zone_active_watts: Mapping[str, float]
    zone_idle_watts: Mapping[str, float]
    endpoint: str


_Zones = dict[str, float]
_SeriesZones = dict[tuple[str, ...], _Zones]

_CONTAINER_KEY = (schema.L_CONTAINER_ID, schema.L_CONTAINER_NAME, schema.L_POD_ID, schema.L_RUNTIME, schema.L_NODE_NAME)
_PROCESS_KEY = (
    schema.L_PID,
    schema.L_COMM,
    schema.L_EXE,
    schema.L_TYPE,
    schema.L_CONTAINER_ID,
    schema.L_VM_ID,
    schema.L_NODE_NAME,
)


def _add(zones: _Zones, labels: Mapping[str, str], value: float) -> None:
    if not isfinite(value):
        return  # an unreadable zone is absent (it_total falls back to the zones read), as for pods
    zone = labels.get(schema.L_ZONE, schema.ZONE_PACKAGE)
    zones[zone] = zones.get(zone, 0.0) + value


def _series_zones(
    samples: Sequence[Sample], families: Collection[str], watts_family: str, key_labels: Sequence[str]
) -> tuple[_SeriesZones, _SeriesZones]:
    """Watts and joules by zone per series set, keyed by the ``key_labels`` values and the state.

    Only samples of ``families`` count (``watts_family`` is the watts gauge, the other the joules counter);
    series with an unknown state are skipped.
    """
    watts: _SeriesZones = defaultdict(dict)
    joules: _SeriesZones = defaultdict(dict)
    for sample in samples:
        if sample.name not in families:
            continue
        labels = sample.labels
        state = labels.get(schema.L_STATE, schema.STATE_RUNNING)
        if state not in (schema.STATE_RUNNING, schema.STATE_TERMINATED):
            continue
        key = (*[labels.get(label, "") for label in key_labels], state)
        _add((watts if sample.name == watts_family else joules)[key], labels, sample.value)
    return watts, joules


def container_readings(samples: Mapping[str, Sequence[Sample]]) -> list[ContainerReading]:
    """Containers from current-generation container series, per endpoint; unknown states are skipped."""
    out: list[ContainerReading] = []
    for endpoint, endpoint_samples in samples.items():
        watts, joules = _series_zones(
            endpoint_samples, (schema.CONTAINER_JOULES, schema.CONTAINER_WATTS), schema.CONTAINER_WATTS, _CONTAINER_KEY
        )
        # GPU series carry no zone: filed under the pseudo-zone "gpu", then taken out as the GPU line. Kepler 0.7's
        # counter of the same name has no pod_id label and is skipped.
        gpu_samples = [
            s
            for s in endpoint_samples
            if s.name in (schema.CONTAINER_GPU_JOULES, schema.CONTAINER_GPU_WATTS) and schema.L_POD_ID in s.labels
        ]
        gpu_watts, gpu_joules = _series_zones(
            [s._replace(labels={**s.labels, schema.L_ZONE: schema.ZONE_GPU}) for s in gpu_samples],
            (schema.CONTAINER_GPU_JOULES, schema.CONTAINER_GPU_WATTS),
            schema.CONTAINER_GPU_WATTS,
            _CONTAINER_KEY,
        )
        for key, zones in gpu_watts.items():
            watts[key].update(zones)
        for key, zones in gpu_joules.items():
            joules[key].update(zones)
        for key in sorted(watts.keys() | joules.keys()):
            container_id, name, pod_uid, runtime, node, state = key
            if not container_id:
                continue
            running = state == schema.STATE_RUNNING
            zones_w = dict(watts.get(key, {}))
            zones_j = dict(joules.get(key, {}))
            gpu_w = zones_w.pop(schema.ZONE_GPU, 0.0) if running else 0.0
            zones_w.pop(schema.ZONE_GPU, None)
            gpu_j = zones_j.pop(schema.ZONE_GPU, 0.0)
            out.append(
                ContainerReading(
                    container_id=container_id,
                    name=name,
                    pod_uid=pod_uid,
                    runtime=runtime,
                    node=node,
                    state=state,
                    power_watts=(it_total(zones_w) if running else 0.0) + gpu_w,
                    energy_joules=it_total(zones_j) + gpu_j,
                    zone_power_watts=zones_w if running else dict.fromkeys(zones_w, 0.0),
                    zone_energy_joules=zones_j,
                    endpoint=endpoint,
                    gpu_power_watts=gpu_w,
                    gpu_energy_joules=gpu_j,
                )
            )
    return out


def process_readings(samples: Mapping[str, Sequence[Sample]]) -> list[ProcessReading]:
    """Processes from current-generation process series, per endpoint; unknown states are skipped."""
    out: list[ProcessReading] = []
    for endpoint, endpoint_samples in samples.items():
        watts, joules = _series_zones(endpoint_samples, schema.PROCESS_FAMILIES, schema.PROCESS_WATTS, _PROCESS_KEY)
        for key in sorted(watts.keys() | joules.keys()):
            pid, comm, exe, kind, container_id, vm_id, node, state = key
            if not pid:
                continue
            running = state == schema.STATE_RUNNING
            zones_w = watts.get(key, {})
            zones_j = joules.get(key, {})
            out.append(
                ProcessReading(
                    pid=pid,
                    comm=comm,
                    exe=exe,
                    type=kind,
                    container_id=container_id,
                    vm_id=vm_id,
                    node=node,
                    state=state,
                    power_watts=it_total(zones_w) if running else 0.0,
                    energy_joules=it_total(zones_j),
                    zone_power_watts=dict(zones_w) if running else dict.fromkeys(zones_w, 0.0),
                    zone_energy_joules=dict(zones_j),
                    endpoint=endpoint,
                )
            )
    return out


def node_zone_readings(samples: Mapping[str, Sequence[Sample]]) -> list[NodeZoneReading]:
    """Per-zone node power, energy, active and idle watts from current-generation node series."""
    by_node: dict[str, dict[str, _Zones]] = defaultdict(lambda: defaultdict(dict))
    endpoints: dict[str, str] = {}
    families = {
        schema.NODE_WATTS: "watts",
        schema.NODE_JOULES: "joules",
        schema.NODE_ACTIVE_WATTS: "active",
        schema.NODE_IDLE_WATTS: "idle",
    }
    for endpoint, endpoint_samples in samples.items():
        for sample in endpoint_samples:
            family = families.get(sample.name)
            if family is None:
                continue
            node = sample.labels.get(schema.L_NODE_NAME, "")
            if not node:
                continue
            endpoints.setdefault(node, endpoint)
            _add(by_node[node][family], sample.labels, sample.value)
    return [
        NodeZoneReading(
            node=node,
            zone_power_watts=dict(parts.get("watts", {})),
            zone_energy_joules=dict(parts.get("joules", {})),
            zone_active_watts=dict(parts.get("active", {})),
            zone_idle_watts=dict(parts.get("idle", {})),
            endpoint=endpoints[node],
        )
        for node, parts in sorted(by_node.items())
    ]
