"""Import benchmark settings: production-like (DEBUG off, so queries are not kept in memory),
SQLite from DATABASE_URL, quiet logging."""

import os

from cms.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "testserver"]
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "ERROR"}}
MEDIA_ROOT = os.environ["MEDIA_ROOT"]
