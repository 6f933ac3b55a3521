"""A deterministic demo cluster that renders Kepler current-generation (≥0.10) metrics.

Pure code: no clock and no I/O. :meth:`DemoCluster.render` takes the unix time ``now`` explicitly and
returns Prometheus text exposition 0.0.4, byte for byte the same for the same cluster and ``now``.
:mod:`carbon_kepler_mcp.demo.exporter` serves it over HTTP.

Power model (simple on purpose, and exactly consistent between counters and gauges)
------------------------------------------------------------------------------------

* ``epoch`` is the unix time the demo Kepler "booted": every counter is 0 then.
* A pod runs from ``epoch + started_offset_seconds`` to ``epoch + ended_offset_seconds`` (open-ended when
  ``ended_offset_seconds`` is None) and draws a constant ``package_watts`` and ``dram_watts`` while it runs.
  Negative start offsets mean the pod was already running when Kepler booted; its counters still start at 0
  at ``epoch``. A pod is exported from its start on; before it, it has no series.
* Zones exported per pod, as on a Skylake server: ``package`` = package_watts, ``core`` = 0.70 × package_watts
  and ``uncore`` = 0.10 × package_watts (both *inside* package) and ``dram`` = dram_watts. The true IT power
  of a pod is therefore package + dram; summing all four zones double counts core and uncore.
* ``kepler_pod_cpu_joules_total{zone}`` = zone watts × seconds the pod has run since
  ``max(epoch, start)`` up to ``min(now, end)``: it grows while the pod runs and stays constant after it
  ended. ``kepler_pod_cpu_watts{zone}`` = the zone watts while running, 0 once terminated.
* ``state`` is ``running`` until ``now`` reaches the pod's end, ``terminated`` from then on; terminated
  pods keep their series, as Kepler does. ``DemoPod.state`` is the pod's final state in the script and
  must agree with ``ended_offset_seconds`` (terminated ⇔ an end is set).
* Node series (labels ``zone`` and ``path`` = a RAPL sysfs path, constant label ``node_name``):
  ``kepler_node_cpu_active_watts{zone}`` = sum of the zone watts of the node's running pods;
  ``kepler_node_cpu_idle_watts{zone}`` = the node's idle draw (``package`` and ``dram`` from the node,
  ``core``/``uncore`` = 0.70/0.10 × idle package); ``kepler_node_cpu_watts`` = active + idle. The
  ``_joules_total`` counters: active = sum of the node's pods' counters (terminated pods included),
  idle = idle watts × (now − epoch), total = active + idle. Idle power is *not* in any pod, as in Kepler.
* ``kepler_node_cpu_usage_ratio`` = sum of the running pods' ``cpu_usage_cores`` / node cores, capped at 1.
* ``kepler_build_info`` and one ``kepler_node_cpu_info`` line per node (value 1) describe the exporter.
* Optional per-process series (``process_lines_per_pod`` > 0, used by :func:`large_cluster` for
  benchmarks): each pod gets that many processes, each exported once in ``kepler_process_cpu_joules_total``
  and once in ``kepler_process_cpu_watts`` (zone ``package``), sharing the pod's package watts equally.
* Container and process detail (``container_series=True``, the default demo): each pod has one or two
  containers (``kepler_container_cpu_joules_total``/``_watts``, labels ``container_id``, ``container_name``,
  ``pod_id``, ``runtime``, ``state``, ``zone``, ``node_name``) that each draw a fixed share of the pod's zone
  watts and joules (shares sum to 1, so containers add up to their pod), and each container one or two
  processes (``kepler_process_cpu_joules_total``/``_watts``, ``type="container"``, ``vm_id=""``, every zone)
  that split the container's share the same way. Container ids are SHA-256 of ``<pod uid>/<container>``;
  pids are derived from a hash and unique per node.

The PUE of a node is an *illustrative* facility PUE for the demo, not a measured figure of any real site.

Default demo cluster (:func:`default_cluster`)
----------------------------------------------

Nodes (Seoul, ``ap-northeast-2``; facilities and PUEs illustrative)::

    node             cpu                                     cores  idle pkg+dram  facility                         PUE
    kr-seoul-cpu-1   Intel(R) Xeon(R) Gold 6338 @ 2.00GHz       64    78 + 9  W    Seoul DC hall A (illustrative)  1.25
    kr-seoul-cpu-2   Intel(R) Xeon(R) Gold 6338 @ 2.00GHz       64    78 + 9  W    Seoul DC hall A (illustrative)  1.25
    kr-seoul-gpu-1   Intel(R) Xeon(R) Platinum 8168 @ 2.70GHz   96   110 + 14 W    Seoul DC hall B (illustrative)  1.6

Pods (package + dram watts while running; request / usage in cores)::

    namespace      pod                            node            state       pkg    dram  req   usage
    ai-team        ml-training-job-x7k2p          kr-seoul-gpu-1  running     165.0  28.0  16    15.2
    ai-team        ml-training-job-r9t4m          kr-seoul-gpu-1  running     165.0  28.0  16    15.2
    ai-team        jupyter-lab-0                  kr-seoul-cpu-2  running       6.5   1.5   4     0.6
    production     web-app-7d9f8b6c5-kx2vq        kr-seoul-cpu-1  running      11.0   2.0   1     0.45
    production     web-app-7d9f8b6c5-m4nzt        kr-seoul-cpu-2  running      11.0   2.0   1     0.45
    production     web-app-7d9f8b6c5-p8wlr        kr-seoul-cpu-1  running      11.0   2.0   1     0.45
    production     api-gateway-5c8b7d4f9-h2jxs    kr-seoul-cpu-2  running      18.0   3.0   2     1.1
    production     api-gateway-5c8b7d4f9-t6gbn    kr-seoul-cpu-1  running      18.0   3.0   2     1.1
    production     postgres-0                     kr-seoul-cpu-1  running      24.0   9.0   4     2.3
    batch          nightly-report-29113920-q7w4z  kr-seoul-cpu-2  running      38.0   6.0   2     1.8
    batch          nightly-report-29112480-b5n8d  kr-seoul-cpu-1  terminated   38.0   6.0   2     1.8
    monitoring     prometheus-0                   kr-seoul-cpu-1  running      14.0   4.0   1     0.7
    monitoring     node-exporter-4wz8k            kr-seoul-cpu-1  running       1.2   0.3   0.1   0.02
    monitoring     node-exporter-9hfbt            kr-seoul-cpu-2  running       1.2   0.3   0.1   0.02
    monitoring     node-exporter-c6vjq            kr-seoul-gpu-1  running       1.2   0.3   0.1   0.02
    kepler-system  kepler-2mfkx                   kr-seoul-cpu-1  running       2.5   0.5   0.1   0.05
    kepler-system  kepler-8jsdh                   kr-seoul-cpu-2  running       2.5   0.5   0.1   0.05
    kepler-system  kepler-v5gzq                   kr-seoul-gpu-1  running       2.5   0.5   0.1   0.05

Every running pod started at or before ``epoch`` (offset ≤ 0), so its counters equal watts × (now − epoch).
The terminated ``nightly-report-29112480-b5n8d`` started 870 s before ``epoch`` and ended 30 s after it: its
counters stop at 30 s × watts (package 1140 J, dram 180 J) and it shows ``state="terminated"`` for any
``now ≥ epoch + 30`` (before that it is still running). Render with ``now ≥ epoch + 30`` to see the
finished demo, e.g. ``default_cluster(epoch=now - 3600)``.

Expected IT power per workload (running pods only, package + dram, no idle share, no PUE)::

    namespace/workload              kind         pods  IT power
    ai-team/ml-training-job         Job          2     386.0 W   (2 × 193; on the PUE 1.6 hall: non-compliant)
    ai-team/jupyter-lab             StatefulSet  1       8.0 W   (requests 4 cores, uses 0.6: right-size)
    production/web-app              Deployment   3      39.0 W   (3 × 13)
    production/api-gateway          Deployment   2      42.0 W   (2 × 21)
    production/postgres             StatefulSet  1      33.0 W
    batch/nightly-report            CronJob      1      44.0 W   (+ a terminated run: 44 W × 30 s = 1320 J)
    monitoring/prometheus           StatefulSet  1      18.0 W
    monitoring/node-exporter        DaemonSet    3       4.5 W   (3 × 1.5)
    kepler-system/kepler            DaemonSet    3       9.0 W   (3 × 3)
    all running pods                             17    583.5 W

Per node (running pods' package + dram = active; + idle = node total)::

    kr-seoul-cpu-1   active 81.7 + 20.8 = 102.5 W   idle 87 W    total 189.5 W
    kr-seoul-cpu-2   active 77.2 + 13.3 =  90.5 W   idle 87 W    total 177.5 W
    kr-seoul-gpu-1   active 333.7 + 56.8 = 390.5 W  idle 124 W   total 514.5 W   (cluster: 881.5 W)

A consumer that sums all zones of a pod gets 1.8 × package + dram instead (ml-training pod: 325 W, not 193 W).
"""

