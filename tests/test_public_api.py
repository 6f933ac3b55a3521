"""The public surface is deliberate, and third-party errors do not leak out of it."""

from __future__ import annotations

import subprocess
import sys

import httpx2
import pydantic
import pytest

import carbon_kepler_mcp
from carbon_kepler_mcp import errors


def test_every_public_name_resolves_and_every_error_class_is_exported() -> None:
    for name in carbon_kepler_mcp.__all__:
        assert getattr(carbon_kepler_mcp, name) is not None, name
    error_classes = {n for n, v in vars(errors).items() if isinstance(v, type) and issubclass(v, Exception)}
    assert error_classes <= set(carbon_kepler_mcp.__all__)
    assert sorted(dir(carbon_kepler_mcp)) == sorted(carbon_kepler_mcp.__all__)
    with pytest.raises(AttributeError, match="no attribute 'CarbonService'"):
        _ = carbon_kepler_mcp.CarbonService  # type: ignore[attr-defined]  # the old facade is gone


def test_importing_the_parser_loads_neither_mcp_nor_the_web_stack() -> None:
    code = (
        "import sys, carbon_kepler_mcp.kepler.parser\n"
        "heavy = sorted(m for m in ('mcp', 'fastapi', 'uvicorn', 'starlette', 'rich') if m in sys.modules)\n"
        "print(','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == ""


def test_every_error_of_the_package_derives_from_the_root_and_none_from_third_parties() -> None:
    classes = [obj for obj in vars(errors).values() if isinstance(obj, type) and issubclass(obj, Exception)]
    assert len(classes) >= 15
    for cls in classes:
        assert issubclass(cls, errors.CarbonKeplerError)
        assert not issubclass(cls, httpx2.HTTPError)
        assert not issubclass(cls, pydantic.ValidationError)
