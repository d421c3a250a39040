"""Settings for the test suite: the real settings with a fixed key and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# The demo app (seed_demo, generate_data) is under test too.
os.environ.setdefault("DEMO_APP", "1")

from config.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files come from the finders in tests; there is no collectstatic output to scan.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The test client and the live server speak plain HTTP, and the existing tests log in with a
# password only: tests/core/test_deploy_settings.py checks the production values, and the
# two-factor tests switch OTP_REQUIRED on for themselves.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
OTP_REQUIRED = False

# tests/core/test_concurrency.py sends 20 requests at once from threads, each holding its own
# connection for its whole request (the test client does not hand it back in between), besides
# the test's own: with the pool's usual 10, half would queue behind the others, and a slow
# machine would turn the wait into a pool timeout instead of a race.
if isinstance(DATABASES["default"]["OPTIONS"].get("pool"), dict):  # noqa: F405
    DATABASES["default"]["OPTIONS"]["pool"]["max_size"] = 24  # noqa: F405
    # Each of those threads may wait for a new connection on a machine busy with the others: a
    # wait, not an outage (production's short timeout is for a database that is gone).
    DATABASES["default"]["OPTIONS"]["pool"]["timeout"] = 5  # noqa: F405

# Several test runs on one server at once (e.g. two developers' worktrees) need their own names.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}  # noqa: F405

# The read-replica router's tests (tests/core/test_replica_router.py) read through a second alias
# on the same test database; nothing routes to it unless a test installs the router.
DATABASES["replica"] = {  # noqa: F405
    **DATABASES["default"],  # noqa: F405
    "OPTIONS": dict(DATABASES["default"]["OPTIONS"]),  # noqa: F405
    "TEST": {"MIRROR": "default"},
}

# Transactional tests empty every table with TRUNCATE after each test; the audit trail's guards
# let a table's owner do that only when the session asks for it (core/audit_trail.py).
AUDIT_TRUNCATE_ALLOWED = True

# The tests that are about rate limits set their own (tests/core/api/test_api_foundation.py,
# test_throttle_identity.py). The others must never meet one: the counts live in a table that
# outlasts a test, so on a fast machine a minute's worth of anonymous test requests would get
# 429s in whichever test came next.
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        "anon": "100000/minute",
        "journalist": "100000/minute",
        "staff": "100000/minute",
    },
}