from __future__ import annotations

import hashlib
import math
import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, Literal, NamedTuple

from carbon_kepler_mcp.errors import InvalidArgumentError
from carbon_kepler_mcp.kepler import schema

__all__ = [
    "CORE_FRACTION_OF_PACKAGE",
    "K8S_SUFFIX_ALPHABET",
    "KEPLER_VERSION",
    "POD_ZONES",
    "PROCESS_JOULES",
    "PROCESS_WATTS",
    "UNCORE_FRACTION_OF_PACKAGE",
    "DemoCluster",
    "DemoNode",
    "DemoPod",
    "default_cluster",
    "large_cluster",
]

CORE_FRACTION_OF_PACKAGE: Final = 0.70
"""Share of the package power exported as zone ``core`` (part of package, not added to it)."""

UNCORE_FRACTION_OF_PACKAGE: Final = 0.10
"""Share of the package power exported as zone ``uncore`` (part of package, not added to it)."""

POD_ZONES: Final = (schema.ZONE_PACKAGE, schema.ZONE_CORE, schema.ZONE_UNCORE, schema.ZONE_DRAM)
"""RAPL zones the demo exports, in output order."""

K8S_SUFFIX_ALPHABET: Final = "bcdfghjklmnpqrstvwxz2456789"
"""Characters Kubernetes uses for generated name suffixes and pod-template hashes (no vowels, no 0/1/3)."""

KEPLER_VERSION: Final = "v0.11.2"
"""Kepler version the demo exporter claims in ``kepler_build_info``."""

PROCESS_JOULES: Final = "kepler_process_cpu_joules_total"
"""Per-process energy counter (exported only when ``process_lines_per_pod`` > 0)."""

PROCESS_WATTS: Final = "kepler_process_cpu_watts"
"""Per-process power gauge (exported only when ``process_lines_per_pod`` > 0)."""

_RAPL_PATHS: Final = {
    schema.ZONE_PACKAGE: "/sys/class/powercap/intel-rapl:0",
    schema.ZONE_CORE: "/sys/class/powercap/intel-rapl:0:0",
    schema.ZONE_UNCORE: "/sys/class/powercap/intel-rapl:0:1",
    schema.ZONE_DRAM: "/sys/class/powercap/intel-rapl:0:2",
}

_DEMO_UID_NAMESPACE: Final = uuid.UUID("6b1f3c9e-0d4a-4e58-9a57-3c2f8d1e7b40")

PodState = Literal["running", "terminated"]


# --- data -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemoNode:
    """A node of the demo cluster.

    ``pue`` is an illustrative facility PUE chosen for the demo (efficient hall vs older hall), not a
    measurement of any real data centre.
    """

    name: str
    cpu_model: str
    cores: int
    idle_package_watts: float
    idle_dram_watts: float
    facility: str
    pue: float
    zone_label: str
    gpus: int = 0
    """GPU devices (Kepler ≥ 0.11.4 exports one ``kepler_node_gpu_*`` series set per device)."""
    gpu_idle_watts: float = 0.0
    """Idle draw of each GPU device (Kepler: the lowest power it has seen)."""
    gpu_model: str = ""
    server_type: str = ""
    """The hardware type the embodied-emissions table knows this node as (``data/hardware.toml``)."""

    def __post_init__(self) -> None:
        if not self.name:
            raise InvalidArgumentError("DemoNode.name must not be empty")
        if self.gpus < 0 or self.gpu_idle_watts < 0:
            raise InvalidArgumentError(f"node {self.name}: GPU count and idle watts must be ≥ 0")
        if self.cores <= 0:
            raise InvalidArgumentError(f"node {self.name}: cores must be positive, got {self.cores}")
        if self.idle_package_watts < 0 or self.idle_dram_watts < 0:
            raise InvalidArgumentError(f"node {self.name}: idle watts must be ≥ 0")
        if self.pue < 1.0:
            raise InvalidArgumentError(f"node {self.name}: PUE must be ≥ 1.0, got {self.pue}")

    def idle_zone_watts(self, zone: str) -> float:
        """Idle draw of one RAPL zone of this node (core/uncore are fractions of idle package)."""
        return _zone_watts(zone, self.idle_package_watts, self.idle_dram_watts)


