from django.apps import AppConfig


class SelfserviceConfig(AppConfig):
    name = "selfservice"
    verbose_name = "Self-service portal"

    def ready(self) -> None:
        from casedesk import events

        from .subscribers import on_domain_event

        events.subscribe(on_domain_event)
