"""Top consumers: workloads or pods ranked by power, emissions or efficiency."""

from __future__ import annotations

from datetime import UTC

from carbon_kepler_mcp.app.common import data_source_info
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.explore_common import (
    consumer,
    evaluate,
    group_pods,
    iso,
    ordered,
    page_notes,
    provenance,
    scope_notes,
    scope_of,
    snapshot_seconds,
)
from carbon_kepler_mcp.app.explore_results import TopConsumersResult
from carbon_kepler_mcp.app.requests import MAX_LIMIT, TopConsumersRequest
from carbon_kepler_mcp.domain.i18n import Language, fmt, ko_word, tr
from carbon_kepler_mcp.domain.names import safe_repr
from carbon_kepler_mcp.domain.paging import check_limit, paginate, query_fingerprint
from carbon_kepler_mcp.domain.units import rounded
from carbon_kepler_mcp.errors import InvalidArgumentError


async def run(ctx: AppContext, req: TopConsumersRequest) -> TopConsumersResult:
    """Consumers ranked by power (highest first), emissions (highest first) or efficiency (least first)."""
    namespace, limit, sort_by, level, standard, region, cursor, language, window = (
        req.namespace,
        req.limit,
        req.sort_by,
        req.level,
        req.standard,
        req.region,
        req.cursor,
        req.language,
        req.window,
    )
    check_limit(limit, MAX_LIMIT)
    if sort_by not in ("power", "efficiency", "emissions"):
        raise InvalidArgumentError(f"sort_by {safe_repr(str(sort_by))} is invalid: use power, efficiency or emissions")
    scope = await scope_of(ctx, namespace, standard, region, window)
    evaluated = ordered(
        [evaluate(ctx, scope, g, language) for g in group_pods(scope.pods, level, scope.snapshot)], sort_by
    )
    scope_power = sum(e.figures.power_watts for e in evaluated)
    fingerprint = query_fingerprint(
        "top_consumers",
        {"namespace": scope.namespace, "sort_by": sort_by, "level": level, "standard": scope.std.code,
         "region": scope.reg.code, "limit": limit},
    )  # fmt: skip
    page = paginate(
        evaluated,
        limit=limit,
        cursor=cursor,
        fingerprint=fingerprint,
        snapshot_seconds=snapshot_seconds(scope.snapshot),
    )
    consumers = [consumer(e, page.offset + i + 1, level, scope_power) for i, e in enumerate(page.items)]
    order = {
        "power": tr(language, "IT power, highest first", "IT 전력 높은 순"),
        "emissions": tr(language, "emissions, highest first", "배출량 높은 순"),
        "efficiency": tr(
            language,
            "node overhead watts per attributed watt, least efficient first (unknown last)",
            "배분 전력 1 W당 노드 미배분 전력, 비효율 높은 순 (알 수 없음은 마지막)",
        ),
    }[sort_by]
    scope_text = scope.namespace or tr(language, "the cluster", "클러스터")
    if consumers:
        top = consumers[0]
        month_en = month_ko = ""
        if top.monthly_emissions_kgCO2eq is not None:
            month_en = f", {fmt(top.monthly_emissions_kgCO2eq, 2)} kgCO2eq/month"
            month_ko = f", 월 {fmt(top.monthly_emissions_kgCO2eq, 2)} kgCO2eq"
        summary = tr(
            language,
            f"{len(evaluated)} {level}s in {scope_text} draw {fmt(scope_power)} W; first by {sort_by}: "
            f"{top.namespace}/{top.name} ({fmt(top.power_watts)} W{month_en}).",
            f"{scope_text}의 {ko_word(level)} {len(evaluated)}개가 {fmt(scope_power)} W를 씁니다. {ko_word(sort_by)} 기준 1위: "
            f"{top.namespace}/{top.name} ({fmt(top.power_watts)} W{month_ko}).",
        )
    else:
        summary = tr(language, "No consumer on this page.", "이 페이지에 항목이 없습니다.")
    notes = scope_notes(ctx, scope, language, inferred=level == "workload") + page_notes(page.stale, language)
    return TopConsumersResult(
        scope="cluster" if scope.namespace is None else "namespace",
        namespace=scope.namespace,
        level=level,
        sort_by=sort_by,
        standard=scope.std.code,
        region=scope.reg.code,
        total_count=page.total,
        consumers=consumers,
        omitted_count=page.omitted,
        next_cursor=page.next_cursor,
        scope_power_watts=rounded(scope_power),
        grid_carbon_intensity_gCO2eq_kWh=rounded(scope.grid.value),
        order=order,
        efficiency_method=efficiency_method(language),
        summary=summary,
        language=language,
        timestamp=iso(ctx.now().astimezone(UTC)),
        provenance=provenance(ctx, scope, scope_power),
        data_source=data_source_info(scope.snapshot, ctx.source.description, language),
        is_demo=scope.snapshot.is_demo,
        notes=notes,
    )


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
