"""The ``carbon-kepler-mcp`` command: serve MCP, answer one question, or run the demo exporter.

Exit codes: 0 ok · 1 unexpected failure · 2 configuration or argument error · 3 not found · 4 metrics
source failed. Output for people goes to stdout; logs and errors go to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import anyio
from pydantic import BaseModel, ValidationError

from carbon_kepler_mcp import render
from carbon_kepler_mcp._version import __version__
from carbon_kepler_mcp.errors import (
    CarbonKeplerError,
    ConfigError,
    InvalidArgumentError,
    NotFoundError,
    SourceError,
)
from carbon_kepler_mcp.models import OptimizationType
from carbon_kepler_mcp.reference import load_reference_data
from carbon_kepler_mcp.service import ALL_OPTIMIZATIONS, CarbonService, ServiceConfig
from carbon_kepler_mcp.settings import Settings
from carbon_kepler_mcp.sources import build_source
from carbon_kepler_mcp.window import parse_window

logger = logging.getLogger("carbon_kepler_mcp")
T = TypeVar("T", bound=BaseModel)

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_SOURCE = 0, 1, 2, 3, 4


def service_config(settings: Settings) -> ServiceConfig:
    """The use-case configuration from the settings."""
    return ServiceConfig(
        default_region=settings.default_region,
        pue_standard=settings.pue_standard,
        pue=settings.pue,
        node_pue=settings.node_pue,
        korea_intensity_override_g_per_kwh=settings.korea_carbon_intensity_g_per_kwh,
        korea_pue_target_override=settings.korea_pue_target,
        electricity_price_usd_per_kwh=settings.electricity_price_usd_per_kwh,
        default_window_seconds=parse_window(settings.default_window),
    )


def build_service(settings: Settings) -> CarbonService:
    """The service with the source and reference data the settings ask for."""
    reference = load_reference_data(settings.data_dir)
    source = build_source(settings)
    service = CarbonService(source, reference, service_config(settings))
    # Fail on a bad PUE standard or region at start-up, not at the first tool call.
    pue_standard = service.standard(settings.pue_standard)
    if pue_standard.kind != "pue":
        raise ConfigError(
            f"pue_standard {pue_standard.code} is a {pue_standard.kind} standard, not a PUE standard; set "
            "CARBON_KEPLER_PUE_STANDARD to one of: "
            + ", ".join(s.code for s in service.reference.standards.values() if s.kind == "pue")
        )
    service.region(settings.default_region)
    return service


def _source_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("metrics source")
    group.add_argument("--demo", action="store_true", help="use the built-in demo cluster")
    group.add_argument(
        "--kepler-endpoint",
        metavar="URL[,URL...]",
        help="Kepler /metrics URL(s), comma-separated (env KEPLER_ENDPOINT)",
    )
    group.add_argument(
        "--prometheus-url",
        metavar="URL",
        help="Prometheus (or Thanos/Mimir) API base URL that scrapes Kepler (env PROMETHEUS_URL)",
    )
    group.add_argument(
        "--window",
        metavar="DURATION",
        help="energy window for the Prometheus source, 5m-7d (default 1h; env CARBON_KEPLER_DEFAULT_WINDOW)",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging on stderr (-vv: debug)")


def _question_options(parser: argparse.ArgumentParser, *, workload: bool = True) -> None:
    if workload:
        parser.add_argument("workload", help="workload name: pod, Deployment, StatefulSet, DaemonSet, Job or CronJob")
    parser.add_argument("-n", "--namespace", default="default", help="Kubernetes namespace (default: default)")
    parser.add_argument("--json", action="store_true", help="print the tool's exact structured result as JSON")
    parser.add_argument("--language", "--lang", choices=("en", "ko"), default="en", help="language of the text")
    _source_options(parser)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="carbon-kepler-mcp",
        description="Carbon emissions and compliance of Kubernetes workloads from Kepler power metrics.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the MCP server (stdio for desktop hosts, or Streamable HTTP)")
    serve.add_argument("--transport", choices=("stdio", "http"), help="default: stdio (env MCP_TRANSPORT)")
    serve.add_argument("--host", help="HTTP bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="HTTP port (default 8000)")
    serve.add_argument(
        "--api-token-file",
        metavar="PATH",
        help="file of accepted bearer tokens, one per line (env CARBON_KEPLER_API_TOKEN_FILE; or set "
        "CARBON_KEPLER_API_TOKEN; never on the command line)",
    )
    serve.add_argument(
        "--allowed-host",
        action="append",
        metavar="HOST[:PORT|:*]",
        help="accept this Host header too (repeatable; env CARBON_KEPLER_ALLOWED_HOSTS); loopback is always accepted",
    )
    serve.add_argument(
        "--allow-unauthenticated",
        action="store_true",
        help="serve HTTP on a non-loopback address without an API token (refused otherwise)",
    )
    _source_options(serve)

    assess = sub.add_parser("assess", help="assess one workload against a standard")
    _question_options(assess)
    assess.add_argument("--standard", default="KR_CARBON_2050", help="standard code (default KR_CARBON_2050)")
    assess.add_argument("--region", help="region code (default ap-northeast-2)")

    compare = sub.add_parser("compare", help="compare emissions before and after optimisations")
    _question_options(compare)
    compare.add_argument(
        "--optimization",
        "-o",
        action="append",
        choices=ALL_OPTIMIZATIONS,
        help="repeat for several (default: all four)",
    )
    compare.add_argument("--standard", default="KR_CARBON_2050")
    compare.add_argument("--region")
    compare.add_argument("--target-region", help="region for regional_migration (default: the cleanest)")
    compare.add_argument("--target-pue", type=float, help="PUE for pue_improvement (default: the PUE standard's)")
    compare.add_argument("--rightsizing-percent", type=float, help="your estimate of power saved by right-sizing, %%")
    compare.add_argument("--batch-hours", type=float, default=4.0, help="run length for temporal_shift (hours)")

    listing = sub.add_parser("list", help="list a namespace's workloads by compliance")
    _question_options(listing, workload=False)
    listing.add_argument("--standard", default="KR_CARBON_2050")
    listing.add_argument("--region")
    listing.add_argument("--status", choices=("COMPLIANT", "NON_COMPLIANT", "NOT_ASSESSABLE"))
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--cursor")

    regions = sub.add_parser("regions", help="compare a workload's emissions across regions")
    _question_options(regions)
    regions.add_argument("--current-region")
    regions.add_argument("--compare", help="comma-separated regions (default: all known)")

    schedule = sub.add_parser("schedule", help="find the lowest-carbon start time in the next 24 h")
    _question_options(schedule)
    schedule.add_argument("--duration", type=float, default=4.0, help="run length in hours (default 4)")
    schedule.add_argument("--region")

    demo = sub.add_parser("demo-cluster", help="run the demo cluster's Kepler-compatible exporter")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=28282)
    demo.add_argument(
        "--endpoints",
        action="store_true",
        help="serve it like a cluster: one Kepler endpoint per node, kube-state-metrics and cAdvisor on "
        "consecutive ports from --port, and print a prometheus.yml that scrapes them",
    )
    demo.add_argument(
        "--history-file",
        metavar="PATH",
        help="with --endpoints: write days of history in OpenMetrics for promtool tsdb create-blocks-from "
        "openmetrics, then exit",
    )
    demo.add_argument("--history-days", type=int, default=3, help="days of history (1-31, default 3)")
    demo.add_argument("-v", "--verbose", action="count", default=0)
    return parser


def _setup_logging(verbosity: int, default: str = "WARNING") -> None:
    level = {0: default, 1: "INFO"}.get(verbosity, "DEBUG")
    logging.basicConfig(level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _settings(args: argparse.Namespace, **extra: Any) -> Settings:
    overrides: dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    if getattr(args, "demo", False):
        overrides["source"] = "demo"
    if getattr(args, "kepler_endpoint", None):
        overrides["kepler_endpoints"] = args.kepler_endpoint
        overrides.setdefault("source", "kepler")
    if getattr(args, "prometheus_url", None):
        overrides["prometheus_url"] = args.prometheus_url
        overrides.setdefault("source", "prometheus")
    if getattr(args, "window", None):
        overrides["default_window"] = args.window
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from exc


async def _ask(settings: Settings, question: Callable[[CarbonService], Awaitable[T]]) -> T:
    service = build_service(settings)
    try:
        return await question(service)
    finally:
        await service.aclose()


def _run_question(args: argparse.Namespace, question: Callable[[CarbonService], Awaitable[T]]) -> int:
    settings = _settings(args)
    result = anyio.run(_ask, settings, question)
    if args.json:
        print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print(render.text(result))
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    settings = _settings(
        args,
        transport=args.transport,
        host=args.host,
        port=args.port,
        api_token_file=args.api_token_file,
        allowed_hosts=",".join(args.allowed_host) if args.allowed_host else None,
        allow_unauthenticated=True if args.allow_unauthenticated else None,
    )
    _setup_logging(args.verbose, default=settings.log_level)
    if settings.transport == "stdio":
        from carbon_kepler_mcp.server import build_server

        service = build_service(settings)
        logger.info("serving MCP over stdio (metrics: %s)", service.source.description)
        build_server(service).run("stdio")
        return EXIT_OK

    import uvicorn

    from carbon_kepler_mcp.web import build_app, is_loopback, web_config

    config = web_config(settings)  # refuses a public bind without a token before anything starts
    service = build_service(settings)
    app = build_app(service, config, close_service=True)
    base = f"http://{'[' + settings.host + ']' if ':' in settings.host else settings.host}:{settings.port}"
    logger.warning(
        "serving on %s: dashboard /, REST /tools and /docs, MCP Streamable HTTP /mcp, /metrics; auth %s (metrics: %s)",
        base,
        "on (bearer token)" if config.auth_enabled else "off",
        service.source.description,
    )
    if not config.auth_enabled and not is_loopback(settings.host):
        logger.warning("no API token: anyone who can reach %s can use this server (--allow-unauthenticated)", base)
    if not is_loopback(settings.host) and not settings.allowed_hosts:
        logger.warning(
            "only loopback names and the bound address are accepted as Host; set CARBON_KEPLER_ALLOWED_HOSTS to the "
            "names clients use (e.g. the Service name), or their requests get 421"
        )
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,  # our stderr logging, not uvicorn's (which prints access lines to stdout)
        server_header=False,
        timeout_graceful_shutdown=5,
    )
    return EXIT_OK


def _demo_cluster(args: argparse.Namespace) -> int:
    import time

    from carbon_kepler_mcp.demo import default_cluster, serve_forever
    from carbon_kepler_mcp.sources.demo import DEMO_UPTIME_SECONDS

    _setup_logging(args.verbose, default="INFO")
    if args.endpoints:
        return _demo_endpoints(args)
    cluster = default_cluster(epoch=time.time() - DEMO_UPTIME_SECONDS)
    print(f"demo Kepler exporter on http://{args.host}:{args.port}/metrics (Ctrl-C to stop)", file=sys.stderr)
    serve_forever(cluster, args.host, args.port)
    return EXIT_OK


def _demo_endpoints(args: argparse.Namespace) -> int:
    """``demo-cluster --endpoints``: every endpoint of the history cluster, or its history as OpenMetrics."""
    import time
    from pathlib import Path

    from carbon_kepler_mcp.demo.history import history_cluster, history_instants, write_openmetrics
    from carbon_kepler_mcp.demo.multi import DemoEndpoints, renderers

    # The history cluster's Kepler booted `history_days` before the start of the current hour, so the live
    # endpoints and a history file written in the same hour describe the same counters.
    anchor = float(int(time.time()) // 3600 * 3600)
    cluster = history_cluster(anchor, args.history_days)
    ports = {key: args.port + index for index, key in enumerate(renderers(cluster))}
    if args.history_file:
        instances = {key: f"{args.host}:{port}" for key, port in ports.items()}
        end = time.time()
        count = write_openmetrics(
            Path(args.history_file), cluster, instances, history_instants(end - args.history_days * 86_400, end)
        )
        print(f"wrote {count:,} samples to {args.history_file}", file=sys.stderr)
        return EXIT_OK
    with DemoEndpoints(cluster, args.host, ports=ports) as endpoints:
        print(endpoints.prometheus_config("15s"))
        for endpoint in endpoints.endpoints:
            print(f"{endpoint.job:<20} {endpoint.name:<20} {endpoint.url}", file=sys.stderr)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return EXIT_OK


def _dispatch(args: argparse.Namespace) -> int:
    command: str = args.command
    if command == "serve":
        return _serve(args)
    if command == "demo-cluster":
        return _demo_cluster(args)
    _setup_logging(args.verbose)
    lang = args.language
    if command == "assess":
        return _run_question(args, lambda s: s.assess(args.workload, args.namespace, args.standard, args.region, lang))
    if command == "compare":
        chosen: Sequence[OptimizationType] = args.optimization or ALL_OPTIMIZATIONS
        return _run_question(
            args,
            lambda s: s.compare(
                args.workload,
                args.namespace,
                chosen,
                args.standard,
                args.region,
                lang,
                target_region=args.target_region,
                target_pue=args.target_pue,
                rightsizing_reduction_percent=args.rightsizing_percent,
                batch_duration_hours=args.batch_hours,
            ),
        )
    if command == "list":
        return _run_question(
            args,
            lambda s: s.list_workloads(
                args.namespace, args.standard, args.status, args.region, lang, limit=args.limit, cursor=args.cursor
            ),
        )
    if command == "regions":
        others = [c.strip() for c in args.compare.split(",") if c.strip()] if args.compare else None
        return _run_question(
            args, lambda s: s.regional_comparison(args.workload, args.namespace, args.current_region, others, lang)
        )
    if command == "schedule":
        return _run_question(
            args, lambda s: s.schedule(args.workload, args.namespace, args.duration, args.region, lang)
        )
    raise AssertionError(f"unhandled command {command}")  # pragma: no cover - argparse rejects others


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``carbon-kepler-mcp`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except (ConfigError, InvalidArgumentError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_SOURCE
    except CarbonKeplerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
