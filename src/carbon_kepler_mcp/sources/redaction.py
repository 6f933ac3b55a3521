"""One way to show a URL: without ``user:password@``, query values or fragment, in answers, errors and logs.

Every place that shows or logs a URL goes through :func:`redact_url` (the sources' descriptions and errors, the
dashboard, the start-up log), and the program installs :class:`RedactingFilter` on its log handlers so that the
HTTP client's and uvicorn's own lines are redacted the same way.
"""

from __future__ import annotations

import logging
import re
from typing import Final
from urllib.parse import SplitResult, urlsplit, urlunsplit

__all__ = ["REDACTED", "RedactingFilter", "redact_text", "redact_url"]

REDACTED: Final = "REDACTED"
"""What a query value or a password is replaced with in anything shown or logged."""

_URL_IN_TEXT: Final = re.compile(r"\bhttps?://[^\s'\"<>`]+", re.IGNORECASE)


def redact_url(url: str) -> str:
    """``url`` as it may be shown or logged: no ``user:password@``, every query value and the fragment replaced.

    A token can hide in the user info (``https://user:pass@host``) or in any query parameter (``?access_token=``,
    ``?key=``, ``?sig=``); which parameter names are secret is not knowable, so every value is replaced and only
    the names stay (enough to recognise the URL). Text that is not a URL comes back unchanged.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    query = "&".join(
        (name + "=" + REDACTED) if has_value else name
        for name, has_value, _ in (pair.partition("=") for pair in parts.query.split("&") if pair)
    )
    fragment = REDACTED if parts.fragment else ""
    return urlunsplit(SplitResult(parts.scheme, netloc, parts.path, query, fragment))


def redact_text(text: str) -> str:
    """Every URL inside ``text`` redacted (:func:`redact_url`), for log lines and error messages."""
    if "://" not in text:
        return text
    return _URL_IN_TEXT.sub(lambda match: redact_url(match.group(0)), text)


class RedactingFilter(logging.Filter):
    """Redacts every URL in a log record (message and arguments) before any handler formats it.

    Installed on the log handlers by the program, so the HTTP client's own request lines (``HTTP Request: GET
    https://user:pass@...``), uvicorn's access lines (``GET /tools?token=...``) and every message of this package
    go through the same :func:`redact_url`.
    """

    _QUERY_IN_ACCESS: Final = re.compile(r"(\?|&)([^=&\s\"]+)=([^&\s\"]*)")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact_text(message)
        if record.name.startswith("uvicorn.access"):
            cleaned = self._QUERY_IN_ACCESS.sub(lambda m: f"{m.group(1)}{m.group(2)}={REDACTED}", cleaned)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # A traceback's messages can hold URLs too; formatters reuse exc_text once it is set.
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
        return True
