"""Querysets compiled to SQL once per process and shape; each use binds new values.

Building a Wagtail page queryset with the visibility rules and compiling it to SQL costs more
Python than running it costs the database (a profile of an uncached article showed it as the
largest part of the request before any field ran). The hot public reads have a
handful of shapes per site (what differs between two requests is the time, a path, a slug, a
cursor), so a `PreparedQuery` compiles each shape once, the way a database prepares a statement:

- `build(*shape, **values)` returns the queryset. `shape` holds everything that changes the SQL
  text (a site's root path, the restricted paths, a page size) and is the key of the compiled
  form; `values` must only reach the SQL as lookup values (`url_path=value`, `pk__in=values`,
  `published_at__lt=value`), never through Python branches or transforms.
- The first use of a shape builds the queryset twice with two sets of marker values and
  compiles both. The shape is kept only if the SQL text is identical and the parameters that
  differ are exactly the markers' database forms; otherwise (a value used in a `LIKE` pattern,
  in `LIMIT`, in a branch) every call falls back to building the queryset as usual.
- Later calls copy the compiled parameters, put the database form of the request's values in
  the markers' slots and run the SQL through the first compile's state, so Django still
  instantiates models, follows `select_related` and runs `prefetch_related` as it would.

`KIOSQUE["PREPARED_QUERIES"]` (env `KIOSQUE_PREPARED_QUERIES`, default on) turns this off:
every call then builds and compiles its queryset.
"""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet

from cms import upstream

# Compiled shapes kept per query (a shape per site, edition and restriction set, page size...).
MAX_SHAPES = 64


class Kind:
    """What a value is, so markers of its type can stand for it and be told apart."""

    def __init__(self, marker: Callable[[str, int, int], object], adapt=None):
        self.marker = marker  # (variable name, round 0/1, index in a list) -> marker value
        self.adapt = adapt  # (value, connection) -> the value as the SQL parameters hold it

    def db_value(self, value, connection):
        return self.adapt(value, connection) if self.adapt else value


def _text_marker(name: str, round_: int, index: int) -> str:
    return f"\x00prepared:{name}:{round_}:{index}\x00"


def _int_marker(name: str, round_: int, index: int) -> int:
    # Far above any id or count the queries compare with; distinct per variable and round.
    return 1_900_000_000 + (sum(map(ord, name)) % 1000) * 10_000 + round_ * 5_000 + index


def _datetime_marker(name: str, round_: int, index: int) -> datetime.datetime:
    seconds = (sum(map(ord, name)) % 1000) * 100 + index
    return datetime.datetime(1901 + round_, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
        seconds=seconds, microseconds=123457
    )


def _adapt_datetime(value, connection):
    return connection.ops.adapt_datetimefield_value(value)


TEXT = Kind(_text_marker)
INT = Kind(_int_marker, lambda value, connection: int(value))
DATETIME = Kind(_datetime_marker, _adapt_datetime)


class Many:
    """A list of values of one kind (`pk__in=values`); its length is part of the shape."""

    def __init__(self, kind: Kind):
        self.kind = kind


def enabled() -> bool:
    return settings.KIOSQUE.get("PREPARED_QUERIES", True)


class _Shape:
    __slots__ = ("queryset", "compiler", "sql", "params", "slots")

    def __init__(self, queryset, compiler, sql, params, slots):
        self.queryset = queryset
        self.compiler = compiler
        self.sql = sql
        self.params = params
        self.slots = slots  # [(parameter position, variable name, index in a list or None)]


_EMPTY = object()  # the shape compiles to no query at all (`.none()`)
_UNPREPARED = object()  # the shape cannot be prepared: build every time


class PreparedQuery:
    def __init__(self, build: Callable[..., QuerySet], **variables: Kind | Many):
        self._build = build
        self._variables = variables
        self._shapes: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def fetch(self, *shape: Hashable, **values) -> list:
        """The rows of `build(*shape, **values)`."""
        if not enabled():
            return list(self._build(*shape, **values))
        lengths = tuple(
            len(values[name]) for name, kind in self._variables.items() if isinstance(kind, Many)
        )
        prepared = self._prepared(shape, lengths)
        if prepared is _UNPREPARED:
            return list(self._build(*shape, **values))
        if prepared is _EMPTY:
            return []
        return _run(prepared, self._bind(prepared, values))

    def _prepared(self, shape: tuple, lengths: tuple):
        key = (shape, lengths)
        with self._lock:
            found = self._shapes.get(key)
            if found is not None:
                self._shapes.move_to_end(key)
                return found
        # Compiled outside the lock: two threads may both compile a new shape; one is kept.
        prepared = self._compile(shape, lengths)
        with self._lock:
            self._shapes[key] = prepared
            while len(self._shapes) > MAX_SHAPES:
                self._shapes.popitem(last=False)
        return prepared

    def _markers(self, round_: int, lengths: tuple) -> dict:
        markers, many = {}, iter(lengths)
        for name, kind in self._variables.items():
            if isinstance(kind, Many):
                markers[name] = [kind.kind.marker(name, round_, i) for i in range(next(many))]
            else:
                markers[name] = kind.marker(name, round_, 0)
        return markers

    def _compile(self, shape: tuple, lengths: tuple):
        markers = self._markers(0, lengths), self._markers(1, lengths)
        compiled = []
        for round_markers in markers:
            queryset = self._build(*shape, **round_markers)
            if upstream.has_prefetches(queryset):
                # Prefetch querysets are not part of the compiled SQL: values in them would
                # stay the markers. Callers prefetch on the rows they get back.
                return _UNPREPARED
            found = upstream.compile_queryset(queryset)
            if found is None:
                return _EMPTY
            compiled.append((queryset, *found))
        (queryset, compiler, sql, params), (_qs, _c, other_sql, other_params) = compiled
        if sql != other_sql or len(params) != len(other_params):
            return _UNPREPARED
        connection = connections[queryset.db]
        expected = {}  # (marker's db form in round 0, in round 1) -> (name, index)
        for name, kind in self._variables.items():
            base = kind.kind if isinstance(kind, Many) else kind
            first, second = markers[0][name], markers[1][name]
            pairs = (
                zip(first, second, strict=True) if isinstance(kind, Many) else [(first, second)]
            )
            for index, (a, b) in enumerate(pairs):
                slot = (name, index if isinstance(kind, Many) else None)
                expected[(base.db_value(a, connection), base.db_value(b, connection))] = slot
        slots, seen = [], set()
        for position, (a, b) in enumerate(zip(params, other_params, strict=True)):
            if a == b:
                continue
            slot = expected.get((a, b))
            if slot is None:  # a value reached the SQL in another form
                return _UNPREPARED
            slots.append((position, *slot))
            seen.add(slot)
        if seen != set(expected.values()):  # a value left the SQL text or went unused
            return _UNPREPARED
        return _Shape(queryset, compiler, sql, params, slots)

    def _bind(self, shape: _Shape, values: dict) -> list:
        connection = connections[shape.queryset.db]
        params = list(shape.params)
        for position, name, index in shape.slots:
            kind = self._variables[name]
            if isinstance(kind, Many):
                params[position] = kind.kind.db_value(values[name][index], connection)
            else:
                params[position] = kind.db_value(values[name], connection)
        return params


def _run(shape: _Shape, params: Sequence) -> list:
    """Evaluate a copy of the shape's queryset with the compiled SQL and these parameters."""
    return upstream.run_compiled(shape.queryset, shape.compiler, shape.sql, params)
