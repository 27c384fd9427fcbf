from django.apps import AppConfig


class MailclerkConfig(AppConfig):
    name = "mailclerk"
    verbose_name = "Mail clerk"

    def ready(self) -> None:
        from anymail.signals import inbound

        from mailclerk.doors.webhook import on_inbound

        inbound.connect(on_inbound, dispatch_uid="mailclerk.inbound")
