"""Test settings: fast hashing, plain static files, local-memory cache unless REDIS_URL is set."""

import os

from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
KIOSQUE_GRAPHIQL = True
WAGTAILADMIN_BASE_URL = "http://testserver"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
# Test receivers listen on 127.0.0.1; tests of the address check turn this off.
KIOSQUE_WEBHOOKS["ALLOW_PRIVATE_TARGETS"] = True  # noqa: F405
if env("REDIS_URL"):
    # Each run gets its own key space, so parallel runs on one server do not collide and the
    # suite deletes only keys it wrote (tests/conftest.py): nothing else in that Redis is touched.
    TEST_CACHE_KEY_PREFIX = f"{env('CACHE_KEY_PREFIX', 'kiosque-test')}-{os.getpid()}"
    for _alias, _cache in CACHES.items():  # noqa: F405
        _cache["KEY_PREFIX"] = f"{TEST_CACHE_KEY_PREFIX}-{_alias}"

# Tests run in one process and inside transactions (whose on-commit hooks never run): the
# generation lives in the cache unless a test asks for the database store.
KIOSQUE_CACHE["GENERATION_STORE"] = env("KIOSQUE_CACHE_GENERATION_STORE", "cache")  # noqa: F405
# Most tests assert that a change shows on the very next request; the answer sent stale while
# it is rebuilt afterwards (on by default) is tested in tests/test_cache_revalidate.py.
KIOSQUE_CACHE["REVALIDATE_AFTER_RESPONSE"] = env_bool(  # noqa: F405
    "KIOSQUE_CACHE_REVALIDATE_AFTER_RESPONSE", False
)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: Django's live server then gives each request thread its own
    # connection, as production has, instead of sharing the test's one connection (and its
    # transaction state) between the browser test's concurrent admin requests.
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    # One file per process, so two runs from one checkout never delete each other's database.
    _test_db = BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3"  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(_test_db)}  # noqa: F405
