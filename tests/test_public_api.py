"""The public surface is deliberate, and third-party errors do not leak out of it."""

from __future__ import annotations

import types

import httpx2
import pydantic

import carbon_kepler_mcp
from carbon_kepler_mcp import errors


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name, value in vars(carbon_kepler_mcp).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)  # submodules are not API
    }
    assert set(carbon_kepler_mcp.__all__) == public | {"__version__"}


def test_every_error_of_the_package_derives_from_the_root_and_none_from_third_parties() -> None:
    classes = [obj for obj in vars(errors).values() if isinstance(obj, type) and issubclass(obj, Exception)]
    assert len(classes) >= 15
    for cls in classes:
        assert issubclass(cls, errors.CarbonKeplerError)
        assert not issubclass(cls, httpx2.HTTPError)
        assert not issubclass(cls, pydantic.ValidationError)
