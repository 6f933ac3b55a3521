"""What Kepler exports: metric and label names, per Kepler generation.

Kepler (github.com/sustainable-computing-io/kepler) has two generations in the field:

* **current** (0.10 and later): zone-labelled counters ``*_cpu_joules_total`` and gauges ``*_cpu_watts``
  for node, container, pod, process and VM, with a ``state`` label (``running``/``terminated``) on
  workload series and a constant ``node_name`` label;
* **legacy** (0.7.x): one counter per component (``kepler_container_package_joules_total`` ...), labelled
  ``container_namespace``/``pod_name``/``mode``, and no watts gauges at all.

The names below are the whole contract with Kepler: a rename upstream touches only this module.
"""

from __future__ import annotations

from typing import Final, Literal

Generation = Literal["current", "legacy"]

# --- current generation (0.10+) -------------------------------------------------------------------

POD_JOULES: Final = "kepler_pod_cpu_joules_total"
POD_WATTS: Final = "kepler_pod_cpu_watts"
CONTAINER_JOULES: Final = "kepler_container_cpu_joules_total"
CONTAINER_WATTS: Final = "kepler_container_cpu_watts"
NODE_JOULES: Final = "kepler_node_cpu_joules_total"
NODE_WATTS: Final = "kepler_node_cpu_watts"
NODE_ACTIVE_WATTS: Final = "kepler_node_cpu_active_watts"
NODE_IDLE_WATTS: Final = "kepler_node_cpu_idle_watts"
NODE_ACTIVE_JOULES: Final = "kepler_node_cpu_active_joules_total"
NODE_IDLE_JOULES: Final = "kepler_node_cpu_idle_joules_total"
NODE_USAGE_RATIO: Final = "kepler_node_cpu_usage_ratio"
NODE_CPU_INFO: Final = "kepler_node_cpu_info"
BUILD_INFO: Final = "kepler_build_info"

CURRENT_FAMILIES: Final = frozenset(
    {
        POD_JOULES,
        POD_WATTS,
        NODE_JOULES,
        NODE_WATTS,
        NODE_ACTIVE_WATTS,
        NODE_IDLE_WATTS,
        NODE_ACTIVE_JOULES,
        NODE_IDLE_JOULES,
        NODE_USAGE_RATIO,
        BUILD_INFO,
    }
)
"""Sample names the server reads from a current-generation scrape (process/container/VM are skipped)."""

# labels (current)
L_POD_ID: Final = "pod_id"
L_POD_NAME: Final = "pod_name"
L_POD_NAMESPACE: Final = "pod_namespace"
L_STATE: Final = "state"
L_ZONE: Final = "zone"
L_NODE_NAME: Final = "node_name"
L_PATH: Final = "path"

STATE_RUNNING: Final = "running"
STATE_TERMINATED: Final = "terminated"

# RAPL zones. ``core`` and ``uncore`` are parts of ``package``; ``dram`` is separate; ``psys``/``platform``
# (where present) already covers the whole platform and must not be added to the others.
ZONE_PACKAGE: Final = "package"
ZONE_CORE: Final = "core"
ZONE_UNCORE: Final = "uncore"
ZONE_DRAM: Final = "dram"
ZONE_PSYS: Final = "psys"
ZONE_PLATFORM: Final = "platform"
KNOWN_ZONES: Final = frozenset({ZONE_PACKAGE, ZONE_CORE, ZONE_UNCORE, ZONE_DRAM, ZONE_PSYS, ZONE_PLATFORM})
ZONE_TOTAL: Final = "total"
"""Not a RAPL zone: legacy ``kepler_container_joules_total`` (package + uncore + dram + GPU + other), read only
when a scrape has no per-component counters (Kepler 0.7 with component power off)."""

# --- pseudo-pods -----------------------------------------------------------------------------------
# Kepler attributes energy of processes outside any container to pseudo-containers with pod-like labels
# (0.7: ``system_processes`` in namespace ``system`` for host processes, ``kernel_processes`` in namespace
# ``kernel`` for kernel threads; both are in the real captures under tests/fixtures/real/). They are node overhead, not
# workloads: no owner, no requests, nothing to schedule or right-size.
PSEUDO_PODS: Final = frozenset({("system", "system_processes"), ("kernel", "kernel_processes")})
"""(namespace, pod name) of Kepler's pseudo-pods."""

