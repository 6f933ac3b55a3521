"""Argument completion (MCP ``completion/complete``) for prompts and resource templates.

Namespaces, workloads and pods come from the live metrics snapshot (workloads and pods of the namespace the
client has already filled in); regions and standard codes from the reference data. Matching is
case-insensitive: names that start with the typed text first, then (once two or more characters are
typed) names that contain it, each group sorted. At most 100 values are returned (the protocol's cap), with ``total`` and ``has_more``.

Completion is a convenience: when the metrics source fails, it answers with no values instead of an error,
and the failure is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Final

from mcp.types import Completion

from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.domain.names import is_object_name, validate_namespace
from carbon_kepler_mcp.domain.workloads import group_by_workload
from carbon_kepler_mcp.errors import CarbonKeplerError

__all__ = ["MAX_VALUES", "complete_argument", "rank_matches"]

logger = logging.getLogger(__name__)

MAX_VALUES: Final = 100
"""The protocol caps a completion at 100 values."""

_MAX_TYPED: Final = 253

NAMESPACE_ARGS: Final = frozenset({"namespace"})
WORKLOAD_ARGS: Final = frozenset({"workload_name", "workload"})
POD_ARGS: Final = frozenset({"pod"})
REGION_ARGS: Final = frozenset({"region", "current_region", "target_region"})
STANDARD_ARGS: Final = frozenset({"standard", "standard_code"})
LANGUAGE_ARGS: Final = frozenset({"language"})


def rank_matches(values: Iterable[str], typed: str) -> list[str]:
    """Values starting with ``typed`` (case-insensitive), then values containing it (from two characters on)."""
    needle = typed[:_MAX_TYPED].casefold()
    unique = sorted(set(values))
    starts = [v for v in unique if v.casefold().startswith(needle)]
    if len(needle) < 2:
        return starts
    contains = [v for v in unique if needle in v.casefold() and not v.casefold().startswith(needle)]
    return starts + contains


def _completion(values: list[str]) -> Completion:
    return Completion(values=values[:MAX_VALUES], total=len(values), has_more=len(values) > MAX_VALUES)


async def _namespaces(service: AppContext) -> list[str]:
    snapshot = await service.source.snapshot()
    return list(snapshot.namespaces)


async def _names_in(service: AppContext, namespace: str | None, *, pods: bool) -> list[str]:
    snapshot = await service.source.snapshot()
    if namespace:
        try:
            validate_namespace(namespace)
        except CarbonKeplerError:
            return []
        readings = snapshot.pods_in(namespace)
    else:
        readings = snapshot.pods
    names = sorted({p.name for p in readings if is_object_name(p.name)})
    if pods:
        return names
    by_namespace: dict[str, list[str]] = {}
    for reading in readings:
        by_namespace.setdefault(reading.namespace, []).append(reading.name)
    return sorted({ref.name for names_ in by_namespace.values() for ref in group_by_workload(names_)})


async def complete_argument(
    service: AppContext, argument: str, typed: str, context: Mapping[str, str] | None = None
) -> Completion:
    """Completion values for one argument, given what the client has typed and the arguments already set."""
    arguments = context or {}
    try:
        if argument in NAMESPACE_ARGS:
            values = await _namespaces(service)
        elif argument in WORKLOAD_ARGS:
            values = await _names_in(service, arguments.get("namespace"), pods=False)
        elif argument in POD_ARGS:
            values = await _names_in(service, arguments.get("namespace"), pods=True)
        elif argument in REGION_ARGS:
            values = list(service.reference.regions)
        elif argument in STANDARD_ARGS:
            values = list(service.reference.standards)
        elif argument in LANGUAGE_ARGS:
            values = ["en", "ko"]
        else:
            return Completion(values=[], total=0, has_more=False)
    except CarbonKeplerError as exc:
        logger.info("completion of %s: metrics source failed: %s", argument, exc)
        return Completion(values=[], total=0, has_more=False)
    return _completion(rank_matches(values, typed))
