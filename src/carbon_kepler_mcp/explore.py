"""Exploring power: hotspots, top consumers, summaries, resource detail, search and migration.

:class:`PowerExplorer` is a use-case layer beside :class:`~carbon_kepler_mcp.service.CarbonService`, built on
its public helpers (``figures_for``, ``evaluate``, ``grid``, ``region``, ``standard``, ...) so every figure is
computed with the same formulas and carries the same provenance as the five core tools. Adapters (MCP tools,
CLI) stay thin.

Units of analysis: a *consumer* is a workload (pods grouped by Kubernetes naming rules) or, with
``level="pod"``, a pod. Power is the IT power of running pods (Kepler package + dram); emissions are IT kW ×
PUE × grid intensity; monthly figures are × 730 h. The efficiency measure and the unattributed share are
defined in docs/methodology.md ("Exploring power").
"""

from __future__ import annotations

import difflib
import math
import re
from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from carbon_kepler_mcp import calculations as calc
from carbon_kepler_mcp import recommendations as recs
from carbon_kepler_mcp.detail import (
    ContainerReading,
    DetailScrape,
    ProcessReading,
    container_readings,
    node_zone_readings,
    process_readings,
    scrape_detail,
)
from carbon_kepler_mcp.errors import (
    AmbiguousWorkloadError,
    InsufficientDataError,
    InvalidArgumentError,
    NotFoundError,
    SourceError,
)
from carbon_kepler_mcp.explore_models import (
    ActionType,
    ChildPower,
    Consumer,
    Efficiency,
    Hotspot,
    HotspotsResult,
    Level,
    MigrationCandidate,
    MigrationResult,
    NodePowerShare,
    PowerSummaryResult,
    PreventiveAction,
    Priority,
    ResourceKind,
    ResourcePowerResult,
    ResourceRef,
    SearchHit,
    SearchKind,
    SearchResult,
    SortBy,
    TopConsumersResult,
)
from carbon_kepler_mcp.i18n import Language, fmt, status_text, tr
from carbon_kepler_mcp.kepler import schema
from carbon_kepler_mcp.kepler.readings import PodReading, it_total
from carbon_kepler_mcp.latency import BASIS as LATENCY_BASIS
from carbon_kepler_mcp.latency import estimate_latency
from carbon_kepler_mcp.models import Status
from carbon_kepler_mcp.names import (
    escape_promql_regex,
    escape_promql_string,
    glob_to_regex,
    safe_repr,
    validate_namespace,
    validate_object_name,
)
from carbon_kepler_mcp.paging import check_limit, paginate, query_fingerprint
from carbon_kepler_mcp.reference import ProfileProvenance, Provenance, Region, Standard
from carbon_kepler_mcp.service import BATCH_KINDS, DEFAULT_BATCH_HOURS, CarbonService, Figures, Grid
from carbon_kepler_mcp.sources.base import Snapshot
from carbon_kepler_mcp.workloads import GENERATED_NAME_ALPHABET, group_by_workload, infer_owner, looks_like_daemonset

__all__ = ["MAX_LIMIT", "MAX_POWER_WATTS", "DetailFetcher", "PowerExplorer"]

MAX_LIMIT = 200
"""Largest page of any exploring list."""

MAX_MIGRATION_LIMIT = 50
MAX_POWER_WATTS = 1_000_000.0
"""Largest power threshold or bound accepted (a megawatt: far above any node)."""

ALERT_HEADROOM = 1.2
"""Alert threshold suggested for a hotspot: 20 % above its current draw (or the hotspot threshold if higher)."""

LARGE_SHARE_PERCENT = 25.0
"""A consumer drawing at least this share of its scope's power gets high-priority actions."""

DetailFetcher = Callable[[object, Collection[str], Collection[str] | None], Awaitable[DetailScrape]]
"""``(source, families, endpoints shown or None for all) -> DetailScrape``."""

_HEX_ID = re.compile(r"[0-9a-f]{12,64}")
_PID = re.compile(r"[1-9][0-9]{0,9}")
_LABEL = re.compile(r"[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?")
_IT_RULE = "IT power = package + dram (core and uncore lie inside package; psys/platform alone when only it exists)"


async def _default_fetch(source: object, families: Collection[str], endpoints: Collection[str] | None) -> DetailScrape:
    return await scrape_detail(source, families, endpoints=endpoints)


def _r(value: float, digits: int = 3) -> float:
    return round(value, digits)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _pct(part: float, whole: float) -> float:
    return 0.0 if whole <= 0 else part / whole * 100.0


def _check_power(value: float | None, name: str) -> None:
    if value is None:
        return
    if not math.isfinite(value) or not 0.0 <= value <= MAX_POWER_WATTS:
        raise InvalidArgumentError(f"{name} {value} is out of range: use 0 to {MAX_POWER_WATTS:,.0f} W")


# --- internal data ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Group:
    namespace: str
    name: str
    kind: str
    owner_kind: str
    pods: tuple[PodReading, ...]


@dataclass(frozen=True, slots=True)
class _NodeFigures:
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
class _Evaluated:
    group: _Group
    figures: Figures
    intensity: float
    status: Status
    pue_status: Status
    efficiency: Efficiency
    overhead: float | None


@dataclass(frozen=True, slots=True)
class _Context:
    snapshot: Snapshot
    namespace: str | None
    pods: tuple[PodReading, ...]
    std: Standard
    pue_std: Standard
    reg: Region
    grid: Grid
    nodes: dict[str, _NodeFigures]


def _node_table(snapshot: Snapshot) -> dict[str, _NodeFigures]:
    attributed: dict[str, float] = defaultdict(float)
    running: dict[str, int] = defaultdict(int)
    for pod in snapshot.pods:
        if pod.running:
            attributed[pod.node] += pod.power_watts
            running[pod.node] += 1
    return {
        node.name: _NodeFigures(
            name=node.name,
            total=node.power_watts,
            attributed=attributed.get(node.name, 0.0),
            idle=node.idle_power_watts,
            active=node.active_power_watts,
            usage=node.usage_ratio,
            running_pods=running.get(node.name, 0),
        )
        for node in snapshot.nodes
    }


def _groups(pods: Sequence[PodReading], level: Level, snapshot: Snapshot) -> list[_Group]:
    """Pods grouped per workload (owner metadata when the source has it, naming rules otherwise) or per pod."""
    by_namespace: dict[str, dict[str, list[PodReading]]] = defaultdict(lambda: defaultdict(list))
    for pod in pods:
        by_namespace[pod.namespace][pod.name].append(pod)
    groups: list[_Group] = []
    for namespace in sorted(by_namespace):
        by_name = by_namespace[namespace]
        owners = snapshot.owners_in(namespace)
        if level == "pod":
            for name in sorted(by_name):
                owner = (owners or {}).get(name) or infer_owner(name)
                groups.append(_Group(namespace, name, "Pod", owner.kind, tuple(by_name[name])))
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
            groups.append(_Group(namespace, ref.name, kind, kind, members))
    return groups


def _efficiency(
    group: _Group, nodes: Mapping[str, _NodeFigures], language: Language
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
            node_overhead_watts_per_watt=_r(overhead, 4),
            idle_inclusive_power_watts=_r(power * (1.0 + overhead)),
            unavailable_reason=None,
        ),
        overhead,
    )


def _daemonset_like(group: _Group, snapshot: Snapshot) -> bool:
    """One running pod on each of every node: a DaemonSet, though its pod names read like a Job's."""
    return looks_like_daemonset([p.node for p in group.pods if p.running], {n.name for n in snapshot.nodes})


def _pod_regex(group: _Group) -> str:
    """RE2 source matching the pod names of a workload by Kubernetes naming rules (for alert rules)."""
    name = escape_promql_regex(group.name)
    alphabet = f"[{GENERATED_NAME_ALPHABET}]"
    return {
        "Deployment": f"{name}-{alphabet}{{6,10}}-{alphabet}{{5}}",
        "StatefulSet": f"{name}-[0-9]+",
        "CronJob": f"{name}-[0-9]{{8,}}-{alphabet}{{5}}",
        "Job": f"{name}(-[0-9]+)?-{alphabet}{{5}}",
        "DaemonSet": f"{name}-{alphabet}{{5}}",
        "ReplicaSet": f"{name}-{alphabet}{{5}}",
    }.get(group.kind, name)


def _alert_expr(group: _Group, threshold_watts: float) -> str:
    """A PromQL alert expression for the group's IT power; every user-derived value is escaped."""
    return (
        f"sum(kepler_pod_cpu_watts{{pod_namespace={escape_promql_string(group.namespace)},"
        f'pod_name=~{escape_promql_string(_pod_regex(group))},state="running",zone=~"package|dram"}}) '
        f"> {threshold_watts:g}"
    )


_PRIORITY_ORDER: dict[Priority, int] = {"high": 0, "medium": 1, "low": 2}


