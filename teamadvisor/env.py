"""Strict readers for settings that come from the environment.

A typo in a deployment variable must stop the process at start-up, not quietly
fall back to a default that happens to work on a laptop.
"""

import email.utils
import os
import urllib.parse

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

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


# What dj-email-url understands in the query string, less its two address
# options: the sender has its own variable, DJANGO_DEFAULT_FROM_EMAIL.
_EMAIL_QUERY_KEYS = {"ssl", "tls", "timeout"}
# Without a timeout an SMTP server that stops answering holds a worker forever.
EMAIL_TIMEOUT_SECONDS = 30


def envemail(name: str, default: str) -> dict:
    """Django's EMAIL_* settings from the URL in ``name`` (``default`` if unset),
    e.g. ``submission://user:password@smtp.example.com:587`` or ``console:``.

    dj-email-url parses; this refuses what it would silently ignore (an
    unknown scheme or option, ``tls=maybe``). Error messages never repeat the
    URL: it usually holds a password.
    """
    raw = os.environ.get(name)
    url = default if raw is None else raw.strip()
    if not url:
        raise ImproperlyConfigured(f"{name} is set but empty")
    parts = urllib.parse.urlsplit(url)
    schemes = ", ".join(f"{scheme}:" for scheme in dj_email_url.SCHEMES)
    if parts.scheme not in dj_email_url.SCHEMES:
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with one of {schemes} "
            "such as submission://user:password@smtp.example.com:587"
        )
    try:
        query = urllib.parse.parse_qs(parts.query, strict_parsing=bool(parts.query))
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a malformed query string") from None
    for key, values in query.items():
        if key not in _EMAIL_QUERY_KEYS:
            raise ImproperlyConfigured(
                f"{name}: unknown option {key!r} (known: ssl, tls, timeout)"
            )
        if len(values) > 1:
            raise ImproperlyConfigured(f"{name} gives {key!r} more than once")
        if key in {"ssl", "tls"} and values[0].strip().lower() not in _TRUE | _FALSE:
            raise ImproperlyConfigured(
                f"{name}: {key} must be one of {sorted(_TRUE | _FALSE - {''})}"
            )
    try:
        config = dj_email_url.parse(url)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} is not a valid e-mail URL (a port that is not a number, a "
            "timeout that is not whole seconds, or special characters in the "
            "password that are not percent-encoded?)"
        ) from None
    if config["EMAIL_TIMEOUT"] is not None and config["EMAIL_TIMEOUT"] <= 0:
        raise ImproperlyConfigured(f"{name}: timeout must be at least 1 second")
    # Read here, not by dj-email-url, which ignores a value it does not know
    # (" true", "TRUE ") and so can leave TLS off without a word.
    use = {key: _is_true(query[key][0]) for key in ("ssl", "tls") if key in query}
    if use.get("ssl") and use.get("tls"):
        raise ImproperlyConfigured(f"{name}: choose ssl or tls, not both")
    if "ssl" in use:
        config["EMAIL_USE_SSL"] = use["ssl"]
        config["EMAIL_USE_TLS"] = config["EMAIL_USE_TLS"] and not use["ssl"]
    if "tls" in use:
        config["EMAIL_USE_TLS"] = use["tls"]
        config["EMAIL_USE_SSL"] = config["EMAIL_USE_SSL"] and not use["tls"]
    if parts.scheme == "file" and not config["EMAIL_FILE_PATH"]:
        raise ImproperlyConfigured(f"{name} names no folder for file: mail")
    # Django's defaults where the URL has nothing to say (console:, file:).
    return {
        **config,
        "EMAIL_HOST": config["EMAIL_HOST"] or "localhost",
        "EMAIL_PORT": config["EMAIL_PORT"] or 25,
        "EMAIL_HOST_USER": config["EMAIL_HOST_USER"] or "",
        "EMAIL_HOST_PASSWORD": config["EMAIL_HOST_PASSWORD"] or "",
        "EMAIL_TIMEOUT": config["EMAIL_TIMEOUT"] or EMAIL_TIMEOUT_SECONDS,
    }


def _is_true(value: str) -> bool:
    return value.strip().lower() in _TRUE


def envaddress(name: str, default: str) -> str:
    """An e-mail address, alone or with a display name: ``Name <a@example.com>``."""
    raw = os.environ.get(name)
    value = default if raw is None else raw.strip()
    found = email.utils.getaddresses([value])
    try:
        if len(found) != 1 or "\n" in value or "\r" in value:
            raise ValidationError("not one address")
        validate_email(found[0][1])
    except ValidationError:
        raise ImproperlyConfigured(
            f"{name} must be an e-mail address such as "
            f"'TeamAdvisor <advice@example.com>', not {value!r}"
        ) from None
    return value


def envurl(name: str, default: str | None) -> str:
    """A site's address, ``https://host[:port]`` with no path, without a
    trailing slash: links in mails are built on it."""
    raw = os.environ.get(name)
    if raw is None and default is None:
        raise ImproperlyConfigured(f"{name} must be set")
    value = (default if raw is None else raw).strip().rstrip("/")
    parts = urllib.parse.urlsplit(value)
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.path
        or parts.query
        or parts.fragment
    ):
        raise ImproperlyConfigured(
            f"{name} must be a site address such as https://teamadvisor.example.com "
            f"(no path), not {value!r}"
        )
    return value