# --- legacy generation (0.7.x) --------------------------------------------------------------------

LEGACY_CONTAINER_TOTAL_JOULES: Final = "kepler_container_joules_total"
LEGACY_CONTAINER_PACKAGE_JOULES: Final = "kepler_container_package_joules_total"
LEGACY_CONTAINER_DRAM_JOULES: Final = "kepler_container_dram_joules_total"
LEGACY_CONTAINER_CORE_JOULES: Final = "kepler_container_core_joules_total"
LEGACY_CONTAINER_UNCORE_JOULES: Final = "kepler_container_uncore_joules_total"
LEGACY_CONTAINER_OTHER_JOULES: Final = "kepler_container_other_joules_total"
LEGACY_CONTAINER_GPU_JOULES: Final = "kepler_container_gpu_joules_total"
LEGACY_CONTAINER_PLATFORM_JOULES: Final = "kepler_container_platform_joules_total"
LEGACY_NODE_PACKAGE_JOULES: Final = "kepler_node_package_joules_total"
LEGACY_NODE_DRAM_JOULES: Final = "kepler_node_dram_joules_total"
LEGACY_NODE_PLATFORM_JOULES: Final = "kepler_node_platform_joules_total"

LEGACY_ZONE_FAMILIES: Final = {
    LEGACY_CONTAINER_PACKAGE_JOULES: ZONE_PACKAGE,
    LEGACY_CONTAINER_DRAM_JOULES: ZONE_DRAM,
    LEGACY_CONTAINER_CORE_JOULES: ZONE_CORE,
    LEGACY_CONTAINER_UNCORE_JOULES: ZONE_UNCORE,
}
"""Legacy per-component container counters and the zone each one corresponds to."""

LEGACY_FAMILIES: Final = frozenset(
    {
        LEGACY_CONTAINER_TOTAL_JOULES,
        *LEGACY_ZONE_FAMILIES,
        LEGACY_CONTAINER_OTHER_JOULES,
        LEGACY_CONTAINER_GPU_JOULES,
        LEGACY_CONTAINER_PLATFORM_JOULES,
        LEGACY_NODE_PACKAGE_JOULES,
        LEGACY_NODE_DRAM_JOULES,
        LEGACY_NODE_PLATFORM_JOULES,
    }
)
# (kepler_node_gpu_joules_total, read in both generations, is in GPU_FAMILIES: it does not tell a generation.)

# labels (legacy)
L_LEGACY_NAMESPACE: Final = "container_namespace"
L_LEGACY_POD: Final = "pod_name"
L_LEGACY_CONTAINER: Final = "container_name"
L_LEGACY_CONTAINER_ID: Final = "container_id"
L_LEGACY_MODE: Final = "mode"
L_LEGACY_INSTANCE: Final = "instance"

# --- GPU (current generation, Kepler ≥ 0.11.4) ---------------------------------------------------------
# Checked against Kepler v0.11.4 docs/user/metrics.md and internal/exporter/prometheus/collector/
# power_collector.go (PRs #2384, #2388, #2404 and commit 508fdf99 "add GPU energy joules metrics at all levels"):
# pod/container/process GPU series carry no ``zone`` label (one series per workload, all GPUs added, active power
# only: P_active × the workload's SM-utilisation share); node GPU series are per device, labelled ``gpu`` (index),
# ``gpu_uuid``, ``gpu_name``, ``vendor``. Units: joules (counters) and watts (gauges), like the CPU series.

POD_GPU_JOULES: Final = "kepler_pod_gpu_joules_total"
POD_GPU_WATTS: Final = "kepler_pod_gpu_watts"
CONTAINER_GPU_JOULES: Final = "kepler_container_gpu_joules_total"
"""Same name as the legacy 0.7 container counter; told apart by labels (``pod_id`` vs ``container_namespace``)."""
CONTAINER_GPU_WATTS: Final = "kepler_container_gpu_watts"
NODE_GPU_JOULES: Final = "kepler_node_gpu_joules_total"
"""Same name in Kepler 0.7 (labels ``index``, ``mode``, ``source``) and ≥ 0.11.4 (``gpu``, ``gpu_uuid``, ...)."""
NODE_GPU_WATTS: Final = "kepler_node_gpu_watts"
NODE_GPU_ACTIVE_WATTS: Final = "kepler_node_gpu_active_watts"
NODE_GPU_IDLE_WATTS: Final = "kepler_node_gpu_idle_watts"
NODE_GPU_ACTIVE_JOULES: Final = "kepler_node_gpu_active_joules_total"
NODE_GPU_IDLE_JOULES: Final = "kepler_node_gpu_idle_joules_total"
NODE_GPU_INFO: Final = "kepler_node_gpu_info"

