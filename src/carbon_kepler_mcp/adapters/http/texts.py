"""The dashboard's own words in English and Korean (the sentences inside results come from the service).

Every entry holds both languages, so a missing translation is impossible by construction; numbers, units
and codes are never translated.
"""

from __future__ import annotations

from carbon_kepler_mcp.domain.i18n import STATUS_KO, Language

TEXTS: dict[str, tuple[str, str]] = {
    "app_name": ("Carbon Kepler", "Carbon Kepler"),
    "tagline": (
        "Carbon emissions and compliance of Kubernetes workloads, from Kepler power metrics",
        "Kepler 전력 메트릭으로 본 쿠버네티스 워크로드의 탄소 배출량과 규정 준수",
    ),
    "skip": ("Skip to content", "본문으로 건너뛰기"),
    "breadcrumb": ("Breadcrumb", "이동 경로"),
    "nav_overview": ("Overview", "개요"),
    "nav_api": ("API docs", "API 문서"),
    "nav_language": ("Language", "언어"),
    "logout": ("Sign out", "로그아웃"),
    "demo_banner": (
        "Demo cluster: these figures come from the built-in demo cluster, not from a real cluster.",
        "데모 클러스터: 이 수치는 실제 클러스터가 아닌 내장 데모 클러스터에서 나온 것입니다.",
    ),
    "overview_title": ("Namespaces", "네임스페이스"),
    "overview_lead": (
        "Compliance of every namespace with {standard}. Pick one to see its workloads, highest emissions first.",
        "각 네임스페이스의 {standard} 준수 현황입니다. 네임스페이스를 선택하면 배출량이 높은 순으로 워크로드를 볼 수 있습니다.",
    ),
    "cluster_totals": ("Cluster totals", "클러스터 합계"),
    "workloads": ("Workloads", "워크로드"),
    "workload": ("Workload", "워크로드"),
    "namespace": ("Namespace", "네임스페이스"),
    "compliant": ("Compliant", "준수"),
    "non_compliant": ("Non-compliant", "미준수"),
    "not_assessable": ("Not assessable", "평가 불가"),
    "power": ("Power (IT)", "전력 (IT)"),
    "cpu_dram": ("CPU+DRAM", "CPU+DRAM"),
    "gpu": ("GPU", "GPU"),
    "idle_share": ("idle share", "유휴 전력 몫"),
    "emissions": ("Emissions", "배출량"),
    "per_month": ("per month", "월간"),
    "grid_intensity": ("Grid intensity", "전력망 탄소 집약도"),
    "effective_intensity": ("Effective intensity (grid × PUE)", "실효 탄소 집약도 (전력망 × PUE)"),
    "intensity": ("Intensity", "탄소 집약도"),
    "target": ("target", "목표"),
    "pue": ("PUE", "PUE"),
    "status": ("Status", "상태"),
    "kind": ("Kind", "종류"),
    "pods": ("Pods", "파드"),
    "pod": ("Pod", "파드"),
    "running": ("running", "실행 중"),
    "node": ("Node", "노드"),
    "state": ("State", "상태"),
    "rank": ("#", "#"),
    "open_namespace": ("Open namespace {namespace}", "{namespace} 네임스페이스 열기"),
    "share_of_emissions": ("Share of the namespace's emissions", "네임스페이스 배출량 중 비중"),
    "workloads_caption": (
        "Workloads of {namespace}, highest emissions first ({standard}, {region})",
        "{namespace}의 워크로드, 배출량 높은 순 ({standard}, {region})",
    ),
    "recommendations": ("Recommendations, ranked by estimated reduction", "예상 감축량 순 권장 사항"),
    "reduction": ("Reduction", "감축"),
    "not_quantified": ("not quantified", "정량화 불가"),
    "changes_status": ("would change the status on its own", "단독으로 준수 상태를 바꿀 수 있음"),
    "data_basis": ("Based on", "근거"),
    "schedule": ("Best time to run", "최적 실행 시간"),
    "schedule_link": ("Best time to run (24 h)", "최적 실행 시간 (24시간)"),
    "regions": ("Regional comparison", "리전 비교"),
    "regions_link": ("Compare regions", "리전 비교"),
    "back_to": ("Back to {name}", "{name}(으)로 돌아가기"),
    "standard": ("Standard", "기준"),
    "region": ("Region", "리전"),
    "legal_status": ("What it is", "법적 성격"),
    "pue_status": ("PUE vs {standard}", "PUE vs {standard}"),
    "pue_source": ("PUE source", "PUE 출처"),
    "provenance": ("Where the numbers come from", "수치 출처"),
    "notes": ("Notes", "참고"),
    "source": ("Metrics source", "메트릭 소스"),
    "scraped_at": ("read at", "수집 시각"),
    "duration": ("Run length (hours)", "실행 시간 (시간)"),
    "update": ("Update", "적용"),
    "chart_intensity_title": (
        "Grid carbon intensity over the next 24 hours in {region}",
        "{region}의 향후 24시간 전력망 탄소 집약도",
    ),
    "chart_intensity_desc": (
        "Hourly intensity in gCO2eq/kWh, local time ({tz}). The highlighted band is the optimal {hours} h window, "
        "{start} to {end}, averaging {value} gCO2eq/kWh; now averages {now_value}.",
        "시간별 탄소 집약도(gCO2eq/kWh, 현지 시각 {tz}). 강조된 구간은 {hours}시간 최적 구간 {start}–{end}이며 평균 "
        "{value} gCO2eq/kWh입니다. 지금 시작하면 평균 {now_value}입니다.",
    ),
    "optimal_window": ("Optimal window", "최적 구간"),
    "now": ("now", "지금"),
    "current_start": ("Start now", "지금 시작"),
    "optimal_start": ("Optimal start", "최적 시작"),
    "avg_intensity": ("average intensity", "평균 탄소 집약도"),
    "run_emissions": ("emissions of one run", "1회 실행 배출량"),
    "hint_only": ("A hint, not a saving", "절감량이 아닌 참고 사항"),
    "report": ("Emissions report", "배출량 보고서"),
    "report_link": ("Emissions over past days", "지난 며칠간의 배출량"),
    "report_total": ("Total emissions", "총 배출량"),
    "report_energy": ("IT energy", "IT 에너지"),
    "report_coverage": ("Hours with data", "데이터가 있는 시간"),
    "report_period": ("Period", "기간"),
    "report_csv": ("Download CSV", "CSV 내려받기"),
    "partial_hours": ("{n} h with data", "데이터 {n}시간"),
    "row_start": ("Start", "시작"),
    "chart_report_title": ("Emissions of {scope} per period", "{scope}의 기간별 배출량"),
    "chart_report_desc": (
        "Bars of gCO2eq per row from {start} to {end}; a row with hours missing from Prometheus is marked.",
        "{start}부터 {end}까지 행별 gCO2eq 막대입니다. Prometheus에 없는 시간이 있는 행은 표시됩니다.",
    ),
    "tied_windows": ("Equally good windows", "동일하게 좋은 구간"),
    "hour": ("Hour", "시각"),
    "show_table": ("Show the numbers as a table", "표로 보기"),
    "chart_regions_title": (
        "{workload} in other regions, same PUE, one intensity basis",
        "다른 리전에서의 {workload} (같은 PUE, 같은 탄소 집약도 기준)",
    ),
    "chart_regions_desc": (
        "Emissions in gCO2eq/h if the workload ran in each region. Lowest: {best}. Current: {current}.",
        "각 리전에서 실행할 때의 배출량(gCO2eq/h). 최저: {best}. 현재: {current}.",
    ),
    "current": ("current", "현재"),
    "best": ("lowest", "최저"),
    "savings": ("Savings", "절감"),
    "basis": ("Basis", "기준"),
    "residency": ("Data residency", "데이터 소재지"),
    "login_title": ("Sign in", "로그인"),
    "login_lead": (
        "This server requires an API token. This browser then holds a random session id in an HttpOnly cookie, "
        "never the token itself.",
        "이 서버는 API 토큰이 필요합니다. 로그인하면 이 브라우저에는 토큰이 아니라 임의의 세션 ID만 HttpOnly 쿠키로 "
        "보관됩니다.",
    ),
    "token": ("API token", "API 토큰"),
    "sign_in": ("Sign in", "로그인"),
    "login_failed": ("That token is not accepted.", "토큰이 올바르지 않습니다."),
    "login_throttled": (
        "Too many wrong sign-ins from this address: wait a minute, then try again.",
        "이 주소에서 잘못된 로그인 시도가 너무 많습니다. 1분 후에 다시 시도하세요.",
    ),
    "error_title": ("Something is not right", "문제가 있습니다"),
    "did_you_mean": ("Did you mean", "혹시 이것인가요"),
    "footer": (
        "Figures carry their provenance; see the methodology in the repository's docs/methodology.md.",
        "모든 수치에는 출처가 있습니다. 저장소의 docs/methodology.md에서 계산 방법을 확인하세요.",
    ),
}


