from wagtail import hooks


@hooks.register("register_kiosque_query")
def delivery_query(query_mixins):
    from delivery.schema import DeliveryQuery

    query_mixins.append(DeliveryQuery)
