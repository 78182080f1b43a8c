"""One settings module, driven by environment variables with safe defaults.

Every variable is documented in `.env.example`. Helpers fail loudly on a bad value rather than
silently falling back, so a typo in production is an error at start-up, not a surprise later.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# Runtime state (SQLite database, generated secret key, uploaded rosters, collected static files)
# lives in var/, readable by its owner only: every file Linli's processes create is theirs alone
# (the database with the register in it, the uploads, the backups).
os.umask(0o077)
VAR_DIR = Path(env_str("LINLI_VAR_DIR", str(BASE_DIR.parent / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)
if VAR_DIR.stat().st_uid == os.getuid():
    VAR_DIR.chmod(0o700)


def _secret_key() -> str:
    """Use LINLI_SECRET_KEY, or generate one into var/ on first run; never a committed key."""
    given = os.environ.get("LINLI_SECRET_KEY")
    if given:
        return given
    path = VAR_DIR / "secret_key"
    if not path.exists():
        # Written aside, then linked into place: two processes starting at once (the test
        # suite's workers, a server's) never read a half-written key, and the first one wins.
        draft = VAR_DIR / f"secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        draft.touch(mode=0o600)
        draft.write_text(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("LINLI_DEBUG", False)
ALLOWED_HOSTS = env_list("LINLI_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("LINLI_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "linli.core.thirdparty.AxesConfig",
    "simple_history",
    "django_tasks",
    "linli.core.thirdparty.TasksConfig",
    "linli.core",
    "linli.people",
    "linli.ledger",
    "linli.care",
    "linli.quarantine",
    "linli.api",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "linli.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "linli.core.middleware.SessionTimeoutMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "linli.core.context_processors.navigation",
            ],
        },
    },
]

# Embedded default: one SQLite file in var/, in WAL mode so readers never wait for the writer.
# Production: PostgreSQL through DATABASE_URL. A sqlite:/// URL gets the same options as the
# default file (WAL, IMMEDIATE transactions), and PostgreSQL's options only go to PostgreSQL.
SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one failing with
    # "database is locked" halfway through its transaction.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        # Prefix searches (LIKE 'zs%') then use the register's indexes.
        "PRAGMA case_sensitive_like=ON;"
        "PRAGMA busy_timeout=20000;"
    ),
}
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
        DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Lets linli.lib.sql.hot_cursor prepare the intake's own statements; Django's own bind on the
    # client side and are never prepared. Off behind PgBouncer in transaction mode before 1.21,
    # which cannot keep a prepared statement across transactions.
    else:
        # No JIT: it compiles a query whose estimated cost is high (a street's coverage list,
        # EXISTS over the register) for 100-180 ms, where running it takes 40 ms; Linli's
        # queries are short (bench/README.md, "Care").
        options: dict[str, object] = {"options": "-c jit=off"}
        if env_bool("LINLI_PG_PREPARE", True):
            options["prepare_threshold"] = 1
        DATABASES["default"]["OPTIONS"] = options
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "linli.sqlite3"),
            "OPTIONS": dict(SQLITE_OPTIONS),
            "TEST": {"NAME": env_str("LINLI_TEST_SQLITE", "") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Lockout: after LINLI_LOGIN_FAILURES failed logins the account is locked for the cool-off period.
AXES_FAILURE_LIMIT = env_int("LINLI_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LINLI_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking by username alone is deliberate: a committee office shares one public IP, and locking
# the IP would lock every colleague out with one mistyped password.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_CALLABLE = "linli.core.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# And per IP address: one address trying many accounts is refused after this many failures.
LOGIN_IP_FAILURES = env_int("LINLI_LOGIN_IP_FAILURES", 30)
LOGIN_IP_WINDOW = timedelta(minutes=env_int("LINLI_LOGIN_IP_MINUTES", 15))
# Behind N reverse proxies, the visitor's address is the N-th from the right of X-Forwarded-For.
# Alerts on the personal-data access log (shown to administrators and community heads).
PII_BULK_EXPORT_ROWS = env_int("LINLI_PII_BULK_EXPORT_ROWS", 500)
PII_VIEWS_PER_HOUR = env_int("LINLI_PII_VIEWS_PER_HOUR", 60)
# How long a server process keeps an API client it has found by its token (see linli/api/auth.py).
API_TOKEN_CACHE_SECONDS = env_int("LINLI_API_TOKEN_CACHE_SECONDS", 30)
LINLI_TRUSTED_PROXY_HOPS = env_int("LINLI_TRUSTED_PROXY_HOPS", 0)

# Sessions: a working day at the desk, cookies out of reach of scripts, cleared when the browser
# closes (shared computers in a committee office).
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("LINLI_SESSION_HOURS", 10))
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("LINLI_SESSION_IDLE_MINUTES", 60))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Behind HTTPS (production), cookies travel only over TLS.
HTTPS = env_bool("LINLI_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("LINLI_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
# Linli is served from a host of its own; a deployment sharing a domain turns these off.
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("LINLI_HSTS_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("LINLI_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("LINLI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the apps when static files have not been collected (tests, first run).
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Import progress is written outside the import's transaction (where the database cannot show it
# to the page that polls), so it lives in a cache the web server and the worker share.
# A test worker of pytest-xdist keeps its own cache: one worker's cache.clear() between tests
# must not wipe the rate-limit counters a test of another worker is counting.
_TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / (f"cache-{_TEST_WORKER}" if _TEST_WORKER else "cache")),
    }
}
IMPORT_DIR = VAR_DIR / "imports"
IMPORT_MAX_MB = env_int("LINLI_IMPORT_MAX_MB", 200)
# Uploaded rosters hold the register's people: each file is deleted this many days after its
# import finished (dry runs, failed and crashed imports and done ones alike).
IMPORT_KEEP_DAYS = env_int("LINLI_IMPORT_KEEP_DAYS", 7)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_refusals": {"()": "linli.lib.logs.OneLineRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_refusals"]}},
    "root": {"handlers": ["console"], "level": env_str("LINLI_LOG_LEVEL", "WARNING")},
}