# Enum values and field names shown on the pages (legal status, PUE source, pod state, provenance keys, Kepler
# generation); a value without an entry is shown as it is (a name).
VALUES: dict[str, tuple[str, str]] = {
    "statutory": ("statutory duty", "법적 의무"),
    "statutory_reporting": ("statutory reporting duty", "법적 신고 의무"),
    "voluntary": ("voluntary certification", "자율 인증"),
    "target": ("target", "목표"),
    "benchmark": ("benchmark", "비교 기준"),
    "design_standard": ("design standard", "설계 표준"),
    "operator_node_setting": ("operator setting for the node", "노드별 운영자 설정"),
    "operator_setting": ("operator setting", "운영자 설정"),
    "source_facility": ("the metrics source's facility", "메트릭 소스의 설비 값"),
    "region_default": ("region default", "리전 기본값"),
    "running": ("running", "실행 중"),
    "idle": ("idle", "유휴"),
    "terminated": ("terminated", "종료됨"),
    "mixed": ("mixed", "혼합"),
    "current": ("Kepler current (0.10 or later)", "Kepler 0.10 이상"),
    "legacy": ("Kepler 0.7", "Kepler 0.7"),
    "grid_carbon_intensity": ("grid carbon intensity", "전력망 탄소 집약도"),
    "pue": ("PUE", "PUE"),
    "current_power": ("measured power", "측정 전력"),
    "standard_limit": ("standard limit", "기준값"),
    "pue_target": ("PUE target", "PUE 목표"),
    "hourly_profile": ("hourly profile", "시간대별 프로파일"),
    "electricity_price": ("electricity price", "전기 요금"),
    "current_region_intensity": ("current region intensity", "현재 리전 탄소 집약도"),
    "synthetic": ("synthetic", "합성값"),
}


def value_label(language: Language, value: str) -> str:
    """An enum value or field name for people ("benchmark" → "비교 기준"); unknown values are names, shown as is."""
    entry = VALUES.get(value)
    if entry is None:
        return value
    return entry[1] if language == "ko" else entry[0]


def text(language: Language, key: str, **values: object) -> str:
    """The dashboard text ``key`` in ``language``, with ``{placeholders}`` filled."""
    en, ko = TEXTS[key]
    template = ko if language == "ko" else en
    return template.format(**values) if values else template


def status_label(language: Language, status: str) -> str:
    """A compliance status for the badge ("NON_COMPLIANT" → "Non-compliant" / "미준수")."""
    if language == "ko":
        return STATUS_KO.get(status, status)
    return status.replace("_", " ").capitalize().replace("Non compliant", "Non-compliant")
