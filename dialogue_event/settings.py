"""
Settings for dialogue-event.

Every value an operator may need to change comes from the environment (see the
README's "Configuration" section for the full list). The defaults are the ones
that work on a development machine with PostgreSQL and Redis on 127.0.0.1, so
that `make run` and `make test` need no configuration at all.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_HASHES, UNSAFE_INLINE
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is convenient on a developer's machine; in production the
# variables come from the service manager and no file is read.
env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

# The development key is only accepted while DEBUG is on, so a production
# deployment that forgets SECRET_KEY fails at start-up instead of running with
# a key that is published in this repository.
_DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A form refused by the CSRF check asks, in the visitor's language, to send it again.
CSRF_FAILURE_VIEW = "dialogue_event.error_pages.csrf_failure"

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it must come before it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "axes",
    "simple_history",
    "rules",
    # The project package holds what belongs to no single area: the health
    # check, the database bootstrap command and the demo loader.
    "dialogue_event",
    "agenda",
    "participants",
    "messaging",
    "recommendations",
    "evaluations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # The rules of dialogue_event/roles.py, asked through user.has_perm().
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "dialogue_event.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "dialogue_event.wsgi.application"

# Database

DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/dialogue_event"),
}
# Persistent connections, checked before each request reuses them, so a
# PostgreSQL restart costs at most a reconnect and never a failed request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
# Seconds a statement may run, and may wait for a lock, before PostgreSQL
# cancels it (0: never). A web request's are short, so that a stalled
# database or a locked table answers a person with an error page within about
# ten seconds, well before gunicorn's timeout kills the worker without an
# answer. The lock timeout is the shorter: registrations for one event take
# turns at the event's row, so while the participants table is locked the
# n-th person sending the form waits n lock timeouts (four phones: 8 s, see
# benchmarks/fault_table_lock.py). Workers use the longer ones
# (dialogue_event/celery.py): nobody is waiting for them.
DATABASE_STATEMENT_TIMEOUT = env.float("DATABASE_STATEMENT_TIMEOUT", default=5)
DATABASE_LOCK_TIMEOUT = env.float("DATABASE_LOCK_TIMEOUT", default=2)
WORKER_DATABASE_STATEMENT_TIMEOUT = env.float("WORKER_DATABASE_STATEMENT_TIMEOUT", default=120)
# Far above EMAIL_TIMEOUT: a worker holds a message's row while the mail server answers.
WORKER_DATABASE_LOCK_TIMEOUT = env.float("WORKER_DATABASE_LOCK_TIMEOUT", default=60)


def _connection_options(statement_timeout, lock_timeout):
    """DATABASE_URL's own `options`, if any, then the timeouts (of two values for a setting, the last counts)."""
    timeouts = f"-c statement_timeout={round(statement_timeout * 1000)} -c lock_timeout={round(lock_timeout * 1000)}"
    return " ".join(filter(None, [DATABASES["default"]["OPTIONS"].get("options"), timeouts]))


WORKER_DATABASE_OPTIONS = _connection_options(WORKER_DATABASE_STATEMENT_TIMEOUT, WORKER_DATABASE_LOCK_TIMEOUT)
DATABASES["default"]["OPTIONS"]["options"] = _connection_options(DATABASE_STATEMENT_TIMEOUT, DATABASE_LOCK_TIMEOUT)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the Celery broker and the cache (for counters such as rate limits).

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
# Seconds before a Redis operation gives up. Redis answers within a
# millisecond when it is well, and every call a web request makes (the rate
# limits, handing a message to the workers) carries on without an answer, so
# a hung Redis costs a page a fraction of a second and never hangs it.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.2)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
        "KEY_PREFIX": "dialogue_event",
        "OPTIONS": {
            "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
            "socket_timeout": REDIS_SOCKET_TIMEOUT,
        },
    },
}

# Per-process cache for what is cheap to rebuild and must not depend on Redis,
# such as the drawn blank registration form.
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dialogue-event"}

