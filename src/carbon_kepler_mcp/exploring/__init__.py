"""The use cases behind :class:`~carbon_kepler_mcp.explore.PowerExplorer`, one module each.

Each use case is a function that takes the explorer first (``hotspots(explorer, ...)``) and returns a result
model; the explorer's methods delegate to them, so callers keep calling ``explorer.hotspots(...)``. Defaults are
stated once, on the explorer's methods; the functions here take every argument explicitly. What they
share (consumer groups, their evaluation, notes and provenance) lives in :mod:`.common`.
"""
