"""Where the tests find programs that are not Python packages (kubectl, the MCP Inspector, npm).

Locally a missing program skips the tests that need it, with the command that installs it. With ``CI`` set
it fails them: CI must never pass by skipping a check it was meant to run (``.ci/run`` installs them all).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
INSPECTOR = REPO / "tools" / "mcp-inspector" / "node_modules" / ".bin" / "mcp-inspector"


def in_ci() -> bool:
    """Whether this run is CI (``CI`` set to anything but empty, ``0`` or ``false``)."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false"}


def missing(what: str, install: str) -> None:
    """Fail (in CI) or skip (locally) because ``what`` is not installed."""
    message = f"{what} is not installed: {install}"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


def executable(name: str, install: str) -> str:
    """The path of program ``name`` on PATH, or fail/skip saying how to install it."""
    path = shutil.which(name)
    if path is None:
        missing(name, install)
        raise AssertionError("unreachable")  # pragma: no cover - missing() raises
    return path


def inspector() -> Path:
    """The pinned MCP Inspector CLI, or fail/skip saying how to install it."""
    if not os.access(INSPECTOR, os.X_OK):
        missing("the MCP Inspector", "run scripts/install-inspector")
    return INSPECTOR
