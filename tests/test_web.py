"""The HTTP app's REST side, in process: same answers as MCP, same schemas, errors as problem details."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.types import TextResourceContents
from prometheus_client import generate_latest

from carbon_kepler_mcp.adapters.http.metrics import Metrics, instrument_source
from carbon_kepler_mcp.adapters.http.problems import PROBLEM_MEDIA_TYPE
from carbon_kepler_mcp.adapters.mcp.server import build_server, mcp_tools
from carbon_kepler_mcp.app.context import AppConfig, AppContext
from carbon_kepler_mcp.app.registry import TOOLS, arguments_model, tool_spec
from carbon_kepler_mcp.bootstrap import build_web_app
from carbon_kepler_mcp.errors import SourceUnavailableError
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.base import Snapshot, WindowedSource
from tests.conftest import SPRING_EVENING_KST
from tests.web_harness import asgi_client, frozen_demo_service, strip_keys

pytestmark = pytest.mark.anyio

CURL_BODY = {"workload_name": "ml-training-job", "namespace": "ai-team"}

TOOL_CALLS: dict[str, dict[str, Any]] = {
    "assess_workload_compliance": CURL_BODY,
    "compare_optimization_impact": {**CURL_BODY, "optimizations": ["pue_improvement", "regional_migration"]},
    "list_workloads_by_compliance": {"namespace": "production", "limit": 2},
    "get_regional_comparison": {**CURL_BODY, "comparison_regions": ["ap-northeast-1", "eu-north-1"]},
    "calculate_optimal_schedule": {"workload_name": "nightly-report", "namespace": "batch", "duration_hours": 3},
    "identify_power_hotspots": {"namespace": "ai-team"},
    "list_top_power_consumers": {"limit": 3, "sort_by": "emissions"},
    "get_power_consumption_summary": {"namespace": "production"},
    "get_resource_power": {"kind": "node", "name": "kr-seoul-gpu-1"},
    "search_resources": {"name_pattern": "ml-*"},
    "get_migration_recommendations": {**CURL_BODY, "limit": 3},
}

NEEDS_HISTORY: dict[str, dict[str, Any]] = {"get_emissions_report": {"namespace": "batch", "days": 2}}
"""Tools the demo's direct source cannot answer (Kepler keeps no history): both protocols say so alike."""


@pytest.fixture
async def frozen_service() -> AsyncIterator[AppContext]:
    service = frozen_demo_service()
    try:
        yield service
    finally:
        await service.aclose()


@pytest.fixture
async def client(frozen_service: AppContext) -> AsyncIterator[httpx2.AsyncClient]:
    async with asgi_client(build_web_app(frozen_service)) as c:
        yield c


@pytest.fixture
async def mcp_client(frozen_service: AppContext) -> AsyncIterator[Client]:
    async with Client(build_server(frozen_service, close_context=False)) as c:
        yield c


