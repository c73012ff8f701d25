"""Job alerts end to end: subscribe, double opt-in, digests, unsubscribe,
manage page, rate limits. Tasks run on the immediate backend; on-commit
callbacks are executed explicitly, as after a real commit."""

import datetime
import re
import smtplib

import pytest
from django.core import mail
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from listings.alerts import services
from listings.models import City, JobAlert
from listings.tasks import send_alert_digest
from tests.factories import VacancyFactory

pytestmark = pytest.mark.django_db

SEARCH = {"q": "Projektkoordinator", "where": "Hagen"}
URL_RE = re.compile(r"http://testserver-alerts\.example(/[^\s\"<>]*)")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver-alerts.example"


def links(message):
    return URL_RE.findall(message.body)


def link_to(message, fragment):
    matches = [path for path in links(message) if fragment in path]
    assert matches, f"no link with {fragment!r} in {message.body}"
    return matches[0]


def page_text(response):
    """The page without what differs on every request (CSP nonce, CSRF token)."""
    html = response.content.decode()
    return re.sub(r'(nonce|value)="[^"]*"', "", html)


def run_alerts(capture, frequency="daily"):
    with capture(execute=True):
        call_command("send_job_alerts", frequency=frequency, verbosity=0)


def matching(title, published_at, **kwargs):
    return VacancyFactory(title=title, published_at=published_at, **kwargs)


def subscribe(
    client, capture, email="nina@example.org", frequency="daily", query="q=Projektkoordinator&where=Hagen"
):
    with capture(execute=True):
        response = client.post(
            reverse("listings:alert_subscribe"), {"email": email, "frequency": frequency, "query": query}
        )
    return response


def backdate(alert, hours=1):
    """Moves the confirmation into the past, so that vacancies published
    "after it" are old enough to settle (services.SETTLE_TIME)."""
    JobAlert.objects.filter(pk=alert.pk).update(
        confirmed_at=alert.confirmed_at - datetime.timedelta(hours=hours)
    )
    alert.refresh_from_db()
    return alert


def confirmed_alert(client, capture, **kwargs):
    mail.outbox.clear()
    subscribe(client, capture, **kwargs)
    path = link_to(mail.outbox[-1], "/jobalarm/bestaetigen/")
    client.post(path)
    mail.outbox.clear()
    return backdate(JobAlert.objects.get(email=kwargs.get("email", "nina@example.org")))


