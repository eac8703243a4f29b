"""Editions: the French (default) and English trees of one site, linked by translation keys."""

import graphene

from cms.graphql.dependencies import record
from cms.graphql.interfaces import page_path
from news import visibility
from news.loading import loader_for


class TranslationType(graphene.ObjectType):
    class Meta:
        name = "Translation"

    locale = graphene.String(required=True, description="Language code, e.g. en.")
    url = graphene.String(required=True, description="Path of the translation in its edition.")


def translation_list():
    return graphene.NonNull(graphene.List(graphene.NonNull(TranslationType)))


def public_translations(page, *, info) -> list[TranslationType]:
    """The page's live, public translations on the requesting site (other editions only)."""
    # Another edition publishing, moving or withdrawing this page's translation changes this.
    record(info.context, f"translation:{page.translation_key}")
    result = []
    for root_path in loader_for(info).all_edition_roots():
        if page.path.startswith(root_path):
            continue
        found = (
            visibility.published_articles(root_path=root_path)
            .filter(translation_key=page.translation_key)
            .select_related("locale")
            .first()
        )
        if found is not None:
            url = page_path(found, info)
            if url is not None:
                result.append(TranslationType(locale=found.locale.language_code, url=url))
    return result
