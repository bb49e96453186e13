"""Private-link tokens never reach a log.

A token in a log is a key to a client's answers for whoever reads the logs.
Django logs request paths on 404, 405, CSRF failures and 500s, runserver logs
every request, and gunicorn's access log every request line, referrer and
redirect: each formatter here replaces the token in what it writes.
"""

import logging
import re

from django.utils.log import ServerFormatter
from gunicorn.glogging import Logger as GunicornBaseLogger

# A token is what ``new_token`` makes: 43 URL-safe characters after /a/.
# Matched anywhere, so "/a/<token>/", "%2Fa%2F" aside, full URLs and
# referrers are covered too.
# The stored PDFs' folders are named by the token too: a storage error's
# traceback may name one.
TOKEN_IN_PATH = re.compile(r"(/a/|team-plans/)[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
REDACTED = r"\1[token]"


def redact(text: str) -> str:
    return TOKEN_IN_PATH.sub(REDACTED, text)


def _redacted(value: object) -> object:
    return redact(value) if isinstance(value, str) else value


class RedactingFormatter(logging.Formatter):
    """The whole formatted record, message, arguments and traceback alike."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactingServerFormatter(ServerFormatter):
    """runserver's request log (``django.server``), redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's access log with every value redacted: request line, path,
    referrer, the Location of a redirect, any header a format may name; and
    its error log ("Error handling request /a/...")."""

    def error(self, msg, *args, **kwargs):
        super().error(redact(str(msg)), *map(_redacted, args), **kwargs)

    def exception(self, msg, *args, **kwargs):
        super().exception(redact(str(msg)), *map(_redacted, args), **kwargs)

    def warning(self, msg, *args, **kwargs):
        super().warning(redact(str(msg)), *map(_redacted, args), **kwargs)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }
