from django.apps import AppConfig


class CasedeskConfig(AppConfig):
    name = "casedesk"
    verbose_name = "Casedesk"

    def ready(self) -> None:
        from .celery import ensure_filesystem_broker_dirs

        ensure_filesystem_broker_dirs()

        from django.db.models.signals import post_delete, post_save

        from .mail_templates import saved_templates
        from .models import MailTemplate, Queue
        from .services.routing import _default_queue

        # This process sees its own edits at once; other processes within casedesk.cached.TTL.
        for model, lookup in ((Queue, _default_queue), (MailTemplate, saved_templates)):
            for signal in (post_save, post_delete):
                signal.connect(lookup.clear, sender=model, dispatch_uid=f"casedesk.cached.{model.__name__}")
