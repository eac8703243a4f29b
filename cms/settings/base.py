"""Settings shared by every environment. No secrets and no host names live here."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

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


# Kiosque's feature apps: only their types reach the public schema (cms, the framework layer,
# comes after grapple below). docs/architecture.md shows how they depend on each other.
KIOSQUE_APPS = ["home", "news", "search", "newsletter", "delivery", "demo", "wpimport"]

INSTALLED_APPS = [
    *KIOSQUE_APPS,
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
    "wagtailautocomplete",
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
    "cms.middleware.AdminLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
# Catalogues of our own admin strings (locale/<lang>/LC_MESSAGES, compiled by `make install`).
LOCALE_PATHS = [BASE_DIR / "locale"]
WAGTAILADMIN_USER_LOGIN_FORM = "cms.admin_forms.LoginForm"
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
# One full-text index (search/models.py); the admin uses substring filters (docs/search.md).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.wagtail_backend"}}
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Slugs stay ASCII ("la-mediatheque-rouvre"), like the URLs frontends build from them.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# The public website; this host serves the API and the admin only. Page links in the admin
# ("Voir la page publiée") and reader requests for page paths go there.
KIOSQUE_FRONTEND_URL = env("KIOSQUE_FRONTEND_URL")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kiosque",
    },
    # The API's response cache has an alias of its own, so that filling it cannot evict
    # anything else (local memory culls per alias; in Redis it has its own key space).
    "responses": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kiosque-responses",
        "OPTIONS": {"MAX_ENTRIES": env_int("KIOSQUE_CACHE_MAX_ENTRIES", 500)},
    },
}
# Redis switches on when REDIS_URL is set.
# https://docs.djangoproject.com/en/5.2/topics/cache/#redis
# `default` and `responses` fail open (an outage means cache misses, not errors; after a
# failure Redis is skipped for a few seconds); `ratelimit` is strict so that newsletter rate
# limiting fails closed. REDIS_RATELIMIT_URL puts the rate limits on a Redis of their own
# (README: one instance evicts, the other must not).
CACHES["ratelimit"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "kiosque-ratelimit",
}
if env("REDIS_URL"):
    _prefix = env("CACHE_KEY_PREFIX", "kiosque")
    _timeouts = {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}
    _fail_open = {
        "BACKEND": "cms.cache.FailOpenRedisCache",
        "LOCATION": env("REDIS_URL"),
        "TIMEOUT": 300,
        "OPTIONS": {**_timeouts, "retry_after": 5},
    }
    CACHES["default"] = {**_fail_open, "KEY_PREFIX": _prefix}
    CACHES["responses"] = {**_fail_open, "KEY_PREFIX": f"{_prefix}-responses"}
    CACHES["ratelimit"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("REDIS_RATELIMIT_URL") or env("REDIS_URL"),
        "KEY_PREFIX": f"{_prefix}-ratelimit",
        "TIMEOUT": 300,
        # No retries: a hanging Redis costs one timeout per signup, which then fails closed.
        "OPTIONS": {**_timeouts, "retry": None},
    }

# HTTP and server-side caching of anonymous GraphQL GETs (docs/performance.md).
KIOSQUE_CACHE = {
    "ENABLED": env_bool("KIOSQUE_CACHE_ENABLED", True),
    "ALIAS": "responses",
    # Where the content generation lives: "cache" (shared Redis) or "database" (any layout
    # of processes without Redis agrees on it).
    "GENERATION_STORE": env(
        "KIOSQUE_CACHE_GENERATION_STORE", "cache" if env("REDIS_URL") else "database"
    ),
    # Larger answers are served but not kept.
    "MAX_ENTRY_BYTES": env_int("KIOSQUE_CACHE_MAX_ENTRY_BYTES", 256 * 1024),
    # Browsers cannot be purged: keep their copy short. Shared caches are purged on publish
    # when a CDN is configured below.
    "MAX_AGE": env_int("KIOSQUE_CACHE_MAX_AGE", 30),
    "S_MAXAGE": env_int("KIOSQUE_CACHE_S_MAXAGE", 60),
    "STALE_WHILE_REVALIDATE": env_int("KIOSQUE_CACHE_STALE_WHILE_REVALIDATE", 30),
    # Lifetime of server-side entries; publishing invalidates them sooner.
    "TIMEOUT": env_int("KIOSQUE_CACHE_TIMEOUT", 3600),
    "PATH": "/graphql/",
    # "tags": a change drops only the answers that read what changed (docs/performance.md);
    # "generation": every change drops every answer (the former scheme, for comparison).
    "INVALIDATION": env("KIOSQUE_CACHE_INVALIDATION", "tags"),
    # One rebuild per key at a time; meanwhile the others get the previous answer for at most
    # GRACE seconds, or wait up to WAIT seconds when there is none.
    "SINGLE_FLIGHT": env_bool("KIOSQUE_CACHE_SINGLE_FLIGHT", True),
    "GRACE": env_int("KIOSQUE_CACHE_GRACE", 10),
    "WAIT": float(env("KIOSQUE_CACHE_WAIT", "2")),
    # The request that starts a rebuild gets the stale answer too (when this process saw it
    # fresh less than GRACE seconds ago) and rebuilds once it is sent: readers of a hot answer
    # never wait for its rebuild. Off: that request waits for the fresh answer.
    "REVALIDATE_AFTER_RESPONSE": env_bool("KIOSQUE_CACHE_REVALIDATE_AFTER_RESPONSE", True),
    # At most this many of those rebuilds at once (across processes with Redis), so that a change
    # making many answers stale does not take every worker away from readers; the others are
    # served stale (within GRACE) and rebuilt by a later request.
    "REBUILD_SLOTS": env_int("KIOSQUE_CACHE_REBUILD_SLOTS", 2),
    "COUNT_REBUILDS": env_bool("KIOSQUE_CACHE_COUNT_REBUILDS", False),
    # Each process keeps a copy of the answers it last found fresh, up to this many bytes: a
    # hit on one reads the clock alone (no entry transfer from Redis, no unpickling).
    "LOCAL_BYTES": env_int("KIOSQUE_CACHE_LOCAL_BYTES", 16 * 1024 * 1024),
    # With Redis, each change is announced on a channel every process listens to, so that a hit
    # reads the clock only after an announcement (or once a second) instead of every time.
    "ANNOUNCE_CHANGES": env_bool("KIOSQUE_CACHE_ANNOUNCE_CHANGES", True),
}
# CDN tags and purge by tag, on when KIOSQUE_CDN_BACKEND is fastly, cloudflare or varnish.
# https://www.fastly.com/documentation/guides/full-site-delivery/purging/working-with-surrogate-keys/
KIOSQUE_CDN = {}
if env("KIOSQUE_CDN_BACKEND"):
    KIOSQUE_CDN = {
        "BACKEND": env("KIOSQUE_CDN_BACKEND"),
        "TAG_PREFIX": env("KIOSQUE_CDN_TAG_PREFIX", ""),
        "SERVICE_ID": env("FASTLY_SERVICE_ID", ""),
        "ZONE_ID": env("CLOUDFLARE_ZONEID", ""),
        "API_TOKEN": env("KIOSQUE_CDN_API_TOKEN", ""),
        "URLS": env_list("KIOSQUE_CDN_VARNISH_URLS"),
        "HEADER_BYTES": env_int("KIOSQUE_CDN_HEADER_BYTES", 8000),
    }
# Cache hits are answered before the session, locale, CSRF and auth middleware run.
MIDDLEWARE.insert(
    MIDDLEWARE.index("corsheaders.middleware.CorsMiddleware") + 1,
    "cms.graphql.cache.CachedResponseMiddleware",
)

# Optional CDN purge on every content change, through Wagtail's frontend cache backends.
# https://docs.wagtail.org/en/stable/reference/contrib/frontendcache.html
KIOSQUE_CDN_PURGE_URLS = env_list("KIOSQUE_CDN_PURGE_URLS")
if env("CLOUDFLARE_BEARER_TOKEN") and env("CLOUDFLARE_ZONEID"):
    WAGTAILFRONTENDCACHE = {
        "cloudflare": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "BEARER_TOKEN": env("CLOUDFLARE_BEARER_TOKEN"),
            "ZONEID": env("CLOUDFLARE_ZONEID"),
        }
    }
elif env("CLOUDFRONT_DISTRIBUTION_ID"):
    WAGTAILFRONTENDCACHE = {
        "cloudfront": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
            "DISTRIBUTION_ID": env("CLOUDFRONT_DISTRIBUTION_ID"),
        }
    }
elif env("KIOSQUE_CDN_PURGE_HTTP_LOCATION"):
    WAGTAILFRONTENDCACHE = {
        "http": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": env("KIOSQUE_CDN_PURGE_HTTP_LOCATION"),
        }
    }

# Automatic persisted queries; ONLY=true answers registered queries only (docs/performance.md).
KIOSQUE_PERSISTED_QUERIES = {
    "ONLY": env_bool("KIOSQUE_PERSISTED_QUERIES_ONLY", False),
    "REGISTRY": env("KIOSQUE_PERSISTED_QUERIES_FILE", str(BASE_DIR / "persisted_queries.json")),
    "ALIAS": "default",
    "TIMEOUT": env_int("KIOSQUE_PERSISTED_QUERIES_TIMEOUT", 30 * 24 * 3600),
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
    # Largest `first` of the change feed (`changes`): fewer round trips for an app's first sync;
    # the cost limit prices a page at this size (docs/api.md, "App sync").
    "MAX_FEED_PAGE_SIZE": env_int("KIOSQUE_MAX_FEED_PAGE_SIZE", 250),
    "DEFAULT_PAGE_SIZE": 20,
    # `totalCount` of article listings counts up to this many (docs/performance.md).
    "TOTAL_COUNT_CAP": env_int("KIOSQUE_TOTAL_COUNT_CAP", 1000),
    # Admin searches and reports count up to this many rows (cms/admin_paging.py).
    "ADMIN_COUNT_CAP": env_int("KIOSQUE_ADMIN_COUNT_CAP", 1000),
    # ... and admin searches (pages, page chooser, redirects) up to this many matches.
    "ADMIN_SEARCH_COUNT_CAP": env_int("KIOSQUE_ADMIN_SEARCH_COUNT_CAP", 100),
    # Widths a client may ask for in `srcSet(sizes:)`.
    "IMAGE_WIDTHS": [320, 480, 640, 800, 960, 1280, 1600],
    # Who makes those renditions (docs/api.md, "Images"): "inline" after the commit of an image
    # save or a page publish, or "worker" (manage.py run_worker). Never a reader's request.
    "RENDITIONS": env("KIOSQUE_RENDITIONS", "inline"),
    # Stored article renders (docs/architecture.md, "Render on write"): "on" stores and reads
    # them, "off" computes every answer afresh (and keeps nothing up to date).
    "RENDERS": env("KIOSQUE_RENDERS", "on"),
    # Hot public reads compiled to SQL once per process and shape (cms/prepared.py).
    "PREPARED_QUERIES": env_bool("KIOSQUE_PREPARED_QUERIES", True),
    # Public search (docs/search.md): auto = PostgreSQL full-text on PostgreSQL, else Python.
    "SEARCH_BACKEND": env("KIOSQUE_SEARCH_BACKEND", "auto"),
    "SEARCH_MAX_QUERY_LENGTH": env_int("KIOSQUE_SEARCH_MAX_QUERY_LENGTH", 200),
    # A query ranks and counts at most its this many most recent matches (docs/search.md).
    "SEARCH_RANK_WINDOW": env_int("KIOSQUE_SEARCH_RANK_WINDOW", 200),
    # Distinct query strings kept for the popular-searches admin; beyond it only strings
    # already stored (or promoted) count. run_worker drops daily hits older than
    # WAGTAILSEARCH_HITS_MAX_AGE (Wagtail's default: 7 days) once a day.
    "SEARCH_STATS_MAX_QUERIES": env_int("KIOSQUE_SEARCH_STATS_MAX_QUERIES", 2000),
}

# OpenSearch / Elasticsearch for the public search, through Wagtail's search backends
# (untested here; needs the client package, see docs/search.md).
if KIOSQUE["RENDERS"] not in {"on", "off"}:
    raise ImproperlyConfigured(
        f"KIOSQUE_RENDERS must be 'on' or 'off', not {KIOSQUE['RENDERS']!r}"
    )
if KIOSQUE["RENDITIONS"] not in {"inline", "worker"}:
    raise ImproperlyConfigured(
        f"KIOSQUE_RENDITIONS must be 'inline' or 'worker', not {KIOSQUE['RENDITIONS']!r}"
    )

if KIOSQUE["SEARCH_BACKEND"] in {"opensearch", "elasticsearch"}:
    WAGTAILSEARCH_BACKENDS["default"] = {
        "BACKEND": {
            "opensearch": "wagtail.search.backends.opensearch2",
            "elasticsearch": "wagtail.search.backends.elasticsearch8",
        }[KIOSQUE["SEARCH_BACKEND"]],
        "URLS": env_list("KIOSQUE_SEARCH_URLS") or ["http://127.0.0.1:9200"],
        "INDEX": env("KIOSQUE_SEARCH_INDEX", "kiosque"),
        "TIMEOUT": env_int("KIOSQUE_SEARCH_TIMEOUT", 5),
        "INDEX_SETTINGS": {
            "settings": {"index": {"analysis": {"analyzer": {"default": {"type": "french"}}}}}
        },
    }
    KIOSQUE["SEARCH_BACKEND"] = "wagtail"

# Abuse limits of the public GraphQL endpoint; docs/security.md explains each one.
KIOSQUE_LIMITS = {
    "MAX_BODY_BYTES": env_int("KIOSQUE_MAX_BODY_BYTES", 64 * 1024),
    # Query string of a GET; below gunicorn's limit_request_line so the answer is JSON.
    "MAX_URL_BYTES": env_int("KIOSQUE_MAX_URL_BYTES", 8000),
    "MAX_TOKENS": env_int("KIOSQUE_MAX_TOKENS", 5000),
    "MAX_DEPTH": env_int("KIOSQUE_MAX_DEPTH", 10),
    "MAX_ALIASES": env_int("KIOSQUE_MAX_ALIASES", 30),
    "MAX_FIELD_REPEATS": env_int("KIOSQUE_MAX_FIELD_REPEATS", 10),
    "MAX_COST": env_int("KIOSQUE_MAX_COST", 50000),
    "LIST_SIZE_ESTIMATE": env_int("KIOSQUE_LIST_SIZE_ESTIMATE", 10),
    # CPU time one request may use, parsing to the last field resolved (docs/security.md).
    "REQUEST_TIME_MS": env_int("KIOSQUE_REQUEST_TIME_MS", 2000),
    # Parsed-document cache per process, counted in bytes of query text (see docs/security.md).
    "DOCUMENT_CACHE_BYTES": env_int("KIOSQUE_DOCUMENT_CACHE_BYTES", 256 * 1024),
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
        # One line per task state change is noise; failures are still logged (at ERROR).
        "django_tasks": {"level": env("TASKS_LOG_LEVEL", "WARNING")},
    },
}

# --- Newsletter (newsletter/, docs/newsletter.md) ---------------------------------------------
# Keys left out take the defaults in newsletter/conf.py.
NEWSLETTER = {
    "CONFIRM_TOKEN_MAX_AGE": env_int("NEWSLETTER_CONFIRM_TOKEN_MAX_AGE", 7 * 24 * 3600),
    "UNSUBSCRIBE_TOKEN_MAX_AGE": env_int("NEWSLETTER_UNSUBSCRIBE_TOKEN_MAX_AGE", 365 * 24 * 3600),
    # (requests, window in seconds)
    "RATE_LIMIT_PER_IP": (env_int("NEWSLETTER_RATE_LIMIT_PER_IP", 5), 60),
    "RATE_LIMIT_PER_EMAIL": (env_int("NEWSLETTER_RATE_LIMIT_PER_EMAIL", 3), 3600),
    "TRUSTED_PROXIES": env_int("NEWSLETTER_TRUSTED_PROXIES", 0),
    "BASE_URL": env("NEWSLETTER_BASE_URL"),
    "CONFIRM_URL": env("NEWSLETTER_CONFIRM_URL"),
    "FROM_EMAIL": env("NEWSLETTER_FROM_EMAIL"),
}
# Confirmation emails are sent inside the signup request (after commit): never wait on a
# stalled SMTP server for long. A failed send is retried by `manage.py newsletter_retry`.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# --- end Newsletter ---------------------------------------------------------------------------
# --- delivery: change feed, webhooks, previews (docs/api.md) ---
# Tombstones (DELETE entries) older than this are pruned by `manage.py prune_changes`; a client
# whose cursor predates the pruning gets RESYNC_REQUIRED.
KIOSQUE_CHANGES_RETENTION_DAYS = env_int("KIOSQUE_CHANGES_RETENTION_DAYS", 30)
KIOSQUE_WEBHOOKS = {
    "TIMEOUT_SECONDS": env_int("KIOSQUE_WEBHOOK_TIMEOUT", 5),
    "MAX_ATTEMPTS": env_int("KIOSQUE_WEBHOOK_MAX_ATTEMPTS", 8),
    # Retry n waits BACKOFF_SECONDS * 2**(n-1), capped.
    "BACKOFF_SECONDS": env_int("KIOSQUE_WEBHOOK_BACKOFF", 30),
    "MAX_BACKOFF_SECONDS": 6 * 3600,
    # Off in production: endpoints on loopback, private or link-local addresses are refused.
    "ALLOW_PRIVATE_TARGETS": env_bool("KIOSQUE_WEBHOOK_ALLOW_PRIVATE", False),
}
# Preview tokens are signed with a timestamp; older ones are refused.
KIOSQUE_PREVIEW_TOKEN_MAX_AGE = env_int("KIOSQUE_PREVIEW_TOKEN_MAX_AGE", 3600)
# Client URLs: "default", or per host name, or per "host:lang" (e.g. "www.example.fr:en").
# {SITE_ROOT_URL} and {LOCALE} are filled in. Extra keys: KIOSQUE_PREVIEW_URLS="host:en=https://...,"
_frontend = (KIOSQUE_FRONTEND_URL or "http://localhost:3000").rstrip("/")
WAGTAIL_HEADLESS_PREVIEW = {
    "CLIENT_URLS": {
        "default": env(
            "KIOSQUE_PREVIEW_URL",
            (KIOSQUE_FRONTEND_URL or "http://localhost:3000") + "/api/preview",
        ),
        **dict(item.split("=", 1) for item in env_list("KIOSQUE_PREVIEW_URLS") if "=" in item),
    },
    "ENFORCE_TRAILING_SLASH": False,
}
# --- end delivery ---
