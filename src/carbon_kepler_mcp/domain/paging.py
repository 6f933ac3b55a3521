"""Pagination for the exploring tools: bounded pages and opaque, validated cursors.

A cursor encodes the offset of the next item, a fingerprint of the query (tool and arguments, except the
cursor and the language) and the time of the metrics snapshot the page came from. A cursor used with other
arguments is refused (its offset would point into a different list); a cursor from an older snapshot is
accepted, and the answer says the data was refreshed in between, because items may then have moved, unless
its offset is no longer inside the list (the list shrank, or the cursor was altered): that is refused too.
Within one snapshot, pages never lose or repeat an item: lists are sorted with a total order.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from carbon_kepler_mcp.domain.names import safe_repr
from carbon_kepler_mcp.errors import InvalidArgumentError

__all__ = ["MAX_CURSOR_LENGTH", "Page", "check_limit", "decode_cursor", "paginate", "query_fingerprint"]

T = TypeVar("T")

MAX_CURSOR_LENGTH: Final = 64
_CURSOR_RE = re.compile(r"v1\.(0|[1-9][0-9]{0,8})\.([0-9a-f]{10})\.(0|[1-9][0-9]{0,11})")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int
    offset: int
    next_cursor: str | None
    stale: bool
    """The cursor came from an older snapshot: items may have moved between pages."""

    @property
    def omitted(self) -> int:
        """Items after this page."""
        return max(0, self.total - self.offset - len(self.items))


def check_limit(limit: int, maximum: int, name: str = "limit") -> None:
    """Refuse a page size outside 1..maximum."""
    if not 1 <= limit <= maximum:
        raise InvalidArgumentError(
            f"{name} {limit} is out of range: use 1 to {maximum}",
            ko=f"{name} 인수 {limit}이(가) 범위를 벗어났습니다: 1에서 {maximum} 사이여야 합니다",
        )


def query_fingerprint(tool: str, arguments: Mapping[str, object]) -> str:
    """A short hash of a query, to tie a cursor to it."""
    canonical = json.dumps({"tool": tool, **arguments}, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:10]


def _encode(offset: int, fingerprint: str, snapshot_seconds: int) -> str:
    raw = f"v1.{offset}.{fingerprint}.{snapshot_seconds}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, fingerprint: str, snapshot_seconds: int) -> tuple[int, bool]:
    """(offset, stale) of a cursor this server returned for the same query.

    Raises:
        InvalidArgumentError: the cursor is malformed, or belongs to a query with other arguments.
    """
    bad = InvalidArgumentError(
        f"cursor {safe_repr(cursor, 40)} is not a cursor this server returned; pass the next_cursor of the previous "
        "page unchanged, or omit cursor to start from the first page",
        ko=f"cursor 인수 {safe_repr(cursor, 40)}은(는) 이 서버가 돌려준 커서가 아닙니다: 이전 페이지의 next_cursor를 "
        "그대로 넘기거나, 첫 페이지부터 보려면 cursor를 생략하세요",
    )
    if len(cursor) > MAX_CURSOR_LENGTH or not re.fullmatch(r"[A-Za-z0-9_-]+", cursor):
        raise bad
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad from None
    match = _CURSOR_RE.fullmatch(raw)
    if match is None:
        raise bad
    if match.group(2) != fingerprint:
        raise InvalidArgumentError(
            "cursor belongs to a query with other arguments: repeat the previous call's arguments with it, or omit "
            "cursor to start from the first page",
            ko="cursor 인수가 다른 인수로 한 질의의 커서입니다: 이전 호출의 인수를 그대로 함께 넘기거나, 첫 페이지부터 "
            "보려면 cursor를 생략하세요",
        )
    return int(match.group(1)), int(match.group(3)) != snapshot_seconds


def paginate(items: Sequence[T], *, limit: int, cursor: str | None, fingerprint: str, snapshot_seconds: int) -> Page[T]:
    """The page of ``items`` (already in their final, total order) that ``cursor`` points to."""
    offset, stale = (0, False) if not cursor else decode_cursor(cursor, fingerprint, snapshot_seconds)
    if offset and offset >= len(items):
        # This server only returns a cursor that points at an item; past the end it is stale or altered.
        raise InvalidArgumentError(
            f"cursor points past the end of the list (item {offset + 1} of {len(items)}): it is from older data "
            "or was altered; omit cursor to start from the first page",
            ko=f"cursor 인수가 목록의 끝을 넘습니다({len(items)}개 중 {offset + 1}번째): 이전 데이터의 커서이거나 "
            "변경되었습니다. 첫 페이지부터 보려면 cursor를 생략하세요",
        )
    page = list(items[offset : offset + limit])
    end = offset + len(page)
    next_cursor = _encode(end, fingerprint, snapshot_seconds) if end < len(items) else None
    return Page(page, len(items), offset, next_cursor, stale)
