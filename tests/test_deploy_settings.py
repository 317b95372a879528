import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_KEYS = {
    "SEALING_PUBLIC_KEY": "jlPSkaIr0XswfGyE3Nk9DoXm1C5Xtc/bAEpp8UkmYUw=",
    "SIGNER_MAILBOX_KEY": "a-long-random-mailbox-key-" + "m4Z?" * 8,
    "ACCESS_TRAIL_KEY": "a-long-random-trail-key-" + "t8W#" * 8,
    "ERASURE_RECORD_KEY": "a-long-random-erasure-key-" + "e2R%" * 8,
    "NEWS_ADDRESS_KEY": "a-long-random-news-key-" + "n5Q!" * 8,
    "REMINDER_ADDRESS_KEY": "a-long-random-reminder-key-" + "r3M&" * 8,
    "LEDGER_SIGNING_KEY": "1W5RXWvS3u31BzxnW1Tz3XiIUc0+3c7H5ojrRfREEaQ=",
}


def _production_environment(**overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DEBUG", "SECURE_", "SESSION_", "CSRF_"))
        and key not in PRODUCTION_KEYS
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-key-" + "x7Q!" * 12,
        ALLOWED_HOSTS="mamat.example.org",
        SITE_URL="https://mamat.example.org",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        DATABASE_URL=os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mamat_deploy_check"
        ),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
        CELERY_BROKER_URL="redis://127.0.0.1:6379/15",
        **PRODUCTION_KEYS,
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value != ""}


def _deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deploy_checks():
    result = _deploy_check(_production_environment())

    assert result.returncode == 0, result.stdout + result.stderr


def _serve_and_check(env: dict[str, str]):
    """Start the WSGI application and run `check --deploy` with `env`; return both runs."""

    def run(*command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True
        )

    return run("-c", "import config.wsgi"), _deploy_check(env)


def test_production_refuses_to_serve_without_a_secret_key():
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.base", DEBUG="false")

    serving, deploy_check = _serve_and_check(env)

    assert serving.returncode != 0
    assert "The SECRET_KEY setting must not be empty" in serving.stderr
    assert deploy_check.returncode != 0
    assert "SECRET_KEY" in deploy_check.stdout + deploy_check.stderr


@pytest.mark.parametrize("missing", sorted(PRODUCTION_KEYS))
def test_production_refuses_to_serve_without_each_key_that_protects_signers(missing):
    env = _production_environment(**{missing: ""})

    serving, deploy_check = _serve_and_check(env)

    assert serving.returncode != 0
    assert missing in serving.stderr
    assert deploy_check.returncode != 0
    assert missing in deploy_check.stdout + deploy_check.stderr


def test_an_esp_without_a_webhook_secret_is_named_by_the_deploy_checks():
    postmark = {
        "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
        "ANYMAIL_POSTMARK_SERVER_TOKEN": "a-server-token",
    }

    open_to_anyone = _deploy_check(_production_environment(**postmark))
    secured = _deploy_check(
        _production_environment(**postmark, ANYMAIL_WEBHOOK_SECRET="postmark:a-long-password")
    )

    assert open_to_anyone.returncode != 0
    assert "core.W002" in open_to_anyone.stderr
    assert secured.returncode == 0, secured.stderr


@pytest.mark.parametrize("name", ["SECRET_KEY", "SIGNER_MAILBOX_KEY"])
def test_the_examples_placeholder_is_never_taken_for_a_key_however_long(name):
    env = _production_environment(**{name: "CHANGE-ME-" * 6})

    serving, deploy_check = _serve_and_check(env)

    assert serving.returncode != 0 and name in serving.stderr
    assert deploy_check.returncode != 0 and name in deploy_check.stderr


def test_the_examples_placeholder_webhook_secret_is_named_by_the_deploy_checks():
    result = _deploy_check(
        _production_environment(
            EMAIL_BACKEND="anymail.backends.postmark.EmailBackend",
            ANYMAIL_POSTMARK_SERVER_TOKEN="a-server-token",
            ANYMAIL_WEBHOOK_SECRET="CHANGE-user:long-random-password",
        )
    )

    assert "core.W002" in result.stderr


def test_a_deployment_on_make_runs_stand_ins_is_named_by_the_deploy_checks():
    # SQLite, each process's own memory for a cache, tasks run inside the request.
    result = _deploy_check(
        _production_environment(
            DATABASE_URL="sqlite:////tmp/mamat-deploy-check.sqlite3",
            REDIS_URL="",
            CELERY_BROKER_URL="",
        )
    )

    assert result.returncode != 0
    for warning in ("core.W004", "core.W005", "core.W006"):
        assert f"({warning})" in result.stderr, result.stderr


def test_a_deployment_whose_emails_go_nowhere_is_named_by_the_deploy_checks():
    # `make run`'s console backend, left as it was: every confirmation would be printed.
    result = _deploy_check(
        _production_environment(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    )

    assert result.returncode != 0
    assert "core.W003" in result.stderr
