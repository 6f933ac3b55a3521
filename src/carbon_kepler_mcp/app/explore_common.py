"""What the exploring use cases share: limits, consumer groups and their evaluation, notes and provenance.

The helpers here are the steps every use case in :mod:`carbon_kepler_mcp.exploring` takes: read the scope, group its
pods into consumers, evaluate each against the standards, and add the notes, provenance and paging notes.
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from carbon_kepler_mcp.app.common import standard_notes
from carbon_kepler_mcp.app.explore_results import Consumer, Efficiency, Level, SortBy
from carbon_kepler_mcp.app.footprint import Figures, Grid
from carbon_kepler_mcp.app.requests import MAX_POWER_WATTS
from carbon_kepler_mcp.app.results import Status
from carbon_kepler_mcp.app.verdicts import Verdict, judge
from carbon_kepler_mcp.domain import calculations as calc
from carbon_kepler_mcp.domain.i18n import Language, tr
from carbon_kepler_mcp.domain.names import safe_repr, validate_namespace
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.domain.workloads import group_by_workload, infer_owner, looks_like_daemonset
from carbon_kepler_mcp.errors import InvalidArgumentError, NotFoundError
from carbon_kepler_mcp.kepler.readings import PodReading
from carbon_kepler_mcp.reference import ProfileProvenance, Provenance, Region, Standard
from carbon_kepler_mcp.sources.base import Snapshot

if TYPE_CHECKING:
    from carbon_kepler_mcp.app.context import AppContext


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def percent(part: float, whole: float) -> float:
    return 0.0 if whole <= 0 else part / whole * 100.0


def check_power(value: float | None, name: str) -> None:
    if value is None:
        return
    if not math.isfinite(value) or not 0.0 <= value <= MAX_POWER_WATTS:
        raise InvalidArgumentError(
            f"{name} {value} is out of range: use 0 to {MAX_POWER_WATTS:,.0f} W",
            ko=f"{name} 인수 {value}이(가) 범위를 벗어났습니다: 0~{MAX_POWER_WATTS:,.0f} W여야 합니다",
        )


# --- internal data ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Group:
    namespace: str
    name: str
    kind: str
    owner_kind: str
    pods: tuple[PodReading, ...]


@dataclass(frozen=True, slots=True)
class NodeFigures:
    name: str
    total: float
    attributed: float
    idle: float | None
    active: float | None
    usage: float | None
    running_pods: int

    @property
    def overhead(self) -> float | None:
        return None if self.attributed <= 0 else (self.total - self.attributed) / self.attributed


@dataclass(frozen=True, slots=True)
class Evaluated:
    group: Group
    figures: Figures
    intensity: float
    status: Status
    pue_status: Status
    efficiency: Efficiency
    verdict: Verdict
    pue_verdict: Verdict
    overhead: float | None


@dataclass(frozen=True, slots=True)
class Scope:
    snapshot: Snapshot
    namespace: str | None
    pods: tuple[PodReading, ...]
    std: Standard
    pue_std: Standard
    reg: Region
    grid: Grid
    nodes: dict[str, NodeFigures]


def node_table(snapshot: Snapshot) -> dict[str, NodeFigures]:
    attributed: dict[str, float] = defaultdict(float)
    running: dict[str, int] = defaultdict(int)
    for pod in snapshot.pods:
        if pod.running:
            attributed[pod.node] += pod.power_watts
            running[pod.node] += 1
    return {
        node.name: NodeFigures(
            name=node.name,
            total=node.power_watts,
            attributed=attributed.get(node.name, 0.0),
            # GPU idle is node idle too (Kepler gives pods only the GPUs' active power)
            idle=None if node.idle_power_watts is None else node.idle_power_watts + (node.gpu_idle_power_watts or 0.0),
            active=None
            if node.active_power_watts is None
            else node.active_power_watts + node.gpu_power_watts - (node.gpu_idle_power_watts or 0.0),
            usage=node.usage_ratio,
            running_pods=running.get(node.name, 0),
        )
        for node in snapshot.nodes
    }


def group_pods(pods: Sequence[PodReading], level: Level, snapshot: Snapshot) -> list[Group]:
    """Pods grouped per workload (owner metadata when the source has it, naming rules otherwise) or per pod."""
    by_namespace: dict[str, dict[str, list[PodReading]]] = defaultdict(lambda: defaultdict(list))
    for pod in pods:
        by_namespace[pod.namespace][pod.name].append(pod)
    groups: list[Group] = []
    for namespace in sorted(by_namespace):
        by_name = by_namespace[namespace]
        owners = snapshot.owners_in(namespace)
        if level == "pod":
            for name in sorted(by_name):
                owner = (owners or {}).get(name) or infer_owner(name)
                groups.append(Group(namespace, name, "Pod", owner.kind, tuple(by_name[name])))
            continue
        for ref, names in group_by_workload(by_name, owners).items():
            members = tuple(pod for name in names for pod in by_name[name])
            kind = ref.kind
            if (
                kind == "Job"
                and not owners
                and looks_like_daemonset([p.node for p in members if p.running], {n.name for n in snapshot.nodes})
            ):
                kind = "DaemonSet"  # named like a Job's pods, placed like a DaemonSet's (see workloads)
            groups.append(Group(namespace, ref.name, kind, kind, members))
    return groups


def group_efficiency(
    group: Group, nodes: Mapping[str, NodeFigures], language: Language
) -> tuple[Efficiency, float | None]:
    running = [p for p in group.pods if p.running and p.power_watts > 0]
    power = sum(p.power_watts for p in running)
    if not running or power <= 0:
        reason = tr(language, "no running pod draws power", "전력을 쓰는 실행 중 파드가 없음")
        return Efficiency(
            node_overhead_watts_per_watt=None, idle_inclusive_power_watts=None, unavailable_reason=reason
        ), None
    missing = sorted({p.node for p in running if p.node not in nodes or nodes[p.node].overhead is None})
    if missing:
        reason = tr(
            language,
            f"no Kepler node power for node(s) {', '.join(missing)}",
            f"노드 {', '.join(missing)}의 Kepler 노드 전력이 없음",
        )
        return Efficiency(
            node_overhead_watts_per_watt=None, idle_inclusive_power_watts=None, unavailable_reason=reason
        ), None
    overhead = sum(p.power_watts * (nodes[p.node].overhead or 0.0) for p in running) / power
    return (
        Efficiency(
            node_overhead_watts_per_watt=rounded(overhead, 4),
            idle_inclusive_power_watts=rounded(power * (1.0 + overhead)),
            unavailable_reason=None,
        ),
        overhead,
    )


def not_found(what: str, name: str, known: Sequence[str], where: str) -> NotFoundError:
    near = difflib.get_close_matches(name, known, n=5, cutoff=0.5)
    return NotFoundError(
        f"no {what} {safe_repr(name)} {where}"
        + (f"; did you mean {', '.join(repr(n) for n in near)}?" if near else "")
        + (f" Known: {', '.join(sorted(known)[:20])}{' ...' if len(known) > 20 else ''}" if known and not near else ""),
        suggestions=near or sorted(known)[:5],
    )


async def scope_of(
    ctx: AppContext, namespace: str | None, standard: str | None, region: str | None, window: str | None
) -> Scope:
    """What an exploring tool looks at: the namespace (or cluster) over the window, with its standards."""
    std = ctx.standard(standard)
    pue_std = ctx.pue_standard()
    reg = ctx.region(region)
    ns = None if namespace is None else validate_namespace(namespace)
    snapshot = await ctx.read(ns, window)
    pods = snapshot.pods if ns is None else ctx.namespace_pods(snapshot, ns)
    return Scope(snapshot, ns, pods, std, pue_std, reg, ctx.grid(reg), node_table(snapshot))


def evaluate(ctx: AppContext, scope: Scope, group: Group, language: Language) -> Evaluated:
    figures = ctx.figures_for(scope.snapshot, group.pods, scope.reg, scope.grid.value, group.owner_kind)
    intensity = calc.effective_intensity_g_per_kwh(scope.grid.value, figures.pue)
    efficiency, overhead = group_efficiency(group, scope.nodes, language)
    verdict, pue_verdict = (
        judge(
            ctx,
            std,
            region=scope.reg,
            grid=scope.grid,
            snapshot=scope.snapshot,
            figures=figures,
            pods=group.pods,
            language=language,
        )
        for std in (scope.std, scope.pue_std)
    )
    return Evaluated(
        group=group,
        figures=figures,
        intensity=intensity,
        status=verdict.status,
        pue_status=pue_verdict.status,
        efficiency=efficiency,
        verdict=verdict,
        pue_verdict=pue_verdict,
        overhead=overhead,
    )


def consumer_fields(e: Evaluated, rank: int, level: Level, scope_power: float, check: bool) -> dict[str, object]:
    return {
        "rank": rank,
        "level": level,
        "namespace": e.group.namespace,
        "name": e.group.name,
        "kind": e.group.kind,
        "pods": len(e.group.pods),
        "running_pods": sum(1 for p in e.group.pods if p.running),
        "nodes": sorted({p.node for p in e.group.pods if p.running}),
        "power_watts": rounded(e.figures.power_watts),
        "share_of_scope_percent": rounded(percent(e.figures.power_watts, scope_power), 2),
        "pue": rounded(e.figures.pue, 4),
        "effective_intensity_gCO2eq_kWh": rounded(e.intensity),
        "status": e.status if check else None,
        "status_reason": e.verdict.reason if check else None,
        "pue_status": e.pue_status if check else None,
        "pue_status_reason": e.pue_verdict.reason if check else None,
        "emissions_gCO2eq_hour": rounded(e.figures.emissions_g_per_hour),
        "monthly_emissions_kgCO2eq": None if e.figures.monthly_kg is None else rounded(e.figures.monthly_kg),
        "monthly_basis": e.figures.monthly_basis,
        "efficiency": e.efficiency,
    }


def consumer(e: Evaluated, rank: int, level: Level, scope_power: float, check: bool = True) -> Consumer:
    return Consumer.model_validate(consumer_fields(e, rank, level, scope_power, check))


def scope_notes(ctx: AppContext, scope: Scope, language: Language, *, inferred: bool = True) -> list[str]:
    scope_figures = ctx.figures_for(scope.snapshot, scope.pods, scope.reg, scope.grid.value)
    notes = standard_notes(scope.snapshot, scope_figures, language)
    if inferred:
        notes.append(
            tr(
                language,
                "Workloads are inferred from pod names by Kubernetes naming rules (Kepler exports no owners).",
                "워크로드는 쿠버네티스 이름 규칙으로 파드 이름에서 추론했습니다 (Kepler는 소유자를 내보내지 않음).",
            )
        )
    return notes


def provenance(ctx: AppContext, scope: Scope, power: float) -> dict[str, Provenance | ProfileProvenance]:
    provenance: dict[str, Provenance | ProfileProvenance] = {
        "grid_carbon_intensity": scope.grid.provenance,
        "scope_power": ctx.power_provenance(scope.snapshot, power),
    }
    if scope.std.limit is not None:
        provenance["standard_limit"] = scope.std.limit
    if scope.pue_std.limit is not None:
        provenance["pue_target"] = scope.pue_std.limit
    return provenance


def page_notes(stale: bool, language: Language) -> list[str]:
    if not stale:
        return []
    return [
        tr(
            language,
            "The metrics were refreshed since the previous page: items may have moved between pages.",
            "이전 페이지 이후 메트릭이 갱신되어 항목이 페이지 사이에서 이동했을 수 있습니다.",
        )
    ]


def snapshot_seconds(snapshot: Snapshot) -> int:
    return int(snapshot.taken_at.timestamp())


def ordered(evaluated: list[Evaluated], sort_by: SortBy) -> list[Evaluated]:
    def tail(e: Evaluated) -> tuple[str, str, str]:
        return (e.group.namespace, e.group.name, e.group.kind)

    if sort_by == "emissions":
        return sorted(evaluated, key=lambda e: (-e.figures.emissions_g_per_hour, -e.figures.power_watts, *tail(e)))
    if sort_by == "efficiency":
        return sorted(
            evaluated,
            key=lambda e: (e.overhead is None, -(e.overhead or 0.0), -e.figures.power_watts, *tail(e)),
        )
    return sorted(evaluated, key=lambda e: (-e.figures.power_watts, -e.figures.emissions_g_per_hour, *tail(e)))
