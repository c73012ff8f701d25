import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from listings.models import Vacancy
from tests.factories import CompanyFactory, MembershipFactory, UserFactory, VacancyFactory

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def run(capture, *args):
    with capture(execute=True):
        call_command("expire_vacancies", *args, verbosity=0)


def test_overdue_vacancies_are_marked_expired(django_capture_on_commit_callbacks):
    overdue = VacancyFactory(valid_through=days(-1))
    today = VacancyFactory(valid_through=days(0))
    closed = VacancyFactory(valid_through=days(-3), status=Vacancy.Status.CLOSED)
    draft = VacancyFactory(valid_through=days(-3), status=Vacancy.Status.DRAFT)
    # Already out of sight before the command runs: live() needs no cron.
    assert overdue not in Vacancy.objects.live()
    run(django_capture_on_commit_callbacks)
    statuses = dict(Vacancy.objects.values_list("pk", "status"))
    assert statuses == {
        overdue.pk: "expired",
        today.pk: "published",
        closed.pk: "closed",
        draft.pk: "draft",
    }


def test_employers_are_reminded_once_seven_days_ahead(django_capture_on_commit_callbacks):
    company = CompanyFactory(name="Stadtwerke Hagen GmbH")
    owner = MembershipFactory(company=company, user=UserFactory(email="chefin@stadtwerke.example")).user
    colleague = MembershipFactory(company=company, user=UserFactory(email="hr@stadtwerke.example")).user
    MembershipFactory(company=CompanyFactory(), user=UserFactory(email="fremd@example.org"))
    soon = VacancyFactory(company=company, title="IT-Projektkoordinator (m/w/d)", valid_through=days(7))
    VacancyFactory(company=company, title="Später", valid_through=days(8))
    VacancyFactory(company=company, title="Geschlossen", valid_through=days(3), status=Vacancy.Status.CLOSED)

    run(django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, colleague.email])
    message = mail.outbox[0]
    assert message.subject == "Ihre Stellenanzeige läuft bald ab"
    assert "die folgende Stellenanzeige von Stadtwerke Hagen GmbH läuft in Kürze ab" in message.body
    assert "- IT-Projektkoordinator (m/w/d)" in message.body
    assert f"online bis einschließlich {soon.valid_through.day}. " in message.body
    assert f"http://127.0.0.1:8000{soon.get_absolute_url()}" in message.body
    assert "Später" not in message.body and "Geschlossen" not in message.body

    run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


def test_renewal_earns_a_new_reminder(django_capture_on_commit_callbacks):
    member = MembershipFactory()
    vacancy = VacancyFactory(company=member.company, valid_through=days(2))
    run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    vacancy.renew(days=3)
    run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


def test_several_vacancies_in_one_mail(django_capture_on_commit_callbacks):
    member = MembershipFactory()
    VacancyFactory(company=member.company, title="Erste", valid_through=days(1))
    VacancyFactory(company=member.company, title="Zweite", valid_through=days(6))
    run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "2 Stellenanzeigen laufen bald ab"
    assert "- Erste" in mail.outbox[0].body and "- Zweite" in mail.outbox[0].body


def test_dry_run_changes_nothing(django_capture_on_commit_callbacks, capsys):
    member = MembershipFactory()
    overdue = VacancyFactory(company=member.company, valid_through=days(-1))
    VacancyFactory(company=member.company, valid_through=days(5))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_vacancies", "--dry-run")
    assert "[Probelauf] 1 Stellen abgelaufen, 1 Stellen erinnert (1 E-Mails)." in capsys.readouterr().out
    assert mail.outbox == []
    overdue.refresh_from_db()
    assert overdue.status == Vacancy.Status.PUBLISHED
    run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_query_count_does_not_grow_with_vacancies(
    django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    member = MembershipFactory()
    for _ in range(10):
        VacancyFactory(company=member.company, valid_through=days(3))
        VacancyFactory(valid_through=days(-2))
    # UPDATE for expiry, SELECT due vacancies, SELECT members, one UPDATE
    # per distinct end date, plus savepoints.
    with django_assert_max_num_queries(9):
        run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
