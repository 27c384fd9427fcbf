"""Customers: finding or creating the contact for an address, linking a portal login."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from ..models import (
    Contact,
)
from .common import (
    CaseActionError,
)


def get_or_create_contact(email: str, *, name: str = "") -> tuple[Contact, bool]:
    """Find the contact for an address (case-insensitive) or create one, placing it in the
    site that owns the address's domain."""

    email = email.strip().lower()
    contact = Contact.objects.filter(email=email).first()
    if contact:
        return contact, False
    return create_contact(email, name=name)


def create_contact(email: str, *, name: str = "") -> tuple[Contact, bool]:
    """Create the contact for an address the caller just looked up and did not find (if
    someone else created it meanwhile, that one is returned: (contact, False))."""
    from ..models import SiteDomain

    email = email.strip().lower()
    domain = email.rpartition("@")[2]
    site_domain = SiteDomain.objects.select_related("site").filter(domain=domain).first()
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                email=email, name=name.strip(), site=site_domain.site if site_domain else None
            )
        return contact, True
    except IntegrityError:
        return Contact.objects.get(email=email), False


def do_link_contact_user(contact: Contact, *, user: AbstractBaseUser) -> Contact:
    """Give a contact its portal login (after the address was verified)."""
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.user_id is not None and contact.user_id != user.pk:
            raise CaseActionError(f"{contact.email} already has a portal account.")
        if contact.user_id is None:
            contact.user = user
            contact.save(update_fields=["user"])
    return contact
