"""Signed, expiring, single-use tokens for emailed links (sign-in link, address verification).

A token carries the user id and a digest of state that the link's use changes (last login,
password hash, activation): once used, the digest no longer matches, so it is single use
without a table of spent tokens."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.utils.crypto import constant_time_compare

SIGNIN = "selfservice.signin"
VERIFY = "selfservice.verify"


def _state(user: AbstractBaseUser) -> str:
    login = user.last_login.replace(microsecond=0, tzinfo=None).isoformat() if user.last_login else ""
    raw = f"{user.pk}|{user.password}|{login}|{user.is_active}|{user.email.lower()}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _max_age(purpose: str) -> int:
    if purpose == SIGNIN:
        return settings.CASEDESK_PORTAL_SIGNIN_LINK_MAX_AGE
    return settings.CASEDESK_PORTAL_VERIFY_LINK_MAX_AGE


def make_token(user: AbstractBaseUser, purpose: str) -> str:
    return signing.TimestampSigner(salt=purpose).sign_object({"u": user.pk, "s": _state(user)})


def check_token(token: str, purpose: str) -> AbstractBaseUser | None:
    """The user the token was made for, or None if it is forged, expired or already used."""
    try:
        data = signing.TimestampSigner(salt=purpose).unsign_object(token, max_age=_max_age(purpose))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if user is None or not constant_time_compare(_state(user), str(data.get("s", ""))):
        return None
    return user
