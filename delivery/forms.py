from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from delivery.models import WebhookEvent


class WebhookEndpointForm(WagtailAdminModelForm):
    events = forms.MultipleChoiceField(
        label="Événements",
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
