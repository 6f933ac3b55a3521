"""API fuzzing: schemathesis generates requests from ``/openapi.json`` and checks every answer against it.

The app runs on a loopback port over the demo cluster. Every operation gets a bounded number of generated
requests, valid and invalid (missing, mistyped and out-of-range arguments, wrong content types, other
methods). The checks: no 5xx, each status documented, each body matching its documented schema and media
type, invalid input rejected with a 4xx. Example counts are small so the suite stays fast; raise
``FUZZ_EXAMPLES`` for a longer hunt.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.bootstrap import build_web_app
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.sources.base import Snapshot
from tests.web_harness import frozen_demo_service, serve_in_thread

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))


class _NeverRead:
    """A source for building the OpenAPI document only (the document does not depend on the metrics)."""

    kind = "demo"
    description = "not read"

    async def snapshot(self) -> Snapshot:
        raise AssertionError("the OpenAPI document must not need metrics")

    async def aclose(self) -> None:
        return None


def _openapi() -> dict[str, Any]:
    return build_web_app(AppContext(_NeverRead(), load_reference_data())).openapi()


CONFIG = SchemathesisConfig.from_dict(  # pyright: ignore[reportUnknownMemberType]
    {
        "checks": {
            # A schema-valid request may still be refused with 422: a cursor must be one this server returned,
            # kind=pod needs a namespace, a window must lie between 5m and 7d, a region or standard must be known.
            # JSON Schema cannot state those rules (names do carry their DNS-1123 patterns), so 422 counts as
            # accepted handling here; every other check (no 5xx, documented statuses, bodies and media types that
            # match the schema, invalid input refused) runs unchanged. FUZZ_EXAMPLES=40 passes too (~2 min).
            "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]}
        }
    }
)
schema = schemathesis.openapi.from_dict(_openapi(), config=CONFIG)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_in_thread(build_web_app(frozen_demo_service(), close_context=True)) as url:
        yield url


@schema.parametrize()  # pyright: ignore[reportUnknownMemberType, reportUntypedFunctionDecorator]
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_every_operation_answers_generated_requests_as_its_schema_says(case: Any, base_url: str) -> None:
    case.call_and_validate(base_url=base_url)
