"""The tests' settings: factcheck/settings.py with defaults fit for tests.

pyproject.toml names this module for pytest-django. The environment still
decides whatever it sets (CI runs the jobs' tests with TASKS_BACKEND=rq); only
the defaults differ from production's.
"""

import os

# settings.py refuses to start without a key unless DEBUG is on.
os.environ.setdefault("SECRET_KEY", "django-insecure-tests-only")

from factcheck.settings import *  # noqa: F403
from factcheck.settings import STORAGES, TASK_BACKENDS, env_bool

# Nothing is fetched unless a test turns fetching on with its own server.
FETCH_ENABLED = env_bool("FETCH_ENABLED", False)
# The test client speaks plain HTTP.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
# Pages render without collected static files (no manifest to look names up in).
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Background work runs at once, in the request, unless a queue is named.
if not os.environ.get("TASKS_BACKEND"):
    TASKS_BACKEND = "immediate"
    TASKS = {"default": TASK_BACKENDS[TASKS_BACKEND]}
# Hashing with PBKDF2 dominates the tests' run time; their passwords are fake.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A statement compiled once (annotations/queries/prepared.py) must be the one
# each run would compile: every run compiles afresh and compares.
PREPARED_CHECK = True
