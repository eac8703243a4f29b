"""This host serves the API and the admin, not the website: page paths never reach Wagtail's
page serving.

Wagtail's `serve` answered readers here with a 500 for a live page (no templates), a 404 for a
draft, a password form for a protected page and a login redirect for a private one: a status
oracle for hidden pages. Every page path now gets the same answer whatever lies behind it: a
redirect to the same path on the public website (KIOSQUE_FRONTEND_URL), or a JSON 404 when no
website is configured. The route keeps Wagtail's name `wagtail_serve`, so page URLs (the API's
`url`, the admin's "Voir la page publiée") are still built from it.
"""

from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe


def frontend_url(path: str) -> str | None:
    """The public website's address for a path on this host, or None without a website."""
    base = (getattr(settings, "KIOSQUE_FRONTEND_URL", None) or "").rstrip("/")
    if not base:
        return None
    # Quoted, and never protocol-relative: the answer cannot point at another host.
    return base + "/" + quote(path.lstrip("/"), safe="/-_.~")


@require_safe
def page_path(request, path: str = ""):
    """Answer any page path the same way, whether a page exists there or not."""
    target = frontend_url(request.path_info)
    if target:
        response = HttpResponseRedirect(target)
    else:
        response = JsonResponse(
            {
                "errors": [
                    {
                        "message": "This host serves the API only: pages are on the website.",
                        "extensions": {"code": "NOT_FOUND"},
                    }
                ]
            },
            status=404,
        )
    patch_cache_control(response, public=True, max_age=300)
    return response
