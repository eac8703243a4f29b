"""Reading and changing one listing, for the response-cache tests."""

import json

from news.models import ArticlePage


def titles(response) -> list[str]:
    """Titles of an `articles` answer, in its order."""
    return [e["node"]["title"] for e in json.loads(response.content)["data"]["articles"]["edges"]]


def retitle(article, title) -> None:
    """Publish `article` again under another title, as an editor would."""
    article = ArticlePage.objects.get(pk=article.pk)
    article.title = title
    article.save_revision().publish()
