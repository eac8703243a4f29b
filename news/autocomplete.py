"""The article form's topic picker, on top of wagtail-autocomplete.

Search as you type over topics (5,000 and more: only the chosen ones are rendered in the form),
each shown with its kind, and a missing topic created from the form (`Topic.autocomplete_create`,
for users allowed to add topics). Two things are tightened around the package:

- its admin endpoints answer for any model named in the request (users, subscribers...), to
  anyone with admin access: here they answer for topics only, and return at most MAX_RESULTS;
- its widget raises on a malformed value (a 500): here a malformed value is a form error.
"""

import json

from django.http import JsonResponse
from django.urls import re_path
from wagtail.admin.auth import require_admin_access
from wagtailautocomplete import views
from wagtailautocomplete.edit_handlers import AutocompletePanel
from wagtailautocomplete.views import render_page
from wagtailautocomplete.widgets import Autocomplete

PICKABLE = {"news.Topic"}
MAX_RESULTS = 50
# Not a primary key: the form field rejects it with its own "invalid value" message.
_INVALID = "invalide"


class SafeAutocomplete(Autocomplete):
    def value_from_datadict(self, data, files, name):
        raw = data.get(name)
        if not raw:
            return None
        try:
            value = json.loads(raw)
            if value is None:
                return None
            if isinstance(value, list):
                return [item["pk"] for item in value if "pk" in item]
            if isinstance(value, dict):
                return value.get("pk")
        except (ValueError, TypeError, KeyError, RecursionError):
            pass
        return [_INVALID] if not self.is_single else _INVALID

    def format_value(self, value):
        # A rejected value is shown again with the form's error: keep only real keys.
        if isinstance(value, list):
            # In the given order (the package lists them in database order): it is the
            # order the API gives.
            keys = [int(pk) for pk in value if str(pk).isdigit()]
            found = self.target_model.objects.in_bulk(keys)
            return json.dumps([render_page(found[pk]) for pk in keys if pk in found])
        if value is not None and not str(value).isdigit():
            value = None
        return super().format_value(value)


class PickerPanel(AutocompletePanel):
    def widget_overrides(self):
        base = super().widget_overrides()[self.field_name]
        return {
            self.field_name: SafeAutocomplete(
                target_model=base.target_model,
                can_create=base.can_create,
                is_single=base.is_single,
            )
        }


def _pickable_only(view):
    def wrapped(request, *args, **kwargs):
        params = request.POST if request.method == "POST" else request.GET
        if params.get("type") not in PICKABLE:
            return JsonResponse({"detail": "Unknown type."}, status=400)
        if request.method == "POST" and "limit" in request.POST:
            try:
                limit = int(request.POST["limit"])
            except ValueError:
                return JsonResponse({"detail": "Bad limit."}, status=400)
            request.POST = request.POST.copy()
            request.POST["limit"] = str(max(1, min(limit, MAX_RESULTS)))
        elif request.method == "POST":
            request.POST = request.POST.copy()
            request.POST["limit"] = str(MAX_RESULTS)
        return view(request, *args, **kwargs)

    return require_admin_access(wrapped)


urlpatterns = [
    re_path(r"^create/", _pickable_only(views.create)),
    re_path(r"^objects/", _pickable_only(views.objects), {"public": False}),
    re_path(r"^search/", _pickable_only(views.search), {"public": False}),
]
