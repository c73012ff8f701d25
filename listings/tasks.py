"""Background tasks (Django's tasks framework). Every e-mail goes through
`send_email`, enqueued after the surrounding transaction commits, so no mail
is sent inside a request and none is sent for a rolled-back change.

Failures are never silent: Django logs every failed task at ERROR
("django.tasks" logger), and the production backend (django-tasks-db) keeps
each failed result with its traceback in the database (admin: "Task results").
A mail that fails for a transient reason (SMTP server down, connection reset)
is enqueued again with a growing delay where the backend can defer, up to
MAX_ATTEMPTS; the failed attempt is still recorded."""

import datetime
import email.policy
import logging
import smtplib

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from jobsite.text import strip_control_chars

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Minutes to wait before attempt 2, 3, 4, 5.
RETRY_DELAYS = [1, 5, 30, 120]
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


# Headers whose value is one long token (a URL in angle brackets). Python's
# e-mail policy would turn such a value, once longer than a line, into an
# RFC 2047 encoded word, which no mail client reads as a URL (RFC 2369, 8058).
RAW_HEADERS = ("List-Unsubscribe",)


class Email(EmailMultiAlternatives):
    def message(self, *, policy=email.policy.default):
        msg = super().message(policy=policy.clone(refold_source="none"))
        for name in RAW_HEADERS:
            value = msg.get(name)
            if value is not None:
                del msg[name]
                # Unfolded; a URL of up to 998 characters is a valid header line.
                msg.set_raw(name, str(value).replace("\r", "").replace("\n", ""))
        return msg


def build_email(*, to, subject, body, html="", headers=None):
    # Header injection: subject and addresses never carry line breaks.
    subject = " ".join(strip_control_chars(str(subject)).split())
    message = Email(
        subject=subject,
        body=body,
        to=[addr.replace("\n", "").replace("\r", "") for addr in to],
        headers=headers or {},
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


def retry_later(task_obj, *, attempt, kwargs):
    """Enqueues the next attempt after a delay; False when the backend cannot
    defer (the immediate backend in development) or attempts are used up."""
    if attempt >= MAX_ATTEMPTS or not task_obj.get_backend().supports_defer:
        return False
    delay = RETRY_DELAYS[min(attempt - 1, len(RETRY_DELAYS) - 1)]
    run_after = timezone.now() + datetime.timedelta(minutes=delay)
    task_obj.using(run_after=run_after).enqueue(**kwargs, attempt=attempt + 1)
    return True


@task
def send_email(*, to, subject, body, html="", headers=None, attempt=1):
    message = build_email(to=to, subject=subject, body=body, html=html, headers=headers)
    try:
        message.send()
    except TRANSIENT_ERRORS:
        kwargs = {"to": to, "subject": subject, "body": body, "html": html, "headers": headers}
        if retry_later(send_email, attempt=attempt, kwargs=kwargs):
            logger.warning("Mail to %s failed (attempt %s), retry enqueued", to, attempt)
        raise


def enqueue_email_on_commit(**kwargs):
    """Enqueues send_email once the current transaction has committed."""
    transaction.on_commit(lambda: send_email.enqueue(**kwargs))


@task
def send_alert_digest(alert_id, attempt=1):
    """One job alert's digest. Builds and sends the mail itself, so that the
    alert's "last sent" mark moves in the same transaction as the mail."""
    from listings.alerts.services import send_digest

    try:
        return send_digest(alert_id)
    except TRANSIENT_ERRORS:
        # Nothing was marked as sent, so a later attempt (or the next
        # scheduled run) picks up exactly the same vacancies.
        retry_later(send_alert_digest, attempt=attempt, kwargs={"alert_id": alert_id})
        raise
