"""Topics keep the order the editor gives them: the plain many-to-many table becomes ordered
child rows (`ArticleTopic`, like the authors).

Existing links are copied in the order the API gave until now (French alphabetical order of the
topic names), and every article revision that lists topics gets the same rows, so a draft or a
scheduled revision published later keeps its topics.
"""

import unicodedata

import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models

BATCH = 2000


def _sort_key(name):
    # news.models.french_sort_key as of this migration.
    folded = name.casefold().translate(str.maketrans({"œ": "oe", "æ": "ae"}))
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)), name


def copy_links(apps, schema_editor):
    ArticlePage = apps.get_model("news", "ArticlePage")
    ArticleTopic = apps.get_model("news", "ArticleTopic")
    Topic = apps.get_model("news", "Topic")
    Old = ArticlePage._meta.get_field("topics").remote_field.through
    names = dict(Topic.objects.values_list("pk", "name"))

    def ordered(topic_ids):
        known = [pk for pk in dict.fromkeys(topic_ids) if pk in names]
        return sorted(known, key=lambda pk: _sort_key(names[pk]))

    pending, page_id, topic_ids = [], None, []

    def flush_page():
        for order, topic_id in enumerate(ordered(topic_ids)):
            pending.append(ArticleTopic(page_id=page_id, topic_id=topic_id, sort_order=order))

    rows = Old.objects.order_by("articlepage_id", "topic_id").values_list(
        "articlepage_id", "topic_id"
    )
    for article, topic in rows.iterator(chunk_size=BATCH):
        if article != page_id:
            if page_id is not None:
                flush_page()
            page_id, topic_ids = article, []
        topic_ids.append(topic)
        if len(pending) >= BATCH:
            ArticleTopic.objects.bulk_create(pending)
            pending.clear()
    if page_id is not None:
        flush_page()
    ArticleTopic.objects.bulk_create(pending)

    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    content_type = ContentType.objects.filter(app_label="news", model="articlepage").first()
    if content_type is None:
        return
    changed = []
    for revision in Revision.objects.filter(content_type=content_type).iterator(chunk_size=500):
        content = revision.content
        if not isinstance(content, dict) or "topics" not in content:
            continue
        page = content.get("pk")
        content["article_topics"] = [
            {"pk": None, "page": page, "topic": topic_id, "sort_order": order}
            for order, topic_id in enumerate(ordered(content.pop("topics") or []))
        ]
        changed.append(revision)
        if len(changed) >= 500:
            Revision.objects.bulk_update(changed, ["content"])
            changed.clear()
    Revision.objects.bulk_update(changed, ["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0005_page_tree_root_index"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleTopic",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                ("page", modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name="article_topics", to="news.articlepage")),
                ("topic", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="article_links", to="news.topic", verbose_name="sujet")),
            ],
            options={
                "verbose_name": "sujet",
                "verbose_name_plural": "sujets",
                "ordering": ["sort_order"],
                "abstract": False,
            },
        ),
        migrations.AddConstraint(
            model_name="articletopic",
            constraint=models.UniqueConstraint(fields=("page", "topic"), name="unique_topic_per_article"),
        ),
        migrations.RunPython(copy_links, migrations.RunPython.noop),
        migrations.RemoveField(model_name="articlepage", name="topics"),
        migrations.AddField(
            model_name="articlepage",
            name="topics",
            field=models.ManyToManyField(blank=True, through="news.ArticleTopic", to="news.topic", verbose_name="sujets"),
        ),
    ]
