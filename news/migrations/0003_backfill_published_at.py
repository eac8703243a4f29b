"""Every live article has a publication date (ArticlePage.save sets one; listings and cursors
rely on it). Rows written around save(), by an import or a bulk update, may lack it: give them
their first publication date, as save() would have."""

from django.db import migrations
from django.utils import timezone


def backfill(apps, schema_editor):
    ArticlePage = apps.get_model("news", "ArticlePage")
    undated = ArticlePage.objects.filter(live=True, published_at__isnull=True)
    # The dates live on the parent page table, which an UPDATE of this table cannot read.
    for pk, first, last in undated.values_list("pk", "first_published_at", "last_published_at"):
        ArticlePage.objects.filter(pk=pk).update(published_at=first or last or timezone.now())


class Migration(migrations.Migration):
    dependencies = [("news", "0002_page_url_path_index")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
