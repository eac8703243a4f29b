"""What the WordPress importer remembers between runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedPost(models.Model):
    """One WordPress post and the page it became, so that a second run updates that page
    instead of creating another one. Keyed by the export's site URL: two blogs may share ids."""

    site_url = models.CharField(_("site WordPress"), max_length=255)
    wp_id = models.PositiveBigIntegerField(_("identifiant WordPress"))
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Vide quand la page a été supprimée : l'import ne la recrée pas."),
    )
    fingerprint = models.CharField(_("empreinte"), max_length=64)
    imported_at = models.DateTimeField(_("importé le"), auto_now=True)

    class Meta:
        verbose_name = _("article WordPress importé")
        verbose_name_plural = _("articles WordPress importés")
        constraints = [
            models.UniqueConstraint(fields=["site_url", "wp_id"], name="unique_wp_post_per_site")
        ]

    def __str__(self):
        return f"{self.site_url} #{self.wp_id}"
