"""Case numbers: gap-free and unique under concurrency (see CaseNumberCounter)."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from ..models import (
    CaseNumberCounter,
)


def _increment_case_counter() -> int | None:
    """Increment the counter row and read it back in one statement; None if the row does
    not exist yet. The row lock taken by the UPDATE serialises concurrent creators."""
    table = connection.ops.quote_name(CaseNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_number = last_number + 1 WHERE id = %s RETURNING last_number", [1]
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _update_returning_supported() -> bool:
    if connection.vendor == "postgresql":
        return True
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version_info >= (3, 35)
    return False


def next_case_number() -> int:
    """Hand out the next case number; call inside the transaction that creates the case."""
    for _ in range(3):
        if _update_returning_supported():
            number = _increment_case_counter()
            if number is not None:
                return number
        elif CaseNumberCounter.objects.filter(pk=1).update(last_number=F("last_number") + 1):
            return CaseNumberCounter.objects.values_list("last_number", flat=True).get(pk=1)
        try:
            with transaction.atomic():
                CaseNumberCounter.objects.create(pk=1, last_number=settings.CASEDESK_FIRST_CASE_NUMBER)
            return settings.CASEDESK_FIRST_CASE_NUMBER
        except IntegrityError:
            continue  # another transaction created the counter first; increment it
    raise RuntimeError("could not allocate a case number")
