"""The one settings module. Environment variables choose the backends; with none set you get the
embedded default: a SQLite file in the checkout, Celery tasks run in-process, e-mail to the console."""

from datetime import timedelta
from pathlib import Path

import environ
from botocore.config import Config as BotoConfig
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Only development (DEBUG on) may run on the built-in key: signed cookies, password-reset links and the
# derived repository-credential key all depend on it.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-embedded-default-do-not-use-in-production"
                 if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (50 or more random "
                               "characters, e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`).")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "djangosaml2",
    "axes",
    "portal",
    "portal.identity",
    "policy",
    "dmp",
    "metadata",
    "metadata.files",
    "metadata.deposit",
    "metadata.oai",
    "metadata.sheet",
    "metadata.madmp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Without DEBUG, WhiteNoise serves the collected static files (`manage.py collectstatic` into STATIC_ROOT),
    # so the application server alone serves a working site; with DEBUG, runserver serves them from the apps.
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "djangosaml2.middleware.SamlSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "portal.middleware.RejectNulMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.roles",
                "portal.identity.context_processors.signin",
                "portal.context_processors.notifications",
                "portal.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out accounts and addresses before the others run
    "portal.identity.backends.LocalBackend",
    "portal.identity.backends.IdentityBackend",
]
# Operators can turn e-mail/password sign-in off for everyone but staff (federated deployments).
LOCAL_SIGN_IN_STAFF_ONLY = env.bool("LOCAL_SIGN_IN_STAFF_ONLY", default=False)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins (django-axes): after AXES_FAILURE_LIMIT failures for one account, or from one client
# address, sign-in is refused for AXES_COOLOFF_MINUTES (operators unlock in the admin: Axes → Access attempts).
# Behind a reverse proxy, take the client address from its header (AXES_IPWARE_META_PRECEDENCE_ORDER, e.g.
# HTTP_X_FORWARDED_FOR) and say how many proxies append to it (AXES_IPWARE_PROXY_COUNT).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "portal.views.signin_locked"
AXES_USERNAME_CALLABLE = "portal.identity.backends.lockout_username"
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("AXES_IPWARE_META_PRECEDENCE_ORDER", default=["REMOTE_ADDR"])
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=None)
AXES_SENSITIVE_PARAMETERS = ["password"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Internationalisation: Japanese and English; the default follows Accept-Language,
# a signed-in user's preferred language wins (portal.middleware.UserLanguageMiddleware).
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

# Data files (metadata.files) live in the `data_files` storage: the local file system by default, under
# DATA_FILES_ROOT (outside any served path: bytes go out only through the access check), or S3-compatible
# object storage with DATA_FILES_STORAGE=s3 and the bucket, endpoint, region and credentials below.
DATA_FILES_STORAGE = env("DATA_FILES_STORAGE", default="local")
DATA_FILES_ROOT = env.path("DATA_FILES_ROOT", default=BASE_DIR / "var" / "files")
DATA_FILES_S3_ADDRESSING_STYLE = env("DATA_FILES_S3_ADDRESSING_STYLE", default="path")
DATA_FILES_S3 = {
    "bucket_name": env("DATA_FILES_S3_BUCKET", default="portal-data-files"),
    "endpoint_url": env("DATA_FILES_S3_ENDPOINT_URL", default=None),
    "region_name": env("DATA_FILES_S3_REGION", default="ap-northeast-1"),
    "access_key": env("DATA_FILES_S3_ACCESS_KEY_ID", default=None),
    "secret_key": env("DATA_FILES_S3_SECRET_ACCESS_KEY", default=None),
    "querystring_expire": env.int("DATA_FILES_PRESIGNED_SECONDS", default=300),  # presigned download URLs
    "file_overwrite": False,
    "default_acl": None,
    # Completing a multipart upload of tens of GB can take minutes (S3 keeps the connection open meanwhile).
    "client_config": BotoConfig(
        s3={"addressing_style": DATA_FILES_S3_ADDRESSING_STYLE}, signature_version="s3v4",
        connect_timeout=10, read_timeout=env.int("DATA_FILES_S3_TIMEOUT", default=900),
        retries={"max_attempts": 3, "mode": "standard"}),
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Static files are served by WhiteNoise (compressed, with hashed names once collected) when DEBUG is off.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "portal.storage.StaticFilesStorage"},
    "data_files": (
        {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": DATA_FILES_S3}
        if DATA_FILES_STORAGE == "s3"
        else {"BACKEND": "django.core.files.storage.FileSystemStorage",
              "OPTIONS": {"location": DATA_FILES_ROOT, "base_url": None}}
    ),
}
# Policy documents (policy.DataPolicy.document, PDF) are private too: served by a view that applies the
# policy's visibility, never from a public path. Local folder by default; the data-files bucket (under
# policy-documents/) when DATA_FILES_STORAGE=s3.
POLICY_DOCUMENTS_ROOT = env.path("POLICY_DOCUMENTS_ROOT", default=BASE_DIR / "var" / "policy-documents")
STORAGES["policy_documents"] = (
    {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**DATA_FILES_S3, "location": "policy-documents"}}
    if DATA_FILES_STORAGE == "s3"
    else {"BACKEND": "django.core.files.storage.FileSystemStorage",
          "OPTIONS": {"location": POLICY_DOCUMENTS_ROOT, "base_url": None}}
)
# Size caps, checked before an upload starts (bytes): one file, and all files of one project together.
DATA_FILES_MAX_FILE_SIZE = env.int("DATA_FILES_MAX_FILE_SIZE", default=50 * 1024**3)
DATA_FILES_MAX_PROJECT_SIZE = env.int("DATA_FILES_MAX_PROJECT_SIZE", default=500 * 1024**3)
# Unfinished uploads are discarded after this many hours (tus Upload-Expires; they hold the project's quota).
DATA_FILES_UPLOAD_EXPIRY_HOURS = env.int("DATA_FILES_UPLOAD_EXPIRY_HOURS", default=7 * 24)
# S3 multipart part size for resumable uploads (at least 5 MiB; the browser sends chunks of a multiple of it).
DATA_FILES_PART_SIZE = env.int("DATA_FILES_PART_SIZE", default=8 * 1024**2)

