"""Portal bookkeeping: pending sign-ups and which agent entries the customer was told about."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Signup(models.Model):
    """A portal sign-up. The user stays inactive until the address is verified; the row
    tells a pending sign-up apart from an account an admin deactivated."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_signup"
    )
    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        state = "verified" if self.verified_at else "pending"
        return f"Sign-up of {self.user} ({state})"


class CustomerNotification(models.Model):
    """One per agent entry the customer was emailed about, so a repeated task sends once."""

    activity = models.OneToOneField(
        "casedesk.Activity", on_delete=models.CASCADE, related_name="customer_notification"
    )
    outbound_email = models.ForeignKey(
        "casedesk.OutboundEmail", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Customer told about activity {self.activity_id}"
