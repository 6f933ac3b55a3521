"""The ``carbon-kepler-mcp`` program: serve MCP and HTTP, run any tool once, or run the demo exporter.

Exit codes: 0 ok · 1 unexpected failure · 2 configuration or argument error · 3 not found · 4 metrics
source failed. Output for people goes to stdout; logs and errors go to stderr.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any

import anyio
from pydantic import ValidationError

from carbon_kepler_mcp._version import __version__
from carbon_kepler_mcp.adapters.cli.commands import add_tool_commands, request_from_args, run_tool, tool_for_command
from carbon_kepler_mcp.bootstrap import build_context, web_config
from carbon_kepler_mcp.errors import CarbonKeplerError, ConfigError, InvalidArgumentError, NotFoundError, SourceError
from carbon_kepler_mcp.settings import Settings
from carbon_kepler_mcp.sources.redaction import RedactingFilter

logger = logging.getLogger("carbon_kepler_mcp")

EXIT_OK = 0
EXIT_USAGE = InvalidArgumentError.exit_code
EXIT_NOT_FOUND = NotFoundError.exit_code
EXIT_SOURCE = SourceError.exit_code


def _source_options(parser: argparse.ArgumentParser, *, window: bool = True) -> None:
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
    if window:  # a tool command's own --window is the tool's argument (the same window, for that call)
        group.add_argument(
            "--window",
            metavar="DURATION",
            help="energy window for the Prometheus source, 5m-7d (default 1h; env CARBON_KEPLER_DEFAULT_WINDOW)",
        )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging on stderr (-vv: debug)")


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

    add_tool_commands(sub)
    for name, command in sub.choices.items():
        if tool_for_command(name) is not None:
            _source_options(command, window=False)
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
    # Every line is redacted before it is written: the HTTP client logs each request's URL at INFO (with any
    # user:password in it) and uvicorn's access lines carry query strings.
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


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


async def _ask(settings: Settings, args: argparse.Namespace) -> str:
    spec = tool_for_command(args.command)
    assert spec is not None
    request = request_from_args(spec, args)  # argument errors before any metrics are read
    ctx = build_context(settings)
    try:
        return await run_tool(ctx, spec, request, as_json=args.json, as_csv=getattr(args, "csv", False))
    finally:
        await ctx.aclose()


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
    _setup_logging(args.verbose, default=settings.server.log_level)
    if settings.server.transport == "stdio":
        from carbon_kepler_mcp.adapters.mcp.server import build_server

        ctx = build_context(settings)
        logger.info("serving MCP over stdio (metrics: %s)", ctx.source.description)
        build_server(ctx, tool_prefix=settings.server.tool_prefix, tools_allowed=settings.server.tools_allowed).run(
            "stdio"
        )
        return EXIT_OK

    import uvicorn

    from carbon_kepler_mcp.adapters.http import is_loopback
    from carbon_kepler_mcp.bootstrap import build_web_app

    config = web_config(settings)  # refuses a public bind without a token before anything starts
    # Parsing runs in a worker thread; the event loop waits for the GIL at every hand-over, 5 ms by default.
    # 1 ms keeps requests (and the probes) answered promptly while a large scrape is parsed.
    sys.setswitchinterval(0.001)
    ctx = build_context(settings)
    app = build_web_app(ctx, config, close_context=True)
    base = f"http://{'[' + settings.server.host + ']' if ':' in settings.server.host else settings.server.host}:{settings.server.port}"
    logger.warning(
        "serving on %s: dashboard /, REST /tools and /docs, MCP Streamable HTTP /mcp, /metrics; auth %s (metrics: %s)",
        base,
        "on (bearer token)" if config.auth_enabled else "off",
        ctx.source.description,
    )
    if not config.auth_enabled and not is_loopback(settings.server.host):
        logger.warning("no API token: anyone who can reach %s can use this server (--allow-unauthenticated)", base)
    if not is_loopback(settings.server.host) and not settings.server.allowed_hosts:
        logger.warning(
            "only loopback names and the bound address are accepted as Host; set CARBON_KEPLER_ALLOWED_HOSTS to the "
            "names clients use (e.g. the Service name), or their requests get 421"
        )
    uvicorn.run(
        app,
        host=settings.server.host,
        port=settings.server.port,
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
    print(anyio.run(_ask, _settings(args), args))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``carbon-kepler-mcp`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except CarbonKeplerError as exc:
        print(f"{'오류' if exc.language == 'ko' else 'error'}: {exc.text()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
