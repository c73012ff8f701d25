"""The production path of background work: tasks stored by django-tasks-db
and run by a real `manage.py db_worker` process against PostgreSQL."""

import os
import subprocess
import sys
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from listings.tasks import MAX_ATTEMPTS, send_email

BASE_DIR = Path(settings.BASE_DIR)
UNSUBSCRIBE = "<https://jobsite.example/jobalarm/abmelden/" + "x" * 100 + "/>"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@task
def always_fails():
    raise RuntimeError("kaputt mit Absicht")


def worker_database_url():
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


def run_worker(mail_dir):
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "DATABASE_POOL": "0",
        "TASKS_BACKEND": "database",
        "EMAIL_URL": f"file://{mail_dir}",
        "SECRET_KEY": "worker-test-secret-key-not-for-production",
        "DEBUG": "0",
    }
    env.pop("TESTING", None)
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql" and not os.environ.get("REQUIRE_POSTGRES"),
    reason="db_worker against PostgreSQL only (set DATABASE_URL to a PostgreSQL database)",
)
# The worker must see committed rows, hence a transactional test; limited to
# the task app, so that the flush afterwards empties only its table and the
# taxonomy, legal pages etc. stay for the tests that follow.
@pytest.mark.django_db(transaction=True, available_apps=["django_tasks_db"])
def test_db_worker_process_sends_an_enqueued_mail_and_records_failures(settings, tmp_path):
    # Never a silent skip when PostgreSQL was asked for.
    assert connection.vendor == "postgresql", (
        "REQUIRE_POSTGRES is set but the tests run on " + connection.vendor
    )
    settings.TASKS = DATABASE_TASKS
    mail_dir = tmp_path / "mail"

    sent = send_email.enqueue(
        to=["bewerberin@example.org"],
        subject="Grüße aus dem Worker",
        body="Diese E-Mail hat der db_worker verschickt.",
        html="<p>Diese E-Mail hat der <strong>db_worker</strong> verschickt.</p>",
        headers={"List-Unsubscribe": UNSUBSCRIBE, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    failing = always_fails.enqueue()
    assert DBTaskResult.objects.filter(status="READY").count() == 2

    completed = run_worker(mail_dir)
    assert completed.returncode == 0, completed.stdout + completed.stderr

    ok = DBTaskResult.objects.get(id=sent.id)
    assert ok.status == "SUCCESSFUL", ok.traceback
    # A failing task is not lost: the result row keeps class and traceback.
    failed = DBTaskResult.objects.get(id=failing.id)
    assert failed.status == "FAILED"
    assert failed.exception_class_path == "builtins.RuntimeError"
    assert "kaputt mit Absicht" in failed.traceback

    files = list(mail_dir.iterdir())
    assert len(files) == 1
    raw = files[0].read_bytes().split(b"\n" + b"-" * 79)[0]
    message = message_from_bytes(raw, policy=default_policy)
    assert message["To"] == "bewerberin@example.org"
    assert message["Subject"] == "Grüße aus dem Worker"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"\nList-Unsubscribe: {UNSUBSCRIBE}\n" in raw.decode()
    assert message.get_body(("plain",)).get_content().strip() == "Diese E-Mail hat der db_worker verschickt."
    assert "<strong>db_worker</strong>" in message.get_body(("html",)).get_content()


@pytest.mark.django_db
def test_a_transient_mail_failure_is_enqueued_again_later(settings, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    import smtplib

    from django.core.mail.backends import locmem

    def refuse(self, messages):
        raise smtplib.SMTPConnectError(421, "später")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refuse)
    kwargs = {"to": ["a@example.org"], "subject": "Hallo", "body": "Text"}
    with pytest.raises(smtplib.SMTPConnectError):
        send_email.call(**kwargs)
    retry = DBTaskResult.objects.get()
    assert retry.task_path == "listings.tasks.send_email"
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.args_kwargs["kwargs"]["to"] == ["a@example.org"]
    assert retry.run_after > timezone.now()

    # The last attempt gives up: its failure stays recorded, nothing more is queued.
    with pytest.raises(smtplib.SMTPConnectError):
        send_email.call(**kwargs, attempt=MAX_ATTEMPTS)
    assert DBTaskResult.objects.count() == 1
