"""Headless previews: editors' "Preview" opens the frontend with a signed, expiring token; the
frontend asks the API for the draft behind it.

wagtail-headless-preview signs tokens with a timestamp but never checks their age: we do, with
KIOSQUE_PREVIEW_TOKEN_MAX_AGE (one hour by default).
"""

from __future__ import annotations

from django.conf import settings
from django.core.signing import BadSignature, SignatureExpired
from wagtail.models import Site
from wagtail_headless_preview.models import HeadlessPreviewMixin, PagePreview
from wagtail_headless_preview.settings import headless_preview_settings

from cms.graphql.errors import client_error


class KiosquePreviewMixin(HeadlessPreviewMixin):
    """Preview through the frontend whose URL is configured for the page's site and locale."""

    def get_client_root_url(self, request) -> str:
        site = Site.find_for_request(request) or self.get_site()
        urls = headless_preview_settings.CLIENT_URLS
        language = self.locale.language_code if self.locale_id else settings.LANGUAGE_CODE
        hostname = site.hostname if site else ""
        url = urls.get(f"{hostname}:{language}") or urls.get(hostname) or urls["default"]
        root = site.root_url if site else ""
        return url.format(SITE_ROOT_URL=root, LOCALE=language)

    @classmethod
    def get_page_from_preview_token(cls, token: str):
        page = page_from_token(token)
        return page if isinstance(page, cls) else None


def page_from_token(token: str, *, model=None):
    """The draft a preview token was issued for, or a client error saying why not."""
    signer = HeadlessPreviewMixin.get_preview_signer()
    try:
        identifier = signer.unsign(token, max_age=settings.KIOSQUE_PREVIEW_TOKEN_MAX_AGE)
    except SignatureExpired as exc:
        raise client_error(
            "PREVIEW_EXPIRED", "This preview link has expired; open the preview again."
        ) from exc
    except BadSignature as exc:
        raise client_error("BAD_PREVIEW_TOKEN", "This preview token is not valid.") from exc
    preview = PagePreview.objects.filter(token=token).first()
    if preview is None:
        raise client_error("BAD_PREVIEW_TOKEN", "This preview token is not valid.")
    page = preview.as_page()
    # The token names the page it was made for: it can never open another one.
    if identifier.startswith("id=") and identifier != f"id={page.pk}":
        raise client_error("BAD_PREVIEW_TOKEN", "This preview token is not valid.")
    if model is not None and not isinstance(page, model):
        raise client_error("BAD_PREVIEW_TOKEN", "This token previews another kind of page.")
    return page
