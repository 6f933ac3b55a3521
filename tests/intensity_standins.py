"""Local stand-ins (127.0.0.1 only) that speak the documented APIs of Electricity Maps v3, WattTime v3 and the
Carbon Aware SDK WebAPI, built from the providers' published examples (tests/fixtures/intensity/SOURCES.md).

Each stand-in serves a series of (UTC start, g/kWh) points it is given, in the provider's own shape and units,
checks the provider's authentication, and can be told to fail the next requests in a given way (``fail``): an
HTTP status with headers, or a slow answer. Every request is recorded (path, query, headers) so a test can check
what was sent.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Generator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

LBS_PER_MWH_PER_G_PER_KWH = 1 / 0.45359237


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict[str, str])
    delay_seconds: float = 0.0


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


Points = list[tuple[datetime, float]]
GappyPoints = list[tuple[datetime, float | None]]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _when(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class StandIn:
    """An HTTP server on 127.0.0.1 whose answers a subclass computes in :meth:`answer`."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.failures: list[Reply] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                headers = {k.lower(): v for k, v in self.headers.items()}
                with outer._lock:
                    outer.seen.append(Seen(parts.path, query, headers))
                    forced = outer.failures.pop(0) if outer.failures else None
                reply = forced or outer.answer(parts.path, query, headers)
                if reply.delay_seconds:
                    time.sleep(reply.delay_seconds)
                body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass

            def log_message(self, format: str, *args: object) -> None:  # quiet
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def fail(self, *replies: Reply) -> None:
        """Answer the next requests with these replies, in order, then normally again."""
        with self._lock:
            self.failures.extend(replies)

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
        raise NotImplementedError

    @contextmanager
    def running(self) -> Generator[StandIn]:
        self._thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()


def _between(points: Points, start: datetime, end: datetime) -> Points:
    return [(t, v) for t, v in points if start <= t < end]


class ElectricityMapsStandIn(StandIn):
    """``/v3/carbon-intensity/{latest,past-range,forecast}``, header ``auth-token``, zone checked."""

    def __init__(self, token: str, zone: str, history: Points, forecast: Points, now: datetime) -> None:
        super().__init__()
        self.token, self.zone, self.forecast_points, self.now = token, zone, forecast, now
        self.history: GappyPoints = list(history)
        """None values are the gaps Electricity Maps answers as ``"carbonIntensity": null``."""

    def _row(self, moment: datetime, value: float | None) -> dict[str, Any]:
        return {
            "zone": self.zone,
            "carbonIntensity": value,
            "datetime": _iso(moment),
            "updatedAt": _iso(self.now),
            "emissionFactorType": "lifecycle",
            "isEstimated": False,
            "temporalGranularity": "hourly",
        }

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
        if headers.get("auth-token") != self.token:
            return Reply(401, {"message": "Unauthorized"})
        if query.get("zone") != self.zone:
            return Reply(404, {"message": f"zone {query.get('zone')} not found"})
        if path == "/v3/carbon-intensity/latest":
            moment, value = self.history[-1]
            return Reply(body=self._row(moment, value))
        if path == "/v3/carbon-intensity/past-range":
            start, end = _when(query["start"]), _when(query["end"])
            if end - start > timedelta(days=10):
                return Reply(400, {"message": "range is limited to 10 days for hourly granularity"})
            data = [self._row(t, v) for t, v in self.history if start <= t < end]
            return Reply(body={"zone": self.zone, "data": data, "temporalGranularity": "hourly"})
        if path == "/v3/carbon-intensity/forecast":
            horizon = int(query.get("horizonHours", "24"))
            rows = [{"carbonIntensity": v, "datetime": _iso(t)} for t, v in self.forecast_points[:horizon]]
            return Reply(body={"zone": self.zone, "forecast": rows, "updatedAt": _iso(self.now)})
        return Reply(404, {"message": "not found"})


