"""HTTP plumbing the Kepler and Prometheus sources share: request headers, a size-capped body read under one
memory budget, a total deadline per request, error inspection and URL redaction.

Each source keeps its own messages (they name its settings); this module only holds what both do the same way.
"""

from __future__ import annotations

import email.utils
import logging
import ssl
import time
from collections.abc import Awaitable, Callable, Generator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, TypeVar

import anyio
import httpx2

from carbon_kepler_mcp.errors import CarbonKeplerError, ConfigError, ResponseTooLargeError
from carbon_kepler_mcp.sources.redaction import redact_text, redact_url

__all__ = [
    "DeadlineExceeded",
    "MemoryBudget",
    "Reservation",
    "Transient",
    "read_capped",
    "redact_text",
    "redact_url",
    "request_headers",
    "retrying",
]

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


class MemoryBudget:
    """One budget of body bytes shared by every scrape and query in flight (all endpoints together).

    The per-endpoint cap alone lets five endpoints each send their cap at once; the budget bounds their sum. A
    body holds its bytes from the first chunk until the caller has parsed it (:meth:`reserve`), and a body that
    would take the total past the budget is refused, not waited for: the answer is then clear and immediate.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._used = 0

    @property
    def used_bytes(self) -> int:
        """Bytes held by the bodies in flight now."""
        return self._used

    @contextmanager
    def reserve(self) -> Generator[Reservation]:
        """A reservation that grows as a body streams in; everything it took is given back on exit."""
        reservation = Reservation(self)
        try:
            yield reservation
        finally:
            reservation.release()

    def _take(self, size: int) -> bool:
        if self._used + size > self.max_bytes:
            return False
        self._used += size
        return True


class Reservation:
    """The bytes one body holds of a :class:`MemoryBudget`."""

    def __init__(self, budget: MemoryBudget) -> None:
        self.budget = budget
        self.taken = 0

    def take(self, size: int) -> bool:
        """Hold ``size`` more bytes; False (nothing taken) when the budget has not that much left."""
        if not self.budget._take(size):  # pyright: ignore[reportPrivateUsage]
            return False
        self.taken += size
        return True

    def release(self) -> None:
        """Give back everything held (at once when a body is refused, so the bodies still streaming can go on)."""
        self.budget._used -= self.taken  # pyright: ignore[reportPrivateUsage]
        self.taken = 0


async def read_capped(
    response: httpx2.Response,
    max_bytes: int,
    too_large: Callable[[], str],
    reservation: Reservation | None = None,
    over_budget: Callable[[], str] | None = None,
) -> bytes:
    """The body of a streamed response, refused once it passes ``max_bytes`` or the shared memory budget.

    A ``Content-Length`` above the cap is refused before reading; otherwise the body is refused as soon as the
    bytes streamed in pass the cap (or, with a ``reservation``, as soon as all bodies in flight together pass the
    budget), so a runaway server, or several at once, cannot exhaust memory. The bytes counted are the decoded
    ones, so a small gzip bomb is refused at the same size as a plain body.

    Raises:
        ResponseTooLargeError: with the message ``too_large()`` (or ``over_budget()``) returns.
    """
    declared = response.headers.get("content-length")
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLargeError(too_large())
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise ResponseTooLargeError(too_large())
        if reservation is not None and not reservation.take(len(chunk)):
            reservation.release()
            message = over_budget() if over_budget is not None else too_large()
            raise ResponseTooLargeError(message)
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


class DeadlineExceeded(Exception):
    """An attempt ran out of time (the client's own timeout fired); :func:`retrying` words the error."""


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
    if value.isascii() and value.isdigit():
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
    timed_out: Callable[[float], CarbonKeplerError],
    clock: Callable[[], float] = time.monotonic,
) -> _T:
    """``attempt(seconds_left)``, repeated after a pause while it raises :class:`Transient`, within the budget.

    The budget is a total deadline, not a per-read timeout: a server that sends its headers and then one byte
    every few seconds never trips a read timeout, so the whole exchange (every attempt, every pause, every
    byte of every body) runs inside one cancel scope of ``budget_seconds``. When it fires, or an attempt raises
    :class:`DeadlineExceeded`, the error is ``timed_out(elapsed_seconds)``, which states the real time spent.

    At most :data:`MAX_ATTEMPTS` attempts; each is given only the time left (``seconds_left``), and a pause that
    would end past the budget (a long ``Retry-After``, say) is not taken: the last failure is raised instead.
    Only idempotent reads are retried (scrapes and PromQL queries), so asking twice changes nothing.

    Raises:
        CarbonKeplerError: the error of the last transient failure, ``timed_out(...)``, or whatever ``attempt``
            raised otherwise.
    """
    started = time.monotonic()
    try:
        with anyio.fail_after(budget_seconds):
            return await _attempts(attempt, budget_seconds=budget_seconds, what=what, clock=clock)
    except (TimeoutError, DeadlineExceeded) as exc:
        raise timed_out(time.monotonic() - started) from exc


async def _attempts(
    attempt: Callable[[float], Awaitable[_T]],
    *,
    budget_seconds: float,
    what: str,
    clock: Callable[[], float],
) -> _T:
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
