from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from newsletter.messages import LOCALES


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    # Stored as given for the local part, domain lower-cased in its ASCII (IDNA) form.
    email = models.EmailField(_("email address"), max_length=254)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    locale = models.CharField(
        _("language"), max_length=8, choices=[(code, code) for code in LOCALES]
    )
    source = models.CharField(
        _("source"), max_length=100, blank=True, help_text=_("Where the signup came from.")
    )
    consent_version = models.CharField(_("consent version"), max_length=32)
    consent_at = models.DateTimeField(_("consent given at"))
    # HMAC-SHA256 of the client IP keyed with SECRET_KEY: proves a request, not who made it.
    ip_hash = models.CharField(_("IP fingerprint"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    # Null while a confirmation email is owed; the retry command picks these up.
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    confirmation_attempts = models.PositiveSmallIntegerField(_("confirmation attempts"), default=0)
    last_send_error = models.CharField(_("last sending error"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("newsletter subscriber")
        verbose_name_plural = _("newsletter subscribers")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_subscriber_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "confirmed", "unsubscribed"]),
                name="newsletter_subscriber_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "confirmation_sent_at"])]

    def __str__(self):
        # Never the address: Wagtail copies this label into its audit log, which must not
        # keep an email after the subscriber is erased.
        return f"Subscriber #{self.pk}"


@register_setting(icon="mail")
class NewsletterSettings(BaseSiteSetting):
    """The signup box's copy, per site, in French and English."""

    title_fr = models.CharField(
        _("title (French)"), max_length=120, default="Notre lettre d'information"
    )
    title_en = models.CharField(_("title (English)"), max_length=120, default="Our newsletter")
    blurb_fr = models.TextField(
        _("blurb (French)"),
        max_length=500,
        default="Chaque matin, l'essentiel de l'actualité choisi par la rédaction.",
    )
    blurb_en = models.TextField(
        _("blurb (English)"),
        max_length=500,
        default="Every morning, the news that matters, picked by our editors.",
    )
    button_label_fr = models.CharField(
        _("button label (French)"), max_length=40, default="Je m'inscris"
    )
    button_label_en = models.CharField(
        _("button label (English)"), max_length=40, default="Sign me up"
    )
    consent_text_fr = models.TextField(
        _("consent text (French)"),
        max_length=1000,
        default="J'accepte de recevoir la lettre d'information par courriel. "
        "Je peux me désinscrire à tout moment grâce au lien présent dans chaque envoi.",
    )
    consent_text_en = models.TextField(
        _("consent text (English)"),
        max_length=1000,
        default="I agree to receive the newsletter by email. I can unsubscribe at any time "
        "with the link in every issue.",
    )
    consent_version = models.CharField(
        _("consent version"),
        max_length=32,
        default="2026-01",
        help_text=_(
            "Change this whenever the consent text changes: each subscriber records "
            "the version they agreed to."
        ),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("title_fr"),
                FieldPanel("blurb_fr"),
                FieldPanel("button_label_fr"),
                FieldPanel("consent_text_fr"),
            ],
            heading=_("French"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("title_en"),
                FieldPanel("blurb_en"),
                FieldPanel("button_label_en"),
                FieldPanel("consent_text_en"),
            ],
            heading=_("English"),
        ),
        FieldPanel("consent_version"),
    ]

    class Meta:
        verbose_name = _("newsletter box")

    def copy(self, locale: str) -> dict:
        return {
            "locale": locale,
            "title": getattr(self, f"title_{locale}"),
            "blurb": getattr(self, f"blurb_{locale}"),
            "button_label": getattr(self, f"button_label_{locale}"),
            "consent_text": getattr(self, f"consent_text_{locale}"),
            "consent_version": self.consent_version,
        }
