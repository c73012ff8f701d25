"""Background tasks (Django's tasks framework). Every e-mail goes through
`send_email`, enqueued after the surrounding transaction commits, so no mail
is sent inside a request and none is sent for a rolled-back change."""

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task

from jobsite.text import strip_control_chars


@task
def send_email(*, to, subject, body, html="", headers=None):
    # Header injection: subject and addresses never carry line breaks.
    subject = " ".join(strip_control_chars(subject).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[addr.replace("\n", "").replace("\r", "") for addr in to],
        headers=headers or {},
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def enqueue_email_on_commit(**kwargs):
    """Enqueues send_email once the current transaction has committed."""
    transaction.on_commit(lambda: send_email.enqueue(**kwargs))
