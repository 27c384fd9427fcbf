from django.db import migrations

from mailclerk.quotes import DEFAULT_MARKERS


def seed(apps, schema_editor):
    QuoteMarker = apps.get_model("mailclerk", "QuoteMarker")
    for text in DEFAULT_MARKERS:
        QuoteMarker.objects.get_or_create(text=text)


class Migration(migrations.Migration):
    dependencies = [("mailclerk", "0002_quote_markers")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
