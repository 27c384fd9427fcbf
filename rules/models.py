"""RuleManager data. DeliveryEvent: what an ESP reported about a sent email."""

from __future__ import annotations

from django.db import models

from casedesk.models import OutboundEmail


class DeliveryEvent(models.Model):
    """One ESP tracking event (delivered, bounced, complained, rejected, …) from django-anymail."""

    outbound_email = models.ForeignKey(
        OutboundEmail, null=True, blank=True, on_delete=models.CASCADE, related_name="delivery_events"
    )
    esp_name = models.CharField(max_length=50)
    event_type = models.CharField(max_length=30)
    event_id = models.CharField(max_length=255, blank=True, help_text="The ESP's id for this event.")
    esp_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    recipient = models.CharField(max_length=254, blank=True)
    reject_reason = models.CharField(max_length=30, blank=True)
    description = models.TextField(blank=True)
    mta_response = models.TextField(blank=True)
    is_hard_bounce = models.BooleanField(default=False)
    occurred_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["esp_name", "event_id"], condition=~models.Q(event_id=""), name="delivery_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.recipient} ({self.esp_name})"
