"""Preventive actions for a hotspot: an alert rule and the ranked optimisations with their steps."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from carbon_kepler_mcp.app.explore_common import Evaluated, Group, Scope, percent
from carbon_kepler_mcp.app.explore_results import ActionType, PreventiveAction, Priority
from carbon_kepler_mcp.app.footprint import Figures
from carbon_kepler_mcp.app.optimize import optimizations
from carbon_kepler_mcp.domain.i18n import Language, fmt, josa, tr
from carbon_kepler_mcp.domain.names import escape_promql_regex, escape_promql_string
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.domain.workloads import GENERATED_NAME_ALPHABET, looks_like_daemonset
from carbon_kepler_mcp.sources.base import Snapshot

if TYPE_CHECKING:
    from carbon_kepler_mcp.app.context import AppContext


ALERT_HEADROOM = 1.2
"""Alert threshold suggested for a hotspot: 20 % above its current draw (or the hotspot threshold if higher)."""

LARGE_SHARE_PERCENT = 25.0
"""A consumer drawing at least this share of its scope's power gets high-priority actions."""


def daemonset_like(group: Group, snapshot: Snapshot) -> bool:
    """One running pod on each of every node: a DaemonSet, though its pod names read like a Job's."""
    return looks_like_daemonset([p.node for p in group.pods if p.running], {n.name for n in snapshot.nodes})


def pod_regex(group: Group) -> str:
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


def alert_expr(group: Group, threshold_watts: float) -> str:
    """A PromQL alert expression for the group's IT power; every user-derived value is escaped."""
    return (
        f"sum(kepler_pod_cpu_watts{{pod_namespace={escape_promql_string(group.namespace)},"
        f'pod_name=~{escape_promql_string(pod_regex(group))},state="running",zone=~"package|dram"}}) '
        f"> {threshold_watts:g}"
    )


PRIORITY_ORDER: dict[Priority, int] = {"high": 0, "medium": 1, "low": 2}


def preventive_actions(
    ctx: AppContext,
    scope: Scope,
    e: Evaluated,
    scope_power: float,
    threshold: float,
    check: bool,
    now: datetime,
    language: Language,
) -> list[PreventiveAction]:
    group, figures = e.group, e.figures
    resource = f"{group.namespace}/{group.name}"
    share = percent(figures.power_watts, scope_power)
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
                f"{josa(resource, '가')} {fmt(alert_at)} W를 넘으면 알림",
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
                    f"Add a Prometheus alerting rule: expr: {alert_expr(group, alert_at)}, for: 15m.",
                    f"Prometheus 알림 규칙 추가: expr: {alert_expr(group, alert_at)}, for: 15m.",
                ),
                tr(
                    language,
                    "Route it to the owning team; link this tool's answer as the runbook context.",
                    "담당 팀으로 라우팅하고 이 도구의 답변을 런북 맥락으로 연결하세요.",
                ),
            ],
        )
    )

    shiftable = ctx.shiftable(scope.snapshot, group.namespace, group.name, group.owner_kind, group.pods)
    ranked, shift_start = optimizations(
        ctx.reference,
        language,
        std=scope.std,
        pue_std=scope.pue_std,
        region=scope.reg,
        grid=scope.grid.value,
        snapshot=scope.snapshot,
        pods=group.pods,
        figures=figures,
        intensity=e.intensity,
        shiftable=shiftable,
        now=now,
    )
    pue_target = scope.pue_std.limit.value if scope.pue_std.limit is not None else None
    for optimization in ranked:
        kind: ActionType = optimization.type
        watts: float | None = 0.0
        if kind == "pue_improvement" and pue_target is not None:
            watts = rounded(figures.power_watts * (figures.pue - pue_target))
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
                implementation_steps=steps(kind, group, figures, scope, shift_start or "", language),
            )
        )
    return actions


def steps(kind: ActionType, group: Group, figures: Figures, scope: Scope, start: str, language: Language) -> list[str]:
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
                f"Set the CronJob's spec.schedule to start at {start} and spec.timeZone to {scope.reg.timezone}.",
                f"CronJob의 spec.schedule을 {start} 시작으로, spec.timeZone을 {josa(scope.reg.timezone, '로')} 설정하세요.",
            )
            if group.owner_kind == "CronJob"
            else tr(
                language,
                f"Submit the Job at {start} (or run it from a CronJob with spec.timeZone {scope.reg.timezone}).",
                f"Job을 {start}에 제출하세요 (또는 spec.timeZone {scope.reg.timezone}인 CronJob으로 실행).",
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
