"""Embodied emissions (the SCI's M) of the hardware a set of pods reserves, from cited server data.

The shipped table (``data/hardware.toml``) holds Cloud Carbon Footprint's coefficients and a few server types
built from them. A node's hardware is the operator's (``CARBON_KEPLER_NODE_HARDWARE``: a type name or the
figures themselves), else what the source knows (the demo cluster names its nodes' types). A node with neither
gets no gram figure: a built-in default never becomes one. Pods reserve ``cpu request / node cores`` of their node
(their power share of the node when the source has no requests) for the time they ran:
M = TE × (TiR / EL) × (RR / ToR). M is reported beside operational emissions, never added to a verdict.
"""

from __future__ import annotations

import functools
import tomllib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Final, cast

from pydantic import BaseModel, ConfigDict, Field

from carbon_kepler_mcp.app.results import EmbodiedFigures
from carbon_kepler_mcp.domain.footprint_math import embodied_g
from carbon_kepler_mcp.domain.i18n import Language, tr
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.errors import DataError
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.sources.base import Snapshot

__all__ = ["HARDWARE_FILE", "HardwareSpec", "embodied_figures", "hardware_types", "resolve_hardware"]

HARDWARE_FILE: Final = "hardware.toml"


class HardwareSpec(BaseModel):
    """A server's embodied emissions, lifetime and cores (CPU threads Kubernetes counts)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    embodied_kgco2eq: float = Field(gt=0, le=1_000_000)
    lifetime_years: float = Field(gt=0, le=30)
    cores: float = Field(gt=0, le=100_000)
    name: str = "operator"
    source: str = "operator settings (CARBON_KEPLER_NODE_HARDWARE)"


def hardware_types(override_dir: Path | None = None) -> dict[str, HardwareSpec]:
    """The server types, totals computed from CCF's coefficients: ``data/hardware.toml``, or a ``hardware.toml`` in
    the operator's data directory (``CARBON_KEPLER_DATA_DIR``), which replaces it whole (the operator's own types).

    Raises:
        DataError: the operator's file is unreadable or malformed (the message names it).
    """
    if override_dir is not None and (Path(override_dir) / HARDWARE_FILE).is_file():
        path = Path(override_dir) / HARDWARE_FILE
        try:
            return _types(tomllib.loads(path.read_text("utf-8")), str(path))
        except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
            raise DataError(
                f"{path}: cannot read the hardware table ({exc}); it needs [meta] with the coefficients and "
                "lifetime_years, and [types.<name>] tables with cpus, memory_gb and cores (see the shipped file)"
            ) from exc
    return _shipped_types()


@functools.cache
def _shipped_types() -> dict[str, HardwareSpec]:
    raw = tomllib.loads(resources.files("carbon_kepler_mcp.data").joinpath(HARDWARE_FILE).read_text("utf-8"))
    return _types(raw, HARDWARE_FILE)


def _types(raw: Mapping[str, Any], where: str) -> dict[str, HardwareSpec]:
    meta = cast(dict[str, Any], raw["meta"])
    types = cast(dict[str, dict[str, Any]], raw["types"])
    out: dict[str, HardwareSpec] = {}
    for name, t in types.items():
        total = (
            float(meta["base_kgco2eq"])
            + float(meta["per_additional_cpu_kgco2eq"]) * max(0, int(t.get("cpus", 1)) - 1)
            + float(meta["dram_kgco2eq_per_gb"])
            * max(0.0, float(t.get("memory_gb", 0)) - float(meta["dram_threshold_gb"]))
            + float(meta["per_ssd_kgco2eq"]) * int(t.get("ssds", 0))
            + float(meta["per_hdd_kgco2eq"]) * int(t.get("hdds", 0))
            + float(meta["per_gpu_kgco2eq"]) * int(t.get("gpus", 0))
        )
        out[name] = HardwareSpec(
            embodied_kgco2eq=total,
            lifetime_years=float(meta["lifetime_years"]),
            cores=float(t["cores"]),
            name=name,
            source=f"{meta['publisher']}: {meta['source']}" + ("" if where == HARDWARE_FILE else f" ({where})"),
        )
    return out


def resolve_hardware(snapshot: Snapshot, node: str, operator: Mapping[str, HardwareSpec]) -> HardwareSpec | None:
    """The node's hardware: the operator's, else the type the source names; None when neither knows it."""
    if node in operator:
        return operator[node]
    facility = snapshot.facilities.get(node)
    if facility is not None and facility.server_type is not None:
        spec = hardware_types().get(facility.server_type)
        if spec is not None:
            return spec.model_copy(update={"source": f"{spec.source} (type named by the source: {facility.facility})"})
    return None


def _reserved_share(snapshot: Snapshot, pod: PodReading, spec: HardwareSpec) -> float:
    """RR / ToR: the pod's CPU request over the node's cores, or its share of the node's power without one."""
    cpu = snapshot.pod_cpu.get((pod.namespace, pod.name))
    if cpu is not None and cpu.request_cores is not None:
        return min(1.0, cpu.request_cores / spec.cores)
    node = snapshot.node(pod.node)
    if node is None or node.power_watts <= 0:
        return 0.0
    return min(1.0, pod.power_watts / node.power_watts)


