"""Korean first (issue 16): particles, one term per concept, and no English left in a Korean answer.

To keep ``test_every_korean_answer_is_korean`` green when you add a sentence: write its Korean in the same
``tr(...)`` call. A name, unit or product that stays in Latin letters inside Korean text goes in
``ALLOWED_WORDS`` (one line, with the reason if it is not obvious); a field that is a citation record, not a
sentence (provenance: publisher, source, basis), goes in ``CITATION_FIELDS``.
"""

from __future__ import annotations

import ast
import html
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, cast

import pytest
from rich.cells import cell_len

from carbon_kepler_mcp.app.common import warning_text
from carbon_kepler_mcp.app.registry import TOOLS, tool_spec
from carbon_kepler_mcp.app.requests import parse_request
from carbon_kepler_mcp.bootstrap import build_web_app
from carbon_kepler_mcp.demo.cluster import default_cluster
from carbon_kepler_mcp.domain.i18n import glossary, josa, term
from carbon_kepler_mcp.errors import CarbonKeplerError
from carbon_kepler_mcp.kepler.readings import _duplicates_warning  # pyright: ignore[reportPrivateUsage]
from carbon_kepler_mcp.main import EXIT_USAGE, main
from carbon_kepler_mcp.reference import load_reference_data
from tests.web_harness import asgi_client, frozen_demo_service

PACKAGE = Path(__file__).parent.parent / "src" / "carbon_kepler_mcp"
HANGUL = re.compile(r"[가-힣]")

# --- particles --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "particle", "expected"),
    [
        # Hangul: the last syllable's final consonant decides (워크로드 ends in a vowel, 기준 in ㄴ).
        ("워크로드", "를", "워크로드를"),
        ("워크로드", "을", "워크로드를"),
        ("기준", "를", "기준을"),
        ("기준", "는", "기준은"),
        ("파드", "이", "파드가"),
        ("노드", "과", "노드와"),
        ("전력망", "와", "전력망과"),
        # 으로/로: a vowel or a final ㄹ takes 로 (서울로), any other consonant 으로 (집으로).
        ("노드", "으로", "노드로"),
        ("서울", "으로", "서울로"),
        ("리전 목록", "로", "리전 목록으로"),
        # A parenthesis at the end is skipped: 유럽(스톡홀름) reads 유럽.
        ("유럽(스톡홀름)", "는", "유럽(스톡홀름)은"),
        # Latin names and codes: the reading is unknown, both forms are written.
        ("ml-training-job", "가", "ml-training-job이(가)"),
        ("KR_CARBON_2050", "를", "KR_CARBON_2050을(를)"),
        ("eu-north-1 (유럽(스톡홀름))", "로", "eu-north-1 (유럽(스톡홀름))(으)로"),
        ("Asia/Seoul", "로", "Asia/Seoul(으)로"),
        # Digits: read as Korean or Sino-Korean numbers, so the neutral form as well.
        ("1.40", "로", "1.40(으)로"),
        ("10:00 KST", "를", "10:00 KST을(를)"),
        ("2050", "은", "2050은(는)"),
        # A unit with a fixed reading: W = 와트, % = 퍼센트 (vowels).
        ("9.6 W", "를", "9.6 W를"),
        ("95.0%", "를", "95.0%를"),
    ],
)
def test_the_particle_follows_the_last_sound(word: str, particle: str, expected: str) -> None:
    assert josa(word, particle) == expected


def test_an_unknown_particle_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown particle"):
        josa("노드", "에게")


# --- the glossary -----------------------------------------------------------------------------------------


def test_the_glossary_has_one_term_per_concept() -> None:
    terms = [str(entry["term"]) for entry in glossary().values()]
    assert len(terms) == len(set(terms))
    assert term("emissions") == "배출량"
    assert term("power") == "전력"
    assert term("carbon_intensity") == "탄소 집약도"
    assert (term("compliant"), term("non_compliant"), term("not_assessed")) == ("준수", "미준수", "평가 불가")
    for concept, entry in glossary().items():
        rejected = entry["rejected"]
        assert isinstance(rejected, list)
        assert str(entry["term"]) not in rejected, concept