def test_subscribe_page_shows_the_normalised_search(client):
    response = client.get(
        reverse("listings:alert_subscribe"), {"where": "Hagen", "page": "3", "q": "Projektkoordinator"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jobalarm für diese Suche" in html
    assert 'name="query" value="q=Projektkoordinator&amp;where=Hagen"' in html
    assert "„Projektkoordinator“ in Hagen (+25 km)" in html


def test_normalize_query_drops_paging_and_sorts():
    from django.http import QueryDict

    raw = QueryDict(
        "where=Hagen&page=2&partial=1&q=Pflege&employment_type=part_time&employment_type=full_time&radius="
    )
    assert services.normalize_query(raw) == (
        "employment_type=full_time&employment_type=part_time&q=Pflege&where=Hagen"
    )


def test_full_flow_sends_each_new_matching_vacancy_once(client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    response = subscribe(client, capture, query="where=Hagen&page=2&q=Projektkoordinator")
    assert response.status_code == 302
    assert response["Location"] == reverse("listings:alert_subscribe_done")

    alert = JobAlert.objects.get()
    assert alert.email == "nina@example.org"
    assert alert.query == "q=Projektkoordinator&where=Hagen"
    assert alert.confirmed_at is None
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == ["nina@example.org"]
    assert confirmation.subject == "Bitte bestätigen Sie Ihren Jobalarm"
    assert "List-Unsubscribe" in confirmation.extra_headers

    # Unconfirmed: nothing is sent, however much matches.
    before = timezone.now() - datetime.timedelta(hours=3)
    matching("IT-Projektkoordinator Vorher (m/w/d)", before)
    run_alerts(capture)
    assert len(mail.outbox) == 1

    # The link in the mail asks first (GET changes nothing), then confirms.
    confirm_path = link_to(confirmation, "/jobalarm/bestaetigen/")
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "Ja, Jobalarm aktivieren" in page.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is None
    page = client.post(confirm_path)
    assert page.status_code == 200
    assert "Ihr Jobalarm ist aktiv" in page.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is not None

    t0 = backdate(alert).confirmed_at
    matching("IT-Projektkoordinator Alpha (m/w/d)", t0 + datetime.timedelta(seconds=1))
    matching("IT-Projektkoordinator Beta (m/w/d)", t0 + datetime.timedelta(seconds=2))
    matching(
        "IT-Projektkoordinator München (m/w/d)",
        t0 + datetime.timedelta(seconds=3),
        city=City.objects.get(slug="muenchen"),
    )
    matching(
        "IT-Projektkoordinator Abgelaufen (m/w/d)",
        t0 + datetime.timedelta(seconds=4),
        valid_through=timezone.localdate() - datetime.timedelta(days=1),
    )
    mail.outbox.clear()
    run_alerts(capture)

    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["nina@example.org"]
    assert digest.subject == "2 neue Jobs: „Projektkoordinator“ in Hagen (+25 km)"
    titles = re.findall(r"^\* (.+)$", digest.body, flags=re.MULTILINE)
    assert titles == ["IT-Projektkoordinator Beta (m/w/d)", "IT-Projektkoordinator Alpha (m/w/d)"]
    html, mimetype = digest.alternatives[0]
    assert mimetype == "text/html"
    assert "IT-Projektkoordinator Beta (m/w/d)" in html
    assert 'href="http://testserver-alerts.example/jobs/' in html
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = digest.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<http://testserver-alerts\.example/jobalarm/abmelden/[^>]+/>", unsubscribe_url)
    # On the wire: one plain line, not an RFC 2047 encoded word.
    wire = digest.message().as_bytes().decode()
    assert f"\nList-Unsubscribe: {unsubscribe_url}\n" in wire
    assert "http://testserver-alerts.example/jobs/?q=Projektkoordinator&where=Hagen" in digest.body
    assert "/jobalarm/verwalten/" in digest.body

    # Second run: nothing new, no mail.
    mail.outbox.clear()
    run_alerts(capture)
    assert mail.outbox == []

    # One more vacancy: the next digest holds only it.
    matching("IT-Projektkoordinator Gamma (m/w/d)", t0 + datetime.timedelta(seconds=10))
    run_alerts(capture)
    assert len(mail.outbox) == 1
    assert re.findall(r"^\* (.+)$", mail.outbox[0].body, flags=re.MULTILINE) == [
        "IT-Projektkoordinator Gamma (m/w/d)"
    ]
    assert mail.outbox[0].subject == "1 neuer Job: „Projektkoordinator“ in Hagen (+25 km)"

    # Unsubscribe: GET only asks, the one-click POST (no CSRF token, as a mail
    # client sends it) deletes the alert; afterwards nothing is sent.
    path = unsubscribe_url.strip("<>").removeprefix("http://testserver-alerts.example")
    page = client.get(path)
    assert page.status_code == 200
    assert "Ja, abbestellen" in page.content.decode()
    assert JobAlert.objects.filter(pk=alert.pk).exists()
    mail_client = Client(enforce_csrf_checks=True)
    page = mail_client.post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert page.status_code == 200
    assert "Sie erhalten von diesem Jobalarm keine E-Mails mehr." in page.content.decode()
    assert not JobAlert.objects.filter(pk=alert.pk).exists()
    # Twice is harmless.
    assert mail_client.post(path).status_code == 200

    mail.outbox.clear()
    matching("IT-Projektkoordinator Delta (m/w/d)", t0 + datetime.timedelta(seconds=20))
    run_alerts(capture)
    assert mail.outbox == []


def test_same_answer_whether_or_not_the_address_has_alerts(client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    first = subscribe(client, capture, email="neu@example.org")
    confirmed_alert(client, capture, email="alt@example.org")
    again = subscribe(client, capture, email="alt@example.org")
    assert (first.status_code, first["Location"]) == (again.status_code, again["Location"])
    # No second alert for the same search; the mail says it exists already.
    assert JobAlert.objects.filter(email="alt@example.org").count() == 1
    assert mail.outbox[-1].subject == "Diesen Jobalarm haben Sie bereits"


def _created_meanwhile(monkeypatch, **alert):
    """The race of a double click: the other request's alert is committed
    after this request looked for one and before it inserts its own."""
    looked = []
    real = services._locked_alert

    def locked(email, query):
        if not looked:
            looked.append(True)
            JobAlert.objects.create(email=email, query=query, label="x", **alert)
            return None
        return real(email, query)

    monkeypatch.setattr(services, "_locked_alert", locked)


@pytest.mark.parametrize(
    ("confirmed", "subject"),
    [(False, "Bitte bestätigen Sie Ihren Jobalarm"), (True, "Diesen Jobalarm haben Sie bereits")],
)
def test_two_requests_for_one_search_make_one_alert(
    monkeypatch, django_capture_on_commit_callbacks, confirmed, subject
):
    _created_meanwhile(monkeypatch, confirmed_at=timezone.now() if confirmed else None)
    with django_capture_on_commit_callbacks(execute=True):
        alert = services.subscribe(email="Nina@example.org ", query="q=Pflege", frequency="weekly")
    assert list(JobAlert.objects.values_list("email", "query")) == [("nina@example.org", "q=Pflege")]
    assert alert == JobAlert.objects.get()
    assert [(m.to, m.subject) for m in mail.outbox] == [(["nina@example.org"], subject)]


def test_the_database_refuses_a_second_alert_for_the_same_search():
    from django.db import IntegrityError, transaction

    JobAlert.objects.create(email="nina@example.org", query="q=Pflege")
    with pytest.raises(IntegrityError), transaction.atomic():
        JobAlert.objects.create(email="nina@example.org", query="q=Pflege")
    JobAlert.objects.create(email="nina@example.org", query="q=Pflege&where=Hagen")
    JobAlert.objects.create(email="olaf@example.org", query="q=Pflege")
    assert JobAlert.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_one_alert_per_search():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("listings", "0011_city_coordinates_index")], [("listings", "0012_alert_unique_search")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("listings", "JobAlert")
    now = timezone.now()
    common = {"email": "nina@example.org", "query": "q=Pflege"}
    old.objects.create(token="a", created_at=now, **common)
    old.objects.create(token="b", confirmed_at=now, **common)  # confirmed later
    confirmed_first = old.objects.create(token="c", confirmed_at=now - datetime.timedelta(days=2), **common)
    other = old.objects.create(token="d", email="nina@example.org", query="q=Pflege&where=Hagen")
    unconfirmed = [old.objects.create(token=t, email="olaf@example.org", query="q=Koch") for t in "ef"]
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    kept = set(JobAlert.objects.values_list("token", flat=True))
    assert kept == {confirmed_first.token, other.token, unconfirmed[0].token}


def test_bad_input_is_a_form_error(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("listings:alert_subscribe"), {"email": "kein-at", "frequency": "stündlich"}
        )
    assert response.status_code == 400
    assert "gültige E-Mail-Adresse" in response.content.decode()
    assert JobAlert.objects.count() == 0
    assert mail.outbox == []


def test_forged_or_expired_links_are_refused(client, django_capture_on_commit_callbacks):
    assert client.get("/jobalarm/bestaetigen/gefaelscht/").status_code == 404
    assert client.post("/jobalarm/abmelden/gefaelscht/").status_code == 404
    assert client.get("/jobalarm/verwalten/gefaelscht/").status_code == 404
    subscribe(client, django_capture_on_commit_callbacks)
    path = link_to(mail.outbox[-1], "/jobalarm/bestaetigen/")
    # A week later the confirmation link has run out.
    later = timezone.now() + datetime.timedelta(days=8)
    from unittest import mock

    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        assert client.post(path).status_code == 404
    assert JobAlert.objects.get().confirmed_at is None


def test_digest_is_capped_with_a_link_to_all(client, django_capture_on_commit_callbacks, monkeypatch):
    capture = django_capture_on_commit_callbacks
    alert = confirmed_alert(client, capture)
    monkeypatch.setattr(services, "DIGEST_LIMIT", 2)
    t0 = alert.confirmed_at
    for n in range(3):
        matching(f"IT-Projektkoordinator {n} (m/w/d)", t0 + datetime.timedelta(seconds=n + 1))
    run_alerts(capture)
    digest = mail.outbox[0]
    assert re.findall(r"^\* (.+)$", digest.body, flags=re.MULTILINE) == [
        "IT-Projektkoordinator 2 (m/w/d)",
        "IT-Projektkoordinator 1 (m/w/d)",
    ]
    assert "und 1 weiterer neuer Job" in digest.body
    assert digest.subject.startswith("3 neue Jobs")
    alert.refresh_from_db()
    assert alert.last_sent_at == t0 + datetime.timedelta(seconds=3)


def test_failed_send_moves_no_mark_and_the_next_run_sends_the_same(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    capture = django_capture_on_commit_callbacks
    alert = confirmed_alert(client, capture)
    matching("IT-Projektkoordinator Eins (m/w/d)", alert.confirmed_at + datetime.timedelta(seconds=1))

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("weg")

    from django.core.mail.backends import locmem

    with monkeypatch.context() as patch:
        patch.setattr(locmem.EmailBackend, "send_messages", refuse)
        result = send_alert_digest.enqueue(alert_id=alert.pk)
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == "smtplib.SMTPServerDisconnected"
    alert.refresh_from_db()
    assert alert.last_sent_at is None
    assert mail.outbox == []

    run_alerts(capture)
    assert re.findall(r"^\* (.+)$", mail.outbox[0].body, flags=re.MULTILINE) == [
        "IT-Projektkoordinator Eins (m/w/d)"
    ]


def test_paused_and_other_frequency_get_nothing(client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    weekly = confirmed_alert(client, capture, email="woche@example.org", frequency="weekly")
    paused = confirmed_alert(client, capture, email="pause@example.org")
    JobAlert.objects.filter(pk=paused.pk).update(paused=True)
    matching("IT-Projektkoordinator Neu (m/w/d)", timezone.now() - datetime.timedelta(minutes=10))
    run_alerts(capture, "daily")
    assert mail.outbox == []
    run_alerts(capture, "weekly")
    assert [m.to for m in mail.outbox] == [[weekly.email]]


def test_manage_page_changes_pauses_and_deletes(client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    subscribe(client, capture)
    path = link_to(mail.outbox[-1], "/jobalarm/bestaetigen/")
    client.post(path)
    alert = JobAlert.objects.get()
    other = JobAlert.objects.create(
        email="fremd@example.org", query="q=Koch", label="Koch", confirmed_at=timezone.now()
    )
    manage_path = link_to(mail.outbox[-1], "/jobalarm/verwalten/")

    page = client.get(manage_path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "„Projektkoordinator“ in Hagen (+25 km)" in html
    assert "Koch" not in html
    assert f'name="alert" value="{alert.pk}"' in html
    # A five-digit id goes into the form as it is, not as "12.345".
    rows = [
        {"alert": JobAlert(pk=12345, email=alert.email, query=alert.query, label="Koch"), "search_url": "/"}
    ]
    html = render_to_string("listings/alerts/manage.html", {"email": alert.email, "rows": rows})
    assert 'name="alert" value="12345"' in html and 'id="alert-12345-heading"' in html

    prefix = f"alert-{alert.pk}"
    response = client.post(
        manage_path,
        {"alert": alert.pk, "action": "save", f"{prefix}-frequency": "weekly", f"{prefix}-paused": "on"},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.frequency, alert.paused) == ("weekly", True)

    # Another address's alert is out of reach.
    assert client.post(manage_path, {"alert": other.pk, "action": "delete"}).status_code == 404
    assert client.post(manage_path, {"alert": "x"}).status_code == 400
    assert client.post(manage_path, {"alert": alert.pk, "action": "delete"}).status_code == 302
    assert list(JobAlert.objects.all()) == [other]


def test_manage_link_request_does_not_reveal_addresses(client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    confirmed_alert(client, capture, email="da@example.org")
    url = reverse("listings:alert_manage_request")
    with capture(execute=True):
        known = client.post(url, {"email": "da@example.org"})
        unknown = client.post(url, {"email": "nicht-da@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert page_text(known) == page_text(unknown)
    assert [m.to for m in mail.outbox] == [["da@example.org"]]
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers


def test_rate_limit_per_address(client, django_capture_on_commit_callbacks):
    for n in range(5):
        response = subscribe(client, django_capture_on_commit_callbacks, query=f"q=Beruf{n}")
        assert response.status_code == 302
    response = subscribe(client, django_capture_on_commit_callbacks, query="q=Beruf6")
    assert response.status_code == 429
    assert "Zu viele Anfragen" in response.content.decode()
    assert JobAlert.objects.count() == 5


def test_rate_limit_per_client(client, django_capture_on_commit_callbacks, monkeypatch):
    from listings.alerts import views

    monkeypatch.setattr(views, "RATE_PER_CLIENT", "3/h")
    statuses = [
        subscribe(client, django_capture_on_commit_callbacks, email=f"person{n}@example.org").status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 302, 429]


def test_cleanup_deletes_only_old_unconfirmed_alerts():
    now = timezone.now()
    old = JobAlert.objects.create(email="alt@example.org", query="q=a")
    young = JobAlert.objects.create(email="jung@example.org", query="q=b")
    confirmed = JobAlert.objects.create(email="ja@example.org", query="q=c", confirmed_at=now)
    JobAlert.objects.filter(pk__in=[old.pk, confirmed.pk]).update(created_at=now - datetime.timedelta(days=8))
    JobAlert.objects.filter(pk=young.pk).update(created_at=now - datetime.timedelta(days=6))
    call_command("delete_unconfirmed_alerts", verbosity=0)
    assert set(JobAlert.objects.values_list("email", flat=True)) == {"jung@example.org", "ja@example.org"}


def test_subscribe_link_include_carries_the_search(rf):
    from django.template.loader import render_to_string

    request = rf.get("/jobs/", {"q": "Pflege", "where": "Hagen"})
    html = render_to_string("listings/alerts/subscribe_link.html", request=request)
    assert 'href="/jobalarm/?q=Pflege&amp;where=Hagen"' in html
    assert "Jobalarm für diese Suche" in html


def test_vacancies_wait_until_they_settle(client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    alert = confirmed_alert(client, capture)
    matching("IT-Projektkoordinator Alt (m/w/d)", alert.confirmed_at + datetime.timedelta(minutes=1))
    fresh = matching("IT-Projektkoordinator Frisch (m/w/d)", timezone.now() - datetime.timedelta(minutes=1))
    run_alerts(capture)
    assert re.findall(r"^\* (.+)$", mail.outbox[0].body, flags=re.MULTILINE) == [
        "IT-Projektkoordinator Alt (m/w/d)"
    ]
    assert mail.outbox[0].subject.startswith("1 neuer Job")
    # Once settled, the fresh one comes in the next digest.
    mail.outbox.clear()
    fresh.published_at = timezone.now() - services.SETTLE_TIME - datetime.timedelta(seconds=1)
    fresh.save()
    run_alerts(capture)
    assert re.findall(r"^\* (.+)$", mail.outbox[0].body, flags=re.MULTILINE) == [
        "IT-Projektkoordinator Frisch (m/w/d)"
    ]


def test_send_job_alerts_enqueues_one_task_per_due_alert(
    settings, django_assert_num_queries, django_capture_on_commit_callbacks, capsys
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import default_task_backend

    now = timezone.now()
    due = [
        JobAlert.objects.create(email=f"due{n}@example.org", query="q=Koch", confirmed_at=now)
        for n in range(3)
    ]
    JobAlert.objects.create(email="pause@example.org", query="q=Koch", confirmed_at=now, paused=True)
    JobAlert.objects.create(email="offen@example.org", query="q=Koch")
    JobAlert.objects.create(email="woche@example.org", query="q=Koch", confirmed_at=now, frequency="weekly")

    call_command("send_job_alerts", frequency="daily", dry_run=True)
    assert capsys.readouterr().out.strip() == "3 Jobalarme (daily) wären fällig."
    assert default_task_backend.results == []

    # One query for the ids (plus the savepoint pair of the atomic block).
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(3):
        call_command("send_job_alerts", frequency="daily")
    assert capsys.readouterr().out.strip() == "3 Jobalarme (daily) eingereiht."
    assert sorted(r.kwargs["alert_id"] for r in default_task_backend.results) == [a.pk for a in due]
    assert {r.task.module_path for r in default_task_backend.results} == {"listings.tasks.send_alert_digest"}


def test_repeated_subscription_renews_the_pending_opt_in(client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    subscribe(client, capture, frequency="daily")
    JobAlert.objects.update(created_at=timezone.now() - datetime.timedelta(days=6))
    subscribe(client, capture, frequency="weekly")
    alert = JobAlert.objects.get()
    assert alert.frequency == "weekly"
    assert alert.created_at > timezone.now() - datetime.timedelta(minutes=1)
    assert [m.subject for m in mail.outbox] == ["Bitte bestätigen Sie Ihren Jobalarm"] * 2
    call_command("delete_unconfirmed_alerts", verbosity=0)
    assert JobAlert.objects.count() == 1


def test_the_label_is_quoted_once_in_mails_and_pages(client, django_capture_on_commit_callbacks):
    """The label quotes the keyword itself („Pflege“ in Hagen); a template
    that quoted the label again showed „„Pflege“ in Hagen“."""
    capture = django_capture_on_commit_callbacks
    label = "„Projektkoordinator“ in Hagen (+25 km)"
    subscribe(client, capture)
    confirmation = mail.outbox[-1]
    assert f"Sie haben einen Jobalarm angelegt: {label}. Bitte bestätigen Sie ihn über diesen Link:" in (
        confirmation.body
    )
    html = confirmation.alternatives[0][0]
    assert f"<p>Sie haben einen Jobalarm angelegt: {label}. Bitte bestätigen Sie ihn:</p>" in html
    confirm_path = link_to(confirmation, "/jobalarm/bestaetigen/")
    assert (
        f"Jobalarm für <strong>{label}</strong> an nina@example.org aktivieren?"
        in client.get(confirm_path).text
    )
    assert f"neue Stellen für <strong>{label}</strong> – aber nur" in client.post(confirm_path).text

    subscribe(client, capture)
    exists = mail.outbox[-1]
    assert exists.subject == "Diesen Jobalarm haben Sie bereits"
    sentence = f"für Ihre Adresse besteht bereits dieser Jobalarm: {label}. Sie müssen nichts weiter tun."
    assert sentence in exists.body
    assert f"<p>{sentence}</p>" in exists.alternatives[0][0]
    manage_path = link_to(exists, "/jobalarm/verwalten/")
    assert f">{label}</a></h2>" in client.get(manage_path).text

    alert = backdate(JobAlert.objects.get())
    matching("IT-Projektkoordinator Alpha (m/w/d)", alert.confirmed_at + datetime.timedelta(seconds=1))
    mail.outbox.clear()
    run_alerts(capture)
    digest = mail.outbox[0]
    assert digest.subject == f"1 neuer Job: {label}"
    assert digest.body.startswith(f"1 neuer Job: {label}\n")
    assert f'<h1 style="font-size: 1.3em;">1 neuer Job: {label}</h1>' in digest.alternatives[0][0]
    for message in (confirmation, exists, digest):
        for text in (message.subject, message.body, message.alternatives[0][0]):
            assert "„„" not in text and "““" not in text


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("type=full_time", "Vollzeit"),
        ("min_salary=3000", "ab 3.000 € im Monat"),
        ("min_salary=3000&type=full_time&type=part_time", "Vollzeit, Teilzeit, ab 3.000 € im Monat"),
        ("occupation=it-projektkoordinator", "IT Projektkoordinator"),
        ("remote=full&salary=1", "komplett remote, mit Gehaltsangabe"),
        # Nothing that narrows the search: every new job.
        ("", "Alle neuen Jobs"),
        ("sort=date&radius=50", "Alle neuen Jobs"),
    ],
)
def test_an_alert_with_only_filters_is_named_by_its_filters(
    client, django_capture_on_commit_callbacks, query, label
):
    subscribe(client, django_capture_on_commit_callbacks, query=query)
    assert JobAlert.objects.get().label == label
    assert f"Sie haben einen Jobalarm angelegt: {label}. Bitte" in mail.outbox[-1].body
    # In the words of the search page's filter chips.
    if query and label != "Alle neuen Jobs":
        chips = re.findall(
            r'data-live-link>([^<]+) <span aria-hidden="true">×', client.get(f"/jobs/?{query}").text
        )
        assert ", ".join(chips) == label


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("q=Pflege&type=part_time", "„Pflege“ in ganz Deutschland, Teilzeit"),
        ("radius=25&type=part_time&where=Hagen", "Alle Jobs in Hagen (+25 km), Teilzeit"),
        (
            "min_salary=3000&q=Pflege&radius=25&remote=hybrid&where=Hagen",
            "„Pflege“ in Hagen (+25 km), teilweise Homeoffice, ab 3.000 € im Monat",
        ),
    ],
)
def test_an_alert_with_words_and_filters_is_named_by_both(
    client, django_capture_on_commit_callbacks, query, label
):
    subscribe(client, django_capture_on_commit_callbacks, query=query)
    assert JobAlert.objects.get().label == label
    assert f"Sie haben einen Jobalarm angelegt: {label}. Bitte" in mail.outbox[-1].body


def test_two_alerts_that_differ_in_filters_only_read_differently(client, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    subscribe(client, capture, query="q=Pflege&radius=25&where=Hagen")
    subscribe(client, capture, query="q=Pflege&radius=25&type=part_time&where=Hagen")
    path = link_to(mail.outbox[-1], "/jobalarm/verwalten/")
    page = client.get(path).text
    names = re.findall(r'<h2 id="alert-\d+-heading"><a href="[^"]*">([^<]+)</a>', page)
    assert names == ["„Pflege“ in Hagen (+25 km)", "„Pflege“ in Hagen (+25 km), Teilzeit"]


def test_mails_name_an_alert_by_its_search_not_by_an_old_label(client, django_capture_on_commit_callbacks):
    # Stored before filters were part of the name.
    alert = JobAlert.objects.create(
        email="alt@example.org",
        query="type=full_time",
        label="Alle neuen Jobs",
        confirmed_at=timezone.now() - datetime.timedelta(hours=1),
    )
    matching("Koch (m/w/d)", alert.confirmed_at + datetime.timedelta(seconds=1), full_time=True)
    run_alerts(django_capture_on_commit_callbacks)
    digest = mail.outbox[0]
    assert digest.subject == "1 neuer Job: Vollzeit"
    assert digest.body.startswith("1 neuer Job: Vollzeit\n")
    mail.outbox.clear()
    subscribe(client, django_capture_on_commit_callbacks, email="alt@example.org", query="type=full_time")
    assert mail.outbox[-1].subject == "Diesen Jobalarm haben Sie bereits"
    assert "für Ihre Adresse besteht bereits dieser Jobalarm: Vollzeit. Sie" in mail.outbox[-1].body


def test_a_digest_names_an_alert_without_a_label(client, django_capture_on_commit_callbacks):
    # As the admin makes one: no label stored.
    alert = JobAlert.objects.create(
        email="admin@example.org",
        query="q=Projektkoordinator",
        confirmed_at=timezone.now() - datetime.timedelta(hours=1),
    )
    matching("IT-Projektkoordinator Alpha (m/w/d)", alert.confirmed_at + datetime.timedelta(seconds=1))
    run_alerts(django_capture_on_commit_callbacks)
    digest = mail.outbox[0]
    assert digest.subject == "1 neuer Job: „Projektkoordinator“ in ganz Deutschland"
    assert digest.body.startswith("1 neuer Job: „Projektkoordinator“ in ganz Deutschland\n")


def test_pages_name_an_alert_in_the_visitors_language(client, django_capture_on_commit_callbacks):
    subscribe(client, django_capture_on_commit_callbacks, query="type=full_time&min_salary=3000")
    alert = JobAlert.objects.get()
    # Stored once in German, for the mails and the admin.
    assert alert.label == "Vollzeit, ab 3.000 € im Monat"
    path = link_to(mail.outbox[-1], "/jobalarm/bestaetigen/")
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en").text
    assert "Activate the job alert for <strong>Full-time, from 3,000 € a month</strong>" in english
    german = client.get(path, HTTP_ACCEPT_LANGUAGE="de").text
    assert "Jobalarm für <strong>Vollzeit, ab 3.000 € im Monat</strong>" in german


def test_alert_names_for_pages_read_occupations_and_companies_once(django_assert_num_queries):
    from tests.factories import CompanyFactory

    company = CompanyFactory(name="Stadtwerke Hagen", slug="stadtwerke-hagen")
    alerts = [
        JobAlert(email="a@example.org", query="occupation=elektroniker"),
        JobAlert(email="a@example.org", query="company=stadtwerke-hagen&type=full_time"),
        JobAlert(email="a@example.org", query=f"occupation=baecker&company={company.slug}"),
        JobAlert(email="a@example.org", query="occupation=gibt-es-nicht"),
    ]
    with django_assert_num_queries(2):
        services.labelled(alerts)
    assert [alert.shown_label for alert in alerts] == [
        "Elektroniker",
        "Vollzeit, Stadtwerke Hagen",
        "Bäcker, Stadtwerke Hagen",
        "gibt-es-nicht",
    ]


def test_an_alert_saved_in_the_admin_is_named_by_its_query(admin_client):
    response = admin_client.post(
        reverse("admin:listings_jobalert_add"),
        {
            "email": "admin@example.org",
            "query": "q=Pflege&type=part_time",
            "label": "von Hand",
            "frequency": "weekly",
            "paused": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    alert = JobAlert.objects.get()
    assert alert.label == "„Pflege“ in ganz Deutschland, Teilzeit"
    page = admin_client.get(reverse("admin:listings_jobalert_changelist")).content.decode()
    assert "„Pflege“ in ganz Deutschland, Teilzeit" in page


def test_a_long_search_is_kept_with_its_label_cut_and_mailed_whole(
    client, django_capture_on_commit_callbacks
):
    words = " ".join(["Pflegefachkraft"] * 12)[:200]
    query = f"q={words.replace(' ', '+')}&type=part_time&where=Hagen"
    response = subscribe(client, django_capture_on_commit_callbacks, query=query)
    assert response.status_code == 302
    alert = JobAlert.objects.get()
    name = f"„{words}“ in Hagen (+25 km), Teilzeit"
    assert alert.label == name[:200]
    assert f"Sie haben einen Jobalarm angelegt: {name}. Bitte" in mail.outbox[-1].body
