"""Errors over HTTP as RFC 9457 problem details (``application/problem+json``).

Every error response of the app, from a route, the router or a middleware, has the same shape: ``type``,
``title``, ``status``, ``detail`` (what was wrong and what to do) and ``instance`` (the path). Bad input is
a 4xx, never a 500:

==========================================  ======  ==========================
error                                       status  ``type`` suffix
==========================================  ======  ==========================
body is not JSON                            400     ``malformed-body``
missing or wrong bearer token               401     ``unauthorized``
``Origin`` not allowed                      403     ``forbidden-origin``
unknown workload, namespace, standard, ...  404     ``not-found``
``Host`` not allowed                        421     ``misdirected-request``
body too large                              413     ``body-too-large``
body not sent as ``application/json``       415     ``unsupported-media-type``
argument invalid or out of range            422     ``invalid-argument``
the metrics hold too little for an answer   422     ``insufficient-data``
metrics source down, slow or garbled        503     ``source-unavailable``
==========================================  ======  ==========================

A ``ConfigError`` or ``DataError`` at request time means the server itself is misconfigured; that is a 500
(the operator's problem, not the caller's) and says so.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, cast

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from carbon_kepler_mcp.app.requests import describe_problems
from carbon_kepler_mcp.errors import (
    CarbonKeplerError,
    NotFoundError,
)

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:carbon-kepler-mcp:problem:"


class FieldProblem(BaseModel):
    """One invalid part of a request."""

    loc: list[str | int] = Field(description="Where: e.g. ['body', 'duration_hours']")
    msg: str = Field(description="What is wrong with it")
    type: str = Field(description="pydantic error type, e.g. less_than_equal")


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = Field(description="URI naming the kind of problem")
    title: str = Field(description="Short summary of the kind of problem")
    status: int = Field(description="HTTP status code")
    detail: str = Field(description="What was wrong with this request, and what to do")
    instance: str = Field(description="Path of the request")
    suggestions: list[str] | None = Field(default=None, description="Names that do exist (for not-found)")
    errors: list[FieldProblem] | None = Field(default=None, description="Each invalid field (for validation errors)")


def problem_response(
    status: int,
    kind: str,
    detail: str,
    *,
    instance: str,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    suggestions: Sequence[str] | None = None,
    errors: Sequence[FieldProblem] | None = None,
) -> JSONResponse:
    """A problem+json response."""
    body = Problem(
        type=TYPE_PREFIX + kind,
        title=title or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=instance,
        suggestions=list(suggestions) if suggestions is not None else None,
        errors=list(errors) if errors is not None else None,
    )
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True),
        status_code=status,
        headers=dict(headers or {}),
        media_type=PROBLEM_MEDIA_TYPE,
    )


def classify(exc: CarbonKeplerError) -> tuple[int, str, str]:
    """HTTP status, problem kind and title of a package error (declared on its class in :mod:`errors`)."""
    return exc.http_status, exc.problem, exc.title


def error_label(exc: BaseException) -> str:
    """The ``error`` label of the tool-error metric."""
    if isinstance(exc, CarbonKeplerError):
        return classify(exc)[1]
    return "internal-error"


def package_error_response(exc: CarbonKeplerError, instance: str) -> JSONResponse:
    """The problem response of a package error."""
    status, kind, title = classify(exc)
    if status >= 500:
        logger.error("%s answering %s: %s", title, instance, exc)
    suggestions = list(exc.suggestions) if isinstance(exc, NotFoundError) and exc.suggestions else None
    headers = {"Retry-After": "30"} if status == 503 else None
    return problem_response(
        status, kind, exc.text(), instance=instance, title=exc.title_in(), suggestions=suggestions, headers=headers
    )


async def on_package_error(request: Request, exc: Exception) -> Response:
    """Exception handler for :class:`CarbonKeplerError`."""
    assert isinstance(exc, CarbonKeplerError)
    return package_error_response(exc, request.url.path)


def _loc(parts: Sequence[Any]) -> list[str | int]:
    return [p if isinstance(p, int) else str(p) for p in parts]


async def on_validation_error(request: Request, exc: Exception) -> Response:
    """Exception handler for request validation: 400 for a body that is not JSON, 415 for a body sent as another
    media type, 422 otherwise."""
    assert isinstance(exc, RequestValidationError)
    raw: Sequence[Mapping[str, Any]] = exc.errors()
    if any(err.get("type") == "json_invalid" for err in raw):
        return problem_response(
            400,
            "malformed-body",
            "the request body is not valid JSON; send a JSON object with the tool's arguments",
            instance=request.url.path,
            title="Malformed body",
        )
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if (
        request.method == "POST"
        and media_type != "application/json"
        and any(tuple(err.get("loc", ())) == ("body",) for err in raw)
    ):
        return problem_response(
            415,
            "unsupported-media-type",
            f"the body must be JSON: send 'Content-Type: application/json' (got {media_type or 'no content type'!r})",
            instance=request.url.path,
            title="Unsupported media type",
        )
    body: object = getattr(exc, "body", None)
    korean = isinstance(body, Mapping) and cast("Mapping[str, object]", body).get("language") == "ko"
    language = "ko" if korean else "en"
    errors = [
        FieldProblem(
            loc=_loc(err.get("loc", ())), msg=describe_problems([err], language), type=str(err.get("type", ""))
        )
        for err in raw
    ]
    summary = describe_problems(raw[:5], language)
    if korean:
        detail = f"잘못된 인수: {summary}" if summary else "잘못된 인수"
    else:
        detail = f"invalid arguments: {summary}" if summary else "invalid arguments"
    return problem_response(
        422,
        "invalid-argument",
        detail,
        instance=request.url.path,
        title="잘못된 인수" if korean else "Invalid argument",
        errors=errors,
    )


async def on_http_error(request: Request, exc: Exception) -> Response:
    """Exception handler for the router's own errors (unknown path 404, wrong method 405, ...)."""
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if status == 404:
        detail = f"no route {request.url.path}; see /docs for the API and / for the dashboard"
    elif status == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    else:
        detail = str(exc.detail)
    kind = {404: "unknown-route", 405: "method-not-allowed"}.get(status, "http-error")
    return problem_response(status, kind, detail, instance=request.url.path, headers=exc.headers)


async def on_unexpected_error(request: Request, exc: Exception) -> Response:
    """Last resort: log the traceback, answer a 500 that reveals nothing about the internals."""
    logger.exception("unexpected error answering %s %s", request.method, request.url.path)
    return problem_response(
        500,
        "internal-error",
        "the server failed unexpectedly; the details are in its log",
        instance=request.url.path,
        title="Internal error",
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries documenting problem bodies for ``statuses``."""
    descriptions = {
        400: "The body is not JSON",
        401: "Missing or wrong bearer token (when the server has one)",
        403: "Origin not allowed",
        404: "Unknown workload, namespace, standard, region or pod",
        413: "Request body too large",
        415: "The body is not sent as application/json",
        421: "Host not allowed",
        422: "Invalid or out-of-range argument",
        500: "The server is misconfigured or failed",
        503: "The metrics source is down, slow or returned no Kepler data",
    }
    return {
        status: {
            "model": Problem,
            "description": descriptions.get(status, HTTPStatus(status).phrase),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
