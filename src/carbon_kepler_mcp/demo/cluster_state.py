"""What a real cluster exports beside Kepler, for the demo: kube-state-metrics and cAdvisor series.

Pure code, like :mod:`carbon_kepler_mcp.demo.cluster`: each function renders Prometheus text exposition 0.0.4
for a :class:`DemoCluster` at unix time ``now``.

kube-state-metrics (v2 names and labels), for every pod that has started by ``now``:

* ``kube_pod_owner{namespace, pod, uid, owner_kind, owner_name, owner_is_controller}`` = 1. Deployment pods
  are owned by their ReplicaSet ``<deployment>-<pod-template-hash>``, CronJob pods by their Job
  ``<cronjob>-<scheduled minute>``, other pods by their controller; a bare pod has ``<none>``.
* ``kube_replicaset_owner{namespace, replicaset, owner_kind="Deployment", owner_name, owner_is_controller}`` = 1
  and ``kube_job_owner{namespace, job_name, owner_kind="CronJob", owner_name, owner_is_controller}`` = 1.
* ``kube_pod_container_resource_requests{namespace, pod, uid, container, node, resource="cpu", unit="core"}``
  = the pod's CPU request (pods without a request have no series, as in kube-state-metrics).
* ``kube_node_status_capacity{node, resource="cpu", unit="core"}`` = the node's cores.

cAdvisor (the kubelet's ``/metrics/cadvisor``), for every pod running at ``now``:

* ``container_cpu_usage_seconds_total{namespace, pod, container, id, image, name, cpu="total"}`` = the pod's
  ``cpu_usage_cores`` × seconds since the pod started, on its main container; the pause container ``POD``
  and the pod-level cgroup (``container=""``, the sum of the others) are exported too, as the kubelet does,
  so a consumer that does not filter them counts the pod twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from carbon_kepler_mcp.demo.cluster import DemoCluster, DemoPod

__all__ = [
    "PAUSE_CPU_CORES",
    "owner_chain",
    "render_cadvisor",
    "render_kube_state_metrics",
]

PAUSE_CPU_CORES: Final = 0.0001
"""The pause container's CPU use (0.1 millicore), exported under ``container="POD"``."""


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**pairs: str) -> str:
    return ",".join(f'{key}="{_esc(value)}"' for key, value in pairs.items())


def owner_chain(pod: DemoPod) -> tuple[tuple[str, str], tuple[str, str, str] | None]:
    """(pod owner kind, name), and (parent kind, parent name, object name) for ReplicaSet or Job owners."""
    kind, name = pod.workload_kind, pod.workload
    if kind == "Deployment":
        template_hash = pod.name[len(name) + 1 :].rsplit("-", 1)[0]
        replicaset = f"{name}-{template_hash}"
        return ("ReplicaSet", replicaset), ("Deployment", name, replicaset)
    if kind == "CronJob":
        minute = pod.name[len(name) + 1 :].rsplit("-", 1)[0]
        job = f"{name}-{minute}"
        return ("Job", job), ("CronJob", name, job)
    if kind == "Pod":
        return ("<none>", "<none>"), None
    return (kind, name), None


def _started(cluster: DemoCluster, now: float) -> Iterable[DemoPod]:
    return (pod for pod in cluster.pods if cluster.is_exported(pod, now))


def render_kube_state_metrics(cluster: DemoCluster, now: float) -> str:
    """kube-state-metrics' owner, request and capacity series of the cluster at ``now``."""
    owners: list[str] = ["# TYPE kube_pod_owner gauge"]
    requests: list[str] = ["# TYPE kube_pod_container_resource_requests gauge"]
    replicasets: dict[tuple[str, str], str] = {}
    jobs: dict[tuple[str, str], str] = {}
    for pod in _started(cluster, now):
        (kind, name), parent = owner_chain(pod)
        controller = "<none>" if kind == "<none>" else "true"
        owners.append(
            "kube_pod_owner{"
            + _labels(
                namespace=pod.namespace,
                owner_is_controller=controller,
                owner_kind=kind,
                owner_name=name,
                pod=pod.name,
                uid=pod.uid,
            )
            + "} 1"
        )
        if parent is not None:
            target = replicasets if parent[0] == "Deployment" else jobs
            target[(pod.namespace, parent[2])] = parent[1]
        if pod.cpu_request_cores is not None:
            requests.append(
                "kube_pod_container_resource_requests{"
                + _labels(
                    container=_container(pod),
                    namespace=pod.namespace,
                    node=pod.node,
                    pod=pod.name,
                    resource="cpu",
                    uid=pod.uid,
                    unit="core",
                )
                + f"}} {pod.cpu_request_cores!r}"
            )
    out = owners + requests
    out.append("# TYPE kube_replicaset_owner gauge")
    out.extend(
        "kube_replicaset_owner{"
        + _labels(namespace=ns, owner_is_controller="true", owner_kind="Deployment", owner_name=owner, replicaset=rs)
        + "} 1"
        for (ns, rs), owner in sorted(replicasets.items())
    )
    out.append("# TYPE kube_job_owner gauge")
    out.extend(
        "kube_job_owner{"
        + _labels(job_name=job, namespace=ns, owner_is_controller="true", owner_kind="CronJob", owner_name=owner)
        + "} 1"
        for (ns, job), owner in sorted(jobs.items())
    )
    out.append("# TYPE kube_node_status_capacity gauge")
    out.extend(
        "kube_node_status_capacity{"
        + _labels(node=node.name, resource="cpu", unit="core")
        + f"}} {float(node.cores)!r}"
        for node in cluster.nodes
    )
    out.append("")
    return "\n".join(out)


def _container(pod: DemoPod) -> str:
    return pod.workload or "main"


def render_cadvisor(cluster: DemoCluster, now: float) -> str:
    """cAdvisor's CPU usage counters of the running pods at ``now`` (main, pause and pod-level cgroup)."""
    out: list[str] = ["# TYPE container_cpu_usage_seconds_total counter"]
    for pod in cluster.pods:
        if not cluster.is_running(pod, now):
            continue
        seconds = max(0.0, now - (cluster.epoch + pod.started_offset_seconds))
        main = pod.cpu_usage_cores * seconds
        pause = PAUSE_CPU_CORES * seconds
        cgroup = f"/kubepods/burstable/pod{pod.uid}"
        for container, value, image in (
            (_container(pod), main, f"registry.example/{_container(pod)}:demo"),
            ("POD", pause, "registry.k8s.io/pause:3.9"),
            ("", main + pause, ""),
        ):
            labels = _labels(
                container=container,
                cpu="total",
                id=cgroup + (f"/{container}" if container else ""),
                image=image,
                name=container,
                namespace=pod.namespace,
                pod=pod.name,
            )
            out.append(f"container_cpu_usage_seconds_total{{{labels}}} {value!r}")
    out.append("")
    return "\n".join(out)
