from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from delivery.forms import WebhookEndpointForm
from delivery.models import WebhookDelivery, WebhookEndpoint


@hooks.register("register_kiosque_query")
def delivery_query(query_mixins):
    from delivery.schema import DeliveryQuery

    query_mixins.append(DeliveryQuery)


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link"
    menu_label = "Webhooks"
    list_display = ["name", "url", "active"]
    list_filter = ["active"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("url"),
            FieldPanel("secret"),
            FieldPanel("events"),
            FieldPanel("active"),
        ],
        base_form_class=WebhookEndpointForm,
    )


class WebhookDeliveryViewSet(ModelViewSet):
    """The delivery log. Editors may only requeue a delivery (status and next attempt)."""

    model = WebhookDelivery
    icon = "history"
    menu_label = "Envois"
    list_display = ["event", "endpoint", "status", "attempts", "response_code", "next_attempt_at"]
    list_filter = ["status", "event", "endpoint"]
    inspect_view_enabled = True
    copy_view_enabled = False
    panels = [FieldPanel("status"), FieldPanel("next_attempt_at")]


class DeliveryGroup(ModelViewSetGroup):
    menu_label = "Diffusion"
    menu_icon = "resubmit"
    items = (WebhookEndpointViewSet("webhooks"), WebhookDeliveryViewSet("webhook_deliveries"))


@hooks.register("register_admin_viewset")
def register_delivery_admin():
    return DeliveryGroup()
