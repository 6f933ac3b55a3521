"""The demo cluster served the way a real cluster exposes it to Prometheus: many HTTP endpoints.

* one Kepler endpoint per node, as the Kepler DaemonSet runs one exporter per node (each renders only its
  node and the pods scheduled on it);
* one kube-state-metrics endpoint (owners, CPU requests, node capacity);
* one cAdvisor endpoint (container CPU usage).

:class:`DemoEndpoints` starts them all on loopback ports in background threads; :meth:`~DemoEndpoints.
prometheus_config` writes the ``scrape_configs`` a real Prometheus needs to scrape them, and
:func:`node_cluster` gives the per-node view used both here and by the history generator, so live scrapes
and backfilled history carry exactly the same series.
"""

from __future__ import annotations

import dataclasses
import logging
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final, Self

from carbon_kepler_mcp.demo.cluster import DemoCluster
from carbon_kepler_mcp.demo.cluster_state import render_cadvisor, render_kube_state_metrics
from carbon_kepler_mcp.demo.exporter import METRICS_CONTENT_TYPE
from carbon_kepler_mcp.errors import ConfigError

__all__ = ["JOB_CADVISOR", "JOB_KEPLER", "JOB_KSM", "DemoEndpoints", "Endpoint", "node_cluster", "renderers"]

logger = logging.getLogger(__name__)

JOB_KEPLER: Final = "kepler"
JOB_KSM: Final = "kube-state-metrics"
JOB_CADVISOR: Final = "cadvisor"

Render = Callable[[float], str]


def node_cluster(cluster: DemoCluster, node: str) -> DemoCluster:
    """The part of ``cluster`` one node's Kepler exports: that node and the pods scheduled on it."""
    nodes = tuple(n for n in cluster.nodes if n.name == node)
    if not nodes:
        raise ConfigError(f"the demo cluster has no node {node!r}")
    return dataclasses.replace(cluster, nodes=nodes, pods=cluster.pods_on(node))


def renderers(cluster: DemoCluster) -> dict[tuple[str, str], Render]:
    """(job, name) → render function: one Kepler per node, kube-state-metrics, cAdvisor."""
    out: dict[tuple[str, str], Render] = {}
    for node in cluster.nodes:
        out[(JOB_KEPLER, node.name)] = node_cluster(cluster, node.name).render
    out[(JOB_KSM, JOB_KSM)] = lambda now: render_kube_state_metrics(cluster, now)
    out[(JOB_CADVISOR, JOB_CADVISOR)] = lambda now: render_cadvisor(cluster, now)
    return out


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], render: Render, clock: Callable[[], float]) -> None:
        self.render = render
        self.clock = clock
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("demo endpoint: error while serving %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server: _Server  # pyright: ignore[reportIncompatibleVariableOverride]
    server_version = "demo-endpoint"

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] != "/metrics":
            self._send(HTTPStatus.NOT_FOUND, b"404 not found: try /metrics\n", "text/plain; charset=utf-8")
            return
        try:
            body = self.server.render(self.server.clock()).encode("utf-8")
        except Exception:
            logger.exception("demo endpoint: rendering failed")
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, b"internal error\n", "text/plain; charset=utf-8")
            return
        self._send(HTTPStatus.OK, body, METRICS_CONTENT_TYPE)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("demo endpoint %s: " + format, self.address_string(), *args)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One served endpoint: its Prometheus job, a name (the node for Kepler) and its address."""

    job: str
    name: str
    host: str
    port: int

    @property
    def target(self) -> str:
        """``host:port``, the ``instance`` label Prometheus gives its series."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The /metrics URL."""
        return f"http://{self.target}/metrics"


class DemoEndpoints:
    """Every endpoint of the demo cluster, each on its own loopback port (0 = free ports)."""

    def __init__(
        self,
        cluster: DemoCluster,
        host: str = "127.0.0.1",
        *,
        ports: Mapping[tuple[str, str], int] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cluster = cluster
        self._host = host
        self._ports = dict(ports or {})
        self._clock = clock
        self._servers: list[tuple[Endpoint, _Server, threading.Thread]] = []

    @property
    def endpoints(self) -> tuple[Endpoint, ...]:
        """The running endpoints."""
        return tuple(endpoint for endpoint, _, _ in self._servers)

    def start(self) -> None:
        """Bind every port and serve in daemon threads."""
        if self._servers:
            return
        try:
            for (job, name), render in renderers(self.cluster).items():
                port = self._ports.get((job, name), 0)
                try:
                    server = _Server((self._host, port), render, self._clock)
                except OSError as exc:
                    raise ConfigError(
                        f"cannot listen on {self._host}:{port} for the demo {job} endpoint ({exc.strerror or exc})"
                    ) from exc
                thread = threading.Thread(
                    target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=f"demo-{job}", daemon=True
                )
                thread.start()
                self._servers.append((Endpoint(job, name, self._host, server.server_address[1]), server, thread))
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop every endpoint. Safe to call more than once."""
        servers, self._servers = self._servers, []
        for _, server, thread in servers:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5.0)

    def prometheus_config(self, scrape_interval: str = "15s") -> str:
        """A ``prometheus.yml`` that scrapes every endpoint (Kepler targets labelled with their node)."""
        lines = ["global:", f"  scrape_interval: {scrape_interval}", f"  evaluation_interval: {scrape_interval}"]
        lines.append("scrape_configs:")
        for job in (JOB_KEPLER, JOB_KSM, JOB_CADVISOR):
            targets = [e for e in self.endpoints if e.job == job]
            if not targets:
                continue
            lines += [f"  - job_name: {job}", "    static_configs:"]
            lines += [f"      - targets: ['{e.target}']" for e in targets]
        return "\n".join(lines) + "\n"

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