# Rate limits count in Redis but must never stop a registration when Redis is
# down: this cache answers "unknown" instead of raising, and django-ratelimit
# then lets the request through.
CACHES["ratelimit"] = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": CACHES["default"]["LOCATION"],
    "KEY_PREFIX": "dialogue_event_ratelimit",
    "OPTIONS": {
        "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
        "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
        "IGNORE_EXCEPTIONS": True,
    },
}
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_FAIL_OPEN = True
# The client's address as django-axes reads it (AXES_IPWARE_* below).
RATELIMIT_IP_META_KEY = "dialogue_event.client_address.client_address"
REGISTRATION_RATE_LIMIT = env.str("REGISTRATION_RATE_LIMIT", default="10/m")
# Opening personal links and address confirmations, per connection: a guess
# at a link costs the guesser, not the database.
PERSONAL_LINK_RATE_LIMIT = env.str("PERSONAL_LINK_RATE_LIMIT", default="60/m")
# New email addresses or phone numbers asked for on one person's page.
ADDRESS_CHANGE_RATE_LIMIT = env.str("ADDRESS_CHANGE_RATE_LIMIT", default="5/h")

# Sessions stay in PostgreSQL: a Redis outage must not log anybody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Celery (read by dialogue_event/celery.py through the CELERY_ namespace).

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# Redis re-delivers a message that was not acknowledged within this many
# seconds. Every time limit below stays well under it, so a slow task is
# killed long before Redis hands the same message to a second worker.
CELERY_BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish tries once, within REDIS_SOCKET_TIMEOUT, and then gives up: a
# person registering never waits for a hung Redis, and what was not handed
# over waits in the outbox for the sweeper. (Each retry would cost another
# timeout; a connection Redis closed by restarting is replaced without one.)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
# Workers consume this queue unless told otherwise; the tests use their own.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TIMEZONE = "Asia/Bishkek"
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {
        "task": "dialogue_event.tasks.heartbeat",
        "schedule": 60.0,
        # A heartbeat that waited longer than its interval says nothing new.
        "options": {"expires": 55},
    },
    # Sends what the broker lost (a Redis restart, a killed worker): the
    # outbox in PostgreSQL is the record of what is owed.
    # Reminders are written by this check, never scheduled as broker ETAs,
    # so a changed start time or a cancelled registration is always heeded.
    "send-due-reminders": {
        "task": "messaging.tasks.send_due_reminders",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
    # Every half minute, so that what the broker lost goes out within two minutes.
    "sweep-outbox": {
        "task": "messaging.tasks.sweep_outbox",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # A send to many people whose task the broker lost goes on within a few minutes.
    "resume-stalled-bulk-sends": {
        "task": "participants.tasks.resume_stalled_bulk_sends",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Once a day, at night in Kyrgyzstan; a run missed is made good by the next.
    "erase-after-retention": {
        "task": "participants.tasks.erase_after_retention",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 6 * 3600},
    },
    # Three days before the draft outcome closes, those who have not answered
    # are reminded once (the outbox's key); a check every ten minutes, as above.
    "send-draft-reminders": {
        "task": "recommendations.tasks.send_draft_reminders",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
    # Once a day: organisers are told of each recommendation whose half-yearly
    # follow-up update is due, once per due date.
    "send-follow-up-reminders": {
        "task": "recommendations.tasks.send_follow_up_reminders",
        "schedule": crontab(hour=9, minute=0),
        "options": {"expires": 6 * 3600},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "var" / "celerybeat-schedule")
)

# Email

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=1025)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Dialogue <dialogue@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# SMS, for people who prefer it (see README, "SMS"). The console backend prints them.
SMS_BACKEND = env.str("SMS_BACKEND", default="messaging.sms.console.SmsBackend")
# Below the database's lock timeout, like EMAIL_TIMEOUT: a worker holds the row while the gateway answers.
SMS_TIMEOUT = env.int("SMS_TIMEOUT", default=20)
# "SMS Gateway for Android" (messaging.sms.android.SmsBackend): its send URL and the app's credentials.
SMS_ANDROID_URL = env.str("SMS_ANDROID_URL", default="")
SMS_ANDROID_USERNAME = env.str("SMS_ANDROID_USERNAME", default="")
SMS_ANDROID_PASSWORD = env.str("SMS_ANDROID_PASSWORD", default="")
# The app's webhook signing key: its reports (delivered, failed, a reply) are refused without it.
SMS_WEBHOOK_SIGNING_KEY = env.str("SMS_WEBHOOK_SIGNING_KEY", default="")
# Any other gateway that takes one JSON object per SMS (messaging.sms.http.SmsBackend).
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_AUTHORIZATION = env.str("SMS_HTTP_AUTHORIZATION", default="")
SMS_HTTP_TO_FIELD = env.str("SMS_HTTP_TO_FIELD", default="to")
SMS_HTTP_TEXT_FIELD = env.str("SMS_HTTP_TEXT_FIELD", default="text")
SMS_HTTP_ID_FIELD = env.str("SMS_HTTP_ID_FIELD", default="id")
# The address people open the site at, for links in emails and in messages
# that organisers copy into WhatsApp or SMS.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# How long after an event a participant's personal link keeps working (they
# read and endorse the outcome document through it).
PERSONAL_LINK_DAYS_AFTER_EVENT = env.int("PERSONAL_LINK_DAYS_AFTER_EVENT", default=180)
# How long after an event its participants' personal data is kept before it is
# erased (only anonymous counts stay): two years, long enough to follow the
# recommendations through the plan's half-yearly reports and the donors' audits.
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=730)
ADMINS = [("Administrator", address) for address in env.list("ADMINS", default=[])]

