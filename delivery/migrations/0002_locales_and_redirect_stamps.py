from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    # French is the default edition, English the second; both must exist for translations.
    Locale = apps.get_model("wagtailcore", "Locale")
    for code in ("fr", "en"):
        Locale.objects.get_or_create(language_code=code)
    # Redirects created before this app have no timestamp yet.
    Redirect = apps.get_model("wagtailredirects", "Redirect")
    RedirectStamp = apps.get_model("delivery", "RedirectStamp")
    now = timezone.now()
    RedirectStamp.objects.bulk_create(
        [RedirectStamp(redirect_id=pk, updated_at=now) for pk in
         Redirect.objects.filter(kiosque_stamp__isnull=True).values_list("pk", flat=True)],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0001_initial"),
        ("wagtailcore", "0054_initial_locale"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
