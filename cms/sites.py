"""The site a request is for: Wagtail's rule (`Site.find_for_request`), with its query prepared
once per process (cms.prepared) instead of built and compiled on every uncached request."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, When
from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.models.sites import (
    MATCH_DEFAULT,
    MATCH_HOSTNAME,
    MATCH_HOSTNAME_DEFAULT,
    MATCH_HOSTNAME_PORT,
)

from cms.prepared import INT, TEXT, PreparedQuery


def _candidates(*, hostname: str, port: int):
    """Wagtail's `get_site_for_hostname` query: the sites of this hostname and the default one,
    best match first."""
    match = Case(
        When(hostname=hostname, port=port, then=MATCH_HOSTNAME_PORT),
        When(hostname=hostname, is_default_site=True, then=MATCH_HOSTNAME_DEFAULT),
        When(is_default_site=True, then=MATCH_DEFAULT),
        default=MATCH_HOSTNAME,
        output_field=IntegerField(),
    )
    return (
        Site.objects.annotate(match=match)
        .filter(Q(hostname=hostname) | Q(is_default_site=True))
        .order_by("match")
        .select_related("root_page")
    )


_CANDIDATES = PreparedQuery(_candidates, hostname=TEXT, port=INT)


def find_for_request(request) -> Site | None:
    """`Site.find_for_request`, sharing its per-request memo (`request._wagtail_site`)."""
    if request is None:
        return None
    if not hasattr(request, "_wagtail_site"):
        request._wagtail_site = _find(request)
    return request._wagtail_site


def _find(request) -> Site | None:
    hostname = split_domain_port(request._get_raw_host())[0]
    try:
        port = int(request.get_port())
    except (TypeError, ValueError):
        # A forwarded port that is not a number matches no site's port (Wagtail's own lookup
        # fails on it with an error).
        port = -1
    sites = _CANDIDATES.fetch(hostname=hostname, port=port)
    if not sites:
        return None
    if len(sites) == 1 or sites[0].match in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
        return sites[0]
    if sites[0].match == MATCH_DEFAULT:
        # The default site, unless exactly one other site has this hostname.
        return sites[len(sites) == 2]
    return None
