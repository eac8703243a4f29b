"""The request's loader: one object per request holds everything resolvers read once for it.

Feature apps subclass `RequestLoader` (news.loading does) and attach their instance to the
request; the framework reads only the fields declared here, so it never imports a feature app.
"""

from __future__ import annotations

_ATTRIBUTE = "kiosque_loader"


class RequestLoader:
    """Per-request state the framework layer reads (page URLs)."""

    def __init__(self, request=None):
        self.request = request
        # url_path of the site's root page once read: page URLs under it need no query.
        self.root_url_path: str | None = None
        self.serve_prefix: str | None = None

    @classmethod
    def for_info(cls, info):
        """The request's loader of this class, made on first use. Without a request (code
        running outside one), a fresh loader that remembers nothing between calls."""
        request = getattr(info, "context", None)
        if request is None:
            return cls()
        loader = getattr(request, _ATTRIBUTE, None)
        if not isinstance(loader, cls):
            loader = cls(request)
            setattr(request, _ATTRIBUTE, loader)
        return loader


def loader_of(request) -> RequestLoader | None:
    """The loader attached to `request`, if a resolver made one."""
    return getattr(request, _ATTRIBUTE, None) if request is not None else None
