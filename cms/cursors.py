"""Opaque pagination cursors: the one codec every connection uses (articles, search, the change
feed, redirects).

A cursor is URL-safe base64 without padding, of JSON (or, for the change feed, of plain text).
Decoding never raises anything but a BAD_CURSOR client error: clients get a clear answer for a
truncated, forged or outdated cursor, never a server error.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from cms.graphql.errors import client_error

T = TypeVar("T")

# Largest primary key the databases store (signed 64-bit); beyond it the ORM raises, not filters.
MAX_PK = 2**63 - 1
START_AGAIN = "The cursor is not valid; start again without one."

# What a malformed cursor can raise while decoded or checked. RecursionError: a cursor of
# deeply nested JSON arrays; OverflowError: a date the database cannot hold.
_MALFORMED = (
    ValueError,
    TypeError,
    OverflowError,
    UnicodeError,
    RecursionError,
    binascii.Error,
)


def encode_text(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def encode(payload: Any) -> str:
    """A cursor for a JSON-serialisable payload."""
    return encode_text(json.dumps(payload))


def decode_text(cursor: str, check: Callable[[str], T], *, message: str = START_AGAIN) -> T:
    """`check(text)` of the cursor's text; any decoding or checking failure (`check` raises
    ValueError for a value it refuses) becomes a BAD_CURSOR client error with `message`."""
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode("ascii"))
        return check(raw.decode())
    except _MALFORMED as exc:  # json.JSONDecodeError is a ValueError
        raise client_error("BAD_CURSOR", message) from exc


def decode(cursor: str, check: Callable[[Any], T], *, message: str = START_AGAIN) -> T:
    """`check(payload)` of the cursor's JSON payload, as `decode_text`."""
    return decode_text(cursor, lambda text: check(json.loads(text)), message=message)


def check_pk(value) -> int:
    """A primary key read from a cursor. bool is an int subclass; an id past 64 bits would
    fail inside the database."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_PK:
        raise ValueError(value)
    return value


def encode_position(moment: datetime, pk: int) -> str:
    """A keyset position: a row's timestamp and id (newest-first listings, redirects)."""
    return encode([moment.isoformat(), pk])


def decode_position(cursor: str) -> tuple[datetime, int]:
    """The (timestamp in UTC, id) an `encode_position` cursor holds."""

    def check(payload) -> tuple[datetime, int]:
        stamp, pk = payload
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            raise ValueError(stamp)
        return moment.astimezone(UTC), check_pk(pk)

    return decode(cursor, check)
