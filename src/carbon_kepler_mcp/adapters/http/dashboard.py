"""The dashboard: server-rendered HTML pages over the same service calls as the tools.

Pages: ``/`` (namespaces with compliant / non-compliant counts), ``/namespaces/{ns}`` (workloads by emissions),
``/namespaces/{ns}/workloads/{name}`` (one assessment with ranked recommendations), ``.../schedule`` (24-hour
intensity chart with the optimal window) and ``.../regions`` (regional comparison chart). English or Korean
via ``?lang=ko`` (remembered in a cookie). No JavaScript and nothing fetched from elsewhere: charts are inline
SVG, the stylesheet and icon are package files, and a strict Content-Security-Policy says so to the browser.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, FastAPI, Request
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse, RedirectResponse, Response

from carbon_kepler_mcp._version import __version__
from carbon_kepler_mcp.adapters.http.charts import Bar, HourPoint, bar_chart, intensity_chart
from carbon_kepler_mcp.adapters.http.problems import classify
from carbon_kepler_mcp.adapters.http.security import SESSION_COOKIE, TokenStore
from carbon_kepler_mcp.adapters.http.texts import status_label, text, value_label
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.requests import (
    AssessRequest,
    ListRequest,
    RegionalRequest,
    ReportRequest,
    ScheduleRequest,
    parse_request,
)
from carbon_kepler_mcp.app.results import EmissionsReportResult, WorkloadListResult
from carbon_kepler_mcp.app.tools import assess, listing, regional, report, schedule
from carbon_kepler_mcp.domain.i18n import Language
from carbon_kepler_mcp.errors import CarbonKeplerError, InvalidArgumentError, NotFoundError

logger = logging.getLogger(__name__)

LANG_COOKIE = "ckm_lang"
PAGE_LIMIT = 1000
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
"""No script at all, styles and images only from this server, no framing."""

_env = Environment(
    loader=PackageLoader("carbon_kepler_mcp.adapters.http", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=StrictUndefined,
)


def num(value: float | None, digits: int = 1) -> str:
    """A number as the dashboard shows it: thousands separators, fixed decimals; '–' for none."""
    return "–" if value is None else f"{value:,.{digits}f}"


def _language(request: Request) -> tuple[Language, bool]:
    """The page language and whether it came from the query (then it is remembered in a cookie)."""
    asked = request.query_params.get("lang")
    if asked in ("en", "ko"):
        return ("ko" if asked == "ko" else "en"), True
    remembered: Language = "ko" if request.cookies.get(LANG_COOKIE) == "ko" else "en"
    return remembered, False


class Page:
    """What every template gets: the language, text helpers and URL builders."""

    def __init__(self, request: Request, *, auth_enabled: bool) -> None:
        self.request = request
        self.lang: Language
        self.lang, self.lang_from_query = _language(request)
        self.auth_enabled = auth_enabled

    def t(self, key: str, **values: object) -> str:
        return text(self.lang, key, **values)

    def status(self, status: str) -> str:
        return status_label(self.lang, status)

    def value(self, value: str) -> str:
        return value_label(self.lang, value)

    def url(self, path: str, **params: object) -> str:
        query = {k: str(v) for k, v in params.items() if v is not None}
        query["lang"] = self.lang
        return f"{path}?{urlencode(query)}"

    def switch_url(self) -> str:
        other = "en" if self.lang == "ko" else "ko"
        query = {k: v for k, v in self.request.query_params.items() if k != "lang"}
        query["lang"] = other
        return f"{self.request.url.path}?{urlencode(query)}"

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = _env.get_template(template).render(
            page=self,
            t=self.t,
            status=self.status,
            v=self.value,
            num=num,
            url=self.url,
            lang=self.lang,
            version=__version__,
            **context,
        )
        response = HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
        if self.lang_from_query:
            response.set_cookie(LANG_COOKIE, self.lang, max_age=365 * 86400, httponly=True, samesite="strict")
        return response

    def error(self, exc: CarbonKeplerError) -> HTMLResponse:
        status_code, _, _ = classify(exc)
        suggestions = list(exc.suggestions) if isinstance(exc, NotFoundError) else []
        return self.render(
            "error.html",
            status_code=status_code,
            title=exc.title_in(self.lang),
            message=exc.text(self.lang),
            suggestions=suggestions,
        )


def _share(value: float, total: float) -> float:
    return 0.0 if total <= 0 else max(0.0, min(100.0, value / total * 100))


def add_dashboard_routes(app: FastAPI, ctx: AppContext, tokens: TokenStore) -> None:
    """The dashboard pages and, when tokens are configured, the login and logout routes."""
    router = APIRouter(include_in_schema=False)
    auth = tokens.enabled

    @router.get("/")
    async def overview(request: Request) -> Response:
        page = Page(request, auth_enabled=auth)
        try:
            snapshot = await ctx.read(None)  # one cluster-wide read for every namespace
            listings: list[WorkloadListResult] = [
                listing.build(ctx, ListRequest(namespace=ns, language=page.lang, limit=PAGE_LIMIT), snapshot)
                for ns in snapshot.namespaces
            ]
        except CarbonKeplerError as exc:
            return page.error(exc)
        listings.sort(key=lambda r: (-r.total_emissions_gCO2eq_hour, r.namespace))
        first = listings[0] if listings else None
        totals = {
            "workloads": sum(r.total_workloads for r in listings),
            "compliant": sum(r.compliant_count for r in listings),
            "non_compliant": sum(r.non_compliant_count for r in listings),
            "not_assessable": sum(r.not_assessed_count for r in listings),
            "power": sum(r.total_power_watts for r in listings),
            "emissions": sum(r.total_emissions_gCO2eq_hour for r in listings),
        }
        return page.render(
            "overview.html",
            listings=listings,
            totals=totals,
            first=first,
            is_demo=snapshot.is_demo,
            data_source=first.data_source if first else None,
            share=_share,
        )

    @router.get("/namespaces/{namespace}")
    async def namespace_page(request: Request, namespace: str) -> Response:
        page = Page(request, auth_enabled=auth)
        try:
            result = await listing.run(ctx, ListRequest(namespace=namespace, language=page.lang, limit=PAGE_LIMIT))
        except CarbonKeplerError as exc:
            return page.error(exc)
        top = max((w.emissions_gCO2eq_hour for w in result.workloads), default=0.0)
        return page.render("namespace.html", r=result, is_demo=result.is_demo, top=top, share=_share)

    @router.get("/namespaces/{namespace}/workloads/{workload}")
    async def workload_page(request: Request, namespace: str, workload: str) -> Response:
        page = Page(request, auth_enabled=auth)
        try:
            result = await assess.run(
                ctx, AssessRequest(workload_name=workload, namespace=namespace, language=page.lang)
            )
        except CarbonKeplerError as exc:
            return page.error(exc)
        target = result.target_intensity_gCO2eq_kWh
        gauge_max = max(result.estimated_workload_intensity_gCO2eq_kWh, target or 0.0) * 1.15 or 1.0
        return page.render(
            "workload.html",
            r=result,
            is_demo=result.is_demo,
            gauge={
                "value": _share(result.estimated_workload_intensity_gCO2eq_kWh, gauge_max),
                "target": None if target is None else _share(target, gauge_max),
            },
        )

    @router.get("/namespaces/{namespace}/workloads/{workload}/schedule")
    async def schedule_page(request: Request, namespace: str, workload: str) -> Response:
        page = Page(request, auth_enabled=auth)
        raw = request.query_params.get("duration_hours", "4")
        try:
            try:
                duration = float(raw)
            except ValueError:
                raise InvalidArgumentError(f"duration_hours {raw[:20]!r} is not a number of hours") from None
            values = {"workload_name": workload, "namespace": namespace, "duration_hours": duration}
            result = await schedule.run(ctx, parse_request(ScheduleRequest, values | {"language": page.lang}))
        except CarbonKeplerError as exc:
            return page.error(exc)
        points = [
            HourPoint(datetime.fromisoformat(p.start), p.grid_intensity_gCO2eq_kWh) for p in result.intensity_series
        ]
        opt_start = datetime.fromisoformat(result.optimal_window_start)
        opt_end = datetime.fromisoformat(result.optimal_window_end)
        now = datetime.fromisoformat(result.current_window_start)
        description = page.t(
            "chart_intensity_desc",
            tz=result.timezone,
            hours=f"{result.duration_hours:g}",
            start=f"{opt_start:%H:%M}",
            end=f"{opt_end:%H:%M}",
            value=num(result.optimal_grid_intensity_gCO2eq_kWh),
            now_value=num(result.current_grid_intensity_gCO2eq_kWh),
        )
        chart = intensity_chart(
            points,
            optimal=(opt_start, opt_end),
            now=now,
            title=page.t("chart_intensity_title", region=result.region),
            description=description,
            optimal_label=f"{page.t('optimal_window')} {opt_start:%H:%M}–{opt_end:%H:%M}",
            now_label=page.t("now"),
        )
        return page.render(
            "schedule.html",
            r=result,
            is_demo=result.is_demo,
            chart=chart,
            points=points,
            optimal=(opt_start, opt_end),
            description=description,
        )

    async def _report(request: Request, namespace: str, page: Page) -> EmissionsReportResult:
        query = request.query_params
        values: dict[str, Any] = {"namespace": namespace, "language": page.lang}
        for name in ("workload", "days", "granularity"):
            if query.get(name):
                values["workload_name" if name == "workload" else name] = query[name]
        return await report.run(ctx, parse_request(ReportRequest, values))

    @router.get("/namespaces/{namespace}/report")
    async def report_page(request: Request, namespace: str) -> Response:
        page = Page(request, auth_enabled=auth)
        try:
            result = await _report(request, namespace, page)
        except CarbonKeplerError as exc:
            return page.error(exc)
        bars = [
            Bar(
                key=row.start,
                label=row.start[:16].replace("T", " ") if result.granularity == "hour" else row.start[:10],
                value=row.emissions_gCO2eq or 0.0,
                value_text="–" if row.emissions_gCO2eq is None else num(row.emissions_gCO2eq),
                css="other" if row.hours_with_data == row.hours else "current",
                tag="" if row.hours_with_data == row.hours else page.t("partial_hours", n=row.hours_with_data),
            )
            for row in result.rows
        ]
        chart = bar_chart(
            bars,
            title=page.t("chart_report_title", scope=result.workload or result.namespace),
            description=page.t("chart_report_desc", start=result.period_start[:10], end=result.period_end[:10]),
            chart_id="report",
            unit="gCO2eq",
        )
        csv_url = f"{request.url.path}.csv?{request.url.query}" if request.url.query else f"{request.url.path}.csv"
        return page.render("report.html", r=result, is_demo=result.is_demo, chart=chart, csv_url=csv_url)

    @router.get("/namespaces/{namespace}/report.csv")
    async def report_csv(request: Request, namespace: str) -> Response:
        page = Page(request, auth_enabled=auth)
        try:
            result = await _report(request, namespace, page)
        except CarbonKeplerError as exc:
            return page.error(exc)
        return Response(
            report.to_csv(result),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="emissions-{namespace}.csv"', **SECURITY_HEADERS},
        )

    @router.get("/namespaces/{namespace}/workloads/{workload}/regions")
    async def regions_page(request: Request, namespace: str, workload: str) -> Response:
        page = Page(request, auth_enabled=auth)
        try:
            result = await regional.run(
                ctx, RegionalRequest(workload_name=workload, namespace=namespace, language=page.lang)
            )
        except CarbonKeplerError as exc:
            return page.error(exc)
        bars: list[Bar] = []
        for row in result.comparisons:
            css = "best" if row.region == result.best_region else ("current" if row.is_current else "other")
            tags = [page.t("current")] if row.is_current else []
            if row.region == result.best_region:
                tags.append(page.t("best"))
            name = row.name_ko if page.lang == "ko" else row.name
            bars.append(
                Bar(
                    key=row.region,
                    label=f"{row.region} · {name}",
                    value=row.emissions_gCO2eq_hour,
                    value_text=num(row.emissions_gCO2eq_hour),
                    css=css,
                    tag=", ".join(tags),
                )
            )
        chart = bar_chart(
            bars,
            title=page.t("chart_regions_title", workload=result.workload),
            description=page.t("chart_regions_desc", best=result.best_region, current=result.current_region),
            chart_id="regions",
            unit="gCO2eq/h",
        )
        return page.render("regions.html", r=result, is_demo=result.is_demo, chart=chart)

    if auth:

        @router.get("/login")
        async def login_form(request: Request) -> Response:
            page = Page(request, auth_enabled=auth)
            return page.render(
                "login.html", next=_safe_next(request.query_params.get("next")), failed=False, throttled=False
            )

        @router.post("/login")
        async def login(request: Request) -> Response:
            page = Page(request, auth_enabled=auth)
            form = _form(await request.body())
            token = form.get("token", "").strip()
            target = _safe_next(form.get("next"))
            address = request.client.host if request.client is not None else "unknown"
            wait = tokens.throttle.retry_after(address)
            if wait is not None:
                logger.warning("dashboard sign-in refused: too many wrong tokens from this address")
                response = page.render("login.html", status_code=429, next=target, failed=True, throttled=True)
                response.headers["Retry-After"] = str(wait)
                return response
            if not token or not tokens.verify(token):
                tokens.throttle.failed(address)
                logger.warning("dashboard sign-in refused: token not accepted")
                return page.render("login.html", status_code=401, next=target, failed=True, throttled=False)
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(
                SESSION_COOKIE,
                tokens.sessions.open(token),  # a random id: the token itself never leaves the server
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
                path="/",
            )
            return response

        @router.post("/logout")
        async def logout(request: Request) -> Response:
            session_id = request.cookies.get(SESSION_COOKIE)
            if session_id:
                tokens.sessions.close(session_id)
            response = RedirectResponse("/login", status_code=303)
            response.delete_cookie(SESSION_COOKIE, path="/")
            return response

    app.include_router(router)


def _form(body: bytes) -> Mapping[str, str]:
    """A urlencoded form body (the login form has two fields; no multipart)."""
    try:
        parsed = parse_qs(body.decode("utf-8"), max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return {}
    return {key: values[0] for key, values in parsed.items() if values}


def _safe_next(target: str | None) -> str:
    """A local path to go to after signing in (never another site)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
