"""A StreamField whose stored JSON is decoded on first use, not when the row is read."""

from __future__ import annotations

from django.db.models.expressions import Col
from wagtail.blocks import StreamValue
from wagtail.fields import StreamField


class _LazyStreamValue(StreamValue):
    """The stream of a row just read: the JSON text until something looks at the blocks."""

    _DECODED = ("_raw_data", "_bound_blocks", "raw_text")

    def __init__(self, stream_block, text: str, field):
        self.stream_block = stream_block
        self.is_lazy = True
        self._stream_field = field
        self._text = text

    def __getattr__(self, name):
        # Only called for attributes not set yet: the decoded ones, on first use.
        if name not in self._DECODED or "_text" not in self.__dict__:
            raise AttributeError(name)
        decoded = self.stream_block.to_python(self.__dict__.pop("_text"))
        for attr in self._DECODED:
            setattr(self, attr, getattr(decoded, attr))
        self.is_lazy = decoded.is_lazy
        return getattr(self, name)


class LazyStreamField(StreamField):
    """Wagtail's StreamField, but a listing that reads twenty articles and shows none of their
    bodies does not decode twenty JSON documents."""

    def from_db_value(self, value, expression, connection):
        if isinstance(value, str) and value and isinstance(expression, Col):
            return _LazyStreamValue(self.stream_block, value, self)
        return super().from_db_value(value, expression, connection)

    def deconstruct(self):
        # Migrations see Wagtail's field: the column and its contents are the same.
        name, _path, args, kwargs = super().deconstruct()
        return name, "wagtail.fields.StreamField", args, kwargs
