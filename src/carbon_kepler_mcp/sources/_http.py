"""HTTP plumbing the Kepler and Prometheus sources share: request headers, a size-capped body read and error
inspection.

Each source keeps its own messages (they name its settings); this module only holds what both do the same way.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from pathlib import Path

import httpx2

from carbon_kepler_mcp.errors import ConfigError, ResponseTooLargeError


def request_headers(accept: str, token: str | None, token_file: Path | None, *, token_file_name: str) -> dict[str, str]:
    """``Accept``, ``User-Agent`` and, with a token, ``Authorization: Bearer``.

    The token file, when set, is read on every request (so a rotated token is used) and wins over ``token``.

    Raises:
        ConfigError: the token file cannot be read (the message calls it ``token_file_name``).
    """
    headers = {"Accept": accept, "User-Agent": "carbon-kepler-mcp"}
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"cannot read the {token_file_name} {str(token_file)!r}: {exc.strerror}") from exc
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


async def read_capped(response: httpx2.Response, max_bytes: int, too_large: Callable[[], str]) -> bytes:
    """The body of a streamed response, refused once it passes ``max_bytes``.

    A ``Content-Length`` above the cap is refused before reading; otherwise the body is refused as soon as the
    bytes streamed in pass the cap, so a runaway server cannot exhaust memory.

    Raises:
        ResponseTooLargeError: with the message ``too_large()`` returns.
    """
    declared = response.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLargeError(too_large())
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise ResponseTooLargeError(too_large())
        chunks.append(chunk)
    return b"".join(chunks)


def root_message(exc: BaseException) -> str:
    """The message of the innermost cause (or context) of ``exc``: what actually went wrong."""
    while exc.__cause__ is not None or exc.__context__ is not None:
        nxt = exc.__cause__ or exc.__context__
        assert nxt is not None
        exc = nxt
    return str(exc) or type(exc).__name__


def is_tls_error(exc: BaseException) -> bool:
    """Whether a connection error comes from the TLS handshake (an SSL error in its chain, or says so)."""
    current: BaseException | None = exc
    while current is not None:
        if isinstance(current, ssl.SSLError):
            return True
        current = current.__cause__ or current.__context__
    text = str(exc).upper()
    return "SSL" in text or "CERTIFICATE" in text or "TLS" in text
