"""One footprint per workload: every tool that reports a workload gives the same figures for it, over MCP.

The figures are read from each tool's structured result as a client sees them; none is recomputed here, so the
test fails whenever two tools compute a workload differently (the regional comparison once used its own grid
factor, the exploring tools their own snapshot).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from mcp import Client

from carbon_kepler_mcp.adapters.mcp.server import build_server
from carbon_kepler_mcp.app.context import AppContext

pytestmark = pytest.mark.anyio

NAMESPACES = ("production", "ai-team", "batch", "monitoring")


@pytest.fixture
async def client(demo_service: AppContext) -> AsyncIterator[Client]:
    async with Client(build_server(demo_service, close_context=False)) as c:
        yield c


async def _call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


def _by_name(rows: list[dict[str, Any]], key: str = "name") -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in rows}


async def test_every_tool_reports_the_same_figures_for_every_workload(client: Client) -> None:
    checked = moves = 0
    for namespace in NAMESPACES:
        listing = await _call(client, "list_workloads_by_compliance", namespace=namespace, limit=200)
        hotspots = await _call(
            client, "identify_power_hotspots", namespace=namespace, power_threshold_watts=0, limit=200
        )
        consumers = await _call(client, "list_top_power_consumers", namespace=namespace, limit=200)
        summary = await _call(client, "get_power_consumption_summary", namespace=namespace, limit=200)
        search = await _call(client, "search_resources", kind="workload", namespace=namespace, limit=200)
        hot, top, summed, found = (
            _by_name(hotspots["hotspots"]),
            _by_name(consumers["consumers"]),
            _by_name(summary["top_consumers"]),
            _by_name(search["hits"]),
        )
        assert listing["workloads"], namespace
        for row in listing["workloads"]:
            name = row["workload"]
            assess = await _call(client, "assess_workload_compliance", workload_name=name, namespace=namespace)
            compare = await _call(client, "compare_optimization_impact", workload_name=name, namespace=namespace)
            regional = await _call(client, "get_regional_comparison", workload_name=name, namespace=namespace)
            migration = await _call(
                client, "get_migration_recommendations", workload_name=name, namespace=namespace, limit=50
            )
            current = next(r for r in regional["comparisons"] if r["is_current"])
            where = f"{namespace}/{name}"

            power = assess["current_power_watts"]
            emissions = assess["carbon_emissions_gCO2eq_hour"]
            monthly = assess["monthly_emissions_kgCO2eq"]
            pue, status = assess["pue"], assess["status"]
            intensity = assess["estimated_workload_intensity_gCO2eq_kWh"]
            assert power > 0, where

            assert (row["power_watts"], row["pue"], row["emissions_gCO2eq_hour"]) == (power, pue, emissions), where
            assert (row["monthly_emissions_kgCO2eq"], row["status"]) == (monthly, status), where
            assert row["effective_intensity_gCO2eq_kWh"] == intensity, where
            assert (compare["current_emissions_gCO2eq_hour"], compare["current_status"]) == (emissions, status), where
            assert compare["current_monthly_kgCO2eq"] == monthly, where
            assert compare["current_effective_intensity_gCO2eq_kWh"] == intensity, where
            assert (regional["power_watts"], regional["pue"]) == (power, pue), where
            assert (current["emissions_gCO2eq_hour"], current["monthly_emissions_kgCO2eq"]) == (emissions, monthly)
            assert (migration["power_watts"], migration["pue"]) == (power, pue), where
            assert migration["current_emissions_gCO2eq_hour"] == emissions, where
            assert migration["current_monthly_emissions_kgCO2eq"] == monthly, where
            for listed in (hot[name], top[name], summed[name]):
                assert (listed["power_watts"], listed["pue"], listed["emissions_gCO2eq_hour"]) == (
                    power,
                    pue,
                    emissions,
                ), where
                assert (listed["monthly_emissions_kgCO2eq"], listed["status"]) == (monthly, status), where
                assert listed["effective_intensity_gCO2eq_kWh"] == intensity, where
            hit = found[name]
            assert (hit["power_watts"], hit["pue"], hit["emissions_gCO2eq_hour"]) == (power, pue, emissions), where
            assert (hit["monthly_emissions_kgCO2eq"], hit["status"]) == (monthly, status), where

            # A move's saving is one figure wherever it appears: assess's lever and the migration candidate.
            lever = next((o for o in assess["optimizations"] if o["type"] == "regional_migration"), None)
            if lever is not None:
                destination = lever["title"].split()[2]  # "Run in <region> (<name>) …"
                candidate = next(c for c in migration["candidates"] if c["region"] == destination)
                assert candidate["savings_gCO2eq_hour"] == lever["estimated_savings_gCO2eq_hour"], where
                assert candidate["savings_kgCO2eq_month"] == lever["estimated_savings_kgCO2eq_month"], where
                assert candidate["savings_percent"] == lever["estimated_reduction_percent"], where
                moves += 1

            # Each pod of the workload: the assess breakdown and the resource detail agree.
            for pod in assess["pods"]:
                if pod["state"] != "running":
                    continue
                detail = await _call(client, "get_resource_power", kind="pod", name=pod["pod"], namespace=namespace)
                assert (detail["power_watts"], detail["pue"]) == (pod["power_watts"], pod["pue"]), where
                assert detail["emissions_gCO2eq_hour"] == pod["emissions_gCO2eq_hour"], where
            checked += 1
    assert checked >= 8 and moves >= 1  # every demo workload of the four namespaces, not a lucky few
