"""Newsroom content: rubriques (sections), articles, and the snippets they reference.

Editors create sections under the home page and articles under sections; authors and topics are
snippets shared by every article.
"""

import math
import unicodedata

import graphene
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from grapple.models import GraphQLField, GraphQLInt, GraphQLString
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, MultipleChooserPanel
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from cms import upstream
from cms.graphql.types import ImageType, ImageView
from cms.preview import KiosquePreviewMixin
from cms.references import OneReferenceUpdateMixin
from news.author_chooser import AuthorViewSet
from news.autocomplete import PickerPanel
from news.blocks import ArticleBodyBlock
from news.fields import LazyStreamField
from news.forms import ArticlePageForm, NewsroomPageForm
from news.richtext import plain_text

WORDS_PER_MINUTE = 230


class Author(index.Indexed, models.Model):
    """A journalist or contributor credited on articles."""

    name = models.CharField(_("nom"), max_length=255)
    slug = models.SlugField(_("identifiant"), max_length=255, unique=True, allow_unicode=False)
    role = models.CharField(
        _("fonction"), max_length=255, blank=True, help_text=_("Ex. : correspondant à Dakar.")
    )
    bio = models.TextField(_("biographie"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("role"), FieldPanel("bio"),
              FieldPanel("photo")]  # fmt: skip
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    graphql_fields = [
        GraphQLString("name", required=True),
        GraphQLString("slug", required=True),
        GraphQLString("role", required=True),
        GraphQLString("bio", required=True),
        GraphQLField("photo", ImageType, source="photo_view"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("auteur")
        verbose_name_plural = _("auteurs")

    def __str__(self):
        return self.name

    def photo_view(self, info, **kwargs):
        return ImageView(self.photo, alt=self.name) if self.photo_id else None


class Topic(index.Indexed, models.Model):
    """A person, organisation, place or theme that articles are about."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Personne")
        ORGANISATION = "organisation", _("Organisation")
        PLACE = "place", _("Lieu")
        THEME = "theme", _("Thème")

    name = models.CharField(_("nom"), max_length=255)
    slug = models.SlugField(_("identifiant"), max_length=255, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.THEME)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("kind")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    graphql_fields = [
        GraphQLString("name", required=True),
        GraphQLString("slug", required=True),
        GraphQLString("kind", required=True),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("sujet")
        verbose_name_plural = _("sujets")

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    # The article form's topic picker (wagtail-autocomplete): searched by name, shown with its
    # kind, and a missing topic can be created from the form.
    autocomplete_search_field = "name"

    def autocomplete_label(self) -> str:
        return str(self)

    @classmethod
    def autocomplete_create(cls, value: str) -> "Topic":
        from news.services import create_topic

        return create_topic(label=value)


register_snippet(Author, viewset=AuthorViewSet)
register_snippet(Topic)


class SectionPage(KiosquePreviewMixin, Page):
    """A rubrique: groups articles; lives directly under the home page."""

    description = models.TextField(
        _("description"), blank=True, help_text=_("Une ou deux phrases présentant la rubrique.")
    )
    menu_order = models.PositiveSmallIntegerField(
        _("ordre dans le menu"), default=100, help_text=_("Les petits nombres passent en premier.")
    )

    content_panels = [*Page.content_panels, FieldPanel("description"), FieldPanel("menu_order")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.ArticlePage"]
    base_form_class = NewsroomPageForm

    graphql_fields = [
        GraphQLString("description", required=True),
        GraphQLInt("menu_order", required=True),
    ]

    class Meta:
        verbose_name = _("rubrique")
        verbose_name_plural = _("rubriques")


class ArticleAuthor(Orderable):
    """Orders the authors credited on one article."""

    page = ParentalKey(
        "news.ArticlePage", related_name="article_authors", on_delete=models.CASCADE
    )
    author = models.ForeignKey(
        Author, verbose_name=_("auteur"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        verbose_name = _("auteur")
        verbose_name_plural = _("auteurs")
        constraints = [
            models.UniqueConstraint(fields=["page", "author"], name="unique_author_per_article")
        ]


class ArticleTopic(Orderable):
    """Orders the topics of one article: the API lists them in the order the editor set."""

    page = ParentalKey("news.ArticlePage", related_name="article_topics", on_delete=models.CASCADE)
    topic = models.ForeignKey(
        Topic, verbose_name=_("sujet"), on_delete=models.CASCADE, related_name="article_links"
    )

    class Meta(Orderable.Meta):
        verbose_name = _("sujet")
        verbose_name_plural = _("sujets")
        constraints = [
            models.UniqueConstraint(fields=["page", "topic"], name="unique_topic_per_article")
        ]


class RelatedLink(Orderable):
    """A "Lire aussi" link at the end of an article: another article, or an outside URL."""

    page = ParentalKey("news.ArticlePage", related_name="related_links", on_delete=models.CASCADE)
    target_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("article lié"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    url = models.URLField(_("adresse externe"), blank=True, max_length=500)
    title = models.CharField(
        _("titre"), max_length=255, blank=True, help_text=_("Par défaut, le titre de l'article.")
    )

    panels = [FieldPanel("target_page", heading=_("Article")), FieldPanel("url"),
              FieldPanel("title")]  # fmt: skip

    class Meta(Orderable.Meta):
        verbose_name = _("lien « Lire aussi »")
        verbose_name_plural = _("liens « Lire aussi »")

    def clean(self):
        super().clean()
        if bool(self.target_page_id) == bool(self.url):
            raise ValidationError(_("Choisissez soit un article, soit une adresse externe."))
        if self.url and not self.title:
            raise ValidationError({"title": _("Un lien externe doit avoir un titre.")})


class ArticlePage(OneReferenceUpdateMixin, KiosquePreviewMixin, Page):
    """A news article. Lives only under a rubrique."""

    standfirst = models.TextField(
        _("chapô"), help_text=_("Le paragraphe d'introduction, affiché sous le titre.")
    )
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image principale"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_image_caption = models.CharField(_("légende"), max_length=500, blank=True)
    lead_image_credit = models.CharField(
        _("crédit"), max_length=255, blank=True, help_text=_("Ex. : AFP / Jean Dupont.")
    )
    lead_image_alt = models.CharField(
        _("texte alternatif"),
        max_length=255,
        blank=True,
        help_text=_("Décrit l'image pour les lecteurs d'écran."),
    )
    body = LazyStreamField(ArticleBodyBlock(), verbose_name=_("corps"), blank=True)
    # Read side of `article_topics` (filters, search, prefetches). The admin form and the
    # importers write `article_topics`, which revisions carry with its order (set_topics).
    topics = models.ManyToManyField(
        Topic, through=ArticleTopic, verbose_name=_("sujets"), blank=True
    )
    published_at = models.DateTimeField(
        _("date de publication affichée"),
        null=True,
        blank=True,
        # No index of its own: `article_pubdate` (published_at, id) serves every date lookup,
        # and cursors seek into it (a second date index drew the planner away from it).
        help_text=_("Vide : la date de première publication."),
    )
    updated_at = models.DateTimeField(
        _("date de mise à jour affichée"),
        null=True,
        blank=True,
        help_text=_("À renseigner pour signaler une mise à jour importante aux lecteurs."),
    )
    reading_time = models.PositiveSmallIntegerField(
        _("temps de lecture (minutes)"), default=1, editable=False
    )
    social_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image de partage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Vide : l'image principale."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("standfirst"),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldPanel("lead_image_caption"),
                FieldPanel("lead_image_credit"),
                FieldPanel("lead_image_alt"),
            ],  # fmt: skip
            heading=_("Image principale"),
        ),
        MultipleChooserPanel(
            "article_authors", chooser_field_name="author", heading=_("Auteurs"), label=_("auteur")
        ),
        PickerPanel(
            "topics",
            target_model="news.Topic",
            help_text=_("Dans l'ordre où l'API les donne : les flèches déplacent un sujet."),
        ),
        FieldPanel("body"),
        InlinePanel("related_links", heading=_("Lire aussi"), label=_("lien")),
    ]
    promote_panels = [
        *Page.promote_panels,
        FieldPanel("social_image"),
        FieldPanel("published_at"),
        FieldPanel("updated_at"),
    ]

    parent_page_types = ["news.SectionPage"]
    subpage_types = []
    base_form_class = ArticlePageForm

    search_fields = [
        *Page.search_fields,
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.RelatedFields("topics", [index.SearchField("name")]),
        index.FilterField("published_at"),
    ]

    graphql_fields = [
        GraphQLString("standfirst", required=True),
        GraphQLField("published_at", graphene.DateTime, required=True, source="public_date"),
        GraphQLField("updated_at", graphene.DateTime, source="public_updated_at"),
        GraphQLInt("reading_time", required=True),
        GraphQLField("section", lambda: _section_type(), source="section_of"),
        GraphQLField("authors", lambda: _non_null_list(Author), source="author_list"),
        GraphQLField("topics", lambda: _non_null_list(Topic), source="topic_list"),
        GraphQLField("lead_image", ImageType, source="lead_image_view"),
        GraphQLField("social_image", ImageType, source="social_image_view"),
        GraphQLField("body", lambda: _stream_list(), source="body_blocks"),
        GraphQLField("related_links", lambda: _related_link_list(), source="public_related_links"),
        GraphQLString("locale", required=True, source="locale_code"),
        GraphQLField("translations", lambda: _translation_list(), source="public_translations"),
    ]

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["-published_at", "-page_ptr"], name="article_pubdate")]

    def publish(self, revision, *args, **kwargs):
        # One transaction: the page, its log entries and what the page_published receivers
        # write commit together or not at all, and the work they leave for after the commit
        # (stored renders, cache purges) runs once, not once for the save and again for the
        # signal.
        with transaction.atomic():
            return super().publish(revision, *args, **kwargs)

    def save(self, *args, **kwargs):
        self.reading_time = reading_time_minutes(self.body)
        if self.live and self.published_at is None:
            self.published_at = self.first_published_at or timezone.now()
        return super().save(*args, **kwargs)

    # Resolvers read only what the request loader fetched in batches (see news.loading).
    def public_date(self, info, **kwargs):
        # Only a preview of a never-published draft has none of these: it shows the date the
        # article would get if it were published, at its scheduled time or now.
        return (
            self.published_at
            or self.first_published_at
            or self.last_published_at
            or self.go_live_at
            or timezone.now()
        )

    def public_updated_at(self, info, **kwargs):
        return self.updated_at

    def section_of(self, info, **kwargs):
        from news.selectors import section_for_article

        return section_for_article(self, info=info)

    def _ensure_loaded(self, info, facet: str, prefetched: str = "", field: str = ""):
        # Articles reached through links are loaded in one batch on first use (news.loading).
        if prefetched and upstream.prefetched(self, prefetched) is not None:
            return
        if field and self._meta.get_field(field).is_cached(self):
            return
        from news.selectors import ensure_prepared

        ensure_prepared(self, info=info, facet=facet)

    def _stored(self, info):
        # The stored render (news.renders) when this request may read it, else None.
        from news.selectors import stored_render

        return stored_render(self, info=info)

    def author_list(self, info, **kwargs):
        stored = self._stored(info)
        if stored is not None:
            return stored.authors()
        self._ensure_loaded(info, "authors", prefetched="article_authors")
        return [link.author for link in self.article_authors.all()]

    def body_blocks(self, info, **kwargs):
        from news.selectors import body_children

        return body_children(self, info=info)

    def topic_list(self, info, **kwargs):
        # From the ordered child rows, so a preview shows the draft's topics in its order.
        stored = self._stored(info)
        if stored is not None:
            return stored.topics()
        self._ensure_loaded(info, "topics", prefetched="article_topics")
        return [link.topic for link in self.article_topics.all()]

    def set_topics(self, topics) -> None:
        """Give the article these topics in this order, in memory: written on the next save and
        carried by the next revision. Rows of topics kept are reused."""
        kept = {link.topic_id: link for link in self.article_topics.all()}
        links = []
        for order, topic in enumerate(dict.fromkeys(topics)):
            link = kept.get(topic.pk) or ArticleTopic(topic=topic)
            link.topic, link.sort_order = topic, order
            links.append(link)
        self.article_topics = links

    def lead_image_view(self, info, **kwargs):
        if not self.lead_image_id:
            return None
        stored = self._stored(info)
        if stored is not None:
            image = stored.lead_image
        else:
            self._ensure_loaded(info, "images", field="lead_image")
            image = self.lead_image
        if image is None:
            return None
        return ImageView(
            image,
            alt=self.lead_image_alt,
            caption=self.lead_image_caption,
            credit=self.lead_image_credit,
        )

    def social_image_view(self, info, **kwargs):
        if self.social_image_id:
            stored = self._stored(info)
            if stored is not None:
                image = stored.social_image
            else:
                self._ensure_loaded(info, "images", field="social_image")
                image = self.social_image
            if image is not None:
                return ImageView(image, alt=self.title)
        return self.lead_image_view(info)

    def public_related_links(self, info, **kwargs):
        from news.selectors import public_related_links

        return public_related_links(self, info=info)

    def locale_code(self, info=None, **kwargs):
        return self.locale.language_code

    def public_translations(self, info, **kwargs):
        from news.locales import public_translations

        return public_translations(self, info=info)


# Letters NFKD does not split: "Œuvre" sorts as "oeuvre".
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


def french_sort_key(name: str) -> tuple[str, str]:
    """Alphabetical order as a French reader expects it, the same on every database: accents and
    case are ignored ("Élise" between "Eddy" and "Fanny", not after "Zoé"), then break ties."""
    decomposed = unicodedata.normalize("NFKD", name.casefold().translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)), name


def reading_time_minutes(body) -> int:
    words = 0
    for child in body or []:
        value = child.value
        for part in _texts_of(value):
            words += len(part.split())
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def _texts_of(value):
    if hasattr(value, "items"):
        for item in value.values():
            yield from _texts_of(item)
    elif hasattr(value, "source"):
        yield plain_text(value)
    elif isinstance(value, str):
        yield value


def _section_type():
    from grapple.registry import registry

    return registry.pages[SectionPage]


def _non_null_list(model):
    from grapple.registry import registry

    return graphene.NonNull(graphene.List(graphene.NonNull(registry.snippets[model])))


def _related_link_list():
    from news.graphql import RelatedLinkType

    return graphene.NonNull(graphene.List(graphene.NonNull(RelatedLinkType)))


def _translation_list():
    from news.locales import translation_list

    return translation_list()


def _stream_list():
    from grapple.types.interfaces import StreamFieldInterface

    return graphene.NonNull(graphene.List(graphene.NonNull(StreamFieldInterface)))


class ArticleRender(models.Model):
    """What an article shows that is expensive to compute, stored when it is published and
    rebuilt when anything it depends on changes (news.renders): the card (images with their
    rendition URLs, authors, topics) and the body's derived parts (sanitised HTML with public
    link URLs, image views, inline article ids). Written by news.renders only; never edited."""

    page = models.OneToOneField(
        ArticlePage, primary_key=True, on_delete=models.CASCADE, related_name="render"
    )
    # news.renders.render_version(): code version and the settings the stored URLs depend on.
    version = models.CharField(max_length=40)
    # Tree path of the edition root the URLs were computed for: other roots compute afresh.
    root_path = models.CharField(max_length=255)
    # JSON as text, decoded only when a resolver reads it: a listing never parses a body.
    card = models.TextField()
    body = models.TextField()
    # A linked page goes live or expires at this moment: the stored URLs are stale after it.
    valid_until = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField()

    class Meta:
        verbose_name = "article render"

    def __str__(self):
        return f"render of page {self.page_id}"


class RenderDependency(models.Model):
    """One tag (news.dependencies vocabulary) a stored render was built from: a change that
    bumps the tag drops the renders that hold it."""

    render = models.ForeignKey(
        ArticleRender, on_delete=models.CASCADE, related_name="dependencies"
    )
    tag = models.CharField(max_length=100, db_index=True)

    class Meta:
        verbose_name = "render dependency"

    def __str__(self):
        return f"{self.tag} for page {self.render_id}"
