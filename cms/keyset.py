"""Keyset pagination: seek past a cursor with one row comparison the database can use.

`(published_at, id) < (%s, %s)` is a single index condition on a composite (published_at, id)
index: PostgreSQL and SQLite start the scan at the cursor. The equivalent
`published_at < x OR (published_at = x AND id < y)` is checked row by row during the scan, so a
page deep in the archive cost as much as reading every row before it.
"""

from __future__ import annotations

from django.db.models import BooleanField, Expression, F, Field, Func, Value


class _Row(Func):
    function = ""
    template = "(%(expressions)s)"
    output_field = Field()


class _RowCompare(Func):
    output_field = BooleanField()
    template = "%(expressions)s"

    def __init__(self, left: Expression, operator: str, right: Expression):
        self.arg_joiner = f" {operator} "
        super().__init__(left, right)


def before(fields: tuple[str, ...], values: tuple) -> _RowCompare:
    """Rows whose `fields` sort strictly before `values` in descending order: a filter."""
    return _RowCompare(_Row(*(F(f) for f in fields)), "<", _Row(*(Value(v) for v in values)))


def after(fields: tuple[str, ...], values: tuple) -> _RowCompare:
    """Rows whose `fields` sort strictly after `values` in ascending order: a filter."""
    return _RowCompare(_Row(*(F(f) for f in fields)), ">", _Row(*(Value(v) for v in values)))
