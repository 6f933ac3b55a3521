"""Shared by the benchmarks: each owns one marked section of docs/performance.md and rewrites only that."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.registry import tool_spec


def write_section(path: Path, start_marker: str, end_marker: str, section: str) -> None:
    """Replace the text between ``start_marker`` and ``end_marker`` in ``path`` (markers kept).

    The file and the markers are created when missing; the rest of the file is left as it is, since other
    benchmarks own other sections of the same file.
    """
    block = f"{start_marker}\n{section}\n{end_marker}"
    current = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    start = current.find(start_marker)
    end = current.find(end_marker, start)
    if start >= 0 and end >= 0:
        updated = current[:start] + block + current[end + len(end_marker) :]
    else:
        updated = current.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(updated, encoding="utf-8")


async def call(ctx: AppContext, tool: str, **arguments: Any) -> Any:
    """Run one tool of the registry in process, its arguments validated as every adapter validates them."""
    spec = tool_spec(tool)
    result: BaseModel = await spec.run(ctx, spec.request.model_validate(arguments))
    return result
