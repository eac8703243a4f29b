"""Local development: DEBUG on, GraphiQL on, emails printed to the console."""

from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = True
SECRET_KEY = env("SECRET_KEY", "dev-only-not-secret")  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
INTERNAL_IPS = ["127.0.0.1"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
KIOSQUE_GRAPHIQL = True
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Local frontends receive webhooks on localhost.
KIOSQUE_WEBHOOKS["ALLOW_PRIVATE_TARGETS"] = env_bool("KIOSQUE_WEBHOOK_ALLOW_PRIVATE", True)  # noqa: F405
# The frontend developers run next to the API (also the preview client's default).
KIOSQUE_FRONTEND_URL = env("KIOSQUE_FRONTEND_URL", "http://localhost:3000")