# Passwords

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "admin:login"

# Lock a username out of the admin after repeated wrong passwords from one
# address, for an hour. Counted in PostgreSQL so it survives a Redis outage.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# The client's address comes from REMOTE_ADDR unless told otherwise: a header
# such as X-Forwarded-For is trusted only behind a proxy that sets it. Behind
# one such proxy (nginx appending the client's address), set
# AXES_IPWARE_META_PRECEDENCE_ORDER=HTTP_X_FORWARDED_FOR,REMOTE_ADDR and leave
# AXES_IPWARE_PROXY_COUNT at 0: django-ipware counts the proxies listed in the
# header, not the one that connects.
# The registration and personal-link rate limits read the address the same
# way (dialogue_event/client_address.py), through django-ipware.
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("AXES_IPWARE_META_PRECEDENCE_ORDER", default=["REMOTE_ADDR"])
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)

# Spreadsheet exports escape cells that a spreadsheet would run as formulas.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# The longest invitee list one import takes: it is checked and saved within the
# request, well inside gunicorn's 30 s (see benchmarks/import_list.py). A file
# larger than this many megabytes is refused before it is read.
PARTICIPANT_IMPORT_MAX_ROWS = env.int("PARTICIPANT_IMPORT_MAX_ROWS", default=20_000)
PARTICIPANT_IMPORT_MAX_MEGABYTES = env.int("PARTICIPANT_IMPORT_MAX_MEGABYTES", default=10)

# Languages

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("ky", _("Kyrgyz")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date formats where Django's read wrongly: Kyrgyz month names capitalised,
# a Russian "г." and an English "p.m." doubling the full stop that ends our sentences.
FORMAT_MODULE_PATH = ["dialogue_event.formats"]
# Event content entered only in one language is shown in that language rather
# than as an empty page: Russian is the language every participant reads.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "ru"), "en": ("ru",), "ky": ("ru", "en")}
# The admin's language tabs need jQuery UI; serve it ourselves rather than from
# modeltranslation's default CDN.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Bishkek")
USE_I18N = True
USE_TZ = True

# Static files

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security. Off-by-default only while DEBUG is on, so that a production
# deployment is safe without remembering each of these.

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# Behind a TLS-terminating proxy (nginx, a load balancer), set
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO so Django knows the request
# was HTTPS.
if env.str("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = (env.str("SECURE_PROXY_SSL_HEADER"), "https")
# The health check is polled by load balancers over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only this site's own files run: an injected <script> or onclick="" does
# nothing. Style attributes stay allowed for the colours the agenda sets per
# track (they can load nothing: images come from this site only); <style>
# blocks belong in static files. Bootstrap's icons are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # django-import-export's export form has this one inline handler.
        "script-src-attr": [UNSAFE_HASHES, "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates every PDF at INFO; its warnings are what matter.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
