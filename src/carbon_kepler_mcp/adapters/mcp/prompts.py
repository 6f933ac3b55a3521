"""MCP prompts: the questions platform engineers ask, written out so the assistant answers them fully.

Each prompt names the tools to call, in order, and what the answer must contain (figures with their units
and provenance, what the data does not cover, what to do next), in English or Korean. Arguments are
validated before they are placed in the text (:func:`check_*`), so a prompt never carries arbitrary text
from a caller.
"""

from __future__ import annotations

import re
from typing import Final

from carbon_kepler_mcp.domain.i18n import Language, tr
from carbon_kepler_mcp.domain.names import safe_repr
from carbon_kepler_mcp.errors import InvalidArgumentError

__all__ = [
    "PROMPT_NAMES",
    "batch_schedule_prompt",
    "check_deadline",
    "check_duration_text",
    "compliance_report_prompt",
    "explain_emissions_prompt",
    "hotspot_review_prompt",
]

PROMPT_NAMES: Final = (
    "namespace_compliance_report",
    "carbon_aware_batch_schedule",
    "explain_workload_emissions",
    "power_hotspot_review",
)

_DEADLINE = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def check_deadline(deadline: str | None) -> str | None:
    """A local HH:MM deadline, or None; anything else is refused."""
    if deadline is None or deadline == "":
        return None
    if not _DEADLINE.fullmatch(deadline):
        raise InvalidArgumentError(f"deadline {safe_repr(deadline)} is not a local time HH:MM (00:00-23:59)")
    return deadline


def check_duration_text(duration_hours: str) -> float:
    """A run length in hours between 0.25 and 24, given as text (prompt arguments are strings)."""
    try:
        value = float(duration_hours)
    except ValueError:
        raise InvalidArgumentError(f"duration_hours {safe_repr(duration_hours)} is not a number of hours") from None
    if not 0.25 <= value <= 24:
        raise InvalidArgumentError(f"duration_hours {duration_hours} is out of range: use 0.25 to 24 hours")
    return value


def compliance_report_prompt(namespace: str, standard: str, region: str, language: Language) -> str:
    """A namespace compliance report an auditor or a team lead can read."""
    return tr(
        language,
        f"""Prepare a carbon compliance report for the Kubernetes namespace `{namespace}` against `{standard}` \
(region `{region}`), for a platform team that must explain its numbers to an auditor.

1. Call list_workloads_by_compliance(namespace="{namespace}", standard="{standard}", region="{region}") and \
page through next_cursor until every workload is listed.
2. Call get_power_consumption_summary(namespace="{namespace}") for totals, the compliance rate and the share of \
node power attributed to no pod.
3. For each NON_COMPLIANT workload (at most the five with the highest emissions) call \
assess_workload_compliance and keep its ranked optimizations.

Write the report with these sections:
- Scope and data: metrics source (demo or real cluster, Kepler version, scrape time), grid factor with its year and \
publisher, PUE used and whether it is the facility's measured value (pue_detail).
- Result: number of workloads per status, compliance rate, total power (W), emissions (gCO2eq/h and kgCO2eq/month).
- Non-compliant workloads: a table of workload, power, PUE, effective intensity against the limit, gap in %, and \
the largest quantified lever with its reduction.
- What the figures leave out: the unattributed node power (idle and system) and the legal status of `{standard}` \
(a statutory limit, a voluntary certification or this tool's benchmark).
- Next steps, most CO2e saved first, each with its owner and how to verify it.
Use only figures returned by the tools; say "not available" instead of estimating. Keep units on every number.""",
        f"""쿠버네티스 네임스페이스 `{namespace}`의 `{standard}` 기준 탄소 규정 준수 보고서를 작성해 주세요 \
(리전 `{region}`). 감사 담당자에게 수치를 설명해야 하는 플랫폼 팀이 읽을 보고서입니다.

1. list_workloads_by_compliance(namespace="{namespace}", standard="{standard}", region="{region}", \
language="ko")를 호출하고 next_cursor로 모든 워크로드를 확인하세요.
2. get_power_consumption_summary(namespace="{namespace}", language="ko")로 합계, 준수율, 어느 파드에도 배분되지 \
않은 노드 전력 비율을 확인하세요.
3. 미준수(NON_COMPLIANT) 워크로드마다(배출량 상위 5개까지) assess_workload_compliance를 호출해 순위가 매겨진 개선책을 \
확인하세요.

다음 항목으로 보고서를 작성하세요.
- 범위와 데이터: 메트릭 출처(데모 또는 실제 클러스터, Kepler 버전, 수집 시각), 전력망 탄소 집약도와 연도·발행 기관, 적용한 \
PUE와 그것이 시설 실측값인지 여부(pue_detail).
- 결과: 상태별 워크로드 수, 준수율, 총 전력(W), 배출량(gCO2eq/h, 월 kgCO2eq).
- 미준수 워크로드: 워크로드, 전력, PUE, 기준 대비 실효 탄소 집약도, 초과율(%), 정량화된 가장 큰 개선책과 감축률 표.
- 수치에서 빠진 것: 배분되지 않은 노드 전력(유휴·시스템)과 `{standard}`의 법적 지위(법정 한도, 자발적 인증, 이 도구의 \
벤치마크 중 무엇인지).
- 다음 조치: CO2e 절감이 큰 순서로, 담당자와 검증 방법을 함께.
도구가 돌려준 수치만 사용하고, 없으면 추정하지 말고 "자료 없음"이라고 쓰세요. 모든 수치에 단위를 붙이세요. 한국어로 답하세요.""",
    )


