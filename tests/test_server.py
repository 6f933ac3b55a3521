"""Every tool and resource through the official MCP client, in process (both protocol eras)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from mcp import Client, MCPError
from mcp.types import TextResourceContents
from pydantic import ValidationError

from carbon_kepler_mcp.adapters.mcp.server import build_server, mcp_tools
from carbon_kepler_mcp.app.context import AppContext

pytestmark = pytest.mark.anyio

TOOLS = {
    "assess_workload_compliance",
    "compare_optimization_impact",
    "list_workloads_by_compliance",
    "get_regional_comparison",
    "calculate_optimal_schedule",
    "identify_power_hotspots",
    "list_top_power_consumers",
    "get_power_consumption_summary",
    "get_resource_power",
    "search_resources",
    "get_migration_recommendations",
    "get_emissions_report",
}


@pytest.fixture(params=["auto", "legacy"])
async def client(request: pytest.FixtureRequest, demo_service: AppContext) -> AsyncIterator[Client]:
    async with Client(build_server(demo_service, close_context=False), mode=request.param) as c:
        yield c


async def _call(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


async def _read(client: Client, uri: str) -> Any:
    result = await client.read_resource(uri)
    (content,) = result.contents
    assert isinstance(content, TextResourceContents)
    assert content.mime_type == "application/json"
    return json.loads(content.text)


async def test_every_tool_is_listed_read_only_with_input_and_output_schemas(client: Client) -> None:
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.annotations is not None and tool.annotations.read_only_hint is True
        assert tool.output_schema is not None and tool.output_schema.get("type") == "object"
        assert tool.description
        properties = tool.input_schema["properties"]
        assert properties["language"]["enum"] == ["en", "ko"]
    schedule = tools["calculate_optimal_schedule"].input_schema["properties"]["duration_hours"]
    assert schedule["minimum"] == 0.25 and schedule["maximum"] == 24


async def test_assess_reports_the_non_compliant_training_job_with_every_original_field(client: Client) -> None:
    result = await _call(
        client, "assess_workload_compliance", {"workload_name": "ml-training-job", "namespace": "ai-team"}
    )
    for field in (
        "workload",
        "namespace",
        "standard",
        "status",
        "current_power_watts",
        "grid_carbon_intensity_gCO2eq_kWh",
        "estimated_workload_intensity_gCO2eq_kWh",
        "pue",
        "pue_status",
        "carbon_emissions_gCO2eq_hour",
        "recommendation",
        "optimizations",
        "timestamp",
        "region",
    ):
        assert field in result
    assert result["status"] == "NON_COMPLIANT"
    assert result["is_demo"] is True
    assert result["provenance"]["grid_carbon_intensity"]["value"] == 417.3
    assert result["provenance"]["grid_carbon_intensity"]["year"] == 2023


async def test_assess_in_korean_returns_korean_text_and_the_same_numbers(client: Client) -> None:
    args = {"workload_name": "web-app", "namespace": "production"}
    english = await _call(client, "assess_workload_compliance", args)
    korean = await _call(client, "assess_workload_compliance", {**args, "language": "ko"})
    assert korean["carbon_emissions_gCO2eq_hour"] == english["carbon_emissions_gCO2eq_hour"]
    assert korean["status"] == english["status"] == "COMPLIANT"
    assert "기준 이내" in korean["recommendation"] and "자체 벤치마크" in korean["recommendation"]
    assert korean["recommendation"] != english["recommendation"]


async def test_compare_combines_optimisations_multiplicatively(client: Client) -> None:
    result = await _call(
        client,
        "compare_optimization_impact",
        {
            "workload_name": "ml-training-job",
            "namespace": "ai-team",
            "optimizations": ["pue_improvement", "regional_migration"],
            "target_region": "ap-northeast-1",
        },
    )
    pue, migration = (i["reduction_percent"] / 100 for i in result["impacts"])
    assert result["reduction_percent"] == pytest.approx((1 - (1 - pue) * (1 - migration)) * 100, abs=0.01)
    assert result["implementation_steps"]


async def test_list_counts_and_sorts_by_emissions(client: Client) -> None:
    result = await _call(client, "list_workloads_by_compliance", {"namespace": "production"})
    names = [w["workload"] for w in result["workloads"]]
    assert set(names) == {"web-app", "api-gateway", "postgres"}
    emissions = [w["emissions_gCO2eq_hour"] for w in result["workloads"]]
    assert emissions == sorted(emissions, reverse=True)
    assert result["compliant_count"] + result["non_compliant_count"] + result["not_assessed_count"] == 3


async def test_regional_comparison_names_the_best_region_and_residency_duties(client: Client) -> None:
    result = await _call(
        client,
        "get_regional_comparison",
        {"workload_name": "web-app", "namespace": "production", "current_region": "ap-northeast-2"},
    )
    assert result["best_region"] == "eu-north-1"
    assert result["best_region_savings_percent"] > 90
    assert "PIPA" in result["migration_recommendation"] or any("PIPA" in d for d in result["data_residency"])


async def test_schedule_returns_iso_windows_in_korean_time(client: Client) -> None:
    result = await _call(
        client,
        "calculate_optimal_schedule",
        {"workload_name": "nightly-report", "namespace": "batch", "duration_hours": 2},
    )
    assert result["current_window_start"].endswith("+09:00")
    assert result["optimal_window_start"].endswith("+09:00")
    assert result["optimal_grid_intensity_gCO2eq_kWh"] <= result["current_grid_intensity_gCO2eq_kWh"]
    # The seed's names, beside the richer fields: readable ranges with their date, and the grid intensities.
    start = result["optimal_window_start"]
    assert result["optimal_schedule"].startswith(f"{start[:10]} {start[11:16]} KST - ")
    assert result["optimal_carbon_intensity"] == result["optimal_grid_intensity_gCO2eq_kWh"]
    assert result["current_carbon_intensity"] == result["current_grid_intensity_gCO2eq_kWh"]
    # Seoul's hourly data is the synthetic shape: a window as a hint, no percentage or grams.
    assert result["quantified"] is False and result["reduction_percent"] is None
    assert result["optimal_window"]["emissions_gCO2eq"] is None and "synthetic" in result["not_quantified_reason"]


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        ("assess_workload_compliance", {"workload_name": "nope", "namespace": "ai-team"}, "no workload named 'nope'"),
        ("assess_workload_compliance", {"workload_name": "web-app", "namespace": "prod"}, "production"),
        ("assess_workload_compliance", {"workload_name": "Web_App", "namespace": "production"}, "not a valid"),
        (
            "assess_workload_compliance",
            {"workload_name": "web-app", "namespace": "production", "standard": "KR_CARBON_2030"},
            "KR_CARBON_2050",
        ),
        (
            "assess_workload_compliance",
            {"workload_name": "web-app", "namespace": "production", "region": "mars-east-1"},
            "ap-northeast-2",
        ),
        (
            "calculate_optimal_schedule",
            {"workload_name": "nightly-report", "namespace": "batch", "duration_hours": 48},
            "duration_hours",
        ),
        (
            "list_workloads_by_compliance",
            {"namespace": "production", "cursor": "abc"},
            "cursor",
        ),
    ],
)
async def test_bad_arguments_come_back_as_readable_tool_errors(
    client: Client, tool: str, arguments: dict[str, Any], message: str
) -> None:
    result = await client.call_tool(tool, arguments)
    assert result.is_error
    text = " ".join(getattr(c, "text", "") for c in result.content)
    assert message in text


@pytest.mark.parametrize(
    ("tool", "arguments", "field"),
    [
        ("search_resources", {"min_power_watts": False}, "min_power_watts"),
        ("identify_power_hotspots", {"power_threshold_watts": True}, "power_threshold_watts"),
        ("list_workloads_by_compliance", {"namespace": "production", "limit": True}, "limit"),
        (
            "calculate_optimal_schedule",
            {"workload_name": "nightly-report", "namespace": "batch", "duration_hours": True},
            "duration_hours",
        ),
        (
            "compare_optimization_impact",
            {"workload_name": "ml-training-job", "namespace": "ai-team", "target_pue": False},
            "target_pue",
        ),
    ],
)
async def test_a_boolean_for_a_numeric_argument_is_a_readable_tool_error(
    client: Client, tool: str, arguments: dict[str, Any], field: str
) -> None:
    result = await client.call_tool(tool, arguments)
    assert result.is_error
    text = " ".join(getattr(c, "text", "") for c in result.content)
    assert field in text and "expected a number, got" in text


async def test_ints_are_still_accepted_for_float_arguments(client: Client) -> None:
    result = await _call(client, "search_resources", {"min_power_watts": 0, "max_power_watts": 100000})
    assert result["min_power_watts"] == 0.0 and result["max_power_watts"] == 100000.0


async def test_no_numeric_argument_of_any_tool_accepts_a_boolean(demo_service: AppContext) -> None:
    checked = 0
    for tool in mcp_tools(demo_service):
        for name, schema in tool.parameters["properties"].items():
            types = {schema.get("type")} | {branch.get("type") for branch in schema.get("anyOf", [])}
            if not types & {"number", "integer"}:
                continue
            checked += 1
            for value in (True, False):
                with pytest.raises(ValidationError) as info:
                    tool.fn_metadata.arg_model.model_validate({name: value})
                assert any(e["loc"] == (name,) and "expected a number" in e["msg"] for e in info.value.errors()), (
                    tool.name,
                    name,
                )
    assert checked >= 14  # the five core tools have 5 numeric arguments, the exploring tools 9


async def test_the_standards_resources_describe_real_legal_status(client: Client) -> None:
    listing = await _read(client, "compliance-standards://korea")
    codes = {s["code"]: s for s in listing["standards"]}
    assert {"KR_CARBON_2050", "KR_PUE_GREEN_DC"} <= set(codes)
    assert codes["KR_PUE_GREEN_DC"]["legal_status"] == "voluntary"
    assert codes["KR_CARBON_2050"]["legal_status"] == "benchmark"
    detail = await _read(client, "compliance-standards://korea/KR_PUE_GREEN_DC")
    assert detail["limit"]["value"] == 1.4


async def test_an_unknown_standard_resource_is_a_not_found_error(client: Client) -> None:
    with pytest.raises(MCPError):
        await client.read_resource("compliance-standards://korea/NO_SUCH_STANDARD")


async def test_the_intensity_resource_has_profile_extremes_mix_and_provenance(client: Client) -> None:
    data = await _read(client, "carbon-intensity://ap-northeast-2")
    assert data["compliance_intensity_gCO2eq_kWh"] == 417.3
    assert len(data["hourly_profile"]) == 24
    assert data["cleanest_hours"] and data["dirtiest_hours"]
    assert data["grid_mix"]["year"] == 2024
    assert data["hourly_profile_provenance"]["synthetic"] is True


async def test_the_intensity_at_a_timestamp_uses_the_local_hour(client: Client) -> None:
    data = await _read(client, "carbon-intensity://ap-northeast-2/2026-04-15T03:30:00Z")
    assert data["hour_start"] == "2026-04-15T12:00:00+09:00"
    assert data["season"] == "spring"
    assert data["grid_intensity_gCO2eq_kWh"] == pytest.approx(417.3 * data["multiplier"], abs=0.001)


async def test_the_workload_metrics_resource_reports_zones_without_double_counting(client: Client) -> None:
    data = await _read(client, "workload-metrics://production/postgres-0")
    assert data["total_watts"] == pytest.approx(data["zone_watts"]["package"] + data["zone_watts"]["dram"])
    assert data["cpu_watts"] == data["zone_watts"]["package"]
    assert data["node"].startswith("kr-seoul-")
    assert data["collection_method"]


async def test_a_missing_pod_resource_is_a_not_found_error(client: Client) -> None:
    with pytest.raises(MCPError):
        await client.read_resource("workload-metrics://production/no-such-pod")


async def test_a_down_metrics_source_is_a_readable_tool_error_not_a_crash() -> None:
    import socket

    from carbon_kepler_mcp.reference import load_reference_data
    from carbon_kepler_mcp.sources.kepler import KeplerSource

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    service = AppContext(KeplerSource([f"http://127.0.0.1:{port}/metrics"]), load_reference_data())
    async with Client(build_server(service)) as client:
        result = await client.call_tool("list_workloads_by_compliance", {"namespace": "production"})
    assert result.is_error
    text = " ".join(getattr(c, "text", "") for c in result.content)
    assert "cannot connect to Kepler endpoint" in text and "kepler-system" in text
