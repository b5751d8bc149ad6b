"""A developer's machine and the test suite: debug on, plain http, a fixed key."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-not-secret-9f3b1c6e2a7d4e8f")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
# Fixed, public development keys for personal data; production sets its own (settings.py).
os.environ.setdefault("PORTAL_PII_KEYS", "dev1:ZGV2LW9ubHktcGlpLWtleS1ub3Qtc2VjcmV0LTAwMDA")
os.environ.setdefault("PORTAL_PII_HASH_KEY", "ZGV2LW9ubHktaGFzaC1rZXktbm90LXNlY3JldC0wMDA")
os.environ.setdefault("DJANGO_DEBUG", "1")

from config.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
