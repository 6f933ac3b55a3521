"""One assistant, several clusters, small contexts: a tool-name prefix and a tool allowlist (MCP only)."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import AsyncIterator

import pytest
from mcp import Client

from carbon_kepler_mcp import __version__
from carbon_kepler_mcp.adapters.http.metrics import Metrics
from carbon_kepler_mcp.adapters.mcp.server import build_server
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.registry import TOOLS
from carbon_kepler_mcp.errors import ConfigError
from carbon_kepler_mcp.settings import Settings
from tests.external_tools import REPO
from tests.web_harness import frozen_demo_service

pytestmark = pytest.mark.anyio

ALLOWED = ("assess_workload_compliance", "list_workloads_by_compliance")


@pytest.fixture
async def service() -> AsyncIterator[AppContext]:
    ctx = frozen_demo_service()
    try:
        yield ctx
    finally:
        await ctx.aclose()


async def test_the_prefix_names_every_tool_and_a_prefixed_call_answers_as_the_plain_one(service: AppContext) -> None:
    async with Client(build_server(service, close_context=False, tool_prefix="prod_")) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        prefixed = await client.call_tool(
            "prod_assess_workload_compliance", {"workload_name": "ml-training-job", "namespace": "ai-team"}
        )
    assert names == {"prod_" + spec.name for spec in TOOLS}
    async with Client(build_server(service, close_context=False)) as client:
        plain = await client.call_tool(
            "assess_workload_compliance", {"workload_name": "ml-training-job", "namespace": "ai-team"}
        )
    assert not prefixed.is_error
    assert prefixed.structured_content == plain.structured_content


async def test_the_allowlist_lists_only_those_tools_and_refuses_the_others(service: AppContext) -> None:
    async with Client(build_server(service, close_context=False, tools_allowed=ALLOWED, tool_prefix="a_")) as client:
        names = sorted(tool.name for tool in (await client.list_tools()).tools)
        refused = await client.call_tool("a_get_regional_comparison", {})
    assert names == ["a_" + name for name in ALLOWED]
    assert refused.is_error


async def test_an_unknown_name_in_the_allowlist_is_a_configuration_error_listing_the_known_ones(
    service: AppContext,
) -> None:
    with pytest.raises(ConfigError, match=r"unknown tool name\(s\).*assess_wrkload.*known: assess_workload_compliance"):
        build_server(service, tools_allowed=("assess_wrkload",))


def test_the_metrics_label_is_the_tools_own_name_whatever_the_prefix() -> None:
    metrics = Metrics(tools=[spec.name for spec in TOOLS], tool_prefix="prod_")
    assert metrics.tool_label("prod_assess_workload_compliance") == "assess_workload_compliance"
    assert metrics.tool_label("assess_workload_compliance") == "assess_workload_compliance"  # REST
    assert metrics.tool_label("prod_no_such_tool") == "unknown"
    assert metrics.tool_label(None) == "unknown"


# --- server.json for the MCP registry -------------------------------------------------------------------


def test_server_json_describes_this_package_as_the_registry_requires() -> None:
    server = json.loads((REPO / "server.json").read_text(encoding="utf-8"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert server["$schema"].startswith("https://static.modelcontextprotocol.io/schemas/")
    # reverse-DNS namespace, exactly one slash; the PyPI package proves ownership with the README marker
    assert re.fullmatch(r"[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+", server["name"])
    assert f"<!-- mcp-name: {server['name']} -->" in (REPO / "README.md").read_text(encoding="utf-8")
    assert 1 <= len(server["description"]) <= 100
    assert server["version"] == __version__
    (package,) = server["packages"]
    assert (package["registryType"], package["identifier"], package["version"]) == (
        "pypi",
        project["name"],
        __version__,
    )
    assert package["transport"] == {"type": "stdio"}
    args = [a.get("name", a.get("value")) for a in package["packageArguments"]]
    assert args == ["serve", "--transport"] and package["packageArguments"][1]["value"] == "stdio"
    accepted = Settings.environment_names()
    for variable in package["environmentVariables"]:
        assert variable["name"] in accepted, variable["name"]
        assert variable["format"] in {"string", "number", "boolean", "filepath"}
        assert variable.get("isSecret", False) == ("TOKEN" in variable["name"] or "PASSWORD" in variable["name"])
