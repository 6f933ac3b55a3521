"""Human-readable text in English or Korean.

Numbers and codes are never translated; only the sentences around them. Every sentence is written in both
languages at the place it is composed, so a missing translation is impossible by construction.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["en", "ko"]

STATUS_KO = {"COMPLIANT": "준수", "NON_COMPLIANT": "미준수", "NOT_ASSESSED": "평가 불가"}


def tr(language: Language, en: str, ko: str) -> str:
    """The sentence in the requested language."""
    return ko if language == "ko" else en


def status_text(language: Language, status: str) -> str:
    """A compliance status for people ("NON_COMPLIANT" → "미준수" in Korean)."""
    if language == "ko":
        return f"{STATUS_KO.get(status, status)} ({status})"
    return status


def fmt(value: float, digits: int = 1) -> str:
    """A number with thousands separators and a fixed number of decimals."""
    return f"{value:,.{digits}f}"