@dataclass(frozen=True, slots=True)
class DemoPod:
    """A pod of the demo cluster and the constant power it draws while it runs.

    ``state`` is the pod's final state in the script: ``terminated`` exactly when ``ended_offset_seconds``
    is set. Offsets are seconds relative to the cluster's ``epoch`` (negative = before Kepler booted).
    """

    namespace: str
    name: str
    uid: str
    node: str
    package_watts: float
    dram_watts: float
    state: PodState
    started_offset_seconds: float
    ended_offset_seconds: float | None
    cpu_request_cores: float | None
    cpu_usage_cores: float
    workload: str
    workload_kind: str
    gpu_watts: float = 0.0
    """Active GPU power Kepler attributes to the pod while it runs (``kepler_pod_gpu_watts``)."""

    def __post_init__(self) -> None:
        where = f"pod {self.namespace}/{self.name}"
        if self.gpu_watts < 0:
            raise InvalidArgumentError(f"{where}: GPU watts must be ≥ 0")
        if not self.namespace or not self.name or not self.uid or not self.node:
            raise InvalidArgumentError(f"{where}: namespace, name, uid and node must not be empty")
        if self.package_watts < 0 or self.dram_watts < 0:
            raise InvalidArgumentError(f"{where}: watts must be ≥ 0")
        if self.cpu_usage_cores < 0 or (self.cpu_request_cores is not None and self.cpu_request_cores < 0):
            raise InvalidArgumentError(f"{where}: CPU request and usage must be ≥ 0")
        if (self.state == schema.STATE_TERMINATED) != (self.ended_offset_seconds is not None):
            raise InvalidArgumentError(f"{where}: state 'terminated' needs ended_offset_seconds, and only it")
        if self.ended_offset_seconds is not None and self.ended_offset_seconds < self.started_offset_seconds:
            raise InvalidArgumentError(f"{where}: ends before it starts")

    def zone_watts(self, zone: str) -> float:
        """Watts the pod draws in ``zone`` while it runs (core/uncore are parts of package)."""
        return _zone_watts(zone, self.package_watts, self.dram_watts)

    @property
    def it_watts(self) -> float:
        """True IT power while running, without double counting: package + dram."""
        return self.package_watts + self.dram_watts


def _zone_watts(zone: str, package_watts: float, dram_watts: float) -> float:
    if zone == schema.ZONE_PACKAGE:
        return package_watts
    if zone == schema.ZONE_CORE:
        return CORE_FRACTION_OF_PACKAGE * package_watts
    if zone == schema.ZONE_UNCORE:
        return UNCORE_FRACTION_OF_PACKAGE * package_watts
    if zone == schema.ZONE_DRAM:
        return dram_watts
    raise InvalidArgumentError(f"the demo exports no zone {zone!r}; zones: {', '.join(POD_ZONES)}")


# --- rendering helpers --------------------------------------------------------------------------------


def _esc(value: str) -> str:
    """Escape a label value for the text exposition format."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _header(name: str, help_text: str, kind: str) -> str:
    return f"# HELP {name} {help_text}\n# TYPE {name} {kind}"


_HEADERS: Final = {
    schema.BUILD_INFO: _header(
        schema.BUILD_INFO, "A metric with a constant '1' value labeled with version information", "gauge"
    ),
    schema.NODE_CPU_INFO: _header(schema.NODE_CPU_INFO, "CPU information from procfs", "gauge"),
    schema.NODE_USAGE_RATIO: _header(
        schema.NODE_USAGE_RATIO, "CPU usage ratio of a node (value between 0.0 and 1.0)", "gauge"
    ),
    schema.NODE_JOULES: _header(
        schema.NODE_JOULES, "Total energy consumption of CPU at node level in joules", "counter"
    ),
    schema.NODE_ACTIVE_JOULES: _header(
        schema.NODE_ACTIVE_JOULES, "Energy consumption of CPU in active state at node level in joules", "counter"
    ),
    schema.NODE_IDLE_JOULES: _header(
        schema.NODE_IDLE_JOULES, "Energy consumption of CPU in idle state at node level in joules", "counter"
    ),
    schema.NODE_WATTS: _header(schema.NODE_WATTS, "Current power consumption of CPU at node level in watts", "gauge"),
    schema.NODE_ACTIVE_WATTS: _header(
        schema.NODE_ACTIVE_WATTS, "Power consumption of CPU in active state at node level in watts", "gauge"
    ),
    schema.NODE_IDLE_WATTS: _header(
        schema.NODE_IDLE_WATTS, "Power consumption of CPU in idle state at node level in watts", "gauge"
    ),
    schema.POD_JOULES: _header(schema.POD_JOULES, "Total energy consumption of CPU at pod level in joules", "counter"),
    schema.POD_WATTS: _header(schema.POD_WATTS, "Current power consumption of CPU at pod level in watts", "gauge"),
    schema.CONTAINER_JOULES: _header(
        schema.CONTAINER_JOULES, "Total energy consumption of CPU at container level in joules", "counter"
    ),
    schema.CONTAINER_WATTS: _header(
        schema.CONTAINER_WATTS, "Current power consumption of CPU at container level in watts", "gauge"
    ),
    schema.CONTAINER_GPU_JOULES: _header(
        schema.CONTAINER_GPU_JOULES, "Energy consumption of gpu at container level in joules", "counter"
    ),
    schema.CONTAINER_GPU_WATTS: _header(
        schema.CONTAINER_GPU_WATTS, "Power consumption of gpu at container level in watts", "gauge"
    ),
    schema.POD_GPU_JOULES: _header(
        schema.POD_GPU_JOULES, "Energy consumption of gpu at pod level in joules", "counter"
    ),
    schema.POD_GPU_WATTS: _header(schema.POD_GPU_WATTS, "Power consumption of gpu at pod level in watts", "gauge"),
    schema.NODE_GPU_INFO: _header(schema.NODE_GPU_INFO, "GPU device information", "gauge"),
    schema.NODE_GPU_JOULES: _header(
        schema.NODE_GPU_JOULES, "Energy consumption of gpu at node level in joules", "counter"
    ),
    schema.NODE_GPU_ACTIVE_JOULES: _header(
        schema.NODE_GPU_ACTIVE_JOULES, "Energy consumption of gpu in active state at node level in joules", "counter"
    ),
    schema.NODE_GPU_IDLE_JOULES: _header(
        schema.NODE_GPU_IDLE_JOULES, "Energy consumption of gpu in idle state at node level in joules", "counter"
    ),
    schema.NODE_GPU_WATTS: _header(schema.NODE_GPU_WATTS, "Total GPU power consumption in watts", "gauge"),
    schema.NODE_GPU_ACTIVE_WATTS: _header(
        schema.NODE_GPU_ACTIVE_WATTS, "GPU active power (total - idle) in watts", "gauge"
    ),
    schema.NODE_GPU_IDLE_WATTS: _header(
        schema.NODE_GPU_IDLE_WATTS, "GPU idle power (auto-detected minimum) in watts", "gauge"
    ),
    PROCESS_JOULES: _header(PROCESS_JOULES, "Total energy consumption of CPU at process level in joules", "counter"),
    PROCESS_WATTS: _header(PROCESS_WATTS, "Current power consumption of CPU at process level in watts", "gauge"),
}

_BUILD_INFO_LINE: Final = (
    f'{schema.BUILD_INFO}{{arch="amd64",branch="demo",goversion="go1.24",revision="demo",version="{KEPLER_VERSION}"}} 1'
)

_PROCESS_COMMS: Final = ("python3", "java", "node", "nginx", "postgres", "envoy", "redis-server", "gunicorn")

_ContainerSpec = tuple[str, float, tuple[tuple[str, float], ...]]
"""(container name, share of the pod's watts, ((process comm, share of the container's watts), ...))."""

_DEMO_CONTAINERS: Final[dict[str, tuple[_ContainerSpec, ...]]] = {
    "ml-training-job": (("trainer", 1.0, (("python3", 0.75), ("torchrun", 0.25))),),
    "jupyter-lab": (("notebook", 1.0, (("jupyter-lab", 0.5), ("python3", 0.5))),),
    "web-app": (("web", 0.75, (("gunicorn", 1.0),)), ("envoy", 0.25, (("envoy", 1.0),))),
    "api-gateway": (("gateway", 0.75, (("nginx", 0.5), ("nginx", 0.5))), ("envoy", 0.25, (("envoy", 1.0),))),
    "postgres": (
        ("postgres", 0.875, (("postgres", 0.75), ("postgres", 0.25))),
        ("metrics-exporter", 0.125, (("postgres_export", 1.0),)),
    ),
    "nightly-report": (("report", 1.0, (("java", 1.0),)),),
    "prometheus": (
        ("prometheus", 0.875, (("prometheus", 1.0),)),
        ("config-reloader", 0.125, (("config-reloader", 1.0),)),
    ),
    "node-exporter": (("node-exporter", 1.0, (("node_exporter", 1.0),)),),
    "kepler": (("kepler", 1.0, (("kepler", 1.0),)),),
}
"""Containers and processes of the default demo's workloads (other workloads get one container, one process)."""

