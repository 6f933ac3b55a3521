"""Read-only views behind the MCP resources (and later REST GETs): standards and grid intensity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from carbon_kepler_mcp.app.common import utc_iso
from carbon_kepler_mcp.app.context import AppContext
from carbon_kepler_mcp.app.intensity import info, series_notes
from carbon_kepler_mcp.domain.names import validate_region_code, validate_standard_code
from carbon_kepler_mcp.errors import ConfigError, IntensityProviderError, InvalidArgumentError
from carbon_kepler_mcp.reference import Region, Standard
from carbon_kepler_mcp.sources.intensity.base import IntensitySample, IntensitySeries


def _standard_dict(standard: Standard) -> dict[str, Any]:
    return standard.model_dump(mode="json")


class ResourceViews:
    """JSON documents for the resources, computed from the service's reference data."""

    def __init__(self, ctx: AppContext) -> None:
        self._ctx = ctx

    def korea_standards(self) -> dict[str, Any]:
        """Korean standards and laws, plus the global ones kept for comparison."""
        reference = self._ctx.reference
        korean = [s for s in reference.standards.values() if s.group == "korea"]
        others = [s for s in reference.standards.values() if s.group != "korea"]
        return {
            "data_version": reference.version,
            "summary": (
                "No Korean statute sets a per-workload carbon limit or a data-centre PUE limit. KR_CARBON_2050 is "
                "this server's benchmark named after the Carbon Neutrality Act; KR_PUE_GREEN_DC is the voluntary "
                "Green Data Center certification's full-score PUE band."
            ),
            "summary_ko": (
                "한국 법령에는 워크로드별 탄소 한도나 데이터센터 PUE 한도가 없습니다. KR_CARBON_2050은 탄소중립기본법에서 "
                "이름을 딴 이 서버의 벤치마크이고, KR_PUE_GREEN_DC는 자율 인증인 그린데이터센터 인증의 PUE 만점 구간입니다."
            ),
            "korea_grid_factor": reference.korea_factors.default.model_dump(mode="json"),
            "standards": [_standard_dict(self._ctx.standard(s.code)) for s in korean],
            "global_standards_for_comparison": [_standard_dict(self._ctx.standard(s.code)) for s in others],
        }

    def standard(self, code: str) -> dict[str, Any]:
        """One standard by code."""
        return _standard_dict(self._ctx.standard(validate_standard_code(code)))

    def _hourly(self, region: Region, day_start: datetime) -> list[dict[str, Any]]:
        grid = self._ctx.grid(region).value
        profile = self._ctx.reference.profile(region.code)
        rows: list[dict[str, Any]] = []
        start_utc = day_start.astimezone(UTC)  # step in absolute time: a DST day has 23 or 25 local hours
        for hour in range(24):
            moment = (start_utc + timedelta(hours=hour)).astimezone(day_start.tzinfo)
            multiplier = 1.0 if profile is None else profile.multipliers_for(moment.month)[moment.hour]
            rows.append(
                {
                    "start": moment.isoformat(timespec="seconds"),
                    "hour": moment.hour,
                    "multiplier": multiplier,
                    "grid_intensity_gCO2eq_kWh": round(grid * multiplier, 3),
                }
            )
        return rows

    def intensity(self, region_code: str, *, now: datetime) -> dict[str, Any]:
        """A region's intensities, today's hourly profile (local time), cleanest/dirtiest hours, grid mix."""
        region = self._ctx.region(validate_region_code(region_code))
        tz = ZoneInfo(region.timezone)
        day_start = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
        hourly = self._hourly(region, day_start)
        ordered = sorted(hourly, key=lambda row: row["grid_intensity_gCO2eq_kWh"])
        profile = self._ctx.reference.profile(region.code)
        grid = self._ctx.grid(region)
        return {
            "region": region.code,
            "name": region.name,
            "name_ko": region.name_ko,
            "country": region.country,
            "timezone": region.timezone,
            "compliance_intensity_gCO2eq_kWh": grid.value,
            "compliance_intensity": grid.provenance.model_dump(mode="json"),
            "comparison_intensity_gCO2eq_kWh": region.comparison_intensity.value,
            "comparison_intensity": region.comparison_intensity.model_dump(mode="json"),
            "alternatives": [a.model_dump(mode="json") for a in region.alternatives],
            "default_pue": region.default_pue.model_dump(mode="json"),
            "grid_mix": None if region.grid_mix is None else region.grid_mix.model_dump(mode="json"),
            "hourly_profile": hourly,
            "hourly_profile_provenance": None if profile is None else profile.provenance.model_dump(mode="json"),
            "hourly_profile_note": (
                "no hourly data for this region: every hour is the annual average"
                if profile is None
                else "synthetic model for scheduling hints only; never use for compliance or reporting"
                if profile.provenance.synthetic
                else f"hourly profile from {profile.provenance.publisher}; compliance still uses the annual factor"
            ),
            "cleanest_hours": [row["start"] for row in ordered[:3]] if profile is not None else [],
            "dirtiest_hours": [row["start"] for row in reversed(ordered[-3:])] if profile is not None else [],
        }

    def intensity_at(self, region_code: str, timestamp: str) -> dict[str, Any]:
        """The intensity for the hour containing ``timestamp`` (ISO 8601; naive means UTC)."""
        region = self._ctx.region(validate_region_code(region_code))
        if len(timestamp) > 40:
            raise InvalidArgumentError("timestamp is too long; use ISO 8601 such as 2026-11-24T14:00:00+09:00")
        try:
            moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
        except ValueError as exc:
            raise InvalidArgumentError(
                f"timestamp {timestamp!r} is not ISO 8601; use e.g. 2026-11-24T14:00:00+09:00"
            ) from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        try:
            local = moment.astimezone(ZoneInfo(region.timezone))
        except (OverflowError, ValueError) as exc:  # 9999-12-31T23:00-12:00 is past the last representable hour
            raise InvalidArgumentError(
                "timestamp is outside the calendar this server can convert (years 1 to 9999 in every time zone); "
                "use e.g. 2026-11-24T14:00:00+09:00"
            ) from exc
        hour_start = local.replace(minute=0, second=0, microsecond=0)
        grid = self._ctx.grid(region)
        profile = self._ctx.reference.profile(region.code)
        multiplier = 1.0 if profile is None else profile.multipliers_for(local.month)[local.hour]
        return {
            "region": region.code,
            "timestamp": local.isoformat(timespec="seconds"),
            "hour_start": hour_start.isoformat(timespec="seconds"),
            "annual_intensity_gCO2eq_kWh": grid.value,
            "multiplier": multiplier,
            "grid_intensity_gCO2eq_kWh": round(grid.value * multiplier, 3),
            "season": None if profile is None else profile.season_for(local.month),
            "provenance": grid.provenance.model_dump(mode="json"),
            "profile_provenance": None if profile is None else profile.provenance.model_dump(mode="json"),
            "use": "annual average"
            if profile is None
            else "scheduling hint only (synthetic profile)"
            if profile.provenance.synthetic
            else "scheduling (hourly profile); compliance uses the annual factor",
        }

    # --- live and historical intensity from the configured providers -------------------------------------

    async def _live(
        self, region: Region, now: datetime, ask: str, moment: datetime | None = None
    ) -> tuple[IntensitySeries | None, dict[str, Any] | None]:
        """The provider answer for a region (``ask`` = latest, or the hour around ``moment``) and its description."""
        chain = self._ctx.intensity
        if chain is None:
            return None, None
        zones = self._ctx.intensity_zones(region)
        series: IntensitySeries | None = None
        error: Exception | None = None
        try:
            if ask == "latest":
                series = await chain.latest(zones)
            elif moment is not None and moment < now:
                start = moment.replace(minute=0, second=0, microsecond=0)
                series = await chain.history(zones, start, start + timedelta(hours=1))
            elif moment is not None:
                series = await chain.forecast(zones, now, int((moment - now).total_seconds() // 3600) + 2)
        except (IntensityProviderError, ConfigError) as exc:
            error = exc
        described: dict[str, Any] = {
            "notes": series_notes("en", series, error),
            "notes_ko": series_notes("ko", series, error),
        }
        if series is not None:
            described["provider"] = info(series, now, "en").model_dump(mode="json")
        return series, described

    @staticmethod
    def _point(sample: IntensitySample | None, tz: ZoneInfo) -> dict[str, Any] | None:
        if sample is None:
            return None
        return {
            "start": sample.start.astimezone(tz).isoformat(timespec="seconds"),
            "end": sample.end.astimezone(tz).isoformat(timespec="seconds"),
            "grid_intensity_gCO2eq_kWh": round(sample.intensity_g_per_kwh, 3),
            "estimated": sample.estimated,
        }

    async def live_intensity(self, region_code: str, *, now: datetime) -> dict[str, Any]:
        """:meth:`intensity`, plus the provider's latest value with its own timestamps and staleness.

        The annual compliance factor stays in ``compliance_intensity``; the live value is beside it, labelled with
        its provider, signal and basis, and never replaces it.
        """
        document = self.intensity(region_code, now=now)
        region = self._ctx.region(validate_region_code(region_code))
        series, described = await self._live(region, now, "latest")
        if described is None:
            document["live"] = None
            return document
        tz = ZoneInfo(region.timezone)
        latest = series.newest if series is not None else None
        described["latest"] = self._point(latest, tz)
        described["staleness_seconds"] = None if series is None else series.staleness_seconds(now)
        described["read_at"] = utc_iso(now)
        if latest is not None and series is not None:
            compliance = document["compliance_intensity_gCO2eq_kWh"]
            described["compliance_note"] = (
                f"Live {series.signal} value {latest.intensity_g_per_kwh:.1f} gCO2eq/kWh ({series.provider}, "
                f"{series.basis}) is shown beside the annual compliance factor {compliance:g} gCO2eq/kWh, which "
                "compliance figures keep using."
            )
            described["compliance_note_ko"] = (
                f"실시간 {'평균' if series.signal == 'average' else '한계'} 값 {latest.intensity_g_per_kwh:.1f} gCO2eq/kWh"
                f"({series.provider}, {series.basis})는 연간 준수 배출계수 {compliance:g} gCO2eq/kWh와 나란히 표시하며, "
                "준수 평가는 계속 연간 배출계수를 사용합니다."
            )
        document["live"] = described
        return document

    async def live_intensity_at(self, region_code: str, timestamp: str, *, now: datetime) -> dict[str, Any]:
        """:meth:`intensity_at`, plus the provider's value for that moment (history in the past, the forecast ahead)."""
        document = self.intensity_at(region_code, timestamp)
        region = self._ctx.region(validate_region_code(region_code))
        moment = datetime.fromisoformat(document["timestamp"])
        series, described = await self._live(region, now, "at", moment)
        if described is None:
            document["live"] = None
            return document
        covering = None
        if series is not None:
            covering = next((p for p in series.points if p.start <= moment < p.end), None)
        described["point"] = self._point(covering, ZoneInfo(region.timezone))
        if series is not None and covering is None:
            described["notes"].append(f"{series.provider} has no value for {document['timestamp']}.")
            described["notes_ko"].append(f"{series.provider}에 {document['timestamp']}의 값이 없습니다.")
        document["live"] = described
        return document
