"""A JSON GET with a timeout, a byte cap and bounded retries (:func:`sources._http.retrying`), shared by the
intensity providers, with each HTTP status turned into an :class:`IntensityProviderError` whose ``reason`` a
fallback chain can act on. Credentials travel in headers only and never reach a message or a log line.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Mapping
from typing import Any, Final

import httpx2

from carbon_kepler_mcp.errors import IntensityProviderError, ResponseTooLargeError
from carbon_kepler_mcp.sources._http import RETRY_STATUSES, Transient, read_capped, retrying, root_message
from carbon_kepler_mcp.sources.kepler import redact_url

__all__ = ["MAX_BYTES", "JsonClient"]

MAX_BYTES: Final = 16 * 1024 * 1024
"""Largest answer accepted: ten days of 5-minute points are about 300 KB."""

_REASONS: Final[Mapping[int, tuple[str, str]]] = {
    401: ("unauthorised", "the credentials are missing or wrong"),
    403: ("forbidden", "the account's plan does not cover this zone, signal or endpoint"),
    404: ("no_data", "no data for this zone or endpoint"),
    429: ("rate_limited", "it is rate-limiting this server"),
}


class JsonClient:
    """GET requests to one provider's base URL."""

    def __init__(
        self,
        provider: str,
        base_url: str,
        *,
        timeout_seconds: float,
        transport: httpx2.AsyncBaseTransport | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self.provider = provider
        self.base = base_url.rstrip("/")
        self.shown = redact_url(self.base)
        self.timeout_seconds = timeout_seconds
        self._client = httpx2.AsyncClient(
            timeout=httpx2.Timeout(timeout_seconds),
            transport=transport,
            verify=verify if self.base.startswith("https://") else False,
            follow_redirects=False,
            trust_env=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    def error(self, message: str, reason: str) -> IntensityProviderError:
        return IntensityProviderError(
            f"{self.provider} at {self.shown}: {message}", provider=self.provider, reason=reason
        )

    async def get(
        self,
        path: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        *,
        auth: tuple[str, str] | None = None,
    ) -> Any:
        """The JSON body of ``GET base + path``, asked again on connection errors, 429, 502 and 503 within the
        timeout (``Retry-After`` honoured; a wait past the timeout is not taken)."""
        raw = await self.get_bytes(path, params, headers, auth=auth)
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise self.error("the answer is not JSON", "bad_answer") from exc

    async def get_bytes(
        self,
        path: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        *,
        auth: tuple[str, str] | None = None,
    ) -> bytes:
        """The body of ``GET base + path``, with the retries of :meth:`get`."""
        return await retrying(
            lambda left: self._once(path, params, headers, auth, left),
            budget_seconds=self.timeout_seconds,
            what=f"{self.provider} at {self.shown}",
            timed_out=lambda elapsed: self.error(
                f"no answer within {self.timeout_seconds:g} s (CARBON_KEPLER_INTENSITY_TIMEOUT_SECONDS; gave up after "
                f"{elapsed:.1f} s)",
                "timeout",
            ),
        )

    async def _once(
        self,
        path: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        auth: tuple[str, str] | None,
        left: float,
    ) -> bytes:
        sent = {"Accept": "application/json", "User-Agent": "carbon-kepler-mcp", **headers}
        try:
            async with self._client.stream(
                "GET",
                self.base + path,
                params=dict(params),
                headers=sent,
                auth=auth,
                timeout=httpx2.Timeout(max(left, 0.001)),
            ) as response:
                raw = await read_capped(
                    response, MAX_BYTES, lambda: f"{self.provider} sent more than {MAX_BYTES} bytes"
                )
                status = response.status_code
                retry_after = response.headers.get("retry-after")
        except httpx2.TimeoutException as exc:
            raise self.error(
                f"no answer within {self.timeout_seconds:g} s (CARBON_KEPLER_INTENSITY_TIMEOUT_SECONDS)", "timeout"
            ) from exc
        except httpx2.ConnectError as exc:
            raise Transient(self.error(f"cannot connect ({root_message(exc)})", "unavailable")) from exc
        except httpx2.HTTPError as exc:
            raise self.error(f"the request failed ({root_message(exc)})", "unavailable") from exc
        except ResponseTooLargeError as exc:
            raise self.error(str(exc), "bad_answer") from exc
        if status != 200:
            reason, hint = _REASONS.get(status, ("unavailable", "it failed"))
            wait = f"; it asks to wait {retry_after.strip()[:40]}" if status == 429 and retry_after else ""
            error = self.error(f"HTTP {status}: {hint}{wait}", reason)
            if status in RETRY_STATUSES:
                raise Transient(error, retry_after)
            raise error
        return raw
