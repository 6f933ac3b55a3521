"""The HTTP app's guard: Host and Origin checks, bearer tokens, and a cap on request bodies.

One pure ASGI middleware, outermost after the metrics, so that every route (REST, dashboard, docs, /metrics
and /mcp) gets the same treatment:

1. ``Host`` must be an allowed host (DNS-rebinding protection), except on ``/healthz``, ``/readyz`` and
   ``/metrics``, which kubelets and Prometheus reach by pod IP. 421 otherwise.
2. An ``Origin`` header, when present, must be an allowed origin (a browser page elsewhere cannot drive the
   API). 403 otherwise. ``/mcp`` checks both again through the MCP SDK's own transport security.
3. With tokens configured, ``Authorization: Bearer <token>`` is required everywhere except ``/healthz``,
   ``/readyz``, signing in and out, and the package's static files. Tokens are compared in constant time.
   The dashboard pages also accept the session cookie set by ``/login`` (``HttpOnly``, ``SameSite=Strict``),
   for ``GET`` only, because a browser cannot send a bearer header on a link. The cookie holds a random
   session id (:class:`SessionStore`), never the token: the token stays in this process, is checked again on
   every request (a token removed from the file ends its sessions) and sessions expire. 401 with
   ``WWW-Authenticate`` otherwise. Wrong sign-ins are throttled per client address (:class:`LoginThrottle`).
4. A token in the query string (``?token=``, ``?access_token=``, ``?api_key=`` ...) is refused with 400 before
   the route runs: URLs end up in access logs, proxies and browser history, so tokens travel only in headers.
5. A body larger than ``max_request_body_bytes`` is refused with 413 before the route sees it.

No token, header value or cookie is ever logged or echoed.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import parse_qsl, quote

from starlette.datastructures import Headers
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from carbon_kepler_mcp.adapters.http.config import MIN_TOKEN_CHARS, WebConfig, check_token
from carbon_kepler_mcp.adapters.http.metrics import Metrics
from carbon_kepler_mcp.adapters.http.problems import problem_response
from carbon_kepler_mcp.errors import ConfigError

logger = logging.getLogger(__name__)

SESSION_COOKIE = "ckm_session"
PROBE_PATHS = frozenset({"/healthz", "/readyz"})
"""Never authenticated, never Host-checked: liveness and readiness probes."""
OPERATIONAL_PATHS = PROBE_PATHS | {"/metrics"}
"""Not Host-checked: probes and Prometheus address pods by IP."""
PUBLIC_PREFIXES = ("/static/",)
"""Never authenticated: the package's own CSS, icons and fonts (no data)."""
LOGIN_PATH = "/login"
SESSION_PATHS = frozenset({LOGIN_PATH, "/logout"})
"""Never authenticated: signing in and out (logging out only clears the cookie)."""
COOKIE_EXACT_PATHS = frozenset({"/", "/docs", "/openapi.json"})
COOKIE_PREFIXES = ("/namespaces/", "/docs-static/")
"""GET routes a browser session cookie may open (read-only pages: the dashboard and the API docs)."""


