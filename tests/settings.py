"""Settings for the test suite: production settings with test-only keys.

Debug stays off so tests see what production serves (404 pages, no debug
toolbar); only the secret, hosts and TLS redirect are relaxed.
"""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault(
    "DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="teamadvisor-media-")
)

from teamadvisor.settings import *  # noqa: E402, F403
from teamadvisor.settings import STORAGES  # noqa: E402

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the source folders; tests never run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks run at once, in the test's own thread and transaction. Most tests never
# see them: they are queued on commit, and a test's transaction never commits
# (django_capture_on_commit_callbacks runs them). Tests of the queue itself
# switch to the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
