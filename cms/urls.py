from django.conf import settings
from django.urls import include, path, re_path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.frontend import page_path
from cms.graphql.view import graphiql_view, graphql_view
from cms.health import healthz, readyz

urlpatterns = [
    # The topic picker's search and create endpoints (admin users, topics only; no public ones).
    path("admin/autocomplete/", include("news.autocomplete")),
    # Two of Wagtail's reports with bounded counts (cms/admin_reports.py), ahead of its own.
    path("admin/reports/", include("cms.admin_reports")),
    # The page chooser's search with its rows' status and parents read in bulk.
    path("admin/choose-page/search/", include("cms.admin_chooser")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("graphql/", graphql_view, name="graphql"),
    path("newsletter/", include("newsletter.urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]

if getattr(settings, "KIOSQUE_GRAPHIQL", False):
    urlpatterns.append(path("graphiql/", graphiql_view, name="graphiql"))

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Page paths: never Wagtail's page serving on this host (cms/frontend.py). Same pattern and
# name as Wagtail's own route, so page URLs are still reversed from it.
# Other paths are left to Django (a slash appended, else 404), as before.
urlpatterns.append(re_path(r"^((?:[\w\-]+/)*)$", page_path, name="wagtail_serve"))
