"""Django settings. Everything that differs between machines comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("CLUSTERHUB_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = os.environ.get("CLUSTERHUB_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get(
    "CLUSTERHUB_SECRET_KEY", "insecure-development-key-set-CLUSTERHUB_SECRET_KEY-in-production"
)
ALLOWED_HOSTS = os.environ.get("CLUSTERHUB_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "clusterhub.core",
    "clusterhub.accounts",
    "clusterhub.geo",
    "clusterhub.chain",
    "clusterhub.enterprises",
    "clusterhub.tabular",
    "clusterhub.projects",
    "clusterhub.events",
    "clusterhub.matching",
    "clusterhub.resolution",
    "clusterhub.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clusterhub.core.middleware.ChangeContextMiddleware",
]

ROOT_URLCONF = "clusterhub.urls"
WSGI_APPLICATION = "clusterhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clusterhub.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'clusterhub.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the background worker write while pages read.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# The package-level static folder (vendored assets, app CSS); apps keep theirs in app/static.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("CLUSTERHUB_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get(
    "CLUSTERHUB_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)

# Uploads: a bureau's spreadsheet is a few MB; anything far larger is refused with a clear limit.
CLUSTERHUB_MAX_UPLOAD_BYTES = int(os.environ.get("CLUSTERHUB_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CLUSTERHUB_SITE_NAME = _("ClusterHub")

# Entity resolution (docs/resolution.md): merge automatically at or above this match probability,
# ask a person from the review threshold up. The review pages show the precision and recall
# measured at them (resolution/model/calibration.json, ./run bench resolve --write-calibration).
# Supplier ranking prepares its statements on PostgreSQL (planning them cost more than running
# them); set CLUSTERHUB_PREPARED_STATEMENTS=0 behind a pooler that cannot keep them (PgBouncer
# in transaction mode before 1.21).
CLUSTERHUB_PREPARED_STATEMENTS = os.environ.get("CLUSTERHUB_PREPARED_STATEMENTS", "1") == "1"
CLUSTERHUB_RESOLUTION_AUTO_MERGE = float(os.environ.get("CLUSTERHUB_RESOLUTION_AUTO_MERGE", "0.9"))
CLUSTERHUB_RESOLUTION_REVIEW = float(os.environ.get("CLUSTERHUB_RESOLUTION_REVIEW", "0.3"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CLUSTERHUB_LOG_LEVEL", "WARNING")},
}