def batch_schedule_prompt(
    workload: str, namespace: str, duration_hours: float, deadline: str | None, region: str, language: Language
) -> str:
    """A carbon-aware schedule for a batch job, with the CronJob change to make."""
    deadline_en = f" It must finish by {deadline} local time." if deadline else ""
    deadline_ko = f" 현지 시각 {deadline}까지 끝나야 합니다." if deadline else ""
    return tr(
        language,
        f"""Plan a carbon-aware schedule for the batch job `{workload}` in namespace `{namespace}` (region `{region}`). \
One run takes about {duration_hours:g} h.{deadline_en}

1. Call calculate_optimal_schedule(workload_name="{workload}", namespace="{namespace}", \
duration_hours={duration_hours:g}, region="{region}").
2. Call compare_optimization_impact(workload_name="{workload}", namespace="{namespace}", \
optimizations=["temporal_shift"], batch_duration_hours={duration_hours:g}, region="{region}") for the CO2e and cost saved.

Answer with:
- the recommended start time (local, with UTC offset) and the run's end, respecting the deadline if one was given; \
if the optimal window misses it, the best window that meets it;
- average grid intensity now vs in that window, the reduction in % and in gCO2eq per run;
- the exact change: the CronJob's spec.schedule (cron syntax) and spec.timeZone, and whether \
startingDeadlineSeconds and concurrencyPolicy need to change;
- how reliable this is: say whether the hourly profile is measured or synthetic, and that compliance status uses \
the annual factor, so shifting changes emissions but not status.""",
        f"""`{namespace}` 네임스페이스의 배치 작업 `{workload}`에 대한 탄소 인지형 실행 일정을 세워 주세요 (리전 `{region}`). \
한 번 실행에 약 {duration_hours:g}시간 걸립니다.{deadline_ko}

1. calculate_optimal_schedule(workload_name="{workload}", namespace="{namespace}", duration_hours={duration_hours:g}, \
region="{region}", language="ko")를 호출하세요.
2. compare_optimization_impact(workload_name="{workload}", namespace="{namespace}", optimizations=["temporal_shift"], \
batch_duration_hours={duration_hours:g}, region="{region}", language="ko")로 절감되는 CO2e와 비용을 확인하세요.

다음을 답해 주세요.
- 권장 시작 시각(현지 시각, UTC 오프셋 포함)과 종료 시각. 마감이 주어졌다면 지키고, 최적 구간이 마감을 넘기면 마감을 지키는 \
가장 좋은 구간;
- 지금과 그 구간의 평균 전력망 탄소 집약도, 감축률(%)과 1회 실행당 gCO2eq;
- 정확한 변경 내용: CronJob의 spec.schedule(cron 문법)과 spec.timeZone, startingDeadlineSeconds와 concurrencyPolicy \
변경 필요 여부;
- 신뢰도: 시간대별 프로파일이 실측인지 합성인지, 준수 판정은 연간 계수를 쓰므로 시간 이동은 배출량만 바꾸고 판정은 바꾸지 \
않는다는 점. 한국어로 답하세요.""",
    )


