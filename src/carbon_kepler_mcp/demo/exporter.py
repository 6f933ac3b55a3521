"""The demo's one HTTP server: a metrics endpoint for any render function (a Kepler exporter by default).

The impure edge of the demo: a stdlib :class:`http.server.ThreadingHTTPServer` that answers

* ``GET``/``HEAD /metrics`` → 200, ``text/plain; version=0.0.4; charset=utf-8``, ``render(clock())``;
* ``GET``/``HEAD /`` → a short text page pointing to ``/metrics``;
* anything else → 404.

:class:`DemoExporter` serves a cluster's Kepler metrics; :mod:`.multi` serves one per node, kube-state-metrics
and cAdvisor with the same class. Requests are logged with :mod:`logging` at DEBUG only.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final, Self

from carbon_kepler_mcp.demo.cluster import DemoCluster
from carbon_kepler_mcp.errors import ConfigError, InvalidArgumentError

__all__ = ["METRICS_CONTENT_TYPE", "DemoExporter", "Render", "serve_forever"]

logger = logging.getLogger(__name__)

METRICS_CONTENT_TYPE: Final = "text/plain; version=0.0.4; charset=utf-8"
"""Content type of Prometheus text exposition 0.0.4, as Kepler sends it."""

_INDEX: Final = b"carbon-kepler-mcp demo cluster: a Kepler-compatible exporter (synthetic data).\nMetrics: /metrics\n"


Render = Callable[[float], str]
"""The text exposition of an endpoint at a unix time."""


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer that carries the render function and clock, supports IPv6 and logs quietly."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], render: Render, clock: Callable[[], float]) -> None:
        self.render = render
        self.clock = clock
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("demo exporter: error while serving %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    """Answers /metrics, / and 404 for everything else."""

    server: _Server  # pyright: ignore[reportIncompatibleVariableOverride]
    server_version = "kepler-demo"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, *, send_body: bool) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            try:
                body = self.server.render(self.server.clock()).encode("utf-8")
            except Exception:
                logger.exception("demo exporter: rendering the metrics failed")
                self._send(
                    HTTPStatus.INTERNAL_SERVER_ERROR, b"internal error\n", "text/plain; charset=utf-8", send_body
                )
                return
            self._send(HTTPStatus.OK, body, METRICS_CONTENT_TYPE, send_body)
        elif path == "/":
            self._send(HTTPStatus.OK, _INDEX, "text/plain; charset=utf-8", send_body)
        else:
            self._send(HTTPStatus.NOT_FOUND, b"404 not found: try /metrics\n", "text/plain; charset=utf-8", send_body)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("demo exporter %s: " + format, self.address_string(), *args)


def _bind(render: Render, host: str, port: int, clock: Callable[[], float], what: str) -> _Server:
    if not 0 <= port <= 65535:
        raise InvalidArgumentError(f"port must be between 0 and 65535, got {port}")
    try:
        return _Server((host, port), render, clock)
    except OSError as exc:
        raise ConfigError(
            f"cannot listen on {host}:{port} for the {what} ({exc.strerror or exc}); "
            "choose another host or port (port 0 picks a free one)"
        ) from exc


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/metrics"


class DemoExporter:
    """A metrics endpoint served from a background thread: a cluster's Kepler exporter, or any ``render``.

    Use as a context manager, or call :meth:`start` and :meth:`stop`. Port 0 picks a free port;
    :attr:`url` gives the real one once started.
    """

    def __init__(
        self,
        cluster: DemoCluster | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.time,
        *,
        render: Render | None = None,
        name: str = "demo exporter",
    ) -> None:
        if render is None:
            if cluster is None:
                raise InvalidArgumentError("give the demo exporter a cluster or a render function")
            render = cluster.render
        elif cluster is not None:
            raise InvalidArgumentError("give the demo exporter a cluster or a render function, not both")
        self._render: Render = render
        self._name = name
        self._host = host
        self._port = port
        self._clock = clock
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The metrics URL, e.g. ``http://127.0.0.1:28282/metrics`` (the bound port once started)."""
        if self._server is None:
            return _url(self._host, self._port)
        return _url(self._host, self._server.server_address[1])

    @property
    def port(self) -> int:
        """The bound TCP port once started, else the requested one."""
        return self._port if self._server is None else self._server.server_address[1]

    def start(self) -> None:
        """Bind the port and serve in a daemon thread. Raises ConfigError if the port cannot be bound."""
        if self._server is not None:
            return
        server = _bind(self._render, self._host, self._port, self._clock, self._name)
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=self._name, daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        logger.debug("demo exporter serving on %s", self.url)

    def stop(self) -> None:
        """Stop serving and release the port. Safe to call more than once."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5.0)
        self._server, self._thread = None, None
        logger.debug("demo exporter stopped")

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def serve_forever(cluster: DemoCluster, host: str, port: int) -> None:
    """Serve ``cluster`` on ``host:port`` in the calling thread until Ctrl-C (for ``demo-cluster``)."""
    server = _bind(cluster.render, host, port, time.time, "demo exporter")
    logger.info("demo Kepler exporter serving on %s (Ctrl-C to stop)", _url(host, server.server_address[1]))
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        logger.info("demo Kepler exporter stopping")
    finally:
        server.server_close()
