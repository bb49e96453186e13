"""Strict readers for settings that come from the environment.

A typo in a deployment variable must stop the process at start-up, not quietly
fall back to a default that happens to work on a laptop.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of {sorted(_TRUE | _FALSE - {''})}, not {raw!r}"
    )


def envint(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {raw!r}"
        ) from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is set but lists nothing")
    return items


def envsecret(name: str) -> str:
    """The secret in ``name``, or "" if it is unset, empty or only whitespace."""
    raw = os.environ.get(name, "")
    return raw if raw.strip() else ""


def envdatabase(name: str, default: str, **options) -> dict:
    """Django's database settings from the URL in ``name`` (``default`` if unset).

    Error messages never repeat the URL: it usually holds a password.
    """
    raw = os.environ.get(name)
    url = default if raw is None else raw.strip()
    if not url:
        raise ImproperlyConfigured(f"{name} is set but empty")
    if "://" not in url:
        raise ImproperlyConfigured(
            f"{name} must be a URL such as postgres://user:password@host/name"
        )
    try:
        config = dj_database_url.parse(url, **options)
    except dj_database_url.UnknownSchemeError as error:
        # The message names the scheme and the known ones, not the URL.
        raise ImproperlyConfigured(f"{name}: {error}") from None
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} is not a valid database URL (are special characters in the "
            "password percent-encoded?)"
        ) from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} names no database")
    return config
