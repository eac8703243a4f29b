from wagtail import hooks


@hooks.register("register_kiosque_query")
def add_search_query(query_mixins):
    from search.schema import SearchQuery

    query_mixins.append(SearchQuery)
