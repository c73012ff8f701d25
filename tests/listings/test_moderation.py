"""Moderation in the admin: the queue, approve / reject with reason (the
employer is mailed after commit), bulk actions, trusted companies and the
employer's history."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from listings.models import Company, Vacancy
from tests.factories import CompanyFactory, MembershipFactory, UserFactory, VacancyFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:listings_vacancy_changelist"


def in_review(company, **kwargs):
    return VacancyFactory(company=company, status=Vacancy.Status.REVIEW, published_at=None, **kwargs)


@pytest.fixture
def moderator_client(client):
    moderator = UserFactory(is_staff=True)
    moderator.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="listings",
            codename__in=["view_vacancy", "change_vacancy", "view_company", "change_company"],
        )
    )
    client.force_login(moderator)
    return client


def test_queue_lists_only_vacancies_in_review_oldest_first(moderator_client):
    company = CompanyFactory()
    older = in_review(company, title="Ältere Einreichung")
    newer = in_review(company, title="Neuere Einreichung")
    Vacancy.objects.filter(pk=older.pk).update(submitted_at="2026-11-01T08:00:00Z")
    Vacancy.objects.filter(pk=newer.pk).update(submitted_at="2026-11-02T08:00:00Z")
    VacancyFactory(company=company, title="Schon veröffentlicht")
    response = moderator_client.get(reverse(CHANGELIST), {"queue": "review"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [older, newer]
    assert "Schon veröffentlicht" not in response.text


def test_bulk_approve_mails_each_company_once_per_vacancy(
    moderator_client, django_capture_on_commit_callbacks
):
    first, second = MembershipFactory(), MembershipFactory()
    MembershipFactory(company=first.company, user__email="kollege@example.org")
    a = in_review(first.company, title="Stelle A")
    b = in_review(second.company, title="Stelle B")
    closed = VacancyFactory(company=first.company, status=Vacancy.Status.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            reverse(CHANGELIST),
            {"action": "approve", "_selected_action": [a.pk, b.pk, closed.pk]},
            follow=True,
        )
    assert "2 Stellen freigegeben." in response.text
    assert "1 Stelle übersprungen" in response.text
    for vacancy in (a, b, closed):
        vacancy.refresh_from_db()
    assert (a.status, b.status, closed.status) == ("published", "published", "closed")
    assert a in Vacancy.objects.live() and b in Vacancy.objects.live()
    recipients = sorted(tuple(sorted(m.to)) for m in mail.outbox)
    assert recipients == sorted(
        [tuple(sorted([first.user.email, "kollege@example.org"])), (second.user.email,)]
    )
    assert {m.subject for m in mail.outbox} == {
        "Ihre Stelle „Stelle A“ ist online",
        "Ihre Stelle „Stelle B“ ist online",
    }


def test_no_mail_without_commit(moderator_client):
    member = MembershipFactory()
    vacancy = in_review(member.company)
    # The test transaction never commits, so the task is never enqueued.
    moderator_client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": [vacancy.pk]})
    assert mail.outbox == []


def test_reject_needs_a_reason(moderator_client, django_capture_on_commit_callbacks):
    member = MembershipFactory()
    # A five-digit id: the confirmation form must send it back as it is,
    # not as German-formatted "12.345".
    a = in_review(member.company, pk=12345, title="Stelle A")
    b = in_review(member.company, title="Stelle B")
    response = moderator_client.post(
        reverse(CHANGELIST), {"action": "reject", "_selected_action": [a.pk, b.pk]}
    )
    assert response.status_code == 200
    assert "Stelle A" in response.text and "Stelle B" in response.text
    assert 'name="_selected_action" value="12345"' in response.text
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            reverse(CHANGELIST),
            {"action": "reject", "_selected_action": [a.pk, b.pk], "apply": "1", "reason": "   "},
        )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    a.refresh_from_db()
    assert a.status == Vacancy.Status.REVIEW
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(
            reverse(CHANGELIST),
            {
                "action": "reject",
                "_selected_action": [a.pk, b.pk],
                "apply": "1",
                "reason": "Kein Gehalt genannt.",
            },
        )
    for vacancy in (a, b):
        vacancy.refresh_from_db()
        assert vacancy.status == Vacancy.Status.REJECTED
        assert vacancy.rejection_reason == "Kein Gehalt genannt."
    assert len(mail.outbox) == 2
    assert all("Kein Gehalt genannt." in m.body for m in mail.outbox)
    assert all("Kein Gehalt genannt." in m.alternatives[0].content for m in mail.outbox)


def test_model_methods_refuse_empty_reason():
    vacancy = in_review(CompanyFactory())
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        vacancy.reject(reason="")


def test_bulk_close(moderator_client):
    company = CompanyFactory()
    vacancies = [VacancyFactory(company=company) for _ in range(3)]
    moderator_client.post(
        reverse(CHANGELIST), {"action": "close", "_selected_action": [v.pk for v in vacancies]}
    )
    assert set(Vacancy.objects.filter(company=company).values_list("status", flat=True)) == {"closed"}
    assert not Vacancy.objects.live().filter(company=company).exists()


def test_status_cannot_be_edited_in_the_change_form(moderator_client):
    vacancy = in_review(CompanyFactory())
    response = moderator_client.get(reverse("admin:listings_vacancy_change", args=[vacancy.pk]))
    assert response.status_code == 200
    assert 'name="status"' not in response.text


def test_trusted_flag_and_history(moderator_client):
    company = CompanyFactory(name="Vertrauen AG")
    VacancyFactory(company=company)
    VacancyFactory(company=company, status=Vacancy.Status.REJECTED, rejection_reason="Spam-Verdacht")
    in_review(company)
    changelist = reverse("admin:listings_company_changelist")
    response = moderator_client.get(changelist, {"q": "Vertrauen"})
    assert response.status_code == 200
    assert "1 / 1 / 1 / 3" in response.text
    moderator_client.post(changelist, {"action": "mark_trusted", "_selected_action": [company.pk]})
    company.refresh_from_db()
    assert company.is_trusted
    response = moderator_client.get(reverse("admin:listings_company_change", args=[company.pk]))
    assert "Spam-Verdacht" in response.text
    vacancy_list = moderator_client.get(reverse(CHANGELIST), {"queue": "review"})
    assert "1 veröffentlicht, 1 abgelehnt · vertrauenswürdig" in vacancy_list.text
    moderator_client.post(changelist, {"action": "mark_untrusted", "_selected_action": [company.pk]})
    assert not Company.objects.get(pk=company.pk).is_trusted


def test_changelist_query_count_does_not_grow_with_rows(moderator_client, django_assert_max_num_queries):
    company = CompanyFactory()
    for _ in range(30):
        in_review(company)
    with django_assert_max_num_queries(15):
        response = moderator_client.get(reverse(CHANGELIST))
    assert response.status_code == 200


def test_admin_pages_load(admin_client):
    vacancy = in_review(CompanyFactory())
    for url in [
        reverse(CHANGELIST),
        reverse(CHANGELIST) + "?queue=review",
        reverse(CHANGELIST) + "?q=Projekt",
        reverse("admin:listings_vacancy_add"),
        reverse("admin:listings_vacancy_change", args=[vacancy.pk]),
        reverse("admin:listings_company_changelist"),
        reverse("admin:listings_company_add"),
        reverse("admin:listings_company_change", args=[vacancy.company.pk]),
    ]:
        assert admin_client.get(url).status_code == 200, url