_CONTAINER_RUNTIME: Final = "containerd"


class _ContainerPrep(NamedTuple):
    """A container's share of its pod and its label heads, pre-formatted for render."""

    share: float  # of the pod's zone watts and joules
    head: str  # 'container_id="..",container_name="..",node_name="..",pod_id="..",runtime="..",state="'
    processes: tuple[tuple[str, float], ...]  # ('comm="..",...,pid="..",state="', share of the pod) per process


class _PodPrep(NamedTuple):
    """Everything about a pod that does not depend on ``now``, pre-formatted for render."""

    start: float  # absolute unix time the pod starts (exported from then on)
    counted_from: float  # max(start, epoch): energy is counted from here
    end: float  # absolute end, +inf while open-ended
    node_index: int
    watts: tuple[float, float, float, float]  # per POD_ZONES
    labels: str  # 'node_name="..",pod_id="..",pod_name="..",pod_namespace="..",state="'
    usage_cores: float
    process_heads: tuple[str, ...]  # 'comm="..",...,pid="..",state="' per process
    process_watts: float  # package watts of each process while running
    containers: tuple[_ContainerPrep, ...] = ()  # container and process detail (container_series only)
    gpu_watts: float = 0.0


class _NodePrep(NamedTuple):
    idle: tuple[float, float, float, float]  # per POD_ZONES
    zone_labels: tuple[str, str, str, str]  # 'node_name="..",path="..",zone=".."' per POD_ZONES
    node_label: str  # 'node_name=".."'
    cpu_info_line: str
    cores: int
    gpu_labels: tuple[str, ...] = ()  # 'gpu="0",gpu_name="..",gpu_uuid="..",node_name="..",vendor="nvidia"' per GPU
    gpu_idle_watts: float = 0.0


class _Prepared(NamedTuple):
    nodes: tuple[_NodePrep, ...]
    pods: tuple[_PodPrep, ...]


def _process_heads(pod: DemoPod, node_esc: str, count: int) -> tuple[str, ...]:
    heads: list[str] = []
    container_id = hashlib.sha256(f"{pod.uid}/container".encode()).hexdigest()
    for index in range(count):
        digest = hashlib.sha256(f"{pod.uid}/{index}".encode()).hexdigest()
        comm = _PROCESS_COMMS[int(digest[:2], 16) % len(_PROCESS_COMMS)]
        pid = 1000 + int(digest[2:10], 16) % 4_000_000
        heads.append(
            f'comm="{comm}",container_id="{container_id}",exe="/usr/bin/{comm}",node_name="{node_esc}",'
            f'pid="{pid}",state="'
        )
    return tuple(heads)


def _container_preps(pod: DemoPod, node_esc: str) -> tuple[_ContainerPrep, ...]:
    specs = _DEMO_CONTAINERS.get(pod.workload) or ((pod.workload[:63], 1.0, ((pod.workload[:15], 1.0),)),)
    preps: list[_ContainerPrep] = []
    for name, share, processes in specs:
        container_id = hashlib.sha256(f"{pod.uid}/{name}".encode()).hexdigest()
        heads: list[tuple[str, float]] = []
        for index, (comm, process_share) in enumerate(processes):
            digest = hashlib.sha256(f"{pod.uid}/{name}/{index}".encode()).hexdigest()
            pid = 1000 + int(digest[:8], 16) % 4_000_000
            heads.append(
                (
                    f'comm="{_esc(comm)}",container_id="{container_id}",exe="/usr/bin/{_esc(comm)}",'
                    f'node_name="{node_esc}",pid="{pid}",state="',
                    share * process_share,
                )
            )
        head = (
            f'container_id="{container_id}",container_name="{_esc(name)}",node_name="{node_esc}",'
            f'pod_id="{_esc(pod.uid)}",runtime="{_CONTAINER_RUNTIME}",state="'
        )
        preps.append(_ContainerPrep(share, head, tuple(heads)))
    return tuple(preps)


