"""Human-readable text in English or Korean.

Numbers and codes are never translated; only the sentences around them. Every sentence is written in both
languages at the place it is composed, so a missing translation is impossible by construction.
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from typing import Final, Literal

Language = Literal["en", "ko"]

STATUS_KO = {"COMPLIANT": "준수", "NON_COMPLIANT": "미준수", "NOT_ASSESSED": "평가 불가"}


# Korean for the enum values that appear inside sentences (a kind, a sort key, a granularity).
KO_WORDS: Final[dict[str, str]] = {
    "workload": "워크로드",
    "pod": "파드",
    "container": "컨테이너",
    "node": "노드",
    "process": "프로세스",
    "power": "전력",
    "emissions": "배출량",
    "efficiency": "효율",
    "hour": "시간",
    "day": "일",
}


def ko_word(value: str) -> str:
    """The Korean word for an enum value used in a sentence ("workload" → "워크로드"); other values unchanged."""
    return KO_WORDS.get(value, value)


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


# --- particles ---------------------------------------------------------------------------------------------

# Each particle by its two forms: after a final consonant (batchim), after a vowel. "로" is special: a final ㄹ
# takes "로" like a vowel does (서울로).
_PARTICLES: Final[dict[str, tuple[str, str]]] = {
    "을": ("을", "를"),
    "를": ("을", "를"),
    "이": ("이", "가"),
    "가": ("이", "가"),
    "은": ("은", "는"),
    "는": ("은", "는"),
    "과": ("과", "와"),
    "와": ("과", "와"),
    "으로": ("으로", "로"),
    "로": ("으로", "로"),
    "이라": ("이라", "라"),
    "라": ("이라", "라"),
}
# What a reader writes when the last sound is unknown (a Latin name, a number, a code): both forms at once.
_NEUTRAL: Final[dict[str, str]] = {
    "을": "을(를)",
    "이": "이(가)",
    "은": "은(는)",
    "과": "과(와)",
    "으로": "(으)로",
    "이라": "(이)라",
}
# Units whose Korean reading is fixed, by the reading's last sound: True = ends in a consonant.
_UNIT_BATCHIM: Final[dict[str, bool]] = {
    "%": False,  # 퍼센트
    "W": False,  # 와트
    "kW": False,
    "MW": False,
    "kWh": False,  # 킬로와트시
    "MWh": False,
    "ms": False,  # 밀리초
}
_TRAILING_PARENTHESIS = re.compile(r"\s*\([^()]*(\([^()]*\)[^()]*)*\)$")
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3


def _ends_in_consonant(word: str) -> bool | None:
    """Whether ``word`` is read with a final consonant; None when its reading is unknown (Latin, digits)."""
    word = _TRAILING_PARENTHESIS.sub("", word).rstrip()
    if not word:
        return None
    last = word[-1]
    if _HANGUL_FIRST <= ord(last) <= _HANGUL_LAST:
        return (ord(last) - _HANGUL_FIRST) % 28 != 0
    for unit, consonant in _UNIT_BATCHIM.items():
        if word.endswith(f" {unit}") or (unit == "%" and word.endswith("%")):
            return consonant
    return None


def _ends_in_rieul(word: str) -> bool:
    last = _TRAILING_PARENTHESIS.sub("", word).rstrip()[-1:]
    return bool(last) and _HANGUL_FIRST <= ord(last) <= _HANGUL_LAST and (ord(last) - _HANGUL_FIRST) % 28 == 8


def josa(word: str, particle: str) -> str:
    """``word`` followed by the Korean particle that reads correctly after it.

    ``particle`` is either form ("을" or "를", "이" or "가", "은"/"는", "과"/"와", "으로"/"로", "이라"/"라").
    After Hangul the form follows the last syllable's final consonant (워크로드를, 서울로, 기준은); a parenthesis
    at the end is skipped (유럽(스톡홀름)은 reads 유럽은). After a unit with a fixed reading ("9.6 W" = 와트) the form
    follows that reading. After a Latin name, a code or a bare number, whose reading varies, both forms are
    written, which reads correctly either way: "web-app을(를)", "KR_CARBON_2050은(는)", "1.40(으)로".
    """
    forms = _PARTICLES.get(particle)
    if forms is None:
        raise ValueError(f"unknown particle {particle!r}; known: {', '.join(_PARTICLES)}")
    consonant = _ends_in_consonant(word)
    if consonant is None:
        return word + _NEUTRAL[forms[0]]
    if forms[0] == "으로" and _ends_in_rieul(word):
        return word + "로"
    return word + (forms[0] if consonant else forms[1])


# --- the glossary ------------------------------------------------------------------------------------------


@functools.cache
def glossary() -> dict[str, dict[str, object]]:
    """The Korean glossary (``data/glossary_ko.toml``): concept → {"en", "term", "rejected"}."""
    text = resources.files("carbon_kepler_mcp").joinpath("data", "glossary_ko.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def term(concept: str) -> str:
    """The one Korean word for a concept of the glossary ("emissions" → "배출량")."""
    return str(glossary()[concept]["term"])