def read_token_file(path: Path, *, strict: bool = False) -> tuple[str, ...]:
    """The tokens in a token file: one per line, ``#`` comments and blank lines ignored.

    With ``strict`` (at startup) an unreadable file or a short token raises :class:`ConfigError`; later
    re-reads skip short tokens and treat an unreadable file as empty (no token accepted: fail closed).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        if strict:
            raise ConfigError(f"cannot read the API token file {path}: {exc.__class__.__name__}") from exc
        logger.error("cannot read the API token file %s (%s): no token is accepted", path, exc.__class__.__name__)
        return ()
    tokens: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        token = line.split("#", 1)[0].strip()
        if not token:
            continue
        if len(token) < MIN_TOKEN_CHARS:
            if strict:
                check_token(token, f"{path} line {number}")
            logger.error("ignoring a token shorter than %d characters in %s line %d", MIN_TOKEN_CHARS, path, number)
            continue
        tokens.append(token)
    return tuple(tokens)


SECRET_QUERY_NAMES = frozenset(
    {
        "token",
        "access_token",
        "api_token",
        "apitoken",
        "api_key",
        "apikey",
        "key",
        "auth",
        "authorization",
        "bearer",
        "password",
        "passwd",
        "secret",
        "session",
        "ckm_session",
    }
)
"""Query parameter names refused anywhere: a token in a URL lands in access logs and browser history."""


class SessionStore:
    """Dashboard sessions: a random id (the cookie) → the token it was opened with, in this process only.

    Ids are 256 random bits (``secrets``). A session ends at logout, after ``ttl_seconds``, when the store is
    full and it is the oldest, or as soon as its token is no longer accepted.
    """

    def __init__(
        self, *, ttl_seconds: float = 12 * 3600, max_sessions: int = 1000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl_seconds
        self._max = max_sessions
        self._clock = clock
        self._sessions: OrderedDict[str, tuple[str, float]] = OrderedDict()

    def open(self, token: str) -> str:
        """A new session id for ``token``."""
        session_id = secrets.token_urlsafe(32)
        self._sessions[session_id] = (token, self._clock() + self._ttl)
        while len(self._sessions) > self._max:
            self._sessions.popitem(last=False)
        return session_id

    def token(self, session_id: str) -> str | None:
        """The token of a live session; None for an unknown or expired id."""
        found = self._sessions.get(session_id)
        if found is None:
            return None
        if found[1] <= self._clock():
            del self._sessions[session_id]
            return None
        return found[0]

    def close(self, session_id: str) -> None:
        """End a session (logout)."""
        self._sessions.pop(session_id, None)


class LoginThrottle:
    """Wrong sign-ins per client address in the last minute; past ``per_minute`` the address is refused.

    The number of addresses tracked is bounded (``20 × per_minute`` failures in total across all of them), so a
    flood of addresses cannot grow it; when that bound is reached every address waits.
    """

    WINDOW_SECONDS = 60.0

    def __init__(self, per_minute: int = 5, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._per_minute = per_minute
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._total: deque[float] = deque()

    def _prune(self, now: float) -> None:
        horizon = now - self.WINDOW_SECONDS
        while self._total and self._total[0] <= horizon:
            self._total.popleft()
        for address in [a for a, times in self._failures.items() if not times or times[-1] <= horizon]:
            del self._failures[address]

    def retry_after(self, address: str) -> int | None:
        """Seconds until ``address`` may try again; None when it may try now."""
        now = self._clock()
        self._prune(now)
        times = self._failures.get(address)
        if times is not None:
            while times and times[0] <= now - self.WINDOW_SECONDS:
                times.popleft()
            if len(times) >= self._per_minute:
                return max(1, int(times[0] + self.WINDOW_SECONDS - now + 0.999))
        if len(self._total) >= 20 * self._per_minute:
            return max(1, int(self._total[0] + self.WINDOW_SECONDS - now + 0.999))
        return None

    def failed(self, address: str) -> None:
        """Count a wrong sign-in from ``address``."""
        now = self._clock()
        self._failures.setdefault(address, deque()).append(now)
        self._total.append(now)


class TokenStore:
    """The accepted bearer tokens: fixed ones plus a file re-read whenever its mtime or size changes.

    It also holds the dashboard's sessions and the sign-in throttle, which both follow the tokens.
    """

    def __init__(
        self, tokens: Iterable[str] = (), file: Path | None = None, *, login_failures_per_minute: int = 5
    ) -> None:
        self._fixed = tuple(t.encode() for t in tokens)
        self._file = file
        self._stamp: tuple[int, int] | None = None
        self._from_file: tuple[bytes, ...] = ()
        self._missing = False
        self.sessions = SessionStore()
        self.throttle = LoginThrottle(login_failures_per_minute)

    @property
    def enabled(self) -> bool:
        """Whether any token is configured (a token file counts even while empty)."""
        return bool(self._fixed) or self._file is not None

    def _current(self) -> tuple[bytes, ...]:
        if self._file is None:
            return self._fixed
        try:
            stat = os.stat(self._file)
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        if stamp is None:
            if not self._missing:
                logger.error("the API token file %s is missing: no token from it is accepted", self._file)
            self._missing, self._stamp, self._from_file = True, None, ()
        elif stamp != self._stamp:
            self._missing = False
            self._from_file = tuple(t.encode() for t in read_token_file(self._file))
            self._stamp = stamp
            logger.info("loaded %d API token(s) from %s", len(self._from_file), self._file)
        return self._fixed + self._from_file

    def verify(self, presented: str) -> bool:
        """Whether ``presented`` is an accepted token. Every token is compared, in constant time each."""
        candidate = presented.encode()
        matched = False
        for token in self._current():
            matched |= hmac.compare_digest(candidate, token)
        return matched


def _host_allowed(host: str, patterns: Iterable[str]) -> bool:
    host = host.lower()
    return any(host == allowed or (allowed.endswith(":*") and host.startswith(allowed[:-1])) for allowed in patterns)


def _origin_allowed(origin: str, patterns: Iterable[str]) -> bool:
    origin = origin.lower().rstrip("/")
    return any(
        origin == allowed or (allowed.endswith(":*") and origin.startswith(allowed[:-1])) for allowed in patterns
    )


def _cookie_value(headers: Headers) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    for part in raw.split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE and value:
            return value
    return None


def _secret_in_query(raw: bytes) -> bool:
    if not raw:
        return False
    try:
        pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True, max_num_fields=100)
    except ValueError:
        return False  # too many fields: the route's own validation refuses the request
    return any(name.lower() in SECRET_QUERY_NAMES for name, _ in pairs)


def _cookie_route(method: str, path: str) -> bool:
    return method in ("GET", "HEAD") and (path in COOKIE_EXACT_PATHS or path.startswith(COOKIE_PREFIXES))


class SecurityMiddleware:
    """Host/Origin allowlists, bearer-token auth and the body-size cap, in that order (see the module)."""

    def __init__(self, app: ASGIApp, *, config: WebConfig, tokens: TokenStore, metrics: Metrics) -> None:
        self.app = app
        self.tokens = tokens
        self.metrics = metrics
        self.hosts = config.hosts
        self.origins = config.origins
        self.max_body = config.max_request_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        headers = Headers(scope=scope)
        if path not in OPERATIONAL_PATHS:
            host = headers.get("host", "")
            if not _host_allowed(host, self.hosts):
                logger.warning("refused a request for %r: Host header not allowed", path)
                response = problem_response(
                    421,
                    "misdirected-request",
                    "this server does not answer for that Host header (DNS-rebinding protection); the operator "
                    "can add the name to CARBON_KEPLER_ALLOWED_HOSTS",
                    instance=path,
                    title="Host not allowed",
                )
                await response(scope, receive, send)
                return
        origin = headers.get("origin")
        if origin is not None and path not in PROBE_PATHS and not _origin_allowed(origin, self.origins):
            logger.warning("refused a request for %r: Origin header not allowed", path)
            response = problem_response(
                403,
                "forbidden-origin",
                "requests from pages of another origin are refused; the operator can add the origin to "
                "CARBON_KEPLER_ALLOWED_ORIGINS",
                instance=path,
                title="Origin not allowed",
            )
            await response(scope, receive, send)
            return
        if _secret_in_query(scope.get("query_string", b"")):
            logger.warning("refused a request for %r: a token in the query string", path)
            response = problem_response(
                400,
                "token-in-url",
                "a token, key or password in the URL's query string is refused (URLs are logged and kept in "
                "browser history): send 'Authorization: Bearer <token>' instead",
                instance=path,
                title="Token in URL",
            )
            await response(scope, receive, send)
            return
        if self.tokens.enabled and not self._authenticated(scope["method"], path, headers):
            await self._unauthorized(scope, receive, send, headers)
            return
        await self._limited(scope, receive, send, headers)

    def _authenticated(self, method: str, path: str, headers: Headers) -> bool:
        if path in PROBE_PATHS or path in SESSION_PATHS or path.startswith(PUBLIC_PREFIXES):
            return True
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            return self.tokens.verify(credentials.strip())
        if _cookie_route(method, path):
            cookie = _cookie_value(headers)
            token = None if cookie is None else self.tokens.sessions.token(cookie)
            return token is not None and self.tokens.verify(token)  # a token taken away ends its sessions
        return False

    async def _unauthorized(self, scope: Scope, receive: Receive, send: Send, headers: Headers) -> None:
        path: str = scope["path"]
        presented = headers.get("authorization") is not None
        reason = "invalid_token" if presented else "missing_token"
        self.metrics.auth_failures.labels(reason=reason).inc()
        logger.warning("refused a request for %r: %s", path, reason.replace("_", " "))
        challenge = 'Bearer realm="carbon-kepler-mcp"'
        if presented:
            challenge += ', error="invalid_token", error_description="the bearer token is not accepted"'
        accepts_html = "text/html" in headers.get("accept", "") and _cookie_route(scope["method"], path)
        if accepts_html:
            # A person in a browser: send them to the login page instead of a JSON body.
            response = RedirectResponse(f"{LOGIN_PATH}?next={quote(path, safe='/')}", status_code=303)
            await response(scope, receive, send)
            return
        response = problem_response(
            401,
            "unauthorized",
            "this server requires an API token: send the header 'Authorization: Bearer <token>'"
            if not presented
            else "the bearer token is not accepted",
            instance=path,
            title="Unauthorized",
            headers={"WWW-Authenticate": challenge},
        )
        await response(scope, receive, send)

    async def _limited(self, scope: Scope, receive: Receive, send: Send, headers: Headers) -> None:
        """Pass the request on with its body read up front, unless the body is larger than the cap."""
        path: str = scope["path"]
        declared = headers.get("content-length")
        if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > self.max_body:
            await self._too_large(scope, receive, send, path)
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS") and declared is None:
            await self.app(scope, receive, send)  # no body; keep streaming semantics (MCP's GET stream)
            return
        body = bytearray()
        pending: deque[Message] = deque()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                pending.append(message)
                break
            body.extend(message.get("body", b""))
            if len(body) > self.max_body:
                await self._too_large(scope, receive, send, path)
                return
            if not message.get("more_body", False):
                break
        pending.appendleft({"type": "http.request", "body": bytes(body), "more_body": False})

        async def replay() -> Message:
            return pending.popleft() if pending else await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        response = problem_response(
            413,
            "body-too-large",
            f"the request body is larger than {self.max_body} bytes (CARBON_KEPLER_MAX_REQUEST_BODY_BYTES)",
            instance=path,
            title="Body too large",
        )
        await response(scope, receive, send)