def embodied_figures(
    snapshot: Snapshot, pods: Sequence[PodReading], operator: Mapping[str, HardwareSpec], language: Language = "en"
) -> EmbodiedFigures:
    """M of ``pods``: per hour for the running ones, and over the window for a windowed source."""
    per_node: dict[str, float] = defaultdict(float)
    window_g = 0.0
    missing: set[str] = set()
    hardware: dict[str, str] = {}
    with_requests = bool(snapshot.pod_cpu)
    for pod in pods:
        spec = resolve_hardware(snapshot, pod.node, operator)
        if spec is None:
            missing.add(pod.node)
            continue
        hardware[pod.node] = (
            f"{spec.name}: {spec.embodied_kgco2eq:.1f} kgCO2eq, {spec.lifetime_years:g} years, "
            f"{spec.cores:g} cores ({spec.source})"
        )
        share = _reserved_share(snapshot, pod, spec)
        if pod.running:
            per_node[pod.node] += embodied_g(spec.embodied_kgco2eq, spec.lifetime_years, 3600.0, share)
        if snapshot.windowed and pod.covered_seconds:
            window_g += embodied_g(spec.embodied_kgco2eq, spec.lifetime_years, pod.covered_seconds, share)
    available = not missing and bool(pods)
    share_basis = (
        tr(
            language,
            "RR/ToR = CPU request / node cores (kube-state-metrics)",
            "RR/ToR = CPU 요청량 / 노드 코어 수(kube-state-metrics)",
        )
        if with_requests
        else tr(
            language,
            "RR/ToR = the pod's share of its node's power (no CPU requests from this source)",
            "RR/ToR = 노드 전력 중 파드의 몫(이 소스에는 CPU 요청량이 없음)",
        )
    )
    return EmbodiedFigures(
        available=available,
        embodied_gCO2eq_hour=rounded(sum(per_node.values())) if available else None,
        window_embodied_gCO2eq=rounded(window_g) if available and snapshot.windowed else None,
        per_node_gCO2eq_hour={node: rounded(g) for node, g in sorted(per_node.items())},
        method=tr(
            language,
            f"SCI M = TE × (TiR / EL) × (RR / ToR); TiR = 1 h (per hour) or the pod's covered seconds (window); "
            f"{share_basis}. Reported beside operational emissions, never added to a compliance figure",
            f"SCI M = TE × (TiR / EL) × (RR / ToR). TiR = 1 h(시간당) 또는 파드의 데이터가 있는 시간(구간), "
            f"{share_basis}. 운영 배출량과 나란히 보고하며, 준수 판정 수치에는 더하지 않습니다",
        ),
        hardware=dict(sorted(hardware.items())),
        missing_nodes=sorted(missing),
    )