# --- the cluster ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCluster:
    """A fixed set of nodes and pods whose Kepler metrics are a pure function of time.

    ``epoch`` is the unix time the demo Kepler booted (all counters are 0 then). ``process_lines_per_pod``
    adds that many per-process series per pod (benchmarks only; 0 for the default demo).
    ``container_series`` adds container and per-container process series (the default demo has them).
    """

    nodes: tuple[DemoNode, ...]
    pods: tuple[DemoPod, ...]
    epoch: float
    process_lines_per_pod: int = 0
    container_series: bool = False
    _prepared: _Prepared = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.process_lines_per_pod < 0:
            raise InvalidArgumentError("process_lines_per_pod must be ≥ 0")
        if not math.isfinite(self.epoch):
            raise InvalidArgumentError("epoch must be a finite unix time")
        node_index: dict[str, int] = {}
        for index, node in enumerate(self.nodes):
            if node.name in node_index:
                raise InvalidArgumentError(f"duplicate node name {node.name!r}")
            node_index[node.name] = index
        uids: set[str] = set()
        names: set[tuple[str, str]] = set()
        for pod in self.pods:
            if pod.node not in node_index:
                raise InvalidArgumentError(f"pod {pod.namespace}/{pod.name} is on unknown node {pod.node!r}")
            if pod.uid in uids:
                raise InvalidArgumentError(f"duplicate pod uid {pod.uid!r}")
            if (pod.namespace, pod.name) in names:
                raise InvalidArgumentError(f"duplicate pod {pod.namespace}/{pod.name}")
            uids.add(pod.uid)
            names.add((pod.namespace, pod.name))
        object.__setattr__(self, "_prepared", self._prepare(node_index))

    def _prepare(self, node_index: dict[str, int]) -> _Prepared:
        nodes: list[_NodePrep] = []
        for node in self.nodes:
            n = _esc(node.name)
            idle = (
                node.idle_package_watts,
                CORE_FRACTION_OF_PACKAGE * node.idle_package_watts,
                UNCORE_FRACTION_OF_PACKAGE * node.idle_package_watts,
                node.idle_dram_watts,
            )
            zone_labels = (
                f'node_name="{n}",path="{_RAPL_PATHS[POD_ZONES[0]]}",zone="{POD_ZONES[0]}"',
                f'node_name="{n}",path="{_RAPL_PATHS[POD_ZONES[1]]}",zone="{POD_ZONES[1]}"',
                f'node_name="{n}",path="{_RAPL_PATHS[POD_ZONES[2]]}",zone="{POD_ZONES[2]}"',
                f'node_name="{n}",path="{_RAPL_PATHS[POD_ZONES[3]]}",zone="{POD_ZONES[3]}"',
            )
            cpu_info = (
                f'{schema.NODE_CPU_INFO}{{core_id="0",model_name="{_esc(node.cpu_model)}",node_name="{n}",'
                f'physical_id="0",processor="0",vendor_id="GenuineIntel"}} 1'
            )
            gpu_labels = tuple(
                f'gpu="{index}",gpu_name="{_esc(node.gpu_model)}",'
                f'gpu_uuid="GPU-{uuid.uuid5(_DEMO_UID_NAMESPACE, f"{node.name}/gpu{index}")}",node_name="{n}",'
                'vendor="nvidia"'
                for index in range(node.gpus)
            )
            nodes.append(
                _NodePrep(idle, zone_labels, f'node_name="{n}"', cpu_info, node.cores, gpu_labels, node.gpu_idle_watts)
            )
        pods: list[_PodPrep] = []
        procs = self.process_lines_per_pod
        for pod in self.pods:
            n = _esc(pod.node)
            start = self.epoch + pod.started_offset_seconds
            end = math.inf if pod.ended_offset_seconds is None else self.epoch + pod.ended_offset_seconds
            labels = (
                f'node_name="{n}",pod_id="{_esc(pod.uid)}",pod_name="{_esc(pod.name)}",'
                f'pod_namespace="{_esc(pod.namespace)}",state="'
            )
            pods.append(
                _PodPrep(
                    start=start,
                    counted_from=max(start, self.epoch),
                    end=end,
                    node_index=node_index[pod.node],
                    watts=(
                        pod.package_watts,
                        CORE_FRACTION_OF_PACKAGE * pod.package_watts,
                        UNCORE_FRACTION_OF_PACKAGE * pod.package_watts,
                        pod.dram_watts,
                    ),
                    labels=labels,
                    usage_cores=pod.cpu_usage_cores,
                    process_heads=_process_heads(pod, n, procs),
                    process_watts=pod.package_watts / procs if procs else 0.0,
                    containers=_container_preps(pod, n) if self.container_series else (),
                    gpu_watts=pod.gpu_watts,
                )
            )
        return _Prepared(tuple(nodes), tuple(pods))

    # --- queries ---------------------------------------------------------------------------------------

    def pods_on(self, node: str) -> tuple[DemoPod, ...]:
        """The pods scheduled on ``node`` (running and terminated), in declaration order."""
        return tuple(pod for pod in self.pods if pod.node == node)

    def is_exported(self, pod: DemoPod, now: float) -> bool:
        """Whether ``pod`` has series at ``now`` (it has started)."""
        return now >= self.epoch + pod.started_offset_seconds

    def is_running(self, pod: DemoPod, now: float) -> bool:
        """Whether ``pod`` is running at ``now`` (started and not yet ended)."""
        if not self.is_exported(pod, now):
            return False
        return pod.ended_offset_seconds is None or now < self.epoch + pod.ended_offset_seconds

    def run_seconds(self, pod: DemoPod, now: float) -> float:
        """Seconds of the pod's run that Kepler has counted by ``now`` (its counters = watts × this)."""
        start = max(self.epoch + pod.started_offset_seconds, self.epoch)
        end = now if pod.ended_offset_seconds is None else min(now, self.epoch + pod.ended_offset_seconds)
        return max(0.0, end - start)

    # --- rendering -------------------------------------------------------------------------------------

    def render(self, now: float) -> str:
        """Prometheus text exposition 0.0.4 of the cluster's Kepler metrics at unix time ``now``."""
        prepared = self._prepared
        node_count = len(prepared.nodes)
        active_w = [[0.0, 0.0, 0.0, 0.0] for _ in range(node_count)]
        active_j = [[0.0, 0.0, 0.0, 0.0] for _ in range(node_count)]
        usage = [0.0] * node_count

        pod_j: list[str] = [_HEADERS[schema.POD_JOULES]]
        pod_w: list[str] = [_HEADERS[schema.POD_WATTS]]
        proc_j: list[str] = [_HEADERS[PROCESS_JOULES]]
        proc_w: list[str] = [_HEADERS[PROCESS_WATTS]]
        ctr_j: list[str] = [_HEADERS[schema.CONTAINER_JOULES]]
        ctr_w: list[str] = [_HEADERS[schema.CONTAINER_WATTS]]
        ctr_gpu_j: list[str] = [_HEADERS[schema.CONTAINER_GPU_JOULES]]
        ctr_gpu_w: list[str] = [_HEADERS[schema.CONTAINER_GPU_WATTS]]
        pod_gpu_j: list[str] = [_HEADERS[schema.POD_GPU_JOULES]]
        pod_gpu_w: list[str] = [_HEADERS[schema.POD_GPU_WATTS]]
        gpu_active_w = [0.0] * node_count
        gpu_active_j = [0.0] * node_count
        zones = POD_ZONES
        pj_name = schema.POD_JOULES
        pw_name = schema.POD_WATTS
        for p in prepared.pods:
            if now < p.start:
                continue
            running = now < p.end
            seconds = (now if running else p.end) - p.counted_from
            if seconds < 0.0:
                seconds = 0.0
            state = "running" if running else "terminated"
            head = p.labels + state
            nj = active_j[p.node_index]
            for i in range(4):
                joules = p.watts[i] * seconds
                nj[i] += joules
                pod_j.append(f'{pj_name}{{{head}",zone="{zones[i]}"}} {joules!r}')
            if running:
                nw = active_w[p.node_index]
                for i in range(4):
                    nw[i] += p.watts[i]
                    pod_w.append(f'{pw_name}{{{head}",zone="{zones[i]}"}} {p.watts[i]!r}')
                usage[p.node_index] += p.usage_cores
            else:
                pod_w.extend(f'{pw_name}{{{head}",zone="{zone}"}} 0.0' for zone in zones)
            if p.process_heads:
                proc_watts = p.process_watts if running else 0.0
                proc_joules = repr(p.process_watts * seconds)
                proc_watts_text = repr(proc_watts)
                for proc_head in p.process_heads:
                    tail = f'{proc_head}{state}",type="container",vm_id="",zone="package"}} '
                    proc_j.append(f"{PROCESS_JOULES}{{{tail}{proc_joules}")
                    proc_w.append(f"{PROCESS_WATTS}{{{tail}{proc_watts_text}")
            for c in p.containers:
                self._render_container(c, p.watts, seconds, running, state, ctr_j, ctr_w, proc_j, proc_w)
                if p.gpu_watts:  # the container's share of the pod's GPU power (Kepler ≥ 0.11.4, no zone)
                    gpu_joules = p.gpu_watts * c.share * seconds
                    gpu_now = p.gpu_watts * c.share if running else 0.0
                    ctr_gpu_j.append(f'{schema.CONTAINER_GPU_JOULES}{{{c.head}{state}"}} {gpu_joules!r}')
                    ctr_gpu_w.append(f'{schema.CONTAINER_GPU_WATTS}{{{c.head}{state}"}} {gpu_now!r}')
            if p.gpu_watts:
                gpu_joules = p.gpu_watts * seconds
                gpu_active_j[p.node_index] += gpu_joules
                pod_gpu_j.append(f'{schema.POD_GPU_JOULES}{{{head}"}} {gpu_joules!r}')
                pod_gpu_w.append(f'{schema.POD_GPU_WATTS}{{{head}"}} {(p.gpu_watts if running else 0.0)!r}')
                if running:
                    gpu_active_w[p.node_index] += p.gpu_watts

        idle_seconds = max(0.0, now - self.epoch)
        out: list[str] = [_HEADERS[schema.BUILD_INFO], _BUILD_INFO_LINE, _HEADERS[schema.NODE_CPU_INFO]]
        out.extend(n.cpu_info_line for n in prepared.nodes)
        out.append(_HEADERS[schema.NODE_USAGE_RATIO])
        for k, n in enumerate(prepared.nodes):
            out.append(f"{schema.NODE_USAGE_RATIO}{{{n.node_label}}} {min(1.0, usage[k] / n.cores)!r}")
        idle_j = [[w * idle_seconds for w in n.idle] for n in prepared.nodes]
        idle_w = [list(n.idle) for n in prepared.nodes]
        total_j = [[a + b for a, b in zip(aj, ij, strict=True)] for aj, ij in zip(active_j, idle_j, strict=True)]
        total_w = [[a + b for a, b in zip(aw, iw, strict=True)] for aw, iw in zip(active_w, idle_w, strict=True)]
        values = {
            schema.NODE_JOULES: total_j,
            schema.NODE_ACTIVE_JOULES: active_j,
            schema.NODE_IDLE_JOULES: idle_j,
            schema.NODE_WATTS: total_w,
            schema.NODE_ACTIVE_WATTS: active_w,
            schema.NODE_IDLE_WATTS: idle_w,
        }
        for name, rows in values.items():
            out.append(_HEADERS[name])
            for k, n in enumerate(prepared.nodes):
                row = rows[k]
                out.extend(f"{name}{{{n.zone_labels[i]}}} {row[i]!r}" for i in range(4))
        out.extend(pod_j)
        out.extend(pod_w)
        if any(n.gpu_labels for n in prepared.nodes):
            out.extend(self._render_node_gpus(prepared.nodes, gpu_active_w, gpu_active_j, idle_seconds))
            out.extend(pod_gpu_j)
            out.extend(pod_gpu_w)
        if self.container_series:
            out.extend(ctr_j)
            out.extend(ctr_w)
            if len(ctr_gpu_j) > 1:
                out.extend(ctr_gpu_j)
                out.extend(ctr_gpu_w)
        if self.process_lines_per_pod or self.container_series:
            out.extend(proc_j)
            out.extend(proc_w)
        out.append("")
        return "\n".join(out)

    @staticmethod
    def _render_node_gpus(
        nodes: tuple[_NodePrep, ...], active_w: list[float], active_j: list[float], idle_seconds: float
    ) -> list[str]:
        """Kepler ≥ 0.11.4 node GPU series: per device, idle = the device's idle draw, active = the node's pods'
        GPU power shared equally by its devices, total = idle + active (watts and joules alike)."""
        families: dict[str, list[str]] = {
            name: [_HEADERS[name]]
            for name in (
                schema.NODE_GPU_INFO,
                schema.NODE_GPU_JOULES,
                schema.NODE_GPU_ACTIVE_JOULES,
                schema.NODE_GPU_IDLE_JOULES,
                schema.NODE_GPU_WATTS,
                schema.NODE_GPU_ACTIVE_WATTS,
                schema.NODE_GPU_IDLE_WATTS,
            )
        }
        for k, n in enumerate(nodes):
            if not n.gpu_labels:
                continue
            count = len(n.gpu_labels)
            act_w, act_j = active_w[k] / count, active_j[k] / count
            idle_w, idle_j = n.gpu_idle_watts, n.gpu_idle_watts * idle_seconds
            for labels in n.gpu_labels:
                for name, value in (
                    (schema.NODE_GPU_INFO, 1.0),
                    (schema.NODE_GPU_JOULES, act_j + idle_j),
                    (schema.NODE_GPU_ACTIVE_JOULES, act_j),
                    (schema.NODE_GPU_IDLE_JOULES, idle_j),
                    (schema.NODE_GPU_WATTS, act_w + idle_w),
                    (schema.NODE_GPU_ACTIVE_WATTS, act_w),
                    (schema.NODE_GPU_IDLE_WATTS, idle_w),
                ):
                    families[name].append(f"{name}{{{labels}}} {value!r}")
        return [line for lines in families.values() for line in lines]

    @staticmethod
    def _render_container(
        c: _ContainerPrep,
        pod_watts: tuple[float, float, float, float],
        seconds: float,
        running: bool,
        state: str,
        ctr_j: list[str],
        ctr_w: list[str],
        proc_j: list[str],
        proc_w: list[str],
    ) -> None:
        """Append one container's series and its processes' (shares of the pod's zone figures)."""
        for i, zone in enumerate(POD_ZONES):
            watts = pod_watts[i] * c.share if running else 0.0
            tail = f'{c.head}{state}",zone="{zone}"}} '
            ctr_j.append(f"{schema.CONTAINER_JOULES}{{{tail}{pod_watts[i] * c.share * seconds!r}")
            ctr_w.append(f"{schema.CONTAINER_WATTS}{{{tail}{watts!r}")
            for head, share in c.processes:
                proc_tail = f'{head}{state}",type="container",vm_id="",zone="{zone}"}} '
                proc_j.append(f"{PROCESS_JOULES}{{{proc_tail}{pod_watts[i] * share * seconds!r}")
                proc_w.append(f"{PROCESS_WATTS}{{{proc_tail}{(pod_watts[i] * share if running else 0.0)!r}")


