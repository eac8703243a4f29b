import ipaddress
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from delivery import webhooks
from delivery.models import WebhookEvent


class WebhookEndpointForm(WagtailAdminModelForm):
    events = forms.MultipleChoiceField(
        label="Événements",
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean_url(self):
        """Refuse what can be refused without a DNS lookup; the worker checks the address it
        actually connects to as well (delivery.webhooks)."""
        url = self.cleaned_data["url"]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise forms.ValidationError(_("Seules les adresses http et https sont acceptées."))
        host = (parts.hostname or "").rstrip(".")
        try:
            literal = str(ipaddress.ip_address(host))
        except ValueError:
            literal = None
        internal = (
            not webhooks.address_allowed(literal)
            if literal
            else host == "localhost" or host.endswith(".localhost")
        )
        if internal and not webhooks.conf("ALLOW_PRIVATE_TARGETS"):
            raise forms.ValidationError(
                _("Cette adresse n'est pas publique : les webhooks ne peuvent pas la viser.")
            )
        return url