class PowerExplorer:
    """The exploring use cases over a :class:`CarbonService`."""

    def __init__(
        self,
        service: CarbonService,
        *,
        clock: Callable[[], datetime] | None = None,
        detail_fetcher: DetailFetcher = _default_fetch,
    ) -> None:
        self.service = service
        self._clock = clock or service.now  # one clock for every use case of a server
        self._fetch = detail_fetcher

    # --- shared steps ------------------------------------------------------------------------------------

    async def _context(self, namespace: str | None, standard: str | None, region: str | None) -> _Context:
        std = self.service.standard(standard)
        pue_std = self.service.standard(self.service.config.pue_standard)
        reg = self.service.region(region)
        ns = None if namespace is None else validate_namespace(namespace)
        snapshot = await self.service.source.snapshot()
        pods = snapshot.pods if ns is None else self.service.namespace_pods(snapshot, ns)
        return _Context(snapshot, ns, pods, std, pue_std, reg, self.service.grid(reg), _node_table(snapshot))

    def _evaluate(self, ctx: _Context, group: _Group, language: Language) -> _Evaluated:
        figures = self.service.figures_for(ctx.snapshot, group.pods, ctx.reg, ctx.grid.value)
        intensity = calc.effective_intensity_g_per_kwh(ctx.grid.value, figures.pue)
        efficiency, overhead = _efficiency(group, ctx.nodes, language)
        return _Evaluated(
            group=group,
            figures=figures,
            intensity=intensity,
            status=self.service.evaluate(ctx.std, intensity=intensity, pue=figures.pue),
            pue_status=self.service.evaluate(ctx.pue_std, intensity=intensity, pue=figures.pue),
            efficiency=efficiency,
            overhead=overhead,
        )

    @staticmethod
    def _consumer_fields(e: _Evaluated, rank: int, level: Level, scope_power: float, check: bool) -> dict[str, object]:
        return {
            "rank": rank,
            "level": level,
            "namespace": e.group.namespace,
            "name": e.group.name,
            "kind": e.group.kind,
            "pods": len(e.group.pods),
            "running_pods": sum(1 for p in e.group.pods if p.running),
            "nodes": sorted({p.node for p in e.group.pods if p.running}),
            "power_watts": _r(e.figures.power_watts),
            "share_of_scope_percent": _r(_pct(e.figures.power_watts, scope_power), 2),
            "pue": _r(e.figures.pue, 4),
            "effective_intensity_gCO2eq_kWh": _r(e.intensity),
            "status": e.status if check else None,
            "pue_status": e.pue_status if check else None,
            "emissions_gCO2eq_hour": _r(e.figures.emissions_g_per_hour),
            "monthly_emissions_kgCO2eq": _r(calc.monthly_kg(e.figures.emissions_g_per_hour)),
            "efficiency": e.efficiency,
        }

    def _consumer(self, e: _Evaluated, rank: int, level: Level, scope_power: float, check: bool = True) -> Consumer:
        return Consumer.model_validate(self._consumer_fields(e, rank, level, scope_power, check))

    def _notes(self, ctx: _Context, language: Language, *, inferred: bool = True) -> list[str]:
        scope_figures = self.service.figures_for(ctx.snapshot, ctx.pods, ctx.reg, ctx.grid.value)
        notes = self.service.standard_notes(ctx.snapshot, scope_figures, language)
        if inferred:
            notes.append(
                tr(
                    language,
                    "Workloads are inferred from pod names by Kubernetes naming rules (Kepler exports no owners).",
                    "워크로드는 쿠버네티스 이름 규칙으로 파드 이름에서 추론했습니다 (Kepler는 소유자를 내보내지 않음).",
                )
            )
        return notes

    def _provenance(self, ctx: _Context, power: float) -> dict[str, Provenance | ProfileProvenance]:
        provenance: dict[str, Provenance | ProfileProvenance] = {
            "grid_carbon_intensity": ctx.grid.provenance,
            "scope_power": self.service.power_provenance(ctx.snapshot, power),
        }
        if ctx.std.limit is not None:
            provenance["standard_limit"] = ctx.std.limit
        if ctx.pue_std.limit is not None:
            provenance["pue_target"] = ctx.pue_std.limit
        return provenance

    @staticmethod
    def _page_notes(stale: bool, language: Language) -> list[str]:
        if not stale:
            return []
        return [
            tr(
                language,
                "The metrics were refreshed since the previous page: items may have moved between pages.",
                "이전 페이지 이후 메트릭이 갱신되어 항목이 페이지 사이에서 이동했을 수 있습니다.",
            )
        ]

    @staticmethod
    def _snapshot_seconds(snapshot: Snapshot) -> int:
        return int(snapshot.taken_at.timestamp())

    # --- top consumers -----------------------------------------------------------------------------------

    @staticmethod
    def _order(evaluated: list[_Evaluated], sort_by: SortBy) -> list[_Evaluated]:
        def tail(e: _Evaluated) -> tuple[str, str, str]:
            return (e.group.namespace, e.group.name, e.group.kind)

        if sort_by == "emissions":
            return sorted(evaluated, key=lambda e: (-e.figures.emissions_g_per_hour, -e.figures.power_watts, *tail(e)))
        if sort_by == "efficiency":
            return sorted(
                evaluated,
                key=lambda e: (e.overhead is None, -(e.overhead or 0.0), -e.figures.power_watts, *tail(e)),
            )
        return sorted(evaluated, key=lambda e: (-e.figures.power_watts, -e.figures.emissions_g_per_hour, *tail(e)))

    async def top_consumers(
        self,
        namespace: str | None = None,
        limit: int = 10,
        sort_by: SortBy = "power",
        *,
        level: Level = "workload",
        standard: str | None = None,
        region: str | None = None,
        cursor: str | None = None,
        language: Language = "en",
    ) -> TopConsumersResult:
        """Consumers ranked by power (highest first), emissions (highest first) or efficiency (least first)."""
        check_limit(limit, MAX_LIMIT)
        if sort_by not in ("power", "efficiency", "emissions"):
            raise InvalidArgumentError(
                f"sort_by {safe_repr(str(sort_by))} is invalid: use power, efficiency or emissions"
            )
        ctx = await self._context(namespace, standard, region)
        evaluated = self._order(
            [self._evaluate(ctx, g, language) for g in _groups(ctx.pods, level, ctx.snapshot)], sort_by
        )
        scope_power = sum(e.figures.power_watts for e in evaluated)
        fingerprint = query_fingerprint(
            "top_consumers",
            {"namespace": ctx.namespace, "sort_by": sort_by, "level": level, "standard": ctx.std.code,
             "region": ctx.reg.code, "limit": limit},
        )  # fmt: skip
        page = paginate(
            evaluated,
            limit=limit,
            cursor=cursor,
            fingerprint=fingerprint,
            snapshot_seconds=self._snapshot_seconds(ctx.snapshot),
        )
        consumers = [self._consumer(e, page.offset + i + 1, level, scope_power) for i, e in enumerate(page.items)]
        order = {
            "power": tr(language, "IT power, highest first", "IT 전력 높은 순"),
            "emissions": tr(language, "emissions, highest first", "배출량 높은 순"),
            "efficiency": tr(
                language,
                "node overhead watts per attributed watt, least efficient first (unknown last)",
                "배분 전력 1 W당 노드 미배분 전력, 비효율 높은 순 (알 수 없음은 마지막)",
            ),
        }[sort_by]
        scope_text = ctx.namespace or tr(language, "the cluster", "클러스터")
        if consumers:
            top = consumers[0]
            summary = tr(
                language,
                f"{len(evaluated)} {level}s in {scope_text} draw {fmt(scope_power)} W; first by {sort_by}: "
                f"{top.namespace}/{top.name} ({fmt(top.power_watts)} W, {fmt(top.monthly_emissions_kgCO2eq, 2)} "
                "kgCO2eq/month).",
                f"{scope_text}의 {level} {len(evaluated)}개가 {fmt(scope_power)} W를 씁니다. {sort_by} 기준 1위: "
                f"{top.namespace}/{top.name} ({fmt(top.power_watts)} W, 월 {fmt(top.monthly_emissions_kgCO2eq, 2)} "
                "kgCO2eq).",
            )
        else:
            summary = tr(language, "No consumer on this page.", "이 페이지에 항목이 없습니다.")
        notes = self._notes(ctx, language, inferred=level == "workload") + self._page_notes(page.stale, language)
        return TopConsumersResult(
            scope="cluster" if ctx.namespace is None else "namespace",
            namespace=ctx.namespace,
            level=level,
            sort_by=sort_by,
            standard=ctx.std.code,
            region=ctx.reg.code,
            total_count=page.total,
            consumers=consumers,
            omitted_count=page.omitted,
            next_cursor=page.next_cursor,
            scope_power_watts=_r(scope_power),
            grid_carbon_intensity_gCO2eq_kWh=_r(ctx.grid.value),
            order=order,
            efficiency_method=self.efficiency_method(language),
            summary=summary,
            language=language,
            timestamp=_iso(self._clock().astimezone(UTC)),
            provenance=self._provenance(ctx, scope_power),
            data_source=self.service.data_source_info(ctx.snapshot, self.service.source.description),
            is_demo=ctx.snapshot.is_demo,
            notes=notes,
        )

    @staticmethod
    def efficiency_method(language: Language) -> str:
        """The efficiency measure in one sentence."""
        return tr(
            language,
            "node_overhead_watts_per_watt = Σ over the consumer's running pods of pod W × (node W − W of all running "
            "pods on that node) / W of all running pods on that node, ÷ the consumer's W. It is the idle and system "
            "power behind each attributed watt where the consumer runs (0 = none); lower is better. Watts per used "
            "core is not used: Kepler divides node power by CPU time, so it is the same for every pod of a node.",
            "node_overhead_watts_per_watt = 소비자의 실행 중 파드마다 파드 W × (노드 W − 그 노드 실행 중 파드 전체 W) / 그 "
            "노드 실행 중 파드 전체 W 를 합한 뒤 소비자 W로 나눈 값. 소비자가 실행되는 곳에서 배분된 1 W 뒤에 있는 유휴·시스템 "
            "전력입니다(0 = 없음, 낮을수록 좋음). 사용 코어당 W는 쓰지 않습니다: Kepler는 노드 전력을 CPU 시간으로 나누므로 "
            "같은 노드의 모든 파드에서 같습니다.",
        )

    # --- hotspots ----------------------------------------------------------------------------------------

    async def hotspots(
        self,
        namespace: str | None = None,
        power_threshold_watts: float = 1.0,
        include_compliance_check: bool = True,
        *,
        level: Level = "workload",
        standard: str | None = None,
        region: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
        language: Language = "en",
    ) -> HotspotsResult:
        """Consumers at or above the power threshold (or failing a compliance check), highest power first."""
        _check_power(power_threshold_watts, "power_threshold_watts")
        check_limit(limit, MAX_LIMIT)
        ctx = await self._context(namespace, standard, region)
        evaluated = self._order(
            [self._evaluate(ctx, g, language) for g in _groups(ctx.pods, level, ctx.snapshot)], "power"
        )
        scope_power = sum(e.figures.power_watts for e in evaluated)
        found: list[tuple[_Evaluated, list[str]]] = []
        for e in evaluated:
            reasons: list[str] = []
            if e.figures.power_watts >= power_threshold_watts and e.figures.power_watts > 0:
                reasons.append(
                    tr(
                        language,
                        f"power {fmt(e.figures.power_watts)} W ≥ threshold {fmt(power_threshold_watts)} W",
                        f"전력 {fmt(e.figures.power_watts)} W ≥ 기준 {fmt(power_threshold_watts)} W",
                    )
                )
            if include_compliance_check:
                if e.status == "NON_COMPLIANT":
                    reasons.append(
                        tr(
                            language,
                            f"{status_text(language, e.status)} with {ctx.std.code} (intensity {fmt(e.intensity)} "
                            "gCO2eq/kWh)",
                            f"{ctx.std.code} {status_text(language, e.status)} (배출계수 {fmt(e.intensity)} gCO2eq/kWh)",
                        )
                    )
                if e.pue_status == "NON_COMPLIANT":
                    reasons.append(
                        tr(
                            language,
                            f"PUE {e.figures.pue:.2f} {status_text(language, e.pue_status)} with {ctx.pue_std.code}",
                            f"PUE {e.figures.pue:.2f} {ctx.pue_std.code} {status_text(language, e.pue_status)}",
                        )
                    )
            if reasons:
                found.append((e, reasons))
        fingerprint = query_fingerprint(
            "hotspots",
            {"namespace": ctx.namespace, "threshold": power_threshold_watts, "check": include_compliance_check,
             "level": level, "standard": ctx.std.code, "region": ctx.reg.code, "limit": limit},
        )  # fmt: skip
        page = paginate(
            found,
            limit=limit,
            cursor=cursor,
            fingerprint=fingerprint,
            snapshot_seconds=self._snapshot_seconds(ctx.snapshot),
        )
        now = self._clock()
        hotspots: list[Hotspot] = []
        actions: list[PreventiveAction] = []
        for index, (e, reasons) in enumerate(page.items):
            fields = self._consumer_fields(e, page.offset + index + 1, level, scope_power, include_compliance_check)
            hotspots.append(Hotspot.model_validate({**fields, "reasons": reasons}))
            actions.extend(
                self._actions(ctx, e, scope_power, power_threshold_watts, include_compliance_check, now, language)
            )
        actions.sort(
            key=lambda a: (
                _PRIORITY_ORDER[a.priority],
                a.estimated_savings_kgCO2eq_month is None,
                -(a.estimated_savings_kgCO2eq_month or 0.0),
                a.resource,
                a.type,
            )
        )
        hotspot_power = sum(e.figures.power_watts for e, _ in found)
        scope_text = ctx.namespace or tr(language, "the cluster", "클러스터")
        summary = tr(
            language,
            f"{len(found)} hotspots in {scope_text} draw {fmt(hotspot_power)} W of {fmt(scope_power)} W "
            f"({fmt(_pct(hotspot_power, scope_power))}%).",
            f"{scope_text}의 핫스팟 {len(found)}개가 {fmt(scope_power)} W 중 {fmt(hotspot_power)} W "
            f"({fmt(_pct(hotspot_power, scope_power))}%)를 씁니다.",
        )
        if found:
            first = found[0][0]
            summary += " " + tr(
                language,
                f"Largest: {first.group.namespace}/{first.group.name} ({fmt(first.figures.power_watts)} W).",
                f"최대: {first.group.namespace}/{first.group.name} ({fmt(first.figures.power_watts)} W).",
            )
        notes = self._notes(ctx, language, inferred=level == "workload") + self._page_notes(page.stale, language)
        notes.append(
            tr(
                language,
                "Monthly figures assume today's power for 730 h; a batch job that runs a few hours a day emits less.",
                "월간 수치는 현재 전력이 730시간 계속된다고 가정합니다. 하루 몇 시간만 도는 배치 작업은 더 적게 배출합니다.",
            )
        )
        return HotspotsResult(
            scope="cluster" if ctx.namespace is None else "namespace",
            namespace=ctx.namespace,
            level=level,
            standard=ctx.std.code,
            pue_standard=ctx.pue_std.code,
            region=ctx.reg.code,
            power_threshold_watts=power_threshold_watts,
            include_compliance_check=include_compliance_check,
            total_count=page.total,
            hotspots=hotspots,
            omitted_count=page.omitted,
            next_cursor=page.next_cursor,
            hotspot_power_watts=_r(hotspot_power),
            scope_power_watts=_r(scope_power),
            preventive_actions=actions,
            grid_carbon_intensity_gCO2eq_kWh=_r(ctx.grid.value),
            summary=summary,
            language=language,
            timestamp=_iso(now.astimezone(UTC)),
            provenance=self._provenance(ctx, scope_power),
            data_source=self.service.data_source_info(ctx.snapshot, self.service.source.description),
            is_demo=ctx.snapshot.is_demo,
            notes=notes,
        )

    def _actions(
        self,
        ctx: _Context,
        e: _Evaluated,
        scope_power: float,
        threshold: float,
        check: bool,
        now: datetime,
        language: Language,
    ) -> list[PreventiveAction]:
        group, figures = e.group, e.figures
        resource = f"{group.namespace}/{group.name}"
        share = _pct(figures.power_watts, scope_power)
        failing = check and (e.status == "NON_COMPLIANT" or e.pue_status == "NON_COMPLIANT")
        large = share >= LARGE_SHARE_PERCENT
        actions: list[PreventiveAction] = []

        alert_at = round(max(threshold, figures.power_watts * ALERT_HEADROOM), 1)
        actions.append(
            PreventiveAction(
                type="alert",
                priority="high" if failing or large else "medium",
                resource=resource,
                title=tr(
                    language,
                    f"Alert when {resource} exceeds {fmt(alert_at)} W",
                    f"{resource}가 {fmt(alert_at)} W를 넘으면 알림",
                ),
                reason=tr(
                    language,
                    f"Draws {fmt(figures.power_watts)} W ({fmt(share)}% of the scope); an alert catches a regression "
                    "before it shows up in the monthly figures.",
                    f"{fmt(figures.power_watts)} W(범위의 {fmt(share)}%)를 씁니다. 알림은 회귀를 월간 수치에 나타나기 전에 잡습니다.",
                ),
                quantified=True,
                estimated_reduction_percent=0.0,
                estimated_savings_watts=0.0,
                estimated_savings_gCO2eq_hour=0.0,
                estimated_savings_kgCO2eq_month=0.0,
                changes_compliance_status=False,
                data_basis=tr(
                    language,
                    f"an alert saves nothing by itself; threshold = max(hotspot threshold, {ALERT_HEADROOM:g} × current draw)",
                    f"알림 자체는 절감하지 않음; 기준 = max(핫스팟 기준, {ALERT_HEADROOM:g} × 현재 전력)",
                ),
                implementation_steps=[
                    tr(
                        language,
                        f"Add a Prometheus alerting rule: expr: {_alert_expr(group, alert_at)}, for: 15m.",
                        f"Prometheus 알림 규칙 추가: expr: {_alert_expr(group, alert_at)}, for: 15m.",
                    ),
                    tr(
                        language,
                        "Route it to the owning team; link this tool's answer as the runbook context.",
                        "담당 팀으로 라우팅하고 이 도구의 답변을 런북 맥락으로 연결하세요.",
                    ),
                ],
            )
        )

        limit = ctx.std.limit.value if ctx.std.limit is not None and ctx.std.kind == "carbon_intensity" else None
        candidates: list[recs.Candidate] = []
        pue_target = ctx.pue_std.limit.value if ctx.pue_std.limit is not None else None
        if pue_target is not None:
            candidate = recs.pue_candidate(
                language,
                pue=figures.pue,
                target_pue=pue_target,
                grid_g_per_kwh=ctx.grid.value,
                limit_g_per_kwh=limit,
                pue_limit=ctx.std.limit.value if ctx.std.kind == "pue" and ctx.std.limit is not None else None,
            )
            if candidate:
                candidates.append(candidate)
        best = min(self.service.reference.regions.values(), key=lambda r: r.comparison_intensity.value)
        candidate = recs.migration_candidate(
            language,
            current_region=ctx.reg.code,
            current_comparison_g_per_kwh=ctx.reg.comparison_intensity.value,
            target_region=best.code,
            target_name=best.name_ko if language == "ko" else best.name,
            target_comparison_g_per_kwh=best.comparison_intensity.value,
            pue=figures.pue,
            limit_g_per_kwh=limit,
            current_effective_g_per_kwh=e.intensity,
            leaves_country=ctx.reg.country if ctx.reg.country != best.country else None,
        )
        if candidate:
            candidates.append(candidate)
        shift_start = ""
        if group.owner_kind in BATCH_KINDS and not _daemonset_like(group, ctx.snapshot):
            fraction, shift_start, synthetic = self.service.best_shift(
                ctx.reg, ctx.grid.value, DEFAULT_BATCH_HOURS, now
            )
            candidate = recs.temporal_candidate(
                language,
                fraction=fraction,
                window_start=shift_start,
                duration_hours=DEFAULT_BATCH_HOURS,
                synthetic=synthetic,
            )
            if candidate:
                candidates.append(candidate)
        candidates.append(recs.rightsizing_candidate(language))
        for optimization in recs.rank(candidates, figures.emissions_g_per_hour):
            kind: ActionType = optimization.type
            watts: float | None = 0.0
            if kind == "pue_improvement" and pue_target is not None:
                watts = _r(figures.power_watts * (figures.pue - pue_target))
            elif kind == "resource_rightsizing":
                watts = None
            priority: Priority
            if kind == "pue_improvement":
                priority = "high" if optimization.changes_compliance_status else "medium"
            elif kind == "regional_migration":
                priority = "medium" if optimization.changes_compliance_status else "low"
            elif kind == "temporal_shift":
                priority = "medium" if (optimization.estimated_reduction_percent or 0.0) >= 10.0 else "low"
            else:
                priority = "medium" if large else "low"
            actions.append(
                PreventiveAction(
                    type=kind,
                    priority=priority,
                    resource=resource,
                    title=optimization.title,
                    reason=optimization.description,
                    quantified=optimization.quantified,
                    estimated_reduction_percent=optimization.estimated_reduction_percent,
                    estimated_savings_watts=watts,
                    estimated_savings_gCO2eq_hour=optimization.estimated_savings_gCO2eq_hour,
                    estimated_savings_kgCO2eq_month=optimization.estimated_savings_kgCO2eq_month,
                    changes_compliance_status=optimization.changes_compliance_status,
                    data_basis=optimization.data_basis,
                    implementation_steps=self._steps(kind, group, figures, ctx, shift_start, language),
                )
            )
        return actions

    def _steps(
        self, kind: ActionType, group: _Group, figures: Figures, ctx: _Context, start: str, language: Language
    ) -> list[str]:
        nodes = ", ".join(sorted({p.node for p in group.pods if p.running})) or "-"
        if kind == "pue_improvement":
            return [
                tr(language, f"Measure the facility PUE of nodes {nodes}.", f"노드 {nodes}의 설비 PUE를 측정하세요."),
                tr(
                    language,
                    "Move the pods to nodes in a hall that meets the target (nodeAffinity on a facility label), or "
                    "improve cooling there.",
                    "목표를 만족하는 홀의 노드로 파드를 옮기거나(설비 레이블 nodeAffinity), 해당 홀의 냉방을 개선하세요.",
                ),
            ]
        if kind == "regional_migration":
            return [
                tr(
                    language,
                    f"Check data-residency duties and latency first (get_migration_recommendations for {group.name}).",
                    f"먼저 데이터 소재지 의무와 지연 시간을 확인하세요 ({group.name}에 대해 get_migration_recommendations).",
                ),
                tr(
                    language,
                    "Deploy to a cluster in the target region and shift traffic gradually.",
                    "대상 리전 클러스터에 배포하고 트래픽을 점진적으로 옮기세요.",
                ),
            ]
        if kind == "temporal_shift":
            first = (
                tr(
                    language,
                    f"Set the CronJob's spec.schedule to start at {start} and spec.timeZone to {ctx.reg.timezone}.",
                    f"CronJob의 spec.schedule을 {start} 시작으로, spec.timeZone을 {ctx.reg.timezone}로 설정하세요.",
                )
                if group.owner_kind == "CronJob"
                else tr(
                    language,
                    f"Submit the Job at {start} (or run it from a CronJob with spec.timeZone {ctx.reg.timezone}).",
                    f"Job을 {start}에 제출하세요 (또는 spec.timeZone {ctx.reg.timezone}인 CronJob으로 실행).",
                )
            )
            return [
                first,
                tr(
                    language,
                    "Check the deadline still holds (calculate_optimal_schedule with the real run length).",
                    "마감 시각을 지키는지 확인하세요 (실제 실행 시간으로 calculate_optimal_schedule).",
                ),
            ]
        return [
            tr(
                language,
                f"Compare CPU requests with usage: kubectl top pods -n {group.namespace}.",
                f"CPU 요청량과 사용량 비교: kubectl top pods -n {group.namespace}.",
            ),
            tr(
                language,
                "Run the VPA recommender in Off mode for a week, then lower requests or replicas to peak plus headroom.",
                "VPA 추천기를 Off 모드로 일주일 돌린 뒤 요청량이나 레플리카를 최대치+여유분으로 낮추세요.",
            ),
        ]

    # --- summary -----------------------------------------------------------------------------------------

    def node_share(self, snapshot: Snapshot, reg: Region, node: _NodeFigures, scope_power: float) -> NodePowerShare:
        """A node's power split into what pods account for and what they leave out."""
        unattributed = node.total - node.attributed
        pue, _, _ = self.service.node_pue(snapshot, node.name, reg)
        return NodePowerShare(
            node=node.name,
            total_power_watts=_r(node.total),
            attributed_power_watts=_r(node.attributed),
            unattributed_power_watts=_r(unattributed),
            unattributed_percent=_r(_pct(unattributed, node.total), 2),
            idle_power_watts=None if node.idle is None else _r(node.idle),
            active_unattributed_watts=None if node.active is None else _r(node.active - node.attributed),
            usage_ratio=node.usage,
            running_pods=node.running_pods,
            scope_power_watts=_r(scope_power),
            pue=pue,
        )

    @staticmethod
    def unattributed_explanation(language: Language) -> str:
        """What the power Kepler attributes to no pod is made of."""
        return tr(
            language,
            "Node power minus the power of the running pods on the node. It holds the node's idle power (Kepler "
            "attributes only active power to workloads), the active power of processes outside pods (kubelet, "
            "container runtime, kernel threads, system daemons) and anything Kepler could not attribute. Pod figures "
            "leave it out; the SCI counts reserved-but-idle capacity, so part of it belongs to the workloads.",
            "노드 전력에서 그 노드의 실행 중 파드 전력을 뺀 값입니다. 노드 유휴 전력(Kepler는 활성 전력만 워크로드에 배분), "
            "파드 밖 프로세스(kubelet, 컨테이너 런타임, 커널 스레드, 시스템 데몬)의 활성 전력, Kepler가 배분하지 못한 전력이 "
            "들어 있습니다. 파드 수치에는 빠져 있으며, SCI는 예약되었으나 유휴인 용량도 계산하므로 일부는 워크로드 몫입니다.",
        )

    async def summary(
        self,
        namespace: str | None = None,
        *,
        standard: str | None = None,
        region: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
        language: Language = "en",
    ) -> PowerSummaryResult:
        """Totals, averages, compliance rate, top 3, node count and the unattributed node power."""
        check_limit(limit, MAX_LIMIT)
        ctx = await self._context(namespace, standard, region)
        evaluated = self._order(
            [self._evaluate(ctx, g, language) for g in _groups(ctx.pods, "workload", ctx.snapshot)], "power"
        )
        total = sum(e.figures.power_watts for e in evaluated)
        emissions = sum(e.figures.emissions_g_per_hour for e in evaluated)
        counts = {
            s: sum(1 for e in evaluated if e.status == s) for s in ("COMPLIANT", "NON_COMPLIANT", "NOT_ASSESSABLE")
        }
        assessable = counts["COMPLIANT"] + counts["NON_COMPLIANT"]
        running = [p for p in ctx.pods if p.running]
        scope_by_node: dict[str, float] = defaultdict(float)
        for pod in running:
            scope_by_node[pod.node] += pod.power_watts
        # the cluster: every node; a namespace: the nodes its running pods are on
        node_names = sorted(set(ctx.nodes) | set(scope_by_node)) if ctx.namespace is None else sorted(scope_by_node)
        shares = [
            self.node_share(ctx.snapshot, ctx.reg, ctx.nodes[n], scope_by_node.get(n, 0.0))
            for n in node_names
            if n in ctx.nodes
        ]
        missing = [n for n in node_names if n not in ctx.nodes]
        shares.sort(key=lambda s: (-s.unattributed_power_watts, s.node))
        node_power = sum(ctx.nodes[n].total for n in node_names if n in ctx.nodes)
        attributed = sum(ctx.nodes[n].attributed for n in node_names if n in ctx.nodes)
        unattributed = node_power - attributed
        fingerprint = query_fingerprint(
            "summary",
            {"namespace": ctx.namespace, "standard": ctx.std.code, "region": ctx.reg.code, "limit": limit},
        )
        page = paginate(
            shares,
            limit=limit,
            cursor=cursor,
            fingerprint=fingerprint,
            snapshot_seconds=self._snapshot_seconds(ctx.snapshot),
        )
        notes = self._notes(ctx, language) + self._page_notes(page.stale, language)
        if missing:
            notes.append(
                tr(
                    language,
                    f"No Kepler node series for node(s) {', '.join(missing)}: their unattributed power is unknown and "
                    "not in the totals.",
                    f"노드 {', '.join(missing)}의 Kepler 노드 시계열이 없어 미배분 전력을 알 수 없으며 합계에서 빠졌습니다.",
                )
            )
        if any(s.unattributed_power_watts < 0 for s in shares):
            notes.append(
                tr(
                    language,
                    "On some nodes the pods add up to more than the node's power: Kepler's pod and node readings disagree "
                    "(counter timing or estimation); the negative remainder is shown as is.",
                    "일부 노드에서 파드 합계가 노드 전력보다 큽니다: Kepler의 파드·노드 값이 어긋납니다(카운터 시점 또는 추정). "
                    "음수 잔여분을 그대로 보여줍니다.",
                )
            )
        scope_text = ctx.namespace or tr(language, "the cluster", "클러스터")
        rate = None if assessable == 0 else counts["COMPLIANT"] / assessable * 100.0
        summary = tr(
            language,
            f"{len(evaluated)} workloads in {scope_text}: {fmt(total)} W, {fmt(calc.monthly_kg(emissions), 2)} "
            f"kgCO2eq/month; {counts['COMPLIANT']} of {assessable} assessable meet {ctx.std.code}. "
            f"On their {len(node_names)} node(s), {fmt(unattributed)} W ({fmt(_pct(unattributed, node_power))}%) is "
            "attributed to no pod.",
            f"{scope_text}의 워크로드 {len(evaluated)}개: {fmt(total)} W, 월 {fmt(calc.monthly_kg(emissions), 2)} kgCO2eq; "
            f"평가 가능한 {assessable}개 중 {counts['COMPLIANT']}개가 {ctx.std.code}를 준수합니다. 해당 노드 {len(node_names)}개에서 "
            f"{fmt(unattributed)} W({fmt(_pct(unattributed, node_power))}%)는 어느 파드에도 배분되지 않았습니다.",
        )
        return PowerSummaryResult(
            scope="cluster" if ctx.namespace is None else "namespace",
            namespace=ctx.namespace,
            standard=ctx.std.code,
            region=ctx.reg.code,
            workload_count=len(evaluated),
            pod_series_count=len(ctx.pods),
            running_pod_count=len(running),
            total_power_watts=_r(total),
            average_power_watts_per_workload=_r(total / len(evaluated)) if evaluated else 0.0,
            average_power_watts_per_running_pod=_r(total / len(running)) if running else 0.0,
            total_emissions_gCO2eq_hour=_r(emissions),
            monthly_emissions_kgCO2eq=_r(calc.monthly_kg(emissions)),
            compliant_count=counts["COMPLIANT"],
            non_compliant_count=counts["NON_COMPLIANT"],
            not_assessable_count=counts["NOT_ASSESSABLE"],
            compliance_rate_percent=None if rate is None else _r(rate, 2),
            top_consumers=[self._consumer(e, i + 1, "workload", total) for i, e in enumerate(evaluated[:3])],
            node_count=len(node_names),
            cluster_node_count=len(ctx.snapshot.nodes),
            node_power_watts=_r(node_power),
            attributed_power_watts=_r(attributed),
            unattributed_power_watts=_r(unattributed),
            unattributed_percent=None if node_power <= 0 else _r(_pct(unattributed, node_power), 2),
            unattributed_explanation=self.unattributed_explanation(language),
            nodes=page.items,
            nodes_total_count=page.total,
            omitted_count=page.omitted,
            next_cursor=page.next_cursor,
            grid_carbon_intensity_gCO2eq_kWh=_r(ctx.grid.value),
            summary=summary,
            language=language,
            timestamp=_iso(self._clock().astimezone(UTC)),
            provenance=self._provenance(ctx, total),
            data_source=self.service.data_source_info(ctx.snapshot, self.service.source.description),
            is_demo=ctx.snapshot.is_demo,
            notes=notes,
        )

    # --- resource detail ---------------------------------------------------------------------------------

    async def fetch_detail(
        self, snapshot: Snapshot, families: Collection[str], endpoints: Collection[str] | None
    ) -> DetailScrape:
        if snapshot.generation == "legacy":
            raise InsufficientDataError(
                "container and process detail needs Kepler 0.10 or later (zone-labelled container and process "
                "series); this source runs Kepler 0.7: ask for kind=pod or kind=node instead"
            )
        return await self._fetch(self.service.source, families, endpoints)

    async def resource_power(
        self,
        kind: ResourceKind,
        name: str,
        namespace: str | None = None,
        *,
        region: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
        language: Language = "en",
    ) -> ResourcePowerResult:
        """A node's, pod's, container's or process's power and energy by zone, parents and children."""
        check_limit(limit, MAX_LIMIT)
        if kind not in ("node", "pod", "container", "process"):
            raise InvalidArgumentError(f"kind {safe_repr(str(kind))} is unknown: use node, pod, container or process")
        reg = self.service.region(region)
        ns = None if namespace is None else validate_namespace(namespace)
        snapshot = await self.service.source.snapshot()
        grid = self.service.grid(reg)
        builder = _ResourceBuilder(self, snapshot, reg, grid, language)
        if kind == "node":
            await builder.node(validate_object_name(name, what="node name"))
        elif kind == "pod":
            if ns is None:
                raise InvalidArgumentError("namespace is required for kind=pod")
            await builder.pod(validate_object_name(name, what="pod name"), ns)
        elif kind == "container":
            await builder.container(name, ns)
        else:
            await builder.process(name, ns)
        return builder.result(kind, limit, cursor)

    # --- search ------------------------------------------------------------------------------------------

    async def search(
        self,
        kind: SearchKind = "workload",
        namespace: str | None = None,
        name_pattern: str | None = None,
        min_power_watts: float | None = None,
        max_power_watts: float | None = None,
        status: Status | None = None,
        *,
        standard: str | None = None,
        region: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
        language: Language = "en",
    ) -> SearchResult:
        """Workloads, pods or containers matching every filter, highest power first."""
        check_limit(limit, MAX_LIMIT)
        if kind not in ("workload", "pod", "container"):
            raise InvalidArgumentError(f"kind {safe_repr(str(kind))} is unknown: use workload, pod or container")
        _check_power(min_power_watts, "min_power_watts")
        _check_power(max_power_watts, "max_power_watts")
        if min_power_watts is not None and max_power_watts is not None and min_power_watts > max_power_watts:
            raise InvalidArgumentError(
                f"min_power_watts {min_power_watts} is greater than max_power_watts {max_power_watts}"
            )
        pattern = None if name_pattern is None else glob_to_regex(name_pattern)
        ctx = await self._context(namespace, standard, region)
        hits: list[SearchHit] = []
        notes = self._notes(ctx, language, inferred=kind != "pod")
        if kind in ("workload", "pod"):
            level: Level = "workload" if kind == "workload" else "pod"
            for group in _groups(ctx.pods, level, ctx.snapshot):
                if pattern is not None and not pattern.fullmatch(group.name):
                    continue
                e = self._evaluate(ctx, group, language)
                states = {p.state for p in group.pods}
                hits.append(
                    SearchHit(
                        kind=kind,
                        namespace=group.namespace,
                        name=group.name,
                        workload=group.name if kind == "workload" else infer_owner(group.name).name,
                        pod=None,
                        container_id=None,
                        nodes=sorted({p.node for p in group.pods}),
                        state=states.pop() if len(states) == 1 else "mixed",
                        power_watts=_r(e.figures.power_watts),
                        pue=_r(e.figures.pue, 4),
                        status=e.status,
                        emissions_gCO2eq_hour=_r(e.figures.emissions_g_per_hour),
                        monthly_emissions_kgCO2eq=_r(calc.monthly_kg(e.figures.emissions_g_per_hour)),
                    )
                )
        else:
            hits.extend(await self._container_hits(ctx, pattern, notes, language))
        matching = [
            h
            for h in hits
            if (min_power_watts is None or h.power_watts >= min_power_watts)
            and (max_power_watts is None or h.power_watts <= max_power_watts)
            and (status is None or h.status == status)
        ]
        matching.sort(key=lambda h: (-h.power_watts, h.namespace, h.name, h.pod or "", h.container_id or ""))
        fingerprint = query_fingerprint(
            "search",
            {"kind": kind, "namespace": ctx.namespace, "pattern": name_pattern, "min": min_power_watts,
             "max": max_power_watts, "status": status, "standard": ctx.std.code, "region": ctx.reg.code,
             "limit": limit},
        )  # fmt: skip
        page = paginate(
            matching,
            limit=limit,
            cursor=cursor,
            fingerprint=fingerprint,
            snapshot_seconds=self._snapshot_seconds(ctx.snapshot),
        )
        matched_power = sum(h.power_watts for h in matching)
        notes += self._page_notes(page.stale, language)
        summary = tr(
            language,
            f"{len(matching)} of {len(hits)} {kind}s match ({fmt(matched_power)} W).",
            f"{kind} {len(hits)}개 중 {len(matching)}개가 일치합니다 ({fmt(matched_power)} W).",
        )
        return SearchResult(
            kind=kind,
            namespace=ctx.namespace,
            name_pattern=name_pattern,
            min_power_watts=min_power_watts,
            max_power_watts=max_power_watts,
            status_filter=status,
            standard=ctx.std.code,
            region=ctx.reg.code,
            total_count=page.total,
            hits=page.items,
            omitted_count=page.omitted,
            next_cursor=page.next_cursor,
            matched_power_watts=_r(matched_power),
            grid_carbon_intensity_gCO2eq_kWh=_r(ctx.grid.value),
            summary=summary,
            language=language,
            timestamp=_iso(self._clock().astimezone(UTC)),
            provenance=self._provenance(ctx, matched_power),
            data_source=self.service.data_source_info(ctx.snapshot, self.service.source.description),
            is_demo=ctx.snapshot.is_demo,
            notes=notes,
        )

    async def _container_hits(
        self, ctx: _Context, pattern: re.Pattern[str] | None, notes: list[str], language: Language
    ) -> list[SearchHit]:
        endpoints = None if ctx.namespace is None else sorted({p.endpoint for p in ctx.pods})
        scrape = await self.fetch_detail(ctx.snapshot, schema.CONTAINER_FAMILIES, endpoints)
        notes.extend(scrape.warnings)
        pods_by_uid = {p.uid: p for p in ctx.snapshot.pods if p.uid}
        scope = {(p.namespace, p.uid) for p in ctx.pods}
        hits: list[SearchHit] = []
        orphans = 0
        for container in container_readings(scrape.samples):
            pod = pods_by_uid.get(container.pod_uid)
            if pod is None:
                orphans += 1
                continue
            if (pod.namespace, pod.uid) not in scope:
                continue
            if pattern is not None and not pattern.fullmatch(container.name):
                continue
            pue, _, _ = self.service.node_pue(ctx.snapshot, container.node, ctx.reg)
            intensity = calc.effective_intensity_g_per_kwh(ctx.grid.value, pue)
            emissions = calc.emissions_g_per_hour(container.power_watts, pue, ctx.grid.value)
            hits.append(
                SearchHit(
                    kind="container",
                    namespace=pod.namespace,
                    name=container.name,
                    workload=infer_owner(pod.name).name,
                    pod=pod.name,
                    container_id=container.container_id,
                    nodes=[container.node],
                    state=container.state,
                    power_watts=_r(container.power_watts),
                    pue=pue,
                    status=self.service.evaluate(ctx.std, intensity=intensity, pue=pue),
                    emissions_gCO2eq_hour=_r(emissions),
                    monthly_emissions_kgCO2eq=_r(calc.monthly_kg(emissions)),
                )
            )
        if orphans and ctx.namespace is None:
            notes.append(
                tr(
                    language,
                    f"{orphans} container series belong to pods Kepler no longer exports (no namespace known): skipped.",
                    f"컨테이너 시계열 {orphans}개는 Kepler가 더 이상 내보내지 않는 파드 소속이라(네임스페이스 불명) 제외했습니다.",
                )
            )
        return hits

    # --- migration ---------------------------------------------------------------------------------------

    async def migration(
        self,
        workload_name: str,
        namespace: str = "default",
        *,
        current_region: str | None = None,
        candidate_regions: Sequence[str] | None = None,
        limit: int = 10,
        cursor: str | None = None,
        language: Language = "en",
    ) -> MigrationResult:
        """Regions ranked by the emissions a move would save, with data-residency and latency caveats."""
        check_limit(limit, MAX_MIGRATION_LIMIT)
        comparison = await self.service.regional_comparison(
            workload_name, namespace, current_region, candidate_regions, language
        )
        current = self.service.region(comparison.current_region)
        base = next(row for row in comparison.comparisons if row.is_current)
        rows = sorted(
            (row for row in comparison.comparisons if not row.is_current),
            key=lambda row: (-row.savings_percent, row.region),
        )
        candidates: list[MigrationCandidate] = []
        for index, row in enumerate(rows, start=1):
            crosses = row.country != current.country
            saved = base.emissions_gCO2eq_hour - row.emissions_gCO2eq_hour
            if crosses:
                residency = [current.data_residency_ko if language == "ko" else current.data_residency]
            else:
                residency = [
                    tr(
                        language,
                        f"Stays in {current.country}: not a cross-border transfer; sector rules still apply.",
                        f"{current.country} 안에 머뭅니다: 국외 이전이 아니지만 업종별 규정은 여전히 적용됩니다.",
                    )
                ]
            candidates.append(
                MigrationCandidate(
                    rank=index,
                    region=row.region,
                    name=row.name,
                    name_ko=row.name_ko,
                    country=row.country,
                    recommended=row.savings_percent > 0,
                    grid_carbon_intensity_gCO2eq_kWh=row.grid_carbon_intensity_gCO2eq_kWh,
                    emissions_gCO2eq_hour=row.emissions_gCO2eq_hour,
                    monthly_emissions_kgCO2eq=row.monthly_emissions_kgCO2eq,
                    savings_percent=row.savings_percent,
                    savings_gCO2eq_hour=_r(saved),
                    savings_kgCO2eq_month=_r(calc.monthly_kg(saved)),
                    crosses_border=crosses,
                    data_residency=residency,
                    latency=estimate_latency(current.code, row.region),
                    intensity_provenance=row.intensity_provenance,
                )
            )
        scraped = datetime.fromisoformat(comparison.data_source.scraped_at)
        fingerprint = query_fingerprint(
            "migration",
            {"workload": comparison.workload, "namespace": comparison.namespace, "current": current.code,
             "candidates": sorted(candidate_regions or []), "limit": limit},
        )  # fmt: skip
        page = paginate(
            candidates, limit=limit, cursor=cursor, fingerprint=fingerprint, snapshot_seconds=int(scraped.timestamp())
        )
        best = candidates[0] if candidates and candidates[0].recommended else None
        if best is None:
            text = tr(
                language,
                f"Stay in {current.code}: none of the compared regions has a cleaner grid on this basis.",
                f"{current.code}에 유지하세요: 비교한 리전 중 더 깨끗한 전력망이 없습니다.",
            )
        else:
            rtt = best.latency.indicative_min_rtt_ms
            latency_text = (
                tr(language, "latency unknown", "지연 시간 알 수 없음")
                if rtt is None
                else tr(
                    language,
                    f"round trips of at least {fmt(rtt, 0)} ms from {current.code} (indicative lower bound)",
                    f"{current.code}에서 왕복 최소 {fmt(rtt, 0)} ms (참고용 하한)",
                )
            )
            text = tr(
                language,
                f"{best.region} ({best.name}) saves {fmt(best.savings_percent)}% "
                f"({fmt(best.savings_kgCO2eq_month, 2)} kgCO2eq/month) at the same PUE; expect {latency_text}.",
                f"{best.region} ({best.name_ko})는 같은 PUE에서 {fmt(best.savings_percent)}% "
                f"(월 {fmt(best.savings_kgCO2eq_month, 2)} kgCO2eq)를 줄입니다. {latency_text}.",
            )
            if best.crosses_border:
                text += " " + best.data_residency[0]
        notes = list(comparison.notes)
        notes.append(
            tr(
                language,
                "Latency figures are physical lower bounds from distance, not measurements: measure from your users "
                "before moving an interactive service.",
                "지연 시간 수치는 거리로 계산한 물리적 하한이며 측정값이 아닙니다: 대화형 서비스를 옮기기 전에 사용자 쪽에서 측정하세요.",
            )
        )
        notes += self._page_notes(page.stale, language)
        return MigrationResult(
            workload=comparison.workload,
            namespace=comparison.namespace,
            current_region=current.code,
            power_watts=comparison.power_watts,
            pue=comparison.pue,
            current_emissions_gCO2eq_hour=base.emissions_gCO2eq_hour,
            current_monthly_emissions_kgCO2eq=base.monthly_emissions_kgCO2eq,
            comparison_basis=comparison.comparison_basis,
            total_count=page.total,
            candidates=page.items,
            omitted_count=page.omitted,
            next_cursor=page.next_cursor,
            best_region=None if best is None else best.region,
            recommendation=text,
            latency_method=LATENCY_BASIS,
            language=language,
            timestamp=comparison.timestamp,
            provenance=comparison.provenance,
            data_source=comparison.data_source,
            is_demo=comparison.is_demo,
            notes=notes,
        )