# --- the default demo ----------------------------------------------------------------------------------

_HALL_A: Final = "Seoul DC hall A (illustrative)"
_HALL_B: Final = "Seoul DC hall B (illustrative)"
_CPU_1: Final = "kr-seoul-cpu-1"
_CPU_2: Final = "kr-seoul-cpu-2"
_GPU_1: Final = "kr-seoul-gpu-1"


def _uid(namespace: str, name: str) -> str:
    return str(uuid.uuid5(_DEMO_UID_NAMESPACE, f"{namespace}/{name}"))


def _pod(
    namespace: str,
    name: str,
    node: str,
    package_watts: float,
    dram_watts: float,
    *,
    request: float | None,
    usage: float,
    workload: str,
    kind: str,
    started: float = -86_400.0,
    ended: float | None = None,
    gpu: float = 0.0,
) -> DemoPod:
    return DemoPod(
        namespace=namespace,
        name=name,
        uid=_uid(namespace, name),
        node=node,
        package_watts=package_watts,
        dram_watts=dram_watts,
        state="running" if ended is None else "terminated",
        started_offset_seconds=started,
        ended_offset_seconds=ended,
        cpu_request_cores=request,
        cpu_usage_cores=usage,
        workload=workload,
        workload_kind=kind,
        gpu_watts=gpu,
    )


