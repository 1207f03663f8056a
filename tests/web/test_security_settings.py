"""Production settings pass Django's deployment checks, and every page carries the security headers."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "OPENHOUSE_SECRET_KEY": "x" * 20 + "production-like-secret-key-with-enough-entropy-0123456789",
    "OPENHOUSE_ALLOWED_HOSTS": "social.example.org",
    "OPENHOUSE_SITE_URL": "https://social.example.org",
    "OPENHOUSE_DATABASE_URL": "sqlite:///:memory:",
}


def _openhouse(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENHOUSE_", "DJANGO_"))}
    env |= PRODUCTION_ENV | (env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "openhouse.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _openhouse("manage", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _openhouse(
        "manage", "check", env_extra={"OPENHOUSE_SECRET_KEY": "", "OPENHOUSE_DATABASE_URL": "sqlite:///x"}
    )
    assert result.returncode != 0
    assert "Set OPENHOUSE_SECRET_KEY" in result.stderr


def test_bad_setting_values_stop_start_up_with_a_sentence():
    result = _openhouse("manage", "check", env_extra={"OPENHOUSE_MEDIA_MAX_BYTES": "lots"})
    assert result.returncode != 0
    assert "OPENHOUSE_MEDIA_MAX_BYTES must be a whole number, not 'lots'." in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("file-secret-" + "y" * 50)
    result = _openhouse(
        "manage",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={"OPENHOUSE_SECRET_KEY": "", "OPENHOUSE_SECRET_KEY_FILE": str(secret)},
    )
    env_has_both = result.returncode != 0 and "not both" in result.stderr
    assert env_has_both or result.returncode == 0, result.stderr


def test_readme_documents_every_openhouse_variable():
    settings_text = (ROOT / "openhouse" / "settings.py").read_text() + (
        ROOT / "openhouse" / "cli.py"
    ).read_text()
    readme = (ROOT / "README.md").read_text()
    variables = set(re.findall(r"OPENHOUSE_[A-Z0-9_]+", settings_text)) - {"OPENHOUSE_SECRET_KEY_FILE"}
    variables = {v.removesuffix("_FILE") for v in variables}
    missing = sorted(v for v in variables if f"`{v}`" not in readme)
    assert not missing, f"README's configuration table lacks {missing}"


@pytest.mark.django_db
def test_pages_carry_csp_and_no_inline_scripts(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script found"
    assert " style=" not in html


LOGGERS_LEVELS = "import logging; print(*(logging.getLogger(n).getEffectiveLevel() for n in ('django.tasks', 'django.request', 'openhouse')))"


@pytest.mark.parametrize(
    ("level", "numbers"),
    # django.tasks, django.request, openhouse: the task backend's per-task lines only at DEBUG.
    [("WARNING", ["30", "30", "30"]), ("info", ["30", "20", "20"]), ("DEBUG", ["10", "10", "10"])],
)
def test_log_level_applies_to_djangos_own_loggers(level, numbers):
    # Django's default logging config gives "django" its own INFO level: the task backend's INFO lines
    # came through whatever OPENHOUSE_LOG_LEVEL said.
    result = _openhouse("manage", "shell", "-c", LOGGERS_LEVELS, env_extra={"OPENHOUSE_LOG_LEVEL": level})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == numbers


def test_a_bad_log_level_stops_start_up():
    result = _openhouse("manage", "check", env_extra={"OPENHOUSE_LOG_LEVEL": "LOUD"})
    assert result.returncode != 0 and "OPENHOUSE_LOG_LEVEL must be" in result.stderr
