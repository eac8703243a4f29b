"""Kiosque's own confirmation and unsubscribe pages, for readers whose frontend has no route.

GET never changes anything (mail scanners and link previews fetch links): it shows a button.
POST acts. The unsubscribe POST also serves RFC 8058 one-click requests from mail clients,
which carry no cookie and no CSRF token: the signed token in the URL is the credential.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsletter import services, tokens
from newsletter.messages import PAGES
from newsletter.models import Subscriber
from newsletter.validation import message_locale


def _token(request):
    token = request.POST.get("token") or request.GET.get("token") or ""
    return token[: tokens.MAX_TOKEN_LENGTH + 1]


def _locale(request, purpose: str, token: str) -> str:
    """The subscriber's language when the token is good, else ?lang=, else French."""
    try:
        pk, _ = tokens.read_token(purpose, token)
    except tokens.TokenError:
        return message_locale(request.GET.get("lang"))
    locale = Subscriber.objects.filter(pk=pk).values_list("locale", flat=True).first()
    return locale or message_locale(request.GET.get("lang"))


def _page(request, *, lang, title, message=None, token="", button=None, status=200):
    response = render(
        request,
        "newsletter/page.html",
        {
            "lang": lang,
            "site_name": settings.WAGTAIL_SITE_NAME,
            "title": title,
            "message": message,
            "token": token,
            "button": button,
            "show_form": button is not None,
        },
        status=status,
    )
    patch_cache_control(response, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    # Tokens sit in the URL: never pass them on in a Referer.
    response["Referrer-Policy"] = "no-referrer"
    return response


def _handle(request, purpose: str, action, prefix: str):
    token = _token(request)
    lang = _locale(request, purpose, token)
    copy = PAGES[lang]
    if request.method == "GET":
        try:
            tokens.read_token(purpose, token)
        except tokens.TokenError as exc:
            result = services.failure(lang, ("token", exc.code))
            return _page(
                request,
                lang=lang,
                title=copy["error_title"],
                message=result.errors[0].message,
                status=400,
            )
        return _page(
            request,
            lang=lang,
            title=copy[f"{prefix}_title"],
            message=copy[f"{prefix}_prompt"],
            token=token,
            button=copy[f"{prefix}_button"],
        )
    result = action(token, lang)
    if not result.ok:
        return _page(
            request,
            lang=lang,
            title=copy["error_title"],
            message=result.errors[0].message,
            status=400,
        )
    done = "confirmed" if prefix == "confirm" else "unsubscribed"
    return _page(request, lang=lang, title=copy[f"{prefix}_title"], message=copy[done])


@csrf_exempt
@require_http_methods(["GET", "POST"])
def confirm_view(request):
    return _handle(request, tokens.CONFIRM, services.confirm, "confirm")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request):
    return _handle(request, tokens.UNSUBSCRIBE, services.unsubscribe, "unsubscribe")
