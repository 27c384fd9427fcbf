from django.db import migrations

from rules.defaults import DEFAULT_RULES


def seed(apps, schema_editor):
    BusinessRule = apps.get_model("rules", "BusinessRule")
    for values in DEFAULT_RULES:
        values = dict(values)
        BusinessRule.objects.get_or_create(name=values.pop("name"), defaults=values)


def unseed(apps, schema_editor):
    BusinessRule = apps.get_model("rules", "BusinessRule")
    BusinessRule.objects.filter(name__in=[rule["name"] for rule in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
