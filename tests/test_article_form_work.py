"""Opening the article form does no work that does not depend on the article (issue 13,
item 3): the body's block definitions are packed once per language and process, not on every
opening as stock Wagtail does, and each language gets its own."""

import html

from django.contrib.auth import get_user_model
from wagtail.blocks.base import BlockWidget
from wagtail.users.models import UserProfile

from news import forms
from tests.factories import make_article, make_section, make_site


def test_block_definitions_are_packed_once_per_language(client, db, monkeypatch):
    article = make_article(make_section(make_site(), "Monde", slug="monde"), "Un article")
    user = get_user_model().objects.create_superuser("chef-blocs", "", "mdp-blocs")
    client.force_login(user)
    monkeypatch.setattr(forms, "_PACKED_BLOCKS", {})
    packed = []
    stock = BlockWidget._build_block_json

    def counting(widget):
        packed.append(widget)
        stock(widget)

    monkeypatch.setattr(BlockWidget, "_build_block_json", counting)
    url = f"/admin/pages/{article.pk}/edit/"
    french = [html.unescape(client.get(url).content.decode()) for _ in range(3)]
    assert len(packed) == 1
    assert all('"Intertitre"' in page for page in french)

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    english = [html.unescape(client.get(url).content.decode()) for _ in range(2)]
    assert len(packed) == 2
    assert all('"Subheading"' in page and '"Intertitre"' not in page for page in english)
