"""Calling the tools in tests the way the adapters do: ``await tools(ctx).assess("web-app", "production")``.

Positional arguments follow each tool's argument order; ``None`` leaves an argument at its default. Requests are
built without validation (``model_construct``), so a test reaches the tool's own checks, as a caller that skips
the schema would.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final

from pydantic import BaseModel

from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.pods import pod_metrics
from carbon_kepler_mcp.app.registry import tool_spec

POSITIONAL: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "assess": ("assess_workload_compliance", ("workload_name", "namespace", "standard", "region", "language")),
    "compare": (
        "compare_optimization_impact",
        ("workload_name", "namespace", "optimizations", "standard", "region", "language"),
    ),
    "list_workloads": (
        "list_workloads_by_compliance",
        ("namespace", "standard", "status_filter", "region", "language"),
    ),
    "regional_comparison": (
        "get_regional_comparison",
        ("workload_name", "namespace", "current_region", "comparison_regions", "language"),
    ),
    "schedule": ("calculate_optimal_schedule", ("workload_name", "namespace", "duration_hours", "region", "language")),
    "hotspots": ("identify_power_hotspots", ("namespace", "power_threshold_watts", "include_compliance_check")),
    "top_consumers": ("list_top_power_consumers", ("namespace", "limit", "sort_by")),
    "summary": ("get_power_consumption_summary", ("namespace",)),
    "resource_power": ("get_resource_power", ("kind", "name", "namespace")),
    "search": (
        "search_resources",
        ("kind", "namespace", "name_pattern", "min_power_watts", "max_power_watts", "status"),
    ),
    "migration": ("get_migration_recommendations", ("workload_name", "namespace")),
    "report": ("get_emissions_report", ("namespace", "workload_name")),
}


class tools:
    """The tools over one context."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        if name == "pod_metrics":

            async def metrics(namespace: str, pod: str) -> Any:
                return await pod_metrics(self.ctx, namespace, pod)

            return metrics
        tool, order = POSITIONAL[name]
        spec = tool_spec(tool)

        async def call(*args: Any, **kwargs: Any) -> BaseModel:
            values = dict(zip(order, args, strict=False)) | kwargs
            fields = {k: v for k, v in values.items() if v is not None}
            defaults = {
                k: f.default for k, f in spec.request.model_fields.items() if not f.is_required() and k not in fields
            }
            return await spec.run(self.ctx, spec.request.model_construct(**defaults, **fields))

        return call