# Security headers. Cookies are secure and plain HTTP is redirected to HTTPS whenever DEBUG is off. Behind a
# TLS-terminating proxy, set DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO (the proxy must set that
# header); DJANGO_SECURE_SSL_REDIRECT=false leaves the redirect to the proxy.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    (env("DJANGO_SECURE_PROXY_SSL_HEADER"), "https") if env("DJANGO_SECURE_PROXY_SSL_HEADER", default="") else None
)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_FILE_PATH = env.path("DJANGO_EMAIL_FILE_PATH", default=BASE_DIR / "sent-mail")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="portal@example.ac.jp")

# Celery: no broker configured means tasks run eagerly in-process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="portal")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "lift-embargoes": {"task": "metadata.tasks.lift_embargoes", "schedule": crontab(minute=5, hour=0)},
    "data-files-expire-uploads": {"task": "metadata.files.tasks.uploads_expire",
                                  "schedule": crontab(minute=35, hour=3)},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.rest.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "portal.rest.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["portal.rest.SafeJSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Research-data portal API",
    "DESCRIPTION": "DMPs, managed data, data policies, funders and programs.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links: Swagger UI would put a link inside each operation's button (nested interactive, WCAG).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    # Choice sets shared by several fields or named alike in several apps get one clear name each.
    "ENUM_NAME_OVERRIDES": {
        "YesNoUnknownEnum": "metadata.vocabularies.YesNoUnknown",
        "ManagedDataStatusEnum": "metadata.vocabularies.Status",
        "DMPStatusEnum": "dmp.models.DMPStatus",
        "SheetImportStatusEnum": "metadata.sheet.models.SheetImport.Status",
        "PolicyStatusEnum": "policy.models.DataPolicy.Status",
    },
}

# Third-party schemas (JPCOAR, DataCite, OAI-PMH, RDA DMP) are read from here, never copied.
SCHEMA_DIR = env.path("SCHEMA_DIR", default=(BASE_DIR.parent / "shared" / "schemas").resolve())

# Public base URL of the portal, used in identifiers and landing links that leave the portal.
# Filter selects offer "All" (すべて) rather than a row of dashes.
FILTERS_EMPTY_CHOICE_LABEL = _("All")

PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# The look of the deployment: the operating institution and its links in the footer, the logo and favicon
# (static paths or absolute URLs). Links left empty are not shown.
PORTAL_SITE = {
    "institution_ja": env("PORTAL_INSTITUTION_JA", default=""),
    "institution_en": env("PORTAL_INSTITUTION_EN", default=""),
    "contact_url": env("PORTAL_CONTACT_URL", default=""),
    "terms_url": env("PORTAL_TERMS_URL", default=""),
    "privacy_url": env("PORTAL_PRIVACY_URL", default=""),
    "logo": env("PORTAL_LOGO", default="img/logo.svg"),
    "favicon": env("PORTAL_FAVICON", default="img/favicon.svg"),
}

# OAI-PMH provider (/oai): how the repository names itself to harvesters, and how it pages.
OAI_REPOSITORY_NAME = env("OAI_REPOSITORY_NAME", default="Research-data portal / 研究データポータル")
OAI_REPOSITORY_IDENTIFIER = env("OAI_REPOSITORY_IDENTIFIER", default="rdportal.example.ac.jp")
OAI_ADMIN_EMAILS = env.list("OAI_ADMIN_EMAILS", default=["portal@example.ac.jp"])
OAI_PAGE_SIZE = env.int("OAI_PAGE_SIZE", default=500)
OAI_TOKEN_TTL = env.int("OAI_TOKEN_TTL", default=24 * 3600)  # seconds a resumption token stays valid

