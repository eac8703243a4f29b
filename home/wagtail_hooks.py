from wagtail import hooks


@hooks.register("register_kiosque_query", order=-10)
def home_query(query_mixins):
    """`home`, right after the newsroom's fields."""
    from home.schema import HomeQuery

    query_mixins.append(HomeQuery)
