from wagtail import hooks


@hooks.register("register_kiosque_query")
def add_search_query(query_mixins):
    from search.schema import SearchQuery

    query_mixins.append(SearchQuery)


@hooks.register("register_admin_urls")
def redirect_search_without_join():
    """Wagtail's redirect listing with Kiosque's search (search/admin_redirects.py). This app's
    hooks run before wagtail.contrib.redirects' (INSTALLED_APPS order), so these paths answer
    first; Wagtail's URL names still reverse to them."""
    from django.urls import path

    from search.admin_redirects import RedirectIndexView

    return [
        path("redirects/", RedirectIndexView.as_view(), name="kiosque_redirects_index"),
        path(
            "redirects/results/",
            RedirectIndexView.as_view(results_only=True),
            name="kiosque_redirects_index_results",
        ),
    ]
