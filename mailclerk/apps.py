from django.apps import AppConfig


class MailclerkConfig(AppConfig):
    name = "mailclerk"
    verbose_name = "Mail clerk"

    def ready(self) -> None:
        from anymail.signals import inbound

        from mailclerk.doors.webhook import on_inbound

        inbound.connect(on_inbound, dispatch_uid="mailclerk.inbound")

        from django.db.models.signals import post_delete, post_save

        from casedesk.models import Queue
        from mailclerk.services import forget_cached_addresses

        # This process sees its own queue edits at once; other processes within 30 s.
        post_save.connect(forget_cached_addresses, sender=Queue, dispatch_uid="mailclerk.queue-saved")
        post_delete.connect(forget_cached_addresses, sender=Queue, dispatch_uid="mailclerk.queue-deleted")

        from mailclerk.markers import forget_markers
        from mailclerk.models import QuoteMarker

        post_save.connect(forget_markers, sender=QuoteMarker, dispatch_uid="mailclerk.marker-saved")
        post_delete.connect(forget_markers, sender=QuoteMarker, dispatch_uid="mailclerk.marker-deleted")
