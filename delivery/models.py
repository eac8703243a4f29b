"""Delivery records: the change feed apps sync from, webhook endpoints and their delivery log,
and the timestamps redirects lack."""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChangeKind(models.TextChoices):
    UPSERT = "UPSERT", "UPSERT"
    DELETE = "DELETE", "DELETE"


class ChangeLog(models.Model):
    """The latest known state of one article or section in one site edition.

    Compacted: each object keeps a single row, and every change deletes it and inserts a new
    one, so the sequence id is a replay cursor and a replay returns only the latest state.
    """

    id = models.BigAutoField(primary_key=True)
    content_type = models.CharField(max_length=100)
    object_id = models.BigIntegerField()
    # Path of the home page (site root or its translation) the object was published under.
    root_path = models.CharField(max_length=255)
    kind = models.CharField(max_length=6, choices=ChangeKind.choices)
    updated_at = models.DateTimeField(default=timezone.now)
    # Tree path of the page when written, and the path it had before a move (kept until the next
    # move): `changes(section:)` tells an app holding a section that an article left it.
    path = models.CharField(max_length=255, blank=True, default="")
    former_path = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "root_path"], name="one_change_per_object"
            )
        ]
        indexes = [
            models.Index(fields=["root_path", "id"], name="change_feed"),
            models.Index(fields=["kind", "updated_at"], name="change_tombstones"),
        ]

    def __str__(self):
        return f"{self.kind} {self.content_type}#{self.object_id}"


def new_generation() -> str:
    return secrets.token_hex(8)


class FeedState(models.Model):
    """Singleton: the highest tombstone id pruned (older cursors may have missed a deletion) and
    the feed's generation, which every cursor carries. A restore or a rebuild stamps a new
    generation, so cursors issued by another copy of the database are refused, not trusted."""

    pruned_through = models.BigIntegerField(default=0)
    generation = models.CharField(max_length=32, default=new_generation)

    def __str__(self):
        return f"generation {self.generation}, pruned through {self.pruned_through}"

    @classmethod
    def get(cls) -> "FeedState":
        state, _ = cls.objects.get_or_create(pk=1)
        return state


class WebhookEvent(models.TextChoices):
    ARTICLE_PUBLISHED = "article.published", _("Article publié")
    ARTICLE_UNPUBLISHED = "article.unpublished", _("Article dépublié")
    ARTICLE_DELETED = "article.deleted", _("Article supprimé")
    SECTION_PUBLISHED = "section.published", _("Rubrique publiée")
    SECTION_UNPUBLISHED = "section.unpublished", _("Rubrique dépubliée")
    SECTION_DELETED = "section.deleted", _("Rubrique supprimée")
    REDIRECT_CHANGED = "redirect.changed", _("Redirection modifiée")


class WebhookEndpoint(models.Model):
    name = models.CharField(_("nom"), max_length=255)
    url = models.URLField(_("adresse"), max_length=500)
    secret = models.CharField(
        _("secret"), max_length=255, help_text=_("Sert à signer chaque envoi (HMAC-SHA256).")
    )
    events = models.JSONField(_("événements"), default=list, blank=True)
    active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self):
        return self.name

    def wants(self, event: str) -> bool:
        return event in (self.events or [])


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Abandonné")

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("webhook"), on_delete=models.CASCADE,
        related_name="deliveries",
    )  # fmt: skip
    event = models.CharField(_("événement"), max_length=50)
    payload = models.JSONField(_("contenu"))
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochain essai"), default=timezone.now)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    response_code = models.PositiveSmallIntegerField(_("code de réponse"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("envoi de webhook")
        verbose_name_plural = _("envois de webhooks")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"


class RedirectStamp(models.Model):
    """When a redirect last changed: wagtail's Redirect has no timestamp of its own."""

    redirect = models.OneToOneField(
        "wagtailredirects.Redirect",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="kiosque_stamp",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["updated_at", "redirect"], name="redirect_updated")]

    def __str__(self):
        return f"{self.redirect_id} @ {self.updated_at:%Y-%m-%d %H:%M}"
