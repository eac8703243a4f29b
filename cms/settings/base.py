"""Settings shared by every environment. No secrets and no host names live here."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    """Read an environment variable, treating an empty value as unset."""
    value = os.environ.get(name, "")
    return value if value.strip() else default


def env_int(name: str, default: int) -> int:
    value = env(name)
    return int(value) if value is not None else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    value = env(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else []


INSTALLED_APPS = [
    "home",
    "news",
    "search",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    # grapple must come after wagtail.snippets, or snippets build as plain types.
    "grapple",
    "graphene_django",
    # After grapple: its ready() trims the types grapple has just built.
    "cms",
    "wagtail_headless_preview",
    "corsheaders",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE_URL picks PostgreSQL (or anything dj-database-url knows); unset means embedded SQLite.
# https://github.com/jazzband/dj-database-url
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# French first: the newsroom writes in French, English is the second edition.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

WAGTAIL_SITE_NAME = "Kiosque"
# Media URLs are built absolute from this base; frontends live elsewhere.
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_ENABLE_UPDATE_CHECK = False

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kiosque",
    }
}
# Redis switches on when REDIS_URL is set.
# https://docs.djangoproject.com/en/5.2/topics/cache/#redis
if env("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("REDIS_URL"),
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "kiosque"),
        "TIMEOUT": 300,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }

GRAPHENE = {"SCHEMA": "grapple.schema.schema"}

GRAPPLE = {
    "APPS": ["home", "news"],
    "AUTO_CAMELCASE": True,
    "EXPOSE_GRAPHIQL": False,
    "PAGE_SIZE": 20,
    "MAX_PAGE_SIZE": 100,
    "PAGE_INTERFACE": "cms.graphql.interfaces.PublicPageInterface",
}

KIOSQUE = {
    # Largest `first` a connection accepts.
    "MAX_PAGE_SIZE": env_int("KIOSQUE_MAX_PAGE_SIZE", 100),
    "DEFAULT_PAGE_SIZE": 20,
    # Widths a client may ask for in `srcSet(sizes:)`.
    "IMAGE_WIDTHS": [320, 480, 640, 800, 960, 1280, 1600],
    # Age in seconds after which a preview token is refused.
    "PREVIEW_TOKEN_MAX_AGE": env_int("KIOSQUE_PREVIEW_TOKEN_MAX_AGE", 3600),
}

# Abuse limits of the public GraphQL endpoint; docs/security.md explains each one.
KIOSQUE_LIMITS = {
    "MAX_BODY_BYTES": env_int("KIOSQUE_MAX_BODY_BYTES", 64 * 1024),
    "MAX_TOKENS": env_int("KIOSQUE_MAX_TOKENS", 5000),
    "MAX_DEPTH": env_int("KIOSQUE_MAX_DEPTH", 10),
    "MAX_ALIASES": env_int("KIOSQUE_MAX_ALIASES", 30),
    "MAX_FIELD_REPEATS": env_int("KIOSQUE_MAX_FIELD_REPEATS", 10),
    "MAX_COST": env_int("KIOSQUE_MAX_COST", 20000),
    "LIST_SIZE_ESTIMATE": env_int("KIOSQUE_LIST_SIZE_ESTIMATE", 10),
}
# Schema introspection and "did you mean" hints; production turns them off unless asked.
KIOSQUE_GRAPHQL_INTROSPECTION = env_bool("KIOSQUE_GRAPHQL_INTROSPECTION", True)

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/graphql/.*$"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
    },
}
