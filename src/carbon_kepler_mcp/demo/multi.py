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
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Final, Self

from carbon_kepler_mcp.demo.cluster import DemoCluster
from carbon_kepler_mcp.demo.cluster_state import render_cadvisor, render_kube_state_metrics
from carbon_kepler_mcp.demo.exporter import DemoExporter, Render
from carbon_kepler_mcp.errors import ConfigError

__all__ = ["JOB_CADVISOR", "JOB_KEPLER", "JOB_KSM", "DemoEndpoints", "Endpoint", "node_cluster", "renderers"]

logger = logging.getLogger(__name__)

JOB_KEPLER: Final = "kepler"
JOB_KSM: Final = "kube-state-metrics"
JOB_CADVISOR: Final = "cadvisor"


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
        self._servers: list[tuple[Endpoint, DemoExporter]] = []

    @property
    def endpoints(self) -> tuple[Endpoint, ...]:
        """The running endpoints."""
        return tuple(endpoint for endpoint, _ in self._servers)

    def start(self) -> None:
        """Bind every port and serve in daemon threads (the demo's one HTTP server, once per endpoint)."""
        if self._servers:
            return
        try:
            for (job, name), render in renderers(self.cluster).items():
                exporter = DemoExporter(
                    host=self._host,
                    port=self._ports.get((job, name), 0),
                    clock=self._clock,
                    render=render,
                    name=f"demo {job} endpoint",
                )
                exporter.start()
                self._servers.append((Endpoint(job, name, self._host, exporter.port), exporter))
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop every endpoint. Safe to call more than once."""
        servers, self._servers = self._servers, []
        for _, exporter in servers:
            exporter.stop()

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