DEMO_GPU_POD_WATTS: Final = 240.0
"""Active GPU power of each ml-training-job pod (one A100 each, busy)."""
DEMO_GPU_IDLE_WATTS: Final = 55.0
"""Idle draw of each of kr-seoul-gpu-1's two GPUs."""


def default_cluster(epoch: float) -> DemoCluster:
    """The built-in demo: 3 Seoul nodes and 18 pods in 5 namespaces (see the module docstring table)."""
    nodes = (
        DemoNode(
            _CPU_1,
            "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
            64,
            78.0,
            9.0,
            _HALL_A,
            1.25,
            "ap-northeast-2a",
            server_type="ccf-2s-256gb",
        ),
        DemoNode(
            _CPU_2,
            "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
            64,
            78.0,
            9.0,
            _HALL_A,
            1.25,
            "ap-northeast-2c",
            server_type="ccf-2s-256gb",
        ),
        DemoNode(
            _GPU_1,
            "Intel(R) Xeon(R) Platinum 8168 CPU @ 2.70GHz",
            96,
            110.0,
            14.0,
            _HALL_B,
            1.6,
            "ap-northeast-2b",
            gpus=2,
            gpu_idle_watts=DEMO_GPU_IDLE_WATTS,
            gpu_model="NVIDIA A100-SXM4-40GB",
            server_type="ccf-2s-512gb-2gpu",
        ),
    )
    ai, prod, batch, mon, kep = "ai-team", "production", "batch", "monitoring", "kepler-system"
    pods = (
        # ai-team
        _pod(ai, "ml-training-job-x7k2p", _GPU_1, 165.0, 28.0, request=16.0, usage=15.2,
             workload="ml-training-job", kind="Job", started=-5_400.0, gpu=DEMO_GPU_POD_WATTS),
        _pod(ai, "ml-training-job-r9t4m", _GPU_1, 165.0, 28.0, request=16.0, usage=15.2,
             workload="ml-training-job", kind="Job", started=-5_400.0, gpu=DEMO_GPU_POD_WATTS),
        _pod(ai, "jupyter-lab-0", _CPU_2, 6.5, 1.5, request=4.0, usage=0.6,
             workload="jupyter-lab", kind="StatefulSet"),
        # production
        _pod(prod, "web-app-7d9f8b6c5-kx2vq", _CPU_1, 11.0, 2.0, request=1.0, usage=0.45,
             workload="web-app", kind="Deployment"),
        _pod(prod, "web-app-7d9f8b6c5-m4nzt", _CPU_2, 11.0, 2.0, request=1.0, usage=0.45,
             workload="web-app", kind="Deployment"),
        _pod(prod, "web-app-7d9f8b6c5-p8wlr", _CPU_1, 11.0, 2.0, request=1.0, usage=0.45,
             workload="web-app", kind="Deployment"),
        _pod(prod, "api-gateway-5c8b7d4f9-h2jxs", _CPU_2, 18.0, 3.0, request=2.0, usage=1.1,
             workload="api-gateway", kind="Deployment"),
        _pod(prod, "api-gateway-5c8b7d4f9-t6gbn", _CPU_1, 18.0, 3.0, request=2.0, usage=1.1,
             workload="api-gateway", kind="Deployment"),
        _pod(prod, "postgres-0", _CPU_1, 24.0, 9.0, request=4.0, usage=2.3,
             workload="postgres", kind="StatefulSet"),
        # batch: the CronJob's current run, and the previous run that finished 30 s after Kepler booted
        _pod(batch, "nightly-report-29113920-q7w4z", _CPU_2, 38.0, 6.0, request=2.0, usage=1.8,
             workload="nightly-report", kind="CronJob", started=-600.0),
        _pod(batch, "nightly-report-29112480-b5n8d", _CPU_1, 38.0, 6.0, request=2.0, usage=1.8,
             workload="nightly-report", kind="CronJob", started=-870.0, ended=30.0),
        # monitoring
        _pod(mon, "prometheus-0", _CPU_1, 14.0, 4.0, request=1.0, usage=0.7,
             workload="prometheus", kind="StatefulSet"),
        _pod(mon, "node-exporter-4wz8k", _CPU_1, 1.2, 0.3, request=0.1, usage=0.02,
             workload="node-exporter", kind="DaemonSet"),
        _pod(mon, "node-exporter-9hfbt", _CPU_2, 1.2, 0.3, request=0.1, usage=0.02,
             workload="node-exporter", kind="DaemonSet"),
        _pod(mon, "node-exporter-c6vjq", _GPU_1, 1.2, 0.3, request=0.1, usage=0.02,
             workload="node-exporter", kind="DaemonSet"),
        # kepler-system
        _pod(kep, "kepler-2mfkx", _CPU_1, 2.5, 0.5, request=0.1, usage=0.05, workload="kepler", kind="DaemonSet"),
        _pod(kep, "kepler-8jsdh", _CPU_2, 2.5, 0.5, request=0.1, usage=0.05, workload="kepler", kind="DaemonSet"),
        _pod(kep, "kepler-v5gzq", _GPU_1, 2.5, 0.5, request=0.1, usage=0.05, workload="kepler", kind="DaemonSet"),
    )  # fmt: skip
    return DemoCluster(nodes=nodes, pods=pods, epoch=epoch, container_series=True)


