from django.apps import AppConfig


class CasedeskConfig(AppConfig):
    name = "casedesk"
    verbose_name = "Casedesk"

    def ready(self) -> None:
        from .celery import ensure_filesystem_broker_dirs

        ensure_filesystem_broker_dirs()
