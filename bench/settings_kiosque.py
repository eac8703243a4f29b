"""Bench-only settings: Kiosque as deployed (DEBUG off), plus Wagtail's REST API v2 for
comparison and a WhiteNoise root holding a static copy of the listing response."""

import os

from cms.settings.dev import *  # noqa: F403
from cms.settings.dev import BASE_DIR, INSTALLED_APPS

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.api.v2", "rest_framework"]
WHITENOISE_ROOT = os.environ.get("BENCH_STATIC_ROOT", str(BASE_DIR / "var" / "bench-static"))
WHITENOISE_AUTOREFRESH = False
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "ERROR"}}
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "var" / "bench-media"))
CONN_HEALTH_CHECKS = False
