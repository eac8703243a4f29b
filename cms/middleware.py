"""The admin speaks French unless its user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, and Wagtail's admin uses that
language for every user without a saved preference: an en-US browser got an English admin. Under
/admin/ the newsroom's language wins; Wagtail then applies the user's own choice (account
preferences) on top. Elsewhere (the API, newsletter pages) Django's rules are unchanged.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class AdminLocaleMiddleware(LocaleMiddleware):
    admin_prefix = "/admin/"

    def process_request(self, request):
        if not request.path_info.startswith(self.admin_prefix):
            return super().process_request(request)
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        return None