def _problem(response: httpx2.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:carbon-kepler-mcp:problem:")
    assert body["title"] and body["detail"] and body["instance"]
    return body


async def test_the_original_curl_example_returns_exactly_the_tools_structured_result(
    client: httpx2.AsyncClient, mcp_client: Client
) -> None:
    response = await client.post("/tools/assess_workload_compliance", json=CURL_BODY)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    over_mcp = await mcp_client.call_tool("assess_workload_compliance", CURL_BODY)
    assert response.json() == over_mcp.structured_content
    assert response.json()["status"] == "NON_COMPLIANT"


@pytest.mark.parametrize("tool", sorted(TOOL_CALLS))
async def test_every_tool_answers_over_rest_what_it_answers_over_mcp(
    tool: str, client: httpx2.AsyncClient, mcp_client: Client
) -> None:
    response = await client.post(f"/tools/{tool}", json=TOOL_CALLS[tool])
    assert response.status_code == 200, response.text
    over_mcp = await mcp_client.call_tool(tool, TOOL_CALLS[tool])
    assert not over_mcp.is_error, over_mcp.content
    # The exploring tools stamp their answers with the wall clock; everything else must be identical.
    ignore = frozenset({"timestamp"})
    assert strip_keys(response.json(), ignore) == strip_keys(over_mcp.structured_content, ignore)


@pytest.mark.parametrize("tool", sorted(NEEDS_HISTORY))
async def test_a_tool_that_needs_history_says_so_over_rest_and_mcp_alike(
    tool: str, client: httpx2.AsyncClient, mcp_client: Client
) -> None:
    response = await client.post(f"/tools/{tool}", json=NEEDS_HISTORY[tool])
    assert 400 <= response.status_code < 600 and "PROMETHEUS_URL" in response.json()["detail"]
    over_mcp = await mcp_client.call_tool(tool, NEEDS_HISTORY[tool])
    assert over_mcp.is_error and "PROMETHEUS_URL" in str(over_mcp.content)


async def test_every_mcp_tool_has_a_rest_route_and_a_handler(demo_service: AppContext) -> None:
    mcp = build_server(demo_service, close_context=False)
    listed = {tool.name for tool in await mcp.list_tools()}
    assert listed == {spec.name for spec in TOOLS} == set(TOOL_CALLS) | set(NEEDS_HISTORY)
    paths = build_web_app(demo_service).openapi()["paths"]
    assert {f"/tools/{name}" for name in listed} <= set(paths)


async def test_rest_bodies_and_responses_are_the_mcp_tools_own_models(demo_service: AppContext) -> None:
    mcp = build_server(demo_service, close_context=False)
    public = {tool.name: tool for tool in await mcp.list_tools()}
    spec = build_web_app(demo_service).openapi()
    schemas = spec["components"]["schemas"]
    for tool in mcp_tools(demo_service):
        # REST validates with the registry's argument model; its schema is exactly MCP's public inputSchema.
        rest_model = arguments_model(tool_spec(tool.name))
        assert rest_model.model_json_schema() == public[tool.name].input_schema
        assert rest_model.__name__ == tool.fn_metadata.arg_model.__name__
        operation = spec["paths"][f"/tools/{tool.name}"]["post"]
        body_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert body_ref == f"#/components/schemas/{tool.fn_metadata.arg_model.__name__}"
        assert set(schemas[tool.fn_metadata.arg_model.__name__]["properties"]) == set(
            public[tool.name].input_schema["properties"]
        )
        response_ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        output = tool.fn_metadata.output_model
        assert isinstance(output, type)
        assert response_ref == f"#/components/schemas/{output.__name__}"
        output_schema = public[tool.name].output_schema
        assert output_schema is not None
        assert set(schemas[output.__name__]["properties"]) == set(output_schema["properties"])
        assert {"404", "422", "503"} <= set(operation["responses"])


async def test_get_tools_lists_the_same_schemas_as_mcp_tools_list(
    client: httpx2.AsyncClient, mcp_client: Client
) -> None:
    listed = (await client.get("/tools")).json()
    public = {tool.name: tool for tool in (await mcp_client.list_tools()).tools}
    assert [t["name"] for t in listed] == list(public)
    for entry in listed:
        assert entry["input_schema"] == public[entry["name"]].input_schema
        assert entry["output_schema"] == public[entry["name"]].output_schema
        assert entry["path"] == f"/tools/{entry['name']}"


async def test_an_unknown_workload_is_a_404_problem_with_suggestions(client: httpx2.AsyncClient) -> None:
    response = await client.post(
        "/tools/assess_workload_compliance", json={"workload_name": "web", "namespace": "production"}
    )
    body = _problem(response, 404)
    assert body["type"].endswith(":not-found")
    assert "web" in body["detail"]
    assert body["suggestions"]


async def test_an_unknown_namespace_is_a_404_problem(client: httpx2.AsyncClient) -> None:
    response = await client.post("/tools/list_workloads_by_compliance", json={"namespace": "nope"})
    body = _problem(response, 404)
    assert "production" in body["detail"]


async def test_an_out_of_range_argument_is_a_422_problem_naming_the_field(client: httpx2.AsyncClient) -> None:
    response = await client.post(
        "/tools/calculate_optimal_schedule",
        json={"workload_name": "nightly-report", "namespace": "batch", "duration_hours": 100},
    )
    body = _problem(response, 422)
    assert body["type"].endswith(":invalid-argument")
    assert "duration_hours" in body["detail"]
    assert [e["loc"] for e in body["errors"]] == [["body", "duration_hours"]]


async def test_a_boolean_for_a_numeric_argument_is_a_422_problem(client: httpx2.AsyncClient) -> None:
    body = _problem(await client.post("/tools/search_resources", json={"min_power_watts": False}), 422)
    assert body["type"].endswith(":invalid-argument")
    # which argument, what was given, what is allowed (issue 16)
    assert "min_power_watts: got False — expected a number, got false" in body["detail"]
    assert [e["loc"] for e in body["errors"]] == [["body", "min_power_watts"]]
    body = _problem(
        await client.post("/tools/search_resources", json={"min_power_watts": False, "language": "ko"}), 422
    )
    assert body["title"] == "잘못된 인수"
    assert "min_power_watts: 입력값 False — 숫자여야 합니다" in body["detail"]
    body = _problem(await client.post("/tools/list_top_power_consumers", json={"limit": True}), 422)
    assert [e["loc"] for e in body["errors"]] == [["body", "limit"]]
    response = await client.post("/tools/search_resources", json={"min_power_watts": 0})
    assert response.status_code == 200, response.text
    assert response.json()["min_power_watts"] == 0.0


async def test_a_name_the_service_rejects_is_a_422_problem(client: httpx2.AsyncClient) -> None:
    response = await client.post(
        "/tools/assess_workload_compliance", json={"workload_name": "Bad_Name!", "namespace": "ai-team"}
    )
    body = _problem(response, 422)
    assert "Bad_Name!" in body["detail"]


@pytest.mark.parametrize(
    "tool",
    [
        "assess_workload_compliance",
        "compare_optimization_impact",
        "get_regional_comparison",
        "calculate_optimal_schedule",
    ],
)
async def test_the_window_argument_reaches_the_service_over_rest_as_over_mcp(
    client: httpx2.AsyncClient, tool: str
) -> None:
    body = {"workload_name": "nightly-report", "namespace": "batch", "window": "bogus"}
    problem = _problem(await client.post(f"/tools/{tool}", json=body), 422)
    assert "bogus" in problem["detail"]


async def test_a_window_on_the_direct_source_is_accepted_and_noted(client: httpx2.AsyncClient) -> None:
    response = await client.post("/tools/list_workloads_by_compliance", json={"namespace": "batch", "window": "30m"})
    assert response.status_code == 200
    assert any("window" in note.lower() for note in response.json()["notes"])


async def test_a_missing_required_argument_is_a_422_problem(client: httpx2.AsyncClient) -> None:
    body = _problem(await client.post("/tools/assess_workload_compliance", json={"namespace": "ai-team"}), 422)
    assert body["errors"][0]["loc"] == ["body", "workload_name"]
    assert body["errors"][0]["type"] == "missing"


async def test_a_body_that_is_not_json_is_a_400_problem(client: httpx2.AsyncClient) -> None:
    response = await client.post(
        "/tools/assess_workload_compliance", content=b"{not json", headers={"content-type": "application/json"}
    )
    body = _problem(response, 400)
    assert body["type"].endswith(":malformed-body")


async def test_a_body_sent_as_another_media_type_is_a_415_problem(client: httpx2.AsyncClient) -> None:
    response = await client.post(
        "/tools/assess_workload_compliance", content=json.dumps(CURL_BODY), headers={"content-type": "text/plain"}
    )
    body = _problem(response, 415)
    assert "application/json" in body["detail"]


async def test_an_unknown_tool_is_a_404_problem_listing_the_tools(client: httpx2.AsyncClient) -> None:
    body = _problem(await client.post("/tools/delete_everything", json={}), 404)
    assert "assess_workload_compliance" in body["suggestions"]


async def test_unknown_routes_and_wrong_methods_are_problems_too(client: httpx2.AsyncClient) -> None:
    _problem(await client.get("/no/such/page"), 404)
    _problem(await client.get("/tools/assess_workload_compliance"), 405)
    _problem(await client.delete("/healthz"), 405)


class DownSource:
    """A metrics source whose every scrape fails."""

    kind = "kepler"
    description = "http://kepler.invalid:28282/metrics"

    async def snapshot(self) -> Snapshot:
        raise SourceUnavailableError("cannot connect to Kepler endpoint http://kepler.invalid:28282/metrics")

    async def aclose(self) -> None:
        return None


async def test_a_source_that_is_down_is_a_503_problem_and_not_ready_but_alive() -> None:
    service = AppContext(DownSource(), load_reference_data(), AppConfig(), clock=lambda: SPRING_EVENING_KST)
    async with asgi_client(build_web_app(service)) as client:
        response = await client.post("/tools/assess_workload_compliance", json=CURL_BODY)
        body = _problem(response, 503)
        assert response.headers["retry-after"]
        assert "cannot connect" in body["detail"]
        assert (await client.get("/healthz")).status_code == 200
        ready = await client.get("/readyz")
        body = _problem(ready, 503)
        assert "kepler.invalid" not in ready.text  # unauthenticated route: no endpoint names
        metrics = (await client.get("/metrics")).text
        assert (
            'carbon_kepler_source_failures_total{error="SourceUnavailableError",operation="snapshot",source="kepler"} 2.0'
            in metrics
        )


async def test_readyz_reports_the_source_when_it_answers(client: httpx2.AsyncClient) -> None:
    body = (await client.get("/readyz")).json()
    assert body["status"] == "ready"
    assert body["is_demo"] is True
    assert body["pods"] > 0


async def _read(mcp_client: Client, uri: str) -> Any:
    (content,) = (await mcp_client.read_resource(uri)).contents
    assert isinstance(content, TextResourceContents)
    return json.loads(content.text)


async def test_resource_routes_serve_the_mcp_resource_documents(client: httpx2.AsyncClient, mcp_client: Client) -> None:
    korea = await client.get("/resources/compliance-standards/korea")
    assert korea.json() == await _read(mcp_client, "compliance-standards://korea")
    one = await client.get("/resources/compliance-standards/korea/KR_PUE_GREEN_DC")
    assert one.json() == await _read(mcp_client, "compliance-standards://korea/KR_PUE_GREEN_DC")
    intensity = (await client.get("/resources/carbon-intensity/ap-northeast-2")).json()
    assert intensity["compliance_intensity_gCO2eq_kWh"] == 417.3
    at = await client.get("/resources/carbon-intensity/ap-northeast-2/2026-04-15T12:30:00+09:00")
    assert at.json() == await _read(mcp_client, "carbon-intensity://ap-northeast-2/2026-04-15T12:30:00+09:00")
    pod = await client.get("/resources/workload-metrics/ai-team/jupyter-lab-0")
    assert pod.json() == await _read(mcp_client, "workload-metrics://ai-team/jupyter-lab-0")


async def test_resource_routes_answer_problems_for_unknown_or_malformed_names(client: httpx2.AsyncClient) -> None:
    _problem(await client.get("/resources/compliance-standards/korea/NO_SUCH_STANDARD"), 404)
    _problem(await client.get("/resources/carbon-intensity/xx-nowhere-9"), 404)
    _problem(await client.get("/resources/carbon-intensity/ap-northeast-2/yesterday"), 422)
    _problem(await client.get("/resources/workload-metrics/ai-team/no-such-pod"), 404)


async def test_metrics_count_rest_calls_errors_latency_and_source_cache_hits(client: httpx2.AsyncClient) -> None:
    await client.post("/tools/assess_workload_compliance", json=CURL_BODY)
    await client.post("/tools/assess_workload_compliance", json=CURL_BODY)
    await client.post("/tools/assess_workload_compliance", json={"workload_name": "web", "namespace": "production"})
    response = await client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    labels = 'tool="assess_workload_compliance",transport="rest"'
    assert f"carbon_kepler_tool_calls_total{{{labels}}} 3.0" in text
    assert f'carbon_kepler_tool_errors_total{{error="not-found",{labels}}} 1.0' in text
    assert f"carbon_kepler_tool_duration_seconds_count{{{labels}}} 3.0" in text
    assert 'carbon_kepler_source_cache_misses_total{source="demo"} 1.0' in text
    assert 'carbon_kepler_source_cache_hits_total{source="demo"} 2.0' in text
    assert (
        'carbon_kepler_http_requests_total{method="POST",route="/tools/assess_workload_compliance",status="404"} 1.0'
        in text
    )
    assert "carbon_kepler_build_info" in text


async def test_the_openapi_document_describes_problems_and_has_no_mcp_or_dashboard_routes(
    client: httpx2.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert spec["openapi"].startswith("3.")
    assert "Problem" in spec["components"]["schemas"]
    assert not any(path == "/mcp" or path.startswith("/namespaces") for path in spec["paths"])
    problem = spec["paths"]["/tools/assess_workload_compliance"]["post"]["responses"]["404"]["content"]
    assert PROBLEM_MEDIA_TYPE in problem


async def test_swagger_ui_is_served_from_this_server_not_a_cdn(client: httpx2.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    assert "/docs-static/swagger-ui-bundle.js" in page.text
    assert "cdn." not in page.text
    bundle = await client.get("/docs-static/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.content) > 100_000


async def test_healthz_answers_without_touching_the_source(client: httpx2.AsyncClient) -> None:
    body = (await client.get("/healthz")).json()
    assert body["status"] == "ok"
    metrics = (await client.get("/metrics")).text
    assert "carbon_kepler_source_cache_misses_total{" not in metrics
    assert "carbon_kepler_source_cache_hits_total{" not in metrics


class WindowedDown(DownSource):
    """A windowed (Prometheus-like) source whose queries fail."""

    async def window_snapshot(self, namespace: str | None, window_seconds: int) -> Snapshot:
        raise SourceUnavailableError("Prometheus did not answer")

    async def history(self, *args: object) -> object:
        raise SourceUnavailableError("Prometheus did not answer")


async def test_the_measured_source_offers_exactly_the_capabilities_of_the_wrapped_one() -> None:
    metrics = Metrics()
    plain = instrument_source(DownSource(), metrics)
    windowed = instrument_source(WindowedDown(), metrics)
    assert not isinstance(plain, WindowedSource)
    assert isinstance(windowed, WindowedSource)
    assert plain.description == DownSource.description
    with pytest.raises(SourceUnavailableError):
        await windowed.window_snapshot(None, 3600)  # pyright: ignore[reportAttributeAccessIssue]
    text = generate_latest(metrics.registry).decode()
    assert 'operation="window_snapshot"' in text
    assert 'carbon_kepler_source_failures_total{error="SourceUnavailableError",operation="window_snapshot"' in text
