"""Tampered, foreign and stale cursors, NaN and infinities: clear invalid-argument refusals, never a 500 (issue 14,
item 8)."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest

from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.registry import TOOLS
from carbon_kepler_mcp.app.requests import parse_request
from carbon_kepler_mcp.bootstrap import build_web_app
from carbon_kepler_mcp.domain import paging
from carbon_kepler_mcp.errors import InvalidArgumentError
from tests.web_harness import asgi_client, frozen_demo_service

pytestmark = pytest.mark.anyio

# The arguments a request needs besides the one under test (valid for every tool that has them).
_REQUIRED: dict[str, Any] = {"workload_name": "web-app", "kind": "node", "name": "kr-seoul-gpu-1"}


def _float_fields() -> list[tuple[str, str, type[Any]]]:
    fields: list[tuple[str, str, type[Any]]] = []
    for spec in TOOLS:
        for field_name, info in spec.request.model_fields.items():
            if "float" in str(info.annotation):
                fields.append((spec.name, field_name, spec.request))
    return fields


FLOAT_FIELDS = _float_fields()


def test_the_numeric_arguments_are_all_found() -> None:
    # hotspots power_threshold_watts; search min/max_power_watts; compare target_pue,
    # rightsizing_reduction_percent, batch_duration_hours; schedule duration_hours
    assert len(FLOAT_FIELDS) >= 7


@pytest.mark.parametrize(("tool", "field", "model"), FLOAT_FIELDS, ids=[f"{t}.{f}" for t, f, _ in FLOAT_FIELDS])
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, "NaN", "Infinity", "-inf"])
def test_nan_and_infinities_are_refused_for_every_numeric_argument(
    tool: str, field: str, model: type[Any], value: object
) -> None:
    base = {k: v for k, v in _REQUIRED.items() if k in model.model_fields and model.model_fields[k].is_required()}
    parse_request(model, {**base, field: 1.5})  # the control: a finite number in range is accepted
    with pytest.raises(InvalidArgumentError, match=field):
        parse_request(model, {**base, field: value})
    with pytest.raises(InvalidArgumentError, match="유한한 숫자"):
        parse_request(model, {**base, field: value, "language": "ko"})


@pytest.fixture
async def client() -> AsyncIterator[httpx2.AsyncClient]:
    service: AppContext = frozen_demo_service()
    try:
        async with asgi_client(build_web_app(service)) as c:
            yield c
    finally:
        await service.aclose()


def _refused(response: httpx2.Response) -> str:
    assert response.status_code == 422, response.text
    detail: str = response.json()["detail"]
    return detail


@pytest.mark.parametrize("body", ['{"min_power_watts": NaN}', '{"max_power_watts": Infinity}'])
async def test_nan_over_rest_is_a_422_problem(client: httpx2.AsyncClient, body: str) -> None:
    response = await client.post("/tools/search_resources", content=body, headers={"content-type": "application/json"})
    assert "power_watts" in _refused(response)


@pytest.mark.parametrize(
    "tool", ["list_workloads_by_compliance", "list_top_power_consumers", "search_resources", "identify_power_hotspots"]
)
async def test_a_tampered_cursor_is_a_422_problem(client: httpx2.AsyncClient, tool: str) -> None:
    body = {"cursor": "sup3", **({"namespace": "production"} if tool == "list_workloads_by_compliance" else {})}
    assert "not a cursor this server returned" in _refused(await client.post(f"/tools/{tool}", json=body))


async def test_a_cursor_of_one_namespace_replayed_on_another_is_refused(client: httpx2.AsyncClient) -> None:
    first = await client.post("/tools/list_top_power_consumers", json={"namespace": "production", "limit": 1})
    cursor = first.json()["next_cursor"]
    assert cursor
    replayed = await client.post(
        "/tools/list_top_power_consumers", json={"namespace": "batch", "limit": 1, "cursor": cursor}
    )
    assert "belongs to a query with other arguments" in _refused(replayed)


def test_a_stale_cursor_past_the_end_of_the_list_is_refused_and_one_inside_is_flagged() -> None:
    fingerprint = paging.query_fingerprint("t", {"namespace": "a"})
    items = ["a", "b", "c"]
    # A cursor of an older snapshot (taken at 100 s; the list now is from 200 s) pointing at item 8 of 3.
    past_end = paging._encode(7, fingerprint, 100)  # pyright: ignore[reportPrivateUsage]
    with pytest.raises(InvalidArgumentError, match=r"past the end of the list \(item 8 of 3\)"):
        paging.paginate(items, limit=1, cursor=past_end, fingerprint=fingerprint, snapshot_seconds=200)
    inside = paging._encode(1, fingerprint, 100)  # pyright: ignore[reportPrivateUsage]
    page = paging.paginate(items, limit=1, cursor=inside, fingerprint=fingerprint, snapshot_seconds=200)
    assert (page.items, page.stale) == (["b"], True)