L_GPU: Final = "gpu"
L_GPU_UUID: Final = "gpu_uuid"
L_GPU_NAME: Final = "gpu_name"
L_VENDOR: Final = "vendor"
L_LEGACY_GPU_INDEX: Final = "index"
L_LEGACY_SOURCE: Final = "source"

GPU_FAMILIES: Final = frozenset(
    {POD_GPU_JOULES, POD_GPU_WATTS, NODE_GPU_JOULES, NODE_GPU_WATTS, NODE_GPU_ACTIVE_WATTS, NODE_GPU_IDLE_WATTS}
)
"""GPU sample names the snapshot reads (current generation; ``kepler_node_gpu_joules_total`` also legacy)."""

LEGACY_NODE_GPU_JOULES: Final = NODE_GPU_JOULES
ZONE_GPU: Final = "gpu"
"""Not a RAPL zone: the pseudo-zone legacy readings file ``kepler_container_gpu_joules_total`` under."""

# --- power meters ----------------------------------------------------------------------------------
# Kepler's fake CPU meter (internal/device/fake_cpu_power_meter.go, v0.11.4; ``dev.fake-cpu-meter.enabled``)
# names each zone's path ``<base>/energy_<zone>`` (default base /sys/class/powercap/intel-rapl), where real RAPL
# zones are directories ``intel-rapl:<socket>[:<sub>]``; that basename is how a simulated node is recognised.
FAKE_METER_PATH_PREFIX: Final = "energy_"
RAPL_PATH_MARKERS: Final = ("intel-rapl", "powercap")
HWMON_PATH_MARKERS: Final = ("hwmon", "iio:device", "iio")
LEGACY_MEASURED_SOURCES: Final = frozenset({"rapl", "rapl-sysfs", "rapl-msr", "acpi", "nvidia", "hwmon", "redfish"})
"""Kepler 0.7 node ``source`` label values that name a hardware meter (anything else is a model estimate)."""

ALL_FAMILIES: Final = CURRENT_FAMILIES | LEGACY_FAMILIES | GPU_FAMILIES
"""Every sample name the server reads, whatever the generation."""

# --- detail families (current generation), read on demand only ----------------------------------------
# The snapshot deliberately skips them (per-process series can be tens of thousands of lines); the
# exploring tools scrape them when a question needs container or process detail.

PROCESS_JOULES: Final = "kepler_process_cpu_joules_total"
PROCESS_WATTS: Final = "kepler_process_cpu_watts"
PROCESS_CPU_SECONDS: Final = "kepler_process_cpu_seconds_total"

CONTAINER_FAMILIES: Final = frozenset(
    {CONTAINER_JOULES, CONTAINER_WATTS, "kepler_container_gpu_joules_total", "kepler_container_gpu_watts"}
)
"""Per-container energy counters and power gauges, CPU (zone-labelled) and GPU (no zone; Kepler ≥ 0.11.4), labels
container_id, container_name, pod_id, runtime, state."""
PROCESS_FAMILIES: Final = frozenset({PROCESS_JOULES, PROCESS_WATTS})
"""Per-process energy counter and power gauge (labels pid, comm, exe, type, container_id, vm_id, ...)."""
NODE_ZONE_FAMILIES: Final = frozenset(
    {NODE_JOULES, NODE_WATTS, NODE_ACTIVE_WATTS, NODE_IDLE_WATTS, NODE_ACTIVE_JOULES, NODE_IDLE_JOULES}
)
"""Node series with a zone label (the snapshot keeps only their IT totals, not the zones)."""

# labels (container and process series)
L_CONTAINER_ID: Final = "container_id"
L_CONTAINER_NAME: Final = "container_name"
L_RUNTIME: Final = "runtime"
L_PID: Final = "pid"
L_COMM: Final = "comm"
L_EXE: Final = "exe"
L_TYPE: Final = "type"
L_VM_ID: Final = "vm_id"

PROCESS_TYPE_CONTAINER: Final = "container"
PROCESS_TYPE_VM: Final = "vm"
PROCESS_TYPE_REGULAR: Final = "regular"