def explain_emissions_prompt(workload: str, namespace: str, standard: str, language: Language) -> str:
    """Why a workload emits what it does, figure by figure, for someone who has to defend the number."""
    return tr(
        language,
        f"""Explain the carbon emissions of workload `{workload}` in namespace `{namespace}` to an engineer who has to \
defend the number.

1. Call assess_workload_compliance(workload_name="{workload}", namespace="{namespace}", standard="{standard}").
2. Call get_resource_power(kind="pod", name=<its highest-power pod>, namespace="{namespace}") for the power by RAPL \
zone and the containers behind it.
3. Call get_regional_comparison(workload_name="{workload}", namespace="{namespace}") for context.

Walk through the calculation with the actual figures: IT power from Kepler (package + dram, why core and uncore are \
not added), × PUE (its value and where it comes from), × grid intensity (value, year, publisher) = gCO2eq/h, then \
× 730 h = kgCO2eq/month. Then say which container draws most, what the figure leaves out (node idle power, embodied \
emissions), how `{standard}` judges it and what its legal status is, and the two levers that would cut it most, \
with their quantified reductions. Say plainly when the data comes from the demo cluster or the PUE is a default.""",
        f"""`{namespace}` 네임스페이스의 워크로드 `{workload}`의 탄소 배출량을, 그 수치를 설명해야 하는 엔지니어에게 풀어 \
설명해 주세요.

1. assess_workload_compliance(workload_name="{workload}", namespace="{namespace}", standard="{standard}", \
language="ko")를 호출하세요.
2. get_resource_power(kind="pod", name=<전력이 가장 큰 파드>, namespace="{namespace}", language="ko")로 RAPL 영역별 \
전력과 그 뒤의 컨테이너를 확인하세요.
3. 비교를 위해 get_regional_comparison(workload_name="{workload}", namespace="{namespace}", language="ko")을 \
호출하세요.

실제 수치로 계산 과정을 보여 주세요: Kepler의 IT 전력(package + dram, core와 uncore를 더하지 않는 이유) × PUE(값과 \
출처) × 전력망 탄소 집약도(값, 연도, 발행 기관) = gCO2eq/h, × 730시간 = 월 kgCO2eq. 그런 다음 가장 많이 쓰는 컨테이너, 이 \
수치에서 빠진 것(노드 유휴 전력, 내재 배출), `{standard}`가 어떻게 판정하며 그 법적 지위가 무엇인지, 가장 크게 줄일 두 가지 \
방법과 정량화된 감축률을 설명하세요. 데이터가 데모 클러스터에서 왔거나 PUE가 기본값이면 분명히 밝히세요. 한국어로 답하세요.""",
    )


def hotspot_review_prompt(namespace: str | None, language: Language) -> str:
    """Where the power goes and what to do first, for a capacity or FinOps review."""
    scope_en = f"namespace `{namespace}`" if namespace else "the whole cluster"
    scope_ko = f"`{namespace}` 네임스페이스" if namespace else "클러스터 전체"
    arg = f'namespace="{namespace}"' if namespace else ""
    sep = ", " if arg else ""
    return tr(
        language,
        f"""Review where the power of {scope_en} goes and what we should do first.

1. Call get_power_consumption_summary({arg}) and note how much node power no pod accounts for.
2. Call identify_power_hotspots({arg}) and list_top_power_consumers({arg}{sep}sort_by="efficiency").
3. For the largest hotspot, call get_resource_power on its highest-power pod to see which container draws it.

Answer with: the top consumers (power, share, kgCO2eq/month), the nodes with the most unattributed power and whether \
consolidating pods would help, and at most five preventive actions ordered by priority and CO2e saved, each with its \
first implementation step. Keep quantified and unquantified actions apart, and do not invent savings.""",
        f"""{scope_ko}의 전력이 어디에 쓰이는지, 무엇부터 해야 하는지 검토해 주세요.

1. get_power_consumption_summary({arg}{sep}language="ko")를 호출하고 어느 파드에도 배분되지 않은 노드 전력을 확인하세요.
2. identify_power_hotspots({arg}{sep}language="ko")와 list_top_power_consumers({arg}{sep}sort_by="efficiency", \
language="ko")를 호출하세요.
3. 가장 큰 핫스팟의 전력이 가장 큰 파드에 get_resource_power를 호출해 어느 컨테이너가 쓰는지 확인하세요.

상위 소비자(전력, 비중, 월 kgCO2eq), 미배분 전력이 가장 큰 노드와 파드 통합이 도움이 될지, 우선순위와 CO2e 절감 순으로 최대 \
다섯 가지 예방 조치(각각 첫 구현 단계 포함)를 답하세요. 정량화된 조치와 정량화되지 않은 조치를 구분하고, 절감량을 지어내지 \
마세요. 한국어로 답하세요.""",
    )