# --- benchmark cluster ----------------------------------------------------------------------------------


def _suffix(rng: random.Random, length: int, taken: set[str]) -> str:
    while True:
        candidate = "".join(rng.choice(K8S_SUFFIX_ALPHABET) for _ in range(length))
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def _large_pods(rng: random.Random, pod_count: int, namespaces: int, node_names: list[str]) -> Iterable[DemoPod]:
    made = 0
    workload_index = 0
    while made < pod_count:
        workload_index += 1
        namespace = f"team-{rng.randrange(namespaces):03d}"
        replicas = min(rng.randint(1, 6), pod_count - made)
        draw = rng.random()
        taken: set[str] = set()
        names: list[tuple[str, str, str, bool]]  # name, workload, kind, terminated
        if draw < 0.6:
            workload, kind = f"svc-{workload_index:05d}", "Deployment"
            template_hash = _suffix(rng, rng.randint(8, 10), set())
            names = [
                (f"{workload}-{template_hash}-{_suffix(rng, 5, taken)}", workload, kind, False) for _ in range(replicas)
            ]
        elif draw < 0.8:
            workload, kind = f"db-{workload_index:05d}", "StatefulSet"
            names = [(f"{workload}-{ordinal}", workload, kind, False) for ordinal in range(replicas)]
        elif draw < 0.9:
            workload, kind = f"job-{workload_index:05d}", "Job"
            names = [(f"{workload}-{_suffix(rng, 5, taken)}", workload, kind, False) for _ in range(replicas)]
        else:
            workload, kind = f"cron-{workload_index:05d}", "CronJob"
            first_run = 29_000_000 + rng.randrange(100_000)
            names = [
                (f"{workload}-{first_run + 60 * run}-{_suffix(rng, 5, taken)}", workload, kind, run < replicas - 1)
                for run in range(replicas)
            ]
        for name, workload, kind, terminated in names:
            package = round(rng.uniform(0.5, 40.0), 2)
            dram = round(package * rng.uniform(0.1, 0.25), 2)
            request = rng.choice((None, 0.1, 0.25, 0.5, 1.0, 2.0))
            usage = round(rng.uniform(0.01, 0.6) * (request or 0.5), 3)
            started = -round(rng.uniform(0.0, 86_400.0), 1)
            ended = round(rng.uniform(1.0, 600.0), 1) if terminated else None
            yield DemoPod(
                namespace=namespace,
                name=name,
                uid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                node=node_names[made % len(node_names)],
                package_watts=package,
                dram_watts=dram,
                state="terminated" if terminated else "running",
                started_offset_seconds=started,
                ended_offset_seconds=ended,
                cpu_request_cores=request,
                cpu_usage_cores=usage,
                workload=workload,
                workload_kind=kind,
            )
            made += 1


def large_cluster(
    epoch: float, pod_count: int, *, process_lines_per_pod: int = 0, seed: int = 0, node_count: int | None = None
) -> DemoCluster:
    """A big deterministic cluster for benchmarks: ``pod_count`` pods over many namespaces and nodes.

    About 100 pods per node (128 cores each; ``node_count`` sets the number of nodes instead, the pods dealt
    round-robin) and 40 pods per namespace; mostly Deployments, then StatefulSets, Jobs and CronJobs (earlier
    CronJob runs are terminated). The same ``seed`` always gives the same cluster. Each pod renders 8 pod
    samples (4 zones in both the watts and the joules family) plus 2 × ``process_lines_per_pod`` process
    samples, so ``pod_count=4000, process_lines_per_pod=2`` renders about 48,000 samples, and
    ``pod_count=5000, node_count=1`` a real current-generation node's shape: about 40,000 samples, nearly all
    of them pod series the server reads.
    """
    if pod_count < 1:
        raise InvalidArgumentError(f"pod_count must be ≥ 1, got {pod_count}")
    if node_count is not None and node_count < 1:
        raise InvalidArgumentError(f"node_count must be ≥ 1, got {node_count}")
    rng = random.Random(seed)
    if node_count is None:
        node_count = max(1, math.ceil(pod_count / 100))
    nodes = tuple(
        DemoNode(
            name=f"bench-node-{index:03d}",
            cpu_model="Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz",
            cores=128,
            idle_package_watts=round(rng.uniform(70.0, 120.0), 1),
            idle_dram_watts=round(rng.uniform(8.0, 16.0), 1),
            facility=_HALL_B if index % 3 == 2 else _HALL_A,
            pue=1.6 if index % 3 == 2 else 1.25,
            zone_label=("ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c")[index % 3],
        )
        for index in range(node_count)
    )
    namespaces = max(1, pod_count // 40)
    pods = tuple(_large_pods(rng, pod_count, namespaces, [node.name for node in nodes]))
    return DemoCluster(nodes=nodes, pods=pods, epoch=epoch, process_lines_per_pod=process_lines_per_pod)
