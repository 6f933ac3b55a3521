"""HTTP plumbing the Kepler and Prometheus sources share: request headers, a size-capped body read and error
inspection.

Each source keeps its own messages (they name its settings); this module only holds what both do the same way.
"""

from __future__ import annotations

import email.utils
import logging
import ssl
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, TypeVar

import anyio
import httpx2

from carbon_kepler_mcp.errors import CarbonKeplerError, ConfigError, ResponseTooLargeError

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

RETRY_STATUSES: Final = frozenset({429, 502, 503})
"""Answers worth asking again: rate-limited, a proxy in front that lost its upstream, not ready yet."""
MAX_ATTEMPTS: Final = 3
BACKOFF_SECONDS: Final = 0.25
"""First pause between attempts; doubled each time (0.25 s, 0.5 s) unless the server says ``Retry-After``."""


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


class Transient(Exception):
    """A failure worth one more attempt; ``error`` is what the caller sees when no attempt is left."""

    def __init__(self, error: CarbonKeplerError, retry_after: str | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def retry_after_seconds(header: str | None, now: datetime) -> float | None:
    """``Retry-After`` as seconds from ``now`` (delta-seconds or an HTTP date); None when absent or unreadable."""
    if header is None:
        return None
    value = header.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


_sleep = anyio.sleep  # tests replace it to record the pauses without waiting


async def retrying(
    attempt: Callable[[float], Awaitable[_T]],
    *,
    budget_seconds: float,
    what: str,
    clock: Callable[[], float] = time.monotonic,
) -> _T:
    """``attempt(seconds_left)``, repeated after a pause while it raises :class:`Transient`, within the budget.

    At most :data:`MAX_ATTEMPTS` attempts; each is given only the time left (``seconds_left``), and a pause that
    would end past the budget (a long ``Retry-After``, say) is not taken: the last failure is raised instead.
    Only idempotent reads are retried (scrapes and PromQL queries), so asking twice changes nothing.

    Raises:
        CarbonKeplerError: the error of the last transient failure, or whatever ``attempt`` raised otherwise.
    """
    start = clock()
    for number in range(1, MAX_ATTEMPTS + 1):
        left = budget_seconds - (clock() - start)
        try:
            return await attempt(left)
        except Transient as failure:
            if number == MAX_ATTEMPTS:
                raise failure.error from failure.__cause__
            asked = retry_after_seconds(failure.retry_after, datetime.now(UTC))
            pause = asked if asked is not None else BACKOFF_SECONDS * 2 ** (number - 1)
            if budget_seconds - (clock() - start) - pause <= 0:
                raise failure.error from failure.__cause__
            logger.info(
                "%s: %s; asking again in %.2f s (attempt %d of %d)", what, failure, pause, number + 1, MAX_ATTEMPTS
            )
            await _sleep(pause)
    raise AssertionError("unreachable")  # pragma: no cover
