from django.db import migrations


def seed(apps, schema_editor):
    from casedesk.mail_templates import DEFAULTS

    MailTemplate = apps.get_model("casedesk", "MailTemplate")
    for key, fields in DEFAULTS.items():
        MailTemplate.objects.get_or_create(key=key, defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("casedesk", "0002_mail_templates")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
