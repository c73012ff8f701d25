"""Two people saving the same thing at once: the second save, based on what
was on screen before the first, must not silently overwrite it. And a form
sent twice (double click, reload) creates one record."""

import datetime

import pytest
from django.test import Client

from listings.models import Vacancy
from profiles.models import CareerProfile
from tests.factories import CareerProfileFactory, MembershipFactory, UserFactory, VacancyFactory
from tests.security.conftest import forms_in

pytestmark = pytest.mark.django_db


def form_on(client, url, must_have):
    response = client.get(url)
    assert response.status_code == 200, url
    for form in forms_in(response.content.decode()):
        if must_have in form["fields"]:
            return {k: v for k, v in form["fields"].items() if v is not None}
    raise AssertionError(f"no form with {must_have} on {url}")


def test_second_editor_of_a_career_page_gets_a_conflict_not_an_overwrite():
    profile = CareerProfileFactory(headline="Alte Überschrift")
    first, second = Client(), Client()
    first.force_login(UserFactory(is_staff=True, is_superuser=True))
    second.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/profiles/careerprofile/{profile.pk}/change/"
    form_a = form_on(first, url, "headline")
    form_b = form_on(second, url, "headline")

    response = first.post(url, {**form_a, "headline": "Überschrift von A"})
    assert response.status_code == 302
    response = second.post(url, {**form_b, "headline": "Überschrift von B"}, follow=True)
    assert "Konflikt" in response.content.decode()
    profile.refresh_from_db()
    assert profile.headline == "Überschrift von A"
    assert CareerProfile.objects.filter(pk=profile.pk).count() == 1


def test_second_editor_of_a_vacancy_does_not_overwrite_the_first():
    membership = MembershipFactory()
    colleague = MembershipFactory(company=membership.company).user
    vacancy = VacancyFactory(company=membership.company, status=Vacancy.Status.DRAFT, published_at=None)
    first, second = Client(), Client()
    first.force_login(membership.user)
    second.force_login(colleague)
    url = f"/arbeitgeber/stellen/{vacancy.pk}/bearbeiten/"
    form_a = form_on(first, url, "title")
    form_b = form_on(second, url, "title")
    assert first.post(url, {**form_a, "title": "Titel von A (m/w/d)"}).status_code == 302
    response = second.post(url, {**form_b, "title": "Titel von B (m/w/d)"})
    assert response.status_code == 409
    assert "Konflikt" in response.text
    # B's input is kept in the form, which now carries the current version.
    assert "Titel von B (m/w/d)" in response.text
    vacancy.refresh_from_db()
    assert vacancy.title == "Titel von A (m/w/d)"
    assert f'name="base_version" value="{vacancy.version}"' in response.text

    # Saving again after seeing the conflict overwrites on purpose.
    form_b = {**form_b, "title": "Titel von B (m/w/d)", "base_version": str(vacancy.version)}
    assert second.post(url, form_b).status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.title == "Titel von B (m/w/d)"


def test_posting_form_sent_twice_creates_one_draft(settings):
    settings.RATELIMIT_ENABLE = False
    membership = MembershipFactory()
    client = Client()
    client.force_login(membership.user)
    form = form_on(client, "/arbeitgeber/stellen/neu/", "title")
    data = {
        **form,
        "title": "Pflegefachkraft (m/w/d)",
        "city_name": "Hagen",
        "remote": "none",
        "employment_types": ["full_time"],
        "description": "Pflege mit Herz.",
        "apply_url": "https://example.org/bewerben",
        "valid_through": str(datetime.date.today() + datetime.timedelta(days=30)),
    }
    assert data["form_token"]
    first = client.post("/arbeitgeber/stellen/neu/", data)
    second = client.post("/arbeitgeber/stellen/neu/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Vacancy.objects.filter(company=membership.company, title="Pflegefachkraft (m/w/d)").count() == 1


def test_two_moderators_editing_a_vacancy_in_the_admin():
    vacancy = VacancyFactory(title="Alter Titel (m/w/d)")
    first, second = Client(), Client()
    first.force_login(UserFactory(is_staff=True, is_superuser=True))
    second.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/listings/vacancy/{vacancy.pk}/change/"
    form_a = form_on(first, url, "edit_version")
    form_b = form_on(second, url, "edit_version")
    assert first.post(url, {**form_a, "title": "Titel von A (m/w/d)"}).status_code == 302
    response = second.post(url, {**form_b, "title": "Titel von B (m/w/d)"})
    assert "Konflikt: Diese Stelle wurde inzwischen" in response.content.decode()
    vacancy.refresh_from_db()
    assert (vacancy.title, vacancy.version) == ("Titel von A (m/w/d)", 2)


def test_admin_edit_makes_an_open_employer_form_stale():
    membership = MembershipFactory()
    vacancy = VacancyFactory(company=membership.company, status=Vacancy.Status.DRAFT, published_at=None)
    employer, moderator = Client(), Client()
    employer.force_login(membership.user)
    moderator.force_login(UserFactory(is_staff=True, is_superuser=True))
    employer_url = f"/arbeitgeber/stellen/{vacancy.pk}/bearbeiten/"
    admin_url = f"/admin/listings/vacancy/{vacancy.pk}/change/"
    employer_form = form_on(employer, employer_url, "title")
    admin_form = form_on(moderator, admin_url, "edit_version")
    assert moderator.post(admin_url, {**admin_form, "title": "Korrigiert (m/w/d)"}).status_code == 302
    response = employer.post(employer_url, {**employer_form, "title": "Vom Arbeitgeber (m/w/d)"})
    assert response.status_code == 409
    vacancy.refresh_from_db()
    assert vacancy.title == "Korrigiert (m/w/d)"
