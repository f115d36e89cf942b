"""Production settings: what `manage.py check --deploy` says about them."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import child_environment

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "factcheck.example.org",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our interpreter and manage.py)
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=child_environment(*PRODUCTION, **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_needs_no_database_yet(tmp_path):
    # As when a new server is checked before its database is created: the
    # API schema it builds then describes the default rating scale.
    missing = tmp_path / "not-created-yet" / "db.sqlite3"
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{missing}"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not missing.parent.exists()


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/api/v1/export/verdicts.json", "/admin/login/"]
)
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_api_docs_run_without_inline_scripts(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<script>" not in body.replace(" ", "")
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_readme_names_every_setting_production_needs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Production\n")[1].split("\n## ")[0]
    # What check --deploy needs (the test above), and running behind a proxy.
    for name in [*PRODUCTION, "TRUSTED_PROXIES", "REDIS_URL"]:
        assert f"`{name}`" in section, name


def test_importing_pytest_leaves_the_production_settings_as_they_are():
    """Only the tests' settings module (pyproject.toml) holds the tests' defaults."""
    code = (
        "import pytest, django\n"
        "django.setup()\n"
        "from django.conf import settings as s\n"
        "print(s.FETCH_ENABLED, s.TASKS_BACKEND, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.PASSWORD_HASHERS[0].rsplit('.', 1)[1])\n"
    )
    env = child_environment(
        "FETCH_ENABLED",
        "TASKS_BACKEND",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        **PRODUCTION,
    )
    result = python(code, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "database",
        "True",
        "True",
        "PBKDF2PasswordHasher",
    ]


def test_the_wsgi_module_freezes_startup_out_of_the_collectors_sight():
    code = (
        "import gc\n"
        "before = gc.get_freeze_count()\n"
        "import factcheck.wsgi\n"
        "print(before, gc.get_freeze_count() > 10_000, gc.isenabled())\n"
    )
    env = child_environment(DJANGO_SETTINGS_MODULE="factcheck.settings", DEBUG="1")
    result = python(code, env)
    assert result.returncode == 0, result.stderr
    # Nothing frozen before; startup's objects (settings, apps, every view)
    # after; the collector still runs for what requests make.
    assert result.stdout.split() == ["0", "True", "True"]