class WattTimeStandIn(StandIn):
    """``/login`` (HTTP Basic → token), ``/v3/historical`` and ``/v3/forecast`` (Bearer), values in lbs/MWh."""

    def __init__(self, username: str, password: str, region: str, history: Points, forecast: Points, now: datetime):
        super().__init__()
        self.username, self.password, self.region = username, password, region
        self.history, self.forecast_points, self.now = history, forecast, now
        self.tokens: list[str] = []

    def _body(self, points: Points) -> dict[str, Any]:
        return {
            "data": [
                {"point_time": t.isoformat(), "value": v * LBS_PER_MWH_PER_G_PER_KWH, "version": "2026-03-01"}
                for t, v in points
            ],
            "meta": {
                "region": self.region,
                "signal_type": "co2_moer",
                "model": {"date": "2026-03-01"},
                "units": "lbs_co2_per_mwh",
                "data_point_period_seconds": 300,
                "generated_at": self.now.isoformat(),
            },
        }

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
        if path == "/login":
            expected = "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            if headers.get("authorization") != expected:
                return Reply(401, {"error": "Unauthorized"})
            token = f"jwt-{len(self.tokens) + 1}"
            self.tokens.append(token)
            return Reply(body={"token": token})
        if headers.get("authorization") != f"Bearer {self.tokens[-1] if self.tokens else ''}":
            return Reply(401, {"error": "token expired"})
        if query.get("region") != self.region:
            return Reply(403, {"error": "your plan does not cover this region"})
        if path == "/v3/historical":
            return Reply(body=self._body(_between(self.history, _when(query["start"]), _when(query["end"]))))
        if path == "/v3/forecast":
            hours = int(query.get("horizon_hours", "24"))
            return Reply(
                body=self._body(_between(self.forecast_points, self.now, self.now + timedelta(hours=max(hours, 1))))
            )
        return Reply(404, {"error": "not found"})


class CarbonAwareSdkStandIn(StandIn):
    """``/emissions/bylocation`` (TimeSpan durations) and ``/emissions/forecasts/current`` (minutes)."""

    def __init__(self, location: str, history: Points, forecast: Points, now: datetime, step_minutes: int = 60):
        super().__init__()
        self.location, self.history, self.forecast_points, self.now = location, history, forecast, now
        self.step_minutes = step_minutes

    def answer(self, path: str, query: dict[str, str], headers: dict[str, str]) -> Reply:
        if query.get("location") != self.location:
            return Reply(400, {"title": "location not found"})
        span = f"{self.step_minutes // 60:02d}:{self.step_minutes % 60:02d}:00"
        if path == "/emissions/bylocation":
            start, end = _when(query["time"]), _when(query["toTime"])
            return Reply(
                body=[
                    {"location": self.location, "time": t.isoformat(), "rating": v, "duration": span}
                    for t, v in _between(self.history, start, end)
                ]
            )
        if path == "/emissions/forecasts/current":
            data = [
                {"location": self.location, "timestamp": t.isoformat(), "duration": self.step_minutes, "value": v}
                for t, v in self.forecast_points
            ]
            return Reply(
                body=[
                    {
                        "generatedAt": self.now.isoformat(),
                        "requestedAt": self.now.isoformat(),
                        "location": self.location,
                        "windowSize": self.step_minutes,
                        "forecastData": data,
                    }
                ]
            )
        return Reply(404, {"title": "not found"})


def hourly(start: datetime, values: list[float]) -> Points:
    """Points one hour apart from ``start``."""
    return [(start + timedelta(hours=i), v) for i, v in enumerate(values)]


def every(seconds: int) -> Callable[[datetime, int, Callable[[int], float]], Points]:
    """A builder of ``count`` points ``seconds`` apart whose value is ``value(index)``."""

    def build(start: datetime, count: int, value: Callable[[int], float]) -> Points:
        return [(start + timedelta(seconds=seconds * i), value(i)) for i in range(count)]

    return build