def _python_strings(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def _toml_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():  # pyright: ignore[reportUnknownVariableType]
            yield from _toml_strings(item)  # pyright: ignore[reportUnknownArgumentType]
    elif isinstance(value, list):
        for item in value:  # pyright: ignore[reportUnknownVariableType]
            yield from _toml_strings(item)  # pyright: ignore[reportUnknownArgumentType]


def korean_texts() -> Iterator[tuple[str, str]]:
    """Every string of the package that holds Korean: Python literals, templates, reference data."""
    for path in sorted(PACKAGE.rglob("*")):
        if path.name == "glossary_ko.toml":
            continue
        if path.suffix == ".py":
            texts: Iterator[str] = _python_strings(path)
        elif path.suffix == ".html":
            texts = iter(path.read_text(encoding="utf-8").splitlines())
        elif path.suffix == ".toml":
            texts = _toml_strings(tomllib.loads(path.read_text(encoding="utf-8")))
        else:
            continue
        for text in texts:
            if HANGUL.search(text):
                yield str(path.relative_to(PACKAGE)), text


def test_korean_texts_use_the_glossary_terms() -> None:
    found = [
        f"{where}: {variant!r} (write {entry['term']!r}) in {text[:80]!r}"
        for where, text in korean_texts()
        for entry in glossary().values()
        for variant in cast("list[str]", entry["rejected"])
        if str(variant) in text
    ]
    assert not found, "\n".join(found)


def test_the_korean_texts_are_found() -> None:
    # The scan above sees the tools, the dashboard's words and the reference data's Korean fields.
    places = {where for where, _ in korean_texts()}
    assert {"app/tools/assess.py", "adapters/http/texts.py", "data/standards.toml"} <= places


# --- no English in a Korean answer ------------------------------------------------------------------------

ALLOWED_WORDS: Final = frozenset(
    {
        # products, projects and data sets (names)
        "Kepler",
        "Prometheus",
        "PromQL",
        "Kubernetes",
        "Electricity",
        "Maps",
        "WattTime",
        "Carbon",
        "Aware",
        "SDK",
        "GeoNames",
        "VPA",
        "RAPL",
        "kube",
        "kubectl",
        "kubelet",
        "CSAP",
        "GDPR",
        "SCC",
        "ESG",
        "SCI",
        "NDC",
        "ODbL",
        "EnEfG",
        "ITSA",
        "KDCC",
        "CNDCP",
        "KPX",
        "KST",
        "UTC",
        "ISO",
        "NaN",
        "ID",
        "PID",
        "TOE",
        # Kubernetes kinds and fields (names, as kubectl shows them)
        "Pod",
        "Job",
        "Jobs",
        "CronJob",
        "CronJobs",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "nodeAffinity",
        "spec",
        "schedule",
        "timeZone",
        "top",
        "pods",
        "Off",
        # abbreviations written in Latin letters in Korean technical text
        "PUE",
        "IT",
        "CPU",
        "GPU",
        "DRAM",
        "dram",
        "package",
        "core",
        "uncore",
        "psys",
        "platform",
        "API",
        "CSV",
        "URL",
        "TLS",
        "HTTP",
        "JSON",
        "MCP",
        "CO2e",
        "true",
        "false",
        "for",
        "expr",
        "sum",
        "Scope",
        "max",
        "rate",  # PromQL functions
        "increase",
        "True",  # a refused value, shown as given
        "False",
        # units
        "W",
        "kW",
        "MW",
        "GW",
        "GWh",
        "kWh",
        "MWh",
        "gCO2eq",
        "kgCO2eq",
        "tCO2eq",
        "ms",
        "km",
        "h",
        "m",
        "s",
        "d",
        # region parts that are codes, and time zones
        "Asia",
        "Seoul",
        # the SCI specification's symbols (ISO/IEC 21031): total embodied, time reserved, expected lifespan, resources
        "TE",
        "TiR",
        "EL",
        "RR",
        "ToR",
        # cloud providers' names, as region names start with them
        "Azure",
        "Google",
        "Cloud",
    }
)
"""Latin words that may stay inside Korean text: names, kinds, abbreviations and units, never English prose."""

CITATION_FIELDS: Final = frozenset(
    {
        "provenance",
        "intensity_provenance",
        "pue_provenance",
        "publisher",
        "source",
        "license",
        "query",
        "promql",
        "rules",
        "hardware",
        "rate_query",
    }
)
"""Keys whose whole subtree is a citation record (who published a figure, where, on what basis) or code, kept as
published: they are cited, not composed by the server."""

KNOWN_GAPS: Final[frozenset[str]] = frozenset()
"""Keys of fields still in English in a Korean answer, to translate next. Remove a key when its text is translated;
never add one for new text (the metrics source's warnings are translated by ``app.common.warning_text``)."""

ENGLISH_NAME_FIELDS: Final = frozenset({"name"})
"""A ``name`` beside a ``name_ko`` is the English name on purpose; it is skipped only where ``name_ko`` exists."""

# Code, identifiers and quoted values inside a sentence are names, not English: PromQL and label matchers, field
# names with underscores, dotted or dashed names, quoted strings, numbers with units.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`")
_CODE = re.compile(
    r"\w*\{[^{}]*\}"  # PromQL selector (after the quoted values inside it are gone)
    r"|<[^>]*>"  # placeholders like <pod>/<container>
    r"|\b[\w.:/+=-]*[_./:=\d-][\w.:/+=-]*"  # identifiers: ml-training-job, kepler_pod_cpu_watts, eu-north-1, 10:00
    r"|\b[A-Z][A-Z0-9_]{2,}\b"  # codes: KR_CARBON_2050, COMPLIANT
)
_WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(text: str, names: frozenset[str] = frozenset()) -> list[str]:
    """The Latin words of ``text`` that are neither names (``ALLOWED_WORDS``, ``names``) nor units nor code."""
    stripped = _CODE.sub(" ", _QUOTED.sub(" ", text))
    return [w for w in _WORD.findall(stripped) if w not in ALLOWED_WORDS and w not in names]


def _names() -> frozenset[str]:
    """The demo cluster's namespaces, workloads, nodes and facilities, and every argument name: names, not prose."""
    cluster = default_cluster(epoch=0.0)
    words: set[str] = set()
    for node in cluster.nodes:
        words.update(_WORD.findall(f"{node.name} {node.facility}"))
    for pod in cluster.pods:
        words.update(_WORD.findall(f"{pod.namespace} {pod.name}"))
    for spec in TOOLS:
        words.update(spec.request.model_fields)
    for code in load_reference_data().regions:  # region codes are names (swedencentral, koreacentral, ...)
        words.update(_WORD.findall(code))
    return frozenset(words)


def _sentences(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every human-readable string of a result: (path, text), skipping citations and values."""
    if isinstance(value, dict):
        mapping: dict[str, Any] = value  # pyright: ignore[reportUnknownVariableType]
        for key, item in mapping.items():
            if key in CITATION_FIELDS | KNOWN_GAPS or (key in ENGLISH_NAME_FIELDS and "name_ko" in mapping):
                continue
            yield from _sentences(item, f"{path}.{key}")
    elif isinstance(value, list):
        items: list[object] = value  # pyright: ignore[reportUnknownVariableType]
        for index, item in enumerate(items):
            yield from _sentences(item, f"{path}[{index}]")
    elif isinstance(value, str) and (" " in value.strip() or HANGUL.search(value)):
        yield path, value  # a single word without Hangul is a value (an enum, a name), not a sentence


# Arguments that reach every tool's answer on the demo cluster (a workload with levers, a node with children).
KO_CALLS: Final[list[tuple[str, dict[str, Any]]]] = [
    ("assess_workload_compliance", {"workload_name": "web-app", "namespace": "production"}),
    ("assess_workload_compliance", {"workload_name": "ml-training-job", "namespace": "ai-team"}),
    ("assess_workload_compliance", {"workload_name": "nightly-report", "namespace": "batch"}),
    ("compare_optimization_impact", {"workload_name": "web-app", "namespace": "production"}),
    ("compare_optimization_impact", {"workload_name": "nightly-report", "namespace": "batch"}),
    ("list_workloads_by_compliance", {"namespace": "production"}),
    ("list_workloads_by_compliance", {"namespace": "ai-team", "limit": 1}),
    ("get_regional_comparison", {"workload_name": "web-app", "namespace": "production"}),
    ("calculate_optimal_schedule", {"workload_name": "nightly-report", "namespace": "batch"}),
    ("identify_power_hotspots", {}),
    ("list_top_power_consumers", {}),
    ("list_top_power_consumers", {"sort_by": "efficiency", "level": "pod", "namespace": "production"}),
    ("get_power_consumption_summary", {}),
    ("get_resource_power", {"kind": "node", "name": "kr-seoul-gpu-1"}),
    ("get_resource_power", {"kind": "pod", "name": "postgres-0", "namespace": "production"}),
    ("search_resources", {}),
    ("search_resources", {"kind": "pod", "name_pattern": "web-*"}),
    ("get_migration_recommendations", {"workload_name": "web-app", "namespace": "production"}),
]

# Arguments that each tool refuses: bad values (refused by the request model) and unknown names (by the tool).
KO_ERRORS: Final[list[tuple[str, dict[str, Any]]]] = [
    ("assess_workload_compliance", {"workload_name": "web-app", "namespace": "no-such-ns"}),
    ("assess_workload_compliance", {"workload_name": "no-such-app", "namespace": "production"}),
    ("assess_workload_compliance", {"workload_name": "web-app", "namespace": "production", "standard": "KR_NOPE"}),
    ("assess_workload_compliance", {"workload_name": "web-app", "namespace": "production", "region": "mars-1"}),
    ("assess_workload_compliance", {"workload_name": "Web_App", "namespace": "production"}),
    ("assess_workload_compliance", {"workload_name": "web-app", "namespace": "production", "window": "soon"}),
    ("compare_optimization_impact", {"workload_name": "web-app", "target_pue": 9}),
    ("compare_optimization_impact", {"workload_name": "web-app", "optimizations": ["magic"]}),
    ("list_workloads_by_compliance", {"namespace": "production", "cursor": "bogus"}),
    ("list_workloads_by_compliance", {"namespace": "production", "limit": True}),
    ("calculate_optimal_schedule", {"workload_name": "nightly-report", "duration_hours": "long"}),
    ("list_top_power_consumers", {"sort_by": "colour"}),
    ("search_resources", {"name_pattern": "WEB[*]"}),
    ("search_resources", {"min_power_watts": 10, "max_power_watts": 1}),
    ("get_resource_power", {"kind": "pod", "name": "postgres-0"}),
    ("get_resource_power", {"kind": "process", "name": "init"}),
    ("get_resource_power", {}),
    ("get_migration_recommendations", {"workload_name": "web-app", "namespace": "production", "limit": 0}),
    ("get_emissions_report", {"namespace": "production"}),
    ("get_emissions_report", {"namespace": "production", "start": "yesterday"}),
]


async def _korean_answer(tool: str, arguments: dict[str, Any]) -> object:
    """The tool's answer in Korean as MCP sends it (the structured result or the error text)."""
    spec = tool_spec(tool)
    service = frozen_demo_service()
    try:
        request = parse_request(spec.request, {**arguments, "language": "ko"})
        result = await spec.run(service, request)
        return result.model_dump(mode="json", by_alias=True)
    except CarbonKeplerError as exc:
        return {"error": exc.text("ko")}
    finally:
        await service.aclose()


def test_every_tool_is_walked() -> None:
    assert {tool for tool, _ in KO_CALLS + KO_ERRORS} == {spec.name for spec in TOOLS}


@pytest.mark.anyio
@pytest.mark.parametrize(("tool", "arguments"), KO_CALLS + KO_ERRORS, ids=lambda v: v if isinstance(v, str) else "")
async def test_every_korean_answer_is_korean(tool: str, arguments: dict[str, Any]) -> None:
    answer = await _korean_answer(tool, arguments)
    names = _names()
    found = [
        f"{path}: {words} in {text[:160]!r}"
        for path, text in _sentences(answer)
        if (words := english_words(text, names))
    ]
    assert not found, "English in a Korean answer (translate it, or allow a name in ALLOWED_WORDS):\n" + "\n".join(
        found
    )


@pytest.mark.anyio
@pytest.mark.parametrize(("tool", "arguments"), KO_ERRORS, ids=lambda v: v if isinstance(v, str) else "")
async def test_the_error_cases_are_errors(tool: str, arguments: dict[str, Any]) -> None:
    answer = await _korean_answer(tool, arguments)
    assert isinstance(answer, dict) and set(answer) == {"error"}  # pyright: ignore[reportUnknownArgumentType]


def test_the_english_detector_sees_prose_and_spares_names() -> None:
    assert english_words("클러스터의 workload 9개가 power 기준 1위") == ["workload", "power"]
    assert english_words("ai-team/ml-training-job이(가) 9.6 W를 넘으면 알림: kepler_pod_cpu_watts{pod='x'}") == []
    assert english_words("KR_CARBON_2050 미준수 (NON_COMPLIANT), Kepler 기준 PUE 1.40") == []


# --- the CLI ------------------------------------------------------------------------------------------------

KO_COMMANDS: Final = [
    ["assess", "ml-training-job", "-n", "ai-team"],
    ["compare", "web-app", "-n", "production"],
    ["list", "-n", "production"],
    ["regions", "web-app", "-n", "production"],
    ["schedule", "nightly-report", "-n", "batch"],
    ["hotspots", "--limit", "3"],
    ["top", "--limit", "3"],
    ["summary", "--limit", "2"],
    ["resource", "node", "kr-seoul-gpu-1", "--limit", "3"],
    ["search", "--limit", "3"],
    ["migrate", "web-app", "-n", "production", "--limit", "3"],
]


def test_every_cli_command_is_walked() -> None:
    assert {argv[0] for argv in KO_COMMANDS} == {spec.command for spec in TOOLS} - {"report"}  # report: Prometheus


@pytest.mark.parametrize("argv", KO_COMMANDS, ids=lambda argv: argv[0])
def test_every_cli_answer_in_korean_is_korean(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--demo", "--lang", "ko"]) == 0
    names = _names() | {"Stockholm"}  # a latency note names no city; region names come in name_ko
    found = [
        f"{line!r}: {words}" for line in capsys.readouterr().out.splitlines() if (words := english_words(line, names))
    ]
    assert not found, "\n".join(found)


def test_a_refused_cli_argument_is_worded_in_korean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["top", "--limit", "0", "--demo", "--lang", "ko"]) == EXIT_USAGE
    err = capsys.readouterr().err
    # which option, what was given, what is allowed
    assert err.strip() == "오류: --limit: 입력값 '0'은(는) 허용 범위를 벗어났습니다. 1 이상이어야 합니다"


def test_korean_tables_line_up_in_display_cells(capsys: pytest.CaptureFixture[str]) -> None:
    # Hangul is two cells wide: a column starts at the same display cell on every line of the table.
    assert main(["list", "-n", "production", "--demo", "--lang", "ko"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("워크로드"))
    rows = [line for line in lines[header + 2 :] if line.strip()][:3]  # web-app, api-gateway, postgres
    column = cell_len(lines[header][: lines[header].index("상태")])
    assert len(rows) == 3
    for row in rows:
        assert cell_len(row[: row.index("준수")]) == column, row
    assert cell_len(lines[header][: lines[header].index("PUE")]) < column


# --- the dashboard ------------------------------------------------------------------------------------------

KO_PAGES: Final = [
    "/",
    "/namespaces/ai-team",
    "/namespaces/production/workloads/web-app",
    "/namespaces/ai-team/workloads/ml-training-job",
    "/namespaces/ai-team/workloads/ml-training-job/schedule",
    "/namespaces/ai-team/workloads/ml-training-job/regions",
    "/namespaces/production/report",  # needs Prometheus: the error page
    "/namespaces/nope",  # not found: the error page
]
_PROVENANCE_BLOCK = re.compile(r'(?s)<details class="provenance">.*?</details>')  # citations, see CITATION_FIELDS
_HIDDEN = re.compile(r"(?s)<(script|style)\b.*?</\1>")
_ATTRIBUTES = re.compile(r'(?:aria-label|title|alt|placeholder)="([^"]*)"')


def page_texts(body: str) -> list[str]:
    """The visible text and the accessible labels of a page, line by line."""
    body = _PROVENANCE_BLOCK.sub(" ", _HIDDEN.sub(" ", body))
    lines = html.unescape(re.sub(r"<[^>]+>", "\n", body)).splitlines()
    return [line.strip() for line in lines if line.strip()] + _ATTRIBUTES.findall(body)


@pytest.mark.anyio
@pytest.mark.parametrize("path", KO_PAGES)
async def test_every_dashboard_page_in_korean_is_korean(path: str) -> None:
    service = frozen_demo_service()
    try:
        async with asgi_client(build_web_app(service)) as client:
            response = await client.get(path, params={"lang": "ko"})
    finally:
        await service.aclose()
    assert response.status_code in (200, 404, 422)
    names = _names() | {"EN"}  # the language switch's label for English
    found = [f"{line!r}: {words}" for line in page_texts(response.text) if (words := english_words(line, names))]
    assert not found, "\n".join(found)


# --- the metrics source's warnings ----------------------------------------------------------------------------

SOURCE_WARNINGS: Final = [
    _duplicates_warning("http://10.0.0.5:28282/metrics", 3),
    "http://10.0.0.5:28282/metrics: skipped 2 pod series with an unknown state label",
    "http://10.0.0.5:28282/metrics: 4 series had NaN/Inf values (a zone Kepler could not read); those zones were left "
    "out and the IT total uses the zones that were read",
    "http://10.0.0.5:28282/metrics: 5 counters went down between two scrapes (Kepler restarted?); their increase was "
    "counted from the reset, as Prometheus rate() does",
    "http://10.0.0.5:28282/metrics: 2 pod(s) appeared between the two scrapes (e.g. web-app-7d9f8b6c5d-x2k4p); their "
    "power needs two samples and is counted as 0 W until the next scrape",
    "3 pods have fewer than two samples in the window (just started?), so neither their energy nor their power can be "
    "counted yet: production/web-app-1, production/web-app-2, production/web-app-3",
    "Kepler's counters reset in the window for 2 pods (a Kepler restart): their energy is Prometheus's increase(), "
    "extrapolated to the window's edges: batch/nightly-report-1, batch/nightly-report-2",
    "node kr-seoul-cpu-1: Kepler reports no dram zone for its pods, so their figures are CPU package only",
    "node kr-seoul-cpu-1: Kepler stopped reporting at 2026-04-14T10:40:00+00:00 (20m before the end of the window); "
    "energy after that is missing for its pods (production/web-app-1), so their figures are too low",
    "node kr-seoul-cpu-1: Prometheus holds Kepler data only from 2026-04-14T10:30:00+00:00 (the last 50% of the "
    "window); energy before that is not in the answer (node or Kepler added, or retention shorter than the window)",
    "node kr-seoul-cpu-1: Kepler's counters reset 2 time(s) in the window (Kepler restarted); increase() counted the "
    "energy across the resets, as Prometheus rate() does, but what was used between the last scrape before a "
    "restart and the restart is lost",
    "Kepler's pseudo-pods (kepler-system/system_processes 12.00 W) are host processes and kernel threads outside any "
    "pod: reported as node overhead, not as workloads",
    "pods owned by Rollout are grouped by naming rules (this server knows the built-in controllers only)",
]


@pytest.mark.parametrize("warning", SOURCE_WARNINGS, ids=lambda w: w[:40])
def test_the_metrics_sources_warnings_are_translated(warning: str) -> None:
    korean = warning_text(warning, "ko")
    assert HANGUL.search(korean) and not korean.startswith("메트릭 소스 경고(원문)")
    assert english_words(korean, _names() | {"Rollout", "system_processes"}) == []
    assert warning_text(warning, "en") == warning


def test_a_warning_without_a_translation_says_it_is_the_original() -> None:
    # the counts and names of the English warning are carried over into the Korean sentence
    assert warning_text(SOURCE_WARNINGS[5], "ko").startswith("파드 3개는 기간 안의 샘플이 두 개 미만이라")
    assert warning_text("something new", "ko") == "메트릭 소스 경고(원문): something new"