# --- resource detail builder ---------------------------------------------------------------------------


def _zones(zones: Mapping[str, float]) -> dict[str, float]:
    return {zone: _r(value) for zone, value in sorted(zones.items())}


def _not_found(what: str, name: str, known: Sequence[str], where: str) -> NotFoundError:
    near = difflib.get_close_matches(name, known, n=5, cutoff=0.5)
    return NotFoundError(
        f"no {what} {safe_repr(name)} {where}"
        + (f"; did you mean {', '.join(repr(n) for n in near)}?" if near else "")
        + (f" Known: {', '.join(sorted(known)[:20])}{' ...' if len(known) > 20 else ''}" if known and not near else ""),
        suggestions=near or sorted(known)[:5],
    )


class _ResourceBuilder:
    """Collects one resource's figures, parents and children, then builds the result."""

    def __init__(self, explorer: PowerExplorer, snapshot: Snapshot, reg: Region, grid: Grid, language: Language):
        self.x = explorer
        self.service = explorer.service
        self.snapshot = snapshot
        self.reg = reg
        self.grid = grid
        self.language: Language = language
        self.name = ""
        self.namespace: str | None = None
        self.node_name = ""
        self.state = schema.STATE_RUNNING
        self.identifiers: dict[str, str] = {}
        self.power = 0.0
        self.energy = 0.0
        self.zone_w: dict[str, float] = {}
        self.zone_j: dict[str, float] = {}
        self.parents: list[ResourceRef] = []
        self.children_kind: str | None = None
        self.children: list[ChildPower] = []
        self.breakdown: NodePowerShare | None = None
        self.notes: list[str] = []

    # parents

    def _node_ref(self, node: str) -> ResourceRef:
        reading = self.snapshot.node(node)
        return ResourceRef(
            kind="node",
            name=node,
            namespace=None,
            id=None,
            power_watts=None if reading is None else _r(reading.power_watts),
        )

    def _pod_ref(self, pod: PodReading) -> ResourceRef:
        return ResourceRef(
            kind="pod", name=pod.name, namespace=pod.namespace, id=pod.uid or None, power_watts=_r(pod.power_watts)
        )

    @staticmethod
    def _container_ref(container: ContainerReading) -> ResourceRef:
        return ResourceRef(
            kind="container",
            name=container.name,
            namespace=None,
            id=container.container_id,
            power_watts=_r(container.power_watts),
        )

    def _children(self, kind: str, children: list[ChildPower]) -> None:
        self.children_kind = kind
        self.children = sorted(
            children, key=lambda c: (-c.power_watts, c.state != schema.STATE_RUNNING, c.name, c.id or "")
        )

    def _share(self, power: float) -> float | None:
        return None if self.power <= 0 else _r(_pct(power, self.power), 2)

    async def _optional_detail(
        self, families: Collection[str], endpoints: Collection[str] | None
    ) -> DetailScrape | None:
        try:
            scrape = await self.x.fetch_detail(self.snapshot, families, endpoints)
        except (SourceError, InsufficientDataError) as exc:
            self.notes.append(
                tr(self.language, f"Children not listed: {exc}", f"하위 항목을 나열하지 못했습니다: {exc}")
            )
            return None
        self.notes.extend(scrape.warnings)
        return scrape

    # kinds

    async def node(self, name: str) -> None:
        reading = self.snapshot.node(name)
        if reading is None:
            raise _not_found(
                "node",
                name,
                [n.name for n in self.snapshot.nodes],
                f"in the metrics from {self.service.source.description}",
            )
        self.name = self.node_name = name
        self.namespace = None
        self.power = reading.power_watts
        scrape = await self._optional_detail(schema.NODE_ZONE_FAMILIES, [reading.endpoint])
        zones = (
            None if scrape is None else next((z for z in node_zone_readings(scrape.samples) if z.node == name), None)
        )
        if zones is None:
            self.energy = 0.0
            self.notes.append(
                tr(
                    self.language,
                    "Zone figures and energy are unavailable for this node (no zone-labelled node series read).",
                    "이 노드의 영역별 수치와 에너지를 읽지 못했습니다.",
                )
            )
        else:
            self.zone_w, self.zone_j = dict(zones.zone_power_watts), dict(zones.zone_energy_joules)
            self.energy = it_total(zones.zone_energy_joules)
        table = _node_table(self.snapshot)
        pods = [p for p in self.snapshot.pods if p.node == name]
        scope_power = sum(p.power_watts for p in pods if p.running)
        self.breakdown = self.x.node_share(self.snapshot, self.reg, table[name], scope_power)
        self._children(
            "pod",
            [
                ChildPower(
                    kind="pod",
                    name=p.name,
                    namespace=p.namespace,
                    id=p.uid or None,
                    state=p.state,
                    power_watts=_r(p.power_watts),
                    energy_joules=_r(p.energy_joules),
                    share_of_parent_percent=self._share(p.power_watts),
                )
                for p in pods
            ],
        )

    async def pod(self, name: str, namespace: str) -> None:
        pods = self.service.namespace_pods(self.snapshot, namespace)
        matches = sorted((p for p in pods if p.name == name), key=lambda p: (not p.running, p.uid))
        if not matches:
            raise _not_found(
                "pod",
                name,
                sorted({p.name for p in pods}),
                f"in namespace {safe_repr(namespace)} (for a workload, use search_resources)",
            )
        pod = matches[0]
        if len(matches) > 1:
            self.notes.append(
                tr(
                    self.language,
                    f"{len(matches)} series share this pod name (a re-created pod); shown: uid {pod.uid}, state {pod.state}.",
                    f"이 파드 이름의 시계열이 {len(matches)}개입니다(재생성된 파드). 표시: uid {pod.uid}, 상태 {pod.state}.",
                )
            )
        self._set_pod(pod)
        self.parents = [self._node_ref(pod.node)]
        scrape = await self._optional_detail(schema.CONTAINER_FAMILIES, [pod.endpoint])
        if scrape is not None:
            containers = [c for c in container_readings(scrape.samples) if c.pod_uid == pod.uid]
            self._children("container", [self._container_child(c) for c in containers])
            if not containers:
                self.notes.append(
                    tr(
                        self.language,
                        "Kepler exports no container series for this pod.",
                        "Kepler가 이 파드의 컨테이너 시계열을 내보내지 않습니다.",
                    )
                )

    def _set_pod(self, pod: PodReading) -> None:
        self.name, self.namespace, self.node_name, self.state = pod.name, pod.namespace, pod.node, pod.state
        self.identifiers = {"pod_id": pod.uid}
        self.power, self.energy = pod.power_watts, pod.energy_joules
        self.zone_w, self.zone_j = dict(pod.zone_power_watts), dict(pod.zone_energy_joules)

    def _container_child(self, c: ContainerReading) -> ChildPower:
        return ChildPower(
            kind="container",
            name=c.name,
            namespace=self.namespace,
            id=c.container_id,
            state=c.state,
            power_watts=_r(c.power_watts),
            energy_joules=_r(c.energy_joules),
            share_of_parent_percent=self._share(c.power_watts),
        )

    def _process_child(self, p: ProcessReading) -> ChildPower:
        return ChildPower(
            kind="process",
            name=f"{p.pid} ({p.comm})",
            namespace=self.namespace,
            id=p.pid,
            state=p.state,
            power_watts=_r(p.power_watts),
            energy_joules=_r(p.energy_joules),
            share_of_parent_percent=self._share(p.power_watts),
        )

    async def container(self, name: str, namespace: str | None) -> None:
        pods_by_uid = {p.uid: p for p in self.snapshot.pods if p.uid}
        wanted_pod: str | None = None
        if _HEX_ID.fullmatch(name):
            by_id, container_name = name, None
        else:
            by_id = None
            pod_part, sep, container_name = name.rpartition("/")
            if sep:
                wanted_pod = validate_object_name(pod_part, what="pod name")
            if not _LABEL.fullmatch(container_name):
                raise InvalidArgumentError(
                    f"container {safe_repr(container_name)} is not a valid container name: it must be 1-63 lowercase "
                    "letters, digits or '-', starting and ending with a letter or digit; pass <pod>/<container>, "
                    "<container> with a namespace, or a container id (12-64 hex digits)"
                )
            if namespace is None:
                raise InvalidArgumentError(
                    "namespace is required for a container name; or pass the container id (12-64 hex digits)"
                )
        scope_pods = self.snapshot.pods if namespace is None else self.service.namespace_pods(self.snapshot, namespace)
        endpoints = sorted({p.endpoint for p in scope_pods}) if namespace is not None else None
        scrape = await self.x.fetch_detail(self.snapshot, schema.CONTAINER_FAMILIES, endpoints)
        self.notes.extend(scrape.warnings)
        candidates: list[ContainerReading] = []
        for c in container_readings(scrape.samples):
            pod = pods_by_uid.get(c.pod_uid)
            if namespace is not None and (pod is None or pod.namespace != namespace):
                continue
            if by_id is not None and not c.container_id.startswith(by_id):
                continue
            if container_name is not None and c.name != container_name:
                continue
            if wanted_pod is not None and (pod is None or pod.name != wanted_pod):
                continue
            candidates.append(c)
        ids = sorted({c.container_id for c in candidates})
        if not ids:
            where = f"in namespace {safe_repr(namespace)}" if namespace else "in the metrics"
            known = sorted(
                {
                    f"{pods_by_uid[c.pod_uid].name}/{c.name}"
                    for c in container_readings(scrape.samples)
                    if c.pod_uid in pods_by_uid and (namespace is None or pods_by_uid[c.pod_uid].namespace == namespace)
                }
            )
            raise _not_found("container", name, known, where)
        if len(ids) > 1:
            labels = sorted(
                {
                    f"{pods_by_uid[c.pod_uid].name}/{c.name}" if c.pod_uid in pods_by_uid else c.container_id
                    for c in candidates
                }
            )
            raise AmbiguousWorkloadError(
                f"container {safe_repr(name)} matches {len(ids)} containers: {', '.join(labels[:10])}"
                f"{' ...' if len(labels) > 10 else ''}; pass <pod>/<container> or a container id",
                suggestions=labels,
            )
        container = sorted((c for c in candidates), key=lambda c: (not c.running,))[0]
        pod = pods_by_uid.get(container.pod_uid)
        self.name, self.node_name, self.state = container.name, container.node, container.state
        self.namespace = pod.namespace if pod else namespace
        self.identifiers = {
            "container_id": container.container_id,
            "pod_id": container.pod_uid,
            "runtime": container.runtime,
        }
        self.power, self.energy = container.power_watts, container.energy_joules
        self.zone_w, self.zone_j = dict(container.zone_power_watts), dict(container.zone_energy_joules)
        self.parents = ([self._pod_ref(pod)] if pod else []) + [self._node_ref(container.node)]
        if pod is None:
            self.notes.append(
                tr(
                    self.language,
                    "Its pod is not in the pod series (finished and dropped?).",
                    "소속 파드가 파드 시계열에 없습니다 (종료 후 제거?).",
                )
            )
        processes = await self._optional_detail(schema.PROCESS_FAMILIES, [container.endpoint])
        if processes is not None:
            self._children(
                "process",
                [
                    self._process_child(p)
                    for p in process_readings(processes.samples)
                    if p.container_id == container.container_id
                ],
            )

    async def process(self, name: str, namespace: str | None) -> None:
        node_part, sep, pid = name.rpartition("/")
        node = validate_object_name(node_part, what="node name") if sep else None
        if not _PID.fullmatch(pid):
            raise InvalidArgumentError(
                f"process {safe_repr(name)} is not a pid: pass <pid> or <node>/<pid>, a pid being 1-10 digits"
            )
        endpoints: list[str] | None = None
        if node is not None:
            reading = self.snapshot.node(node)
            if reading is None:
                raise _not_found("node", node, [n.name for n in self.snapshot.nodes], "in the metrics")
            endpoints = [reading.endpoint]
        families = schema.PROCESS_FAMILIES | schema.CONTAINER_FAMILIES
        scrape = await self.x.fetch_detail(self.snapshot, families, endpoints)
        self.notes.extend(scrape.warnings)
        containers = {
            c.container_id: c for c in sorted(container_readings(scrape.samples), key=lambda c: not c.running)
        }
        pods_by_uid = {p.uid: p for p in self.snapshot.pods if p.uid}
        matches: list[ProcessReading] = []
        for p in process_readings(scrape.samples):
            if p.pid != pid or (node is not None and p.node != node):
                continue
            if namespace is not None:
                container = containers.get(p.container_id)
                pod = None if container is None else pods_by_uid.get(container.pod_uid)
                if pod is None or pod.namespace != namespace:
                    continue
            matches.append(p)
        if not matches:
            raise NotFoundError(
                f"no process with pid {pid}"
                + (f" on node {node}" if node else "")
                + (f" in namespace {namespace}" if namespace else "")
                + "; list a container's processes with get_resource_power(kind='container', ...)"
            )
        nodes = sorted({p.node for p in matches})
        if len(nodes) > 1:
            raise AmbiguousWorkloadError(
                f"pid {pid} runs on {len(nodes)} nodes ({', '.join(nodes)}); pass <node>/<pid>",
                suggestions=[f"{n}/{pid}" for n in nodes],
            )
        proc = sorted(matches, key=lambda p: (not p.running, p.comm))[0]
        self.name, self.node_name, self.state = f"{proc.pid}", proc.node, proc.state
        self.identifiers = {"pid": proc.pid, "comm": proc.comm, "exe": proc.exe, "type": proc.type}
        if proc.container_id:
            self.identifiers["container_id"] = proc.container_id
        if proc.vm_id:
            self.identifiers["vm_id"] = proc.vm_id
        self.power, self.energy = proc.power_watts, proc.energy_joules
        self.zone_w, self.zone_j = dict(proc.zone_power_watts), dict(proc.zone_energy_joules)
        parents: list[ResourceRef] = []
        container = containers.get(proc.container_id) if proc.container_id else None
        if container is not None:
            parents.append(self._container_ref(container))
            pod = pods_by_uid.get(container.pod_uid)
            if pod is not None:
                self.namespace = pod.namespace
                parents.append(self._pod_ref(pod))
        elif proc.type == schema.PROCESS_TYPE_VM and proc.vm_id:
            parents.append(ResourceRef(kind="vm", name=proc.vm_id, namespace=None, id=proc.vm_id, power_watts=None))
        parents.append(self._node_ref(proc.node))
        self.parents = parents

    # result

    def result(self, kind: ResourceKind, limit: int, cursor: str | None) -> ResourcePowerResult:
        language = self.language
        pue, _, detail = self.service.node_pue(self.snapshot, self.node_name, self.reg)
        emissions = calc.emissions_g_per_hour(self.power, pue, self.grid.value)
        parent_power = self.parents[0].power_watts if self.parents else None
        share = None if not parent_power else _r(_pct(self.power, parent_power), 2)
        fingerprint = query_fingerprint(
            "resource",
            {"kind": kind, "name": self.name, "namespace": self.namespace, "node": self.node_name, "limit": limit},
        )
        page = paginate(
            self.children,
            limit=limit,
            cursor=cursor,
            fingerprint=fingerprint,
            snapshot_seconds=int(self.snapshot.taken_at.timestamp()),
        )
        power_provenance = self.service.power_provenance(self.snapshot, self.power)
        if kind == "node":
            power_provenance = power_provenance.model_copy(
                update={"notes": "node power: Kepler's node series, active + idle, package + dram"}
            )
        notes = list(self.notes)
        if self.snapshot.is_demo:
            notes.insert(
                0,
                tr(
                    language,
                    "Figures come from the built-in demo cluster, not from a real cluster.",
                    "수치는 실제 클러스터가 아닌 내장 데모 클러스터에서 나온 것입니다.",
                ),
            )
        notes.append(tr(language, f"PUE {pue:.2f} from {detail}.", f"PUE {pue:.2f}: {detail}."))
        if page.stale:
            notes.append(
                tr(
                    language,
                    "The metrics were refreshed since the previous page: items may have moved between pages.",
                    "이전 페이지 이후 메트릭이 갱신되어 항목이 페이지 사이에서 이동했을 수 있습니다.",
                )
            )
        return ResourcePowerResult(
            kind=kind,
            name=self.name,
            namespace=self.namespace,
            node=self.node_name,
            state=self.state,
            identifiers=self.identifiers,
            power_watts=_r(self.power),
            energy_joules=_r(self.energy),
            zone_power_watts=_zones(self.zone_w),
            zone_energy_joules=_zones(self.zone_j),
            it_power_rule=_IT_RULE,
            share_of_parent_percent=share,
            pue=pue,
            grid_carbon_intensity_gCO2eq_kWh=_r(self.grid.value),
            region=self.reg.code,
            emissions_gCO2eq_hour=_r(emissions),
            monthly_emissions_kgCO2eq=_r(calc.monthly_kg(emissions)),
            parents=self.parents,
            children_kind=self.children_kind,
            children_total_count=page.total,
            children=page.items,
            omitted_count=page.omitted,
            next_cursor=page.next_cursor,
            node_breakdown=self.breakdown,
            language=language,
            timestamp=_iso(self.snapshot.taken_at.astimezone(UTC)),
            provenance={"grid_carbon_intensity": self.grid.provenance, "current_power": power_provenance},
            data_source=self.service.data_source_info(self.snapshot, self.service.source.description),
            is_demo=self.snapshot.is_demo,
            notes=notes,
        )
