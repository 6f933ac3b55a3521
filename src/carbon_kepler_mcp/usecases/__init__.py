"""The use cases behind :class:`~carbon_kepler_mcp.service.CarbonService`, one module each.

Each use case is a function that takes the service first (``assess(service, ...)``) and returns a result
model; the service's methods delegate to them, so callers keep calling ``service.assess(...)``. The shared
figures (:mod:`.footprint`) and the parts every result carries (:mod:`.common`) live beside them.
"""