# The metadata sheet: files with more rows than this are imported as a background job.
SHEET_SYNC_MAX_ROWS = env.int("SHEET_SYNC_MAX_ROWS", default=1000)
# What one sheet upload may cost, checked before it is parsed: its size, the size its workbook parts
# expand to, its rows (declared or found) and the columns read.
SHEET_MAX_BYTES = env.int("SHEET_MAX_BYTES", default=50 * 10**6)
SHEET_MAX_EXPANDED_BYTES = env.int("SHEET_MAX_EXPANDED_BYTES", default=300 * 10**6)
SHEET_MAX_ROWS = env.int("SHEET_MAX_ROWS", default=100_000)
SHEET_MAX_COLUMNS = 100
# The largest maDMP upload (bytes); nesting and number length are capped in metadata.madmp.services.
MADMP_MAX_BYTES = env.int("MADMP_MAX_BYTES", default=2 * 10**6)

# Repository deposit (metadata/deposit). Credentials are Fernet-encrypted with DEPOSIT_CREDENTIALS_KEY
# (default: a key derived from SECRET_KEY). A failed attempt is retried after DEPOSIT_BACKOFF_SECONDS,
# doubling each time (at most DEPOSIT_BACKOFF_MAX_SECONDS, at least the repository's Retry-After).
# A worker holds a job for DEPOSIT_LEASE_SECONDS per step; beat re-sends jobs whose worker died (lease
# expired) or whose message was lost (queued longer than DEPOSIT_REQUEUE_SECONDS).
DEPOSIT_CREDENTIALS_KEY = env("DEPOSIT_CREDENTIALS_KEY", default="")
DEPOSIT_HTTP_TIMEOUT = env.float("DEPOSIT_HTTP_TIMEOUT", default=30.0)
DEPOSIT_MAX_ATTEMPTS = env.int("DEPOSIT_MAX_ATTEMPTS", default=6)
DEPOSIT_BACKOFF_SECONDS = env.float("DEPOSIT_BACKOFF_SECONDS", default=30.0)
DEPOSIT_BACKOFF_MAX_SECONDS = env.float("DEPOSIT_BACKOFF_MAX_SECONDS", default=1800.0)
DEPOSIT_LEASE_SECONDS = env.int("DEPOSIT_LEASE_SECONDS", default=120)
DEPOSIT_REQUEUE_SECONDS = env.int("DEPOSIT_REQUEUE_SECONDS", default=600)
CELERY_BEAT_SCHEDULE["deposit-resume-stale"] = {"task": "metadata.deposit.tasks.deposit_jobs_resume_stale",
                                                "schedule": 60.0}

# Sign-in through GakuNin (SAML 2.0, portal/identity). The SP's entity id defaults to its metadata URL;
# without SAML_SP_CERT_FILE/SAML_SP_KEY_FILE a throwaway key pair is generated in the system's temp dir
# (development and demo only). The federation aggregate is fetched from SAML_FEDERATION_METADATA_URL and
# verified with SAML_FEDERATION_SIGNING_CERT (a PEM file) by an hourly beat job.
SAML_SP_ENTITY_ID = env("SAML_SP_ENTITY_ID", default="")
SAML_SP_NAME = env("SAML_SP_NAME", default="Research Data Portal")
SAML_SP_CERT_FILE = env("SAML_SP_CERT_FILE", default="")
SAML_SP_KEY_FILE = env("SAML_SP_KEY_FILE", default="")
SAML_XMLSEC_BINARY = env("SAML_XMLSEC_BINARY", default="")
SAML_CLOCK_SKEW_SECONDS = env.int("SAML_CLOCK_SKEW_SECONDS", default=120)
SAML_METADATA_VALID_HOURS = env.int("SAML_METADATA_VALID_HOURS", default=24 * 7)
SAML_FEDERATION_METADATA_URL = env("SAML_FEDERATION_METADATA_URL", default="")
SAML_FEDERATION_SIGNING_CERT = env("SAML_FEDERATION_SIGNING_CERT", default="")
SAML_METADATA_HTTP_TIMEOUT = env.float("SAML_METADATA_HTTP_TIMEOUT", default=60.0)
# The attributes tried, in order, as the stable key of a person (never the e-mail address).
SAML_KEY_ATTRIBUTES = env.list(
    "SAML_KEY_ATTRIBUTES", default=["eduPersonPrincipalName", "pairwise-id", "eduPersonTargetedID"]
)
SAML_CONFIG_LOADER = "portal.identity.saml.sp_config"
SAML_SESSION_COOKIE_SAMESITE = "Lax" if DEBUG else "None"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
IDENTITY_LINK_MAX_AGE = env.int("IDENTITY_LINK_MAX_AGE", default=24 * 3600)  # seconds an e-mailed link works
CELERY_BEAT_SCHEDULE["federation-metadata-refresh"] = {
    "task": "portal.identity.tasks.federation_metadata_refresh_task", "schedule": crontab(minute=17),
}

# ORCID OAuth 2.0: https://orcid.org (production) or https://sandbox.orcid.org; off without a client id.
ORCID_BASE_URL = env("ORCID_BASE_URL", default="https://orcid.org")
ORCID_CLIENT_ID = env("ORCID_CLIENT_ID", default="")
ORCID_CLIENT_SECRET = env("ORCID_CLIENT_SECRET", default="")
ORCID_HTTP_TIMEOUT = env.float("ORCID_HTTP_TIMEOUT", default=20.0)
