"""Days of demo history in OpenMetrics, for ``promtool tsdb create-blocks-from openmetrics``.

A fresh Prometheus holds minutes of data; range queries (observed schedules, hour-of-day profiles) need days.
:func:`history_cluster` is the default demo cluster whose Kepler booted ``days`` ago and whose CronJob
``batch/nightly-report`` runs every day at a fixed local hour (a diurnal pattern, so the observed schedule
is meaningful); :func:`write_openmetrics` renders every endpoint of that cluster (per-node Kepler,
kube-state-metrics, cAdvisor) at regular instants and writes the samples with the ``job`` and ``instance``
labels a live scrape of :class:`~carbon_kepler_mcp.demo.multi.DemoEndpoints` gives them. Backfill the file,
then let Prometheus scrape the same cluster live: the backfilled and the scraped series are the same series,
and the counters continue without a reset, because the cluster is a pure function of time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final, TextIO
from zoneinfo import ZoneInfo

from carbon_kepler_mcp.demo.cluster import K8S_SUFFIX_ALPHABET, DemoCluster, DemoPod, default_cluster
from carbon_kepler_mcp.demo.multi import renderers
from carbon_kepler_mcp.errors import InvalidArgumentError

__all__ = [
    "CRON_NAME",
    "CRON_NAMESPACE",
    "history_cluster",
    "history_instants",
    "openmetrics_lines",
    "write_openmetrics",
]

CRON_NAMESPACE: Final = "batch"
CRON_NAME: Final = "nightly-report"
_CRON_WATTS: Final = (38.0, 6.0)  # package, dram: the demo's nightly-report pods
_CRON_NODE: Final = "kr-seoul-cpu-2"


def _suffix(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(K8S_SUFFIX_ALPHABET[b % len(K8S_SUFFIX_ALPHABET)] for b in digest[:5])


def history_cluster(
    end: float,
    days: int,
    *,
    cron_hour_local: int = 1,
    run_minutes: int = 90,
    timezone: str = "Asia/Seoul",
) -> DemoCluster:
    """The default demo whose Kepler booted ``days`` days (plus an hour) before ``end``, with a daily CronJob.

    ``batch/nightly-report`` runs every day from ``cron_hour_local``:00 local time for ``run_minutes``
    minutes (38 W package + 6 W dram, on ``kr-seoul-cpu-2``), from the first day of the history to two
    days after ``end``, each run a pod ``nightly-report-<scheduled minute>-<5 characters>`` as a CronJob
    names them. The default demo's own nightly-report pods are left out; every other pod is as in
    :func:`~carbon_kepler_mcp.demo.default_cluster`.
    """
    if not 1 <= days <= 31:
        raise InvalidArgumentError(f"days must be 1 to 31, got {days}")
    if not 0 <= cron_hour_local <= 23 or not 1 <= run_minutes <= 23 * 60:
        raise InvalidArgumentError("cron_hour_local must be 0-23 and run_minutes 1-1380")
    epoch = float(int(end) - days * 86_400 - 3_600)
    base = default_cluster(epoch)
    pods: list[DemoPod] = [p for p in base.pods if p.workload != CRON_NAME]
    template = next(p for p in base.pods if p.workload == CRON_NAME)
    tz = ZoneInfo(timezone)
    first_day = datetime.fromtimestamp(epoch, tz).date()
    last_day = datetime.fromtimestamp(end, tz).date() + timedelta(days=2)
    day = first_day
    while day <= last_day:
        start = datetime(day.year, day.month, day.day, cron_hour_local, tzinfo=tz).timestamp()
        day += timedelta(days=1)
        if start < epoch:
            continue
        minute = int(start // 60)
        name = f"{CRON_NAME}-{minute}-{_suffix(f'{CRON_NAME}/{minute}')}"
        pods.append(
            DemoPod(
                namespace=CRON_NAMESPACE,
                name=name,
                uid=str(hashlib.sha256(name.encode()).hexdigest()[:32]),
                node=_CRON_NODE,
                package_watts=_CRON_WATTS[0],
                dram_watts=_CRON_WATTS[1],
                state="terminated",
                started_offset_seconds=start - epoch,
                ended_offset_seconds=start - epoch + run_minutes * 60,
                cpu_request_cores=template.cpu_request_cores,
                cpu_usage_cores=template.cpu_usage_cores,
                workload=CRON_NAME,
                workload_kind="CronJob",
            )
        )
    return DemoCluster(nodes=base.nodes, pods=tuple(pods), epoch=epoch)


def history_instants(
    start: float, end: float, *, coarse_step: int = 600, fine_step: int = 60, fine_seconds: int = 7_200
) -> list[int]:
    """Sample instants from ``start`` to ``end``: every ``coarse_step`` s, then every ``fine_step`` s for the
    last ``fine_seconds`` (windowed queries over the last hour then see scrape-like spacing). All instants are
    multiples of their step, so runs line up with whole hours."""
    if coarse_step <= 0 or fine_step <= 0 or end <= start:
        raise InvalidArgumentError("steps must be positive and end after start")
    fine_from = end - fine_seconds
    instants = list(range(int(-(-start // coarse_step) * coarse_step), int(min(fine_from, end)), coarse_step))
    instants += list(range(int(-(-max(start, fine_from) // fine_step) * fine_step), int(end) + 1, fine_step))
    return sorted(set(instants))


def _with_labels(line: str, extra: str, stamp: int) -> str:
    brace = line.find("{")
    if brace >= 0:
        close = line.rfind("}")
        inner = line[brace + 1 : close]
        labels = extra + ("," + inner if inner else "")
        return f"{line[:brace]}{{{labels}}}{line[close + 1 :]} {stamp}"
    name, _, value = line.partition(" ")
    return f"{name}{{{extra}}} {value} {stamp}"


def openmetrics_lines(
    cluster: DemoCluster, instances: Mapping[tuple[str, str], str], instants: list[int]
) -> Iterator[str]:
    """Every endpoint's samples at every instant, labelled ``job`` and ``instance`` as a scrape would be.

    ``instances`` maps (job, name) of :func:`~carbon_kepler_mcp.demo.multi.renderers` to the ``host:port``
    Prometheus will scrape. Ends with ``# EOF``.
    """
    renders = renderers(cluster)
    missing = set(renders) - set(instances)
    if missing:
        raise InvalidArgumentError(f"no instance for endpoints {sorted(missing)}")
    heads = {key: f'job="{key[0]}",instance="{instances[key]}"' for key in renders}
    for stamp in instants:
        for key, render in renders.items():
            for line in render(float(stamp)).splitlines():
                if line and not line.startswith("#"):
                    yield _with_labels(line, heads[key], stamp)
    yield "# EOF"


def write_openmetrics(
    path: Path | TextIO, cluster: DemoCluster, instances: Mapping[tuple[str, str], str], instants: list[int]
) -> int:
    """Write :func:`openmetrics_lines` to ``path`` (a file name or an open text file); returns the sample count."""
    count = 0
    if isinstance(path, Path):
        with path.open("w", encoding="utf-8") as out:
            return write_openmetrics(out, cluster, instances, instants)
    for line in openmetrics_lines(cluster, instances, instants):
        path.write(line + "\n")
        count += 1
    return count - 1


def describe(end: float, days: int) -> str:
    """One line for logs: the history's span in UTC."""
    start = datetime.fromtimestamp(end - days * 86_400, UTC).isoformat(timespec="minutes")
    return (
        f"{days} days of demo history from {start} to {datetime.fromtimestamp(end, UTC).isoformat(timespec='minutes')}"
    )
