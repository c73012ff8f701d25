"""The employer's whole path and the everyday actions in the employer area."""

import datetime
import json
import re

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from listings.models import City, Company, EmployerMembership, User, Vacancy, VacancyDailyStat
from tests.factories import CompanyFactory, MembershipFactory, VacancyFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Sonnenblume-Hagen-2026"


def link_in(message):
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def vacancy_data(client, **overrides):
    """The posting form as a browser would send it, with the form token from a GET."""
    response = client.get(reverse("listings:vacancy_create"))
    assert response.status_code == 200
    data = {
        "form_token": response.context["form"].initial["form_token"],
        "title": "IT-Projektkoordinator (m/w/d) Netzleitstelle",
        "occupation": "",
        "city_name": "Hagen",
        "remote": "hybrid",
        "employment_types": ["full_time"],
        "contract": "permanent",
        "salary_min": "3500",
        "salary_max": "4200",
        "salary_period": "month",
        "description": "Sie koordinieren **IT-Projekte** in der Netzleitstelle.\n\n- Planung\n- Abstimmung",
        "apply_url": "https://stadtwerke.example.org/jobs/4711",
        "apply_email": "",
        "valid_through": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def member(db):
    return MembershipFactory()


@pytest.fixture
def employer_client(client, member):
    client.force_login(member.user)
    return client


def test_whole_path_signup_to_live_vacancy(client, admin_client, django_capture_on_commit_callbacks):
    # Sign-up sends the verification mail and logs the employer in.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("listings:signup"),
            {
                "email": "Personal@Stadtwerke-Beispiel.de",
                "company_name": "Stadtwerke Beispiel GmbH",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("listings:dashboard")
    user = User.objects.get(email="personal@stadtwerke-beispiel.de")
    assert user.email_verified_at is None
    assert user.check_password(PASSWORD)
    assert user.password.startswith("md5$") or user.password.startswith("argon2")
    company = Company.objects.get(slug="stadtwerke-beispiel-gmbh")
    assert user.membership.company == company
    assert user.membership.role == EmployerMembership.Role.OWNER
    assert len(mail.outbox) == 1
    verification = mail.outbox[0]
    assert verification.to == ["personal@stadtwerke-beispiel.de"]
    assert verification.subject == "Bitte bestätigen Sie Ihre E-Mail-Adresse"

    # Unverified: a draft is possible, submitting is not.
    response = client.post(reverse("listings:vacancy_create"), vacancy_data(client))
    draft = Vacancy.objects.get(company=company)
    assert response["Location"] == reverse("listings:vacancy_preview", kwargs={"pk": draft.pk})
    client.post(reverse("listings:vacancy_submit", kwargs={"pk": draft.pk}))
    draft.refresh_from_db()
    assert draft.status == Vacancy.Status.DRAFT
    draft.delete()

    client.post(reverse("listings:logout"))
    link = path_of(link_in(verification))
    # Following the link only asks; the POST confirms.
    response = client.get(link)
    assert response.status_code == 200
    assert "personal@stadtwerke-beispiel.de" in response.text
    user.refresh_from_db()
    assert user.email_verified_at is None
    response = client.post(link)
    assert response["Location"] == reverse("listings:login")
    user.refresh_from_db()
    assert user.email_verified_at is not None

    # Log-in by e-mail, in any case.
    response = client.post(
        reverse("listings:login"), {"username": "PERSONAL@stadtwerke-beispiel.de", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("listings:dashboard")

    # Post with preview.
    response = client.post(reverse("listings:vacancy_create"), vacancy_data(client))
    vacancy = Vacancy.objects.get(company=company)
    assert vacancy.status == Vacancy.Status.DRAFT
    assert vacancy.city.slug == "hagen"
    assert vacancy.occupation.slug == "it-projektkoordinator"
    assert vacancy.employment_types == ["full_time"]
    assert vacancy.created_by == user
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert "<strong>IT-Projekte</strong>" in preview.text
    assert "IT-Projektkoordinator (m/w/d) Netzleitstelle" in preview.text
    assert "Zur Prüfung einreichen" in preview.text
    assert "3.500" in preview.text
    assert client.get(vacancy.get_absolute_url()).status_code == 410

    response = client.post(reverse("listings:vacancy_submit", kwargs={"pk": vacancy.pk}))
    assert response["Location"] == reverse("listings:dashboard")
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.REVIEW
    assert "in Prüfung" in client.get(reverse("listings:dashboard")).text

    # The moderator approves in the admin; the employer gets the mail.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:listings_vacancy_changelist"),
            {"action": "approve", "_selected_action": [vacancy.pk]},
        )
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PUBLISHED
    assert vacancy.is_live
    assert [m.to for m in mail.outbox] == [["personal@stadtwerke-beispiel.de"]]
    assert mail.outbox[0].subject == "Ihre Stelle „IT-Projektkoordinator (m/w/d) Netzleitstelle“ ist online"
    assert vacancy.get_absolute_url() in mail.outbox[0].body

    response = client.get(reverse("listings:vacancy_list"), {"q": "Netzleitstelle"})
    assert "IT-Projektkoordinator (m/w/d) Netzleitstelle" in response.text
    assert client.get(vacancy.get_absolute_url()).status_code == 200
    assert "veröffentlicht" in client.get(reverse("listings:dashboard")).text


def test_double_submit_creates_one_vacancy(employer_client, member):
    data = vacancy_data(employer_client)
    first = employer_client.post(reverse("listings:vacancy_create"), data)
    second = employer_client.post(reverse("listings:vacancy_create"), data)
    vacancy = Vacancy.objects.get(company=member.company)
    assert (
        first["Location"]
        == second["Location"]
        == reverse("listings:vacancy_preview", kwargs={"pk": vacancy.pk})
    )
    # A fresh form (new token) is a new vacancy.
    employer_client.post(reverse("listings:vacancy_create"), vacancy_data(employer_client))
    assert Vacancy.objects.filter(company=member.company).count() == 2


def test_double_submit_to_review_changes_nothing(employer_client, member):
    vacancy = VacancyFactory(company=member.company, status=Vacancy.Status.DRAFT, published_at=None)
    url = reverse("listings:vacancy_submit", kwargs={"pk": vacancy.pk})
    employer_client.post(url)
    vacancy.refresh_from_db()
    submitted_at = vacancy.submitted_at
    assert vacancy.status == Vacancy.Status.REVIEW
    employer_client.post(url)
    vacancy.refresh_from_db()
    assert vacancy.submitted_at == submitted_at
    assert employer_client.get(url).status_code == 405


def test_trusted_company_publishes_directly(employer_client, member):
    member.company.is_trusted = True
    member.company.save()
    employer_client.post(reverse("listings:vacancy_create"), vacancy_data(employer_client))
    vacancy = Vacancy.objects.get(company=member.company)
    preview = employer_client.get(reverse("listings:vacancy_preview", kwargs={"pk": vacancy.pk}))
    assert "Jetzt veröffentlichen" in preview.text
    # A draft can go on no Merkliste: the preview shows no Merken button.
    assert "star-form" not in preview.text and f"/merkliste/{vacancy.pk}/" not in preview.text
    employer_client.post(reverse("listings:vacancy_submit", kwargs={"pk": vacancy.pk}))
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PUBLISHED
    assert vacancy in Vacancy.objects.live()
    # A trusted company's edit stays live.
    data = vacancy_data(
        employer_client, title="Projektkoordinatorin IT (m/w/d)", base_version=vacancy.version
    )
    employer_client.post(reverse("listings:vacancy_edit", kwargs={"pk": vacancy.pk}), data)
    vacancy.refresh_from_db()
    assert vacancy.title == "Projektkoordinatorin IT (m/w/d)"
    assert vacancy.status == Vacancy.Status.PUBLISHED


def test_editing_published_vacancy_sends_it_back_to_review(employer_client, member):
    vacancy = VacancyFactory(company=member.company)
    url = reverse("listings:vacancy_edit", kwargs={"pk": vacancy.pk})
    form = employer_client.get(url)
    assert "erneut geprüft" in form.text
    assert form.context["form"]["city_name"].value() == "Hagen"
    data = vacancy_data(
        employer_client, title="IT-Projektkoordinator (m/w/d) geändert", base_version=vacancy.version
    )
    response = employer_client.post(url, data)
    assert response["Location"] == reverse("listings:vacancy_preview", kwargs={"pk": vacancy.pk})
    vacancy.refresh_from_db()
    assert vacancy.title == "IT-Projektkoordinator (m/w/d) geändert"
    assert vacancy.status == Vacancy.Status.REVIEW
    assert vacancy not in Vacancy.objects.live()


def test_rejection_with_reason_on_dashboard(
    employer_client, member, admin_client, django_capture_on_commit_callbacks
):
    vacancy = VacancyFactory(company=member.company, status=Vacancy.Status.REVIEW, published_at=None)
    changelist = reverse("admin:listings_vacancy_changelist")
    # The action first asks for the reason.
    response = admin_client.post(changelist, {"action": "reject", "_selected_action": [vacancy.pk]})
    assert response.status_code == 200
    assert "Begründung für den Arbeitgeber" in response.text
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.REVIEW
    reason = "Bitte nennen Sie ein Gehalt, das dem Tarif entspricht."
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            changelist,
            {"action": "reject", "_selected_action": [vacancy.pk], "apply": "1", "reason": reason},
        )
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.REJECTED
    assert vacancy.rejection_reason == reason
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.user.email]
    assert reason in mail.outbox[0].body
    dashboard = employer_client.get(reverse("listings:dashboard"))
    assert "abgelehnt" in dashboard.text
    assert reason in dashboard.text
    # Rework and submit again.
    preview = employer_client.get(reverse("listings:vacancy_preview", kwargs={"pk": vacancy.pk}))
    assert reason in preview.text
    employer_client.post(reverse("listings:vacancy_submit", kwargs={"pk": vacancy.pk}))
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.REVIEW
    assert vacancy.rejection_reason == ""


def test_renew_and_close(employer_client, member):
    today = timezone.localdate()
    vacancy = VacancyFactory(company=member.company, valid_through=today - datetime.timedelta(days=2))
    dashboard = employer_client.get(reverse("listings:dashboard"), {"status": "expired"})
    assert vacancy.title in dashboard.text
    assert "abgelaufen" in dashboard.text
    renew = reverse("listings:vacancy_renew", kwargs={"pk": vacancy.pk})
    assert "um 30 Tage verlängern" in employer_client.get(renew).text
    vacancy.refresh_from_db()
    assert vacancy.valid_through == today - datetime.timedelta(days=2)
    employer_client.post(renew)
    vacancy.refresh_from_db()
    assert vacancy.valid_through == today + datetime.timedelta(days=30)
    assert vacancy in Vacancy.objects.live()

    close = reverse("listings:vacancy_close", kwargs={"pk": vacancy.pk})
    employer_client.get(close)
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.PUBLISHED
    employer_client.post(close)
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.CLOSED
    assert vacancy not in Vacancy.objects.live()
    assert "geschlossen" in employer_client.get(reverse("listings:dashboard")).text
    # Closed is final: no renewing, no editing.
    employer_client.post(renew)
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.CLOSED
    employer_client.post(
        reverse("listings:vacancy_edit", kwargs={"pk": vacancy.pk}), vacancy_data(employer_client)
    )
    vacancy.refresh_from_db()
    assert vacancy.title == "IT-Projektkoordinator (m/w/d)"


def test_duplicate_prefills_a_new_draft(employer_client, member):
    source = VacancyFactory(company=member.company, title="Erzieher (m/w/d) Kita Sonnenschein")
    response = employer_client.get(reverse("listings:vacancy_create"), {"von": source.pk})
    form = response.context["form"]
    assert form["title"].value() == "Erzieher (m/w/d) Kita Sonnenschein"
    assert form["city_name"].value() == "Hagen"
    data = {k: v for k, v in form.initial.items() if v is not None}
    data = vacancy_data(employer_client, title=form["title"].value(), form_token=form.initial["form_token"])
    employer_client.post(reverse("listings:vacancy_create"), data)
    copies = Vacancy.objects.filter(company=member.company, title="Erzieher (m/w/d) Kita Sonnenschein")
    assert copies.count() == 2
    assert copies.exclude(pk=source.pk).get().status == Vacancy.Status.DRAFT
    other = VacancyFactory()
    assert employer_client.get(reverse("listings:vacancy_create"), {"von": other.pk}).status_code == 404
    assert employer_client.get(reverse("listings:vacancy_create"), {"von": "x"}).status_code == 404


def test_form_errors_for_bad_input(employer_client, member):
    data = vacancy_data(
        employer_client,
        city_name="Atlantis",
        salary_min="5000",
        salary_max="3000",
        valid_through=(timezone.localdate() + datetime.timedelta(days=181)).isoformat(),
        employment_types=[],
    )
    response = employer_client.post(reverse("listings:vacancy_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "„Atlantis“ kennen wir nicht als Ort in Deutschland" in errors["city_name"][0]
    assert "höchstens 180 Tage" in errors["valid_through"][0]
    assert "employment_types" in errors
    assert not Vacancy.objects.filter(company=member.company).exists()
    data = vacancy_data(employer_client, salary_min="5000", salary_max="3000")
    response = employer_client.post(reverse("listings:vacancy_create"), data)
    assert "Höchstgehalt" in response.context["form"].errors["salary_max"][0]
    data = vacancy_data(employer_client, apply_url="", apply_email="")
    response = employer_client.post(reverse("listings:vacancy_create"), data)
    assert "Bewerbungslink oder eine E-Mail-Adresse" in response.context["form"].errors["apply_url"][0]
    data = vacancy_data(employer_client, valid_through="31.02.2027")
    assert employer_client.post(reverse("listings:vacancy_create"), data).status_code == 200
    assert not Vacancy.objects.filter(company=member.company).exists()


def test_city_by_umlaut_spelling_and_default_validity(employer_client, member):
    form = employer_client.get(reverse("listings:vacancy_create")).context["form"]
    assert form["valid_through"].value() == timezone.localdate() + datetime.timedelta(days=30)
    employer_client.post(reverse("listings:vacancy_create"), vacancy_data(employer_client, city_name="Koeln"))
    assert Vacancy.objects.get(company=member.company).city.slug == "koeln"


def test_dashboard_search_filter_counts_and_chart(employer_client, member, django_assert_max_num_queries):
    today = timezone.localdate()
    live = VacancyFactory(company=member.company, title="Berufskraftfahrer (m/w/d)")
    live.view_count, live.apply_count = 1234, 56
    live.save()
    VacancyFactory(company=member.company, title="Erzieherin Kita", status=Vacancy.Status.DRAFT)
    VacancyFactory(title="Fremde Stelle")
    VacancyDailyStat.objects.create(vacancy=live, date=today, views=4000, apply_clicks=3)
    VacancyDailyStat.objects.create(vacancy=live, date=today - datetime.timedelta(days=3), views=1000)
    VacancyDailyStat.objects.create(vacancy=live, date=today - datetime.timedelta(days=45), views=999)
    with django_assert_max_num_queries(12):
        response = employer_client.get(reverse("listings:dashboard"))
    html = response.text
    assert "Berufskraftfahrer (m/w/d)" in html and "Erzieherin Kita" in html
    assert "Fremde Stelle" not in html
    assert "1.234" in html and ">56<" in html
    # Words with German numbers, the drawing with plain ones.
    assert "insgesamt 5.000 Aufrufe und 3 Bewerbungsklicks, höchstens 4.000 an einem Tag" in html
    assert ": 4.000</title>" in html
    assert html.count("<rect ") == 30
    assert 'height="80.0"' in html  # the best day fills the chart
    response = employer_client.get(reverse("listings:dashboard"), {"q": "kraftfahrer"})
    assert "Berufskraftfahrer" in response.text and "Erzieherin Kita" not in response.text
    response = employer_client.get(reverse("listings:dashboard"), {"status": "draft"})
    assert "Erzieherin Kita" in response.text and "Berufskraftfahrer" not in response.text
    assert employer_client.get(reverse("listings:dashboard"), {"status": "bogus"}).status_code == 200
    assert employer_client.get(reverse("listings:dashboard"), {"page": "abc"}).status_code == 200


def test_employer_area_needs_login(client):
    response = client.get(reverse("listings:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("listings:login"))
    assert client.get(reverse("listings:logout")).status_code == 405


def test_signup_errors(client):
    MembershipFactory(user__email="vergeben@example.org")
    response = client.post(
        reverse("listings:signup"),
        {"email": "vergeben@example.org", "company_name": "X", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "schon ein Konto" in errors["email"][0]
    assert "password1" in errors


def test_invite_colleague(employer_client, member, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        employer_client.post(reverse("listings:invite"), {"email": "kollegin@example.org"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["kollegin@example.org"]
    link = path_of(link_in(mail.outbox[0]))
    employer_client.post(reverse("listings:logout"))
    assert member.company.name in client.get(link).text
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response["Location"] == reverse("listings:dashboard")
    colleague = User.objects.get(email="kollegin@example.org")
    assert colleague.company == member.company
    assert colleague.membership.invited_by == member.user
    assert colleague.email_verified_at is not None
    # The link works once.
    client.post(reverse("listings:logout"))
    assert client.post(link, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 400
    assert client.get(link[:-3] + "xx/").status_code == 400


def test_password_reset_mail(client, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("listings:password_reset"), {"email": member.user.email})
    assert response["Location"] == reverse("listings:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Ihr neues Passwort bei jobsite"
    response = client.get(path_of(link_in(message)), follow=True)
    assert "Neues Passwort festlegen" in response.text
    new = "Neues-Passwort-Hagen-77"
    response = client.post(response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("listings:password_reset_complete")
    member.user.refresh_from_db()
    assert member.user.check_password(new)


def test_company_profile_edit_ignores_trusted(employer_client, member):
    response = employer_client.post(
        reverse("listings:company_edit"),
        {
            "name": "Bäckerei Müller KG",
            "website": "https://baeckerei.example.org",
            "description": "Seit 1921 in Hagen.",
            "is_trusted": "on",
            "slug": "gekapert",
        },
    )
    assert response.status_code == 302
    company = Company.objects.get(pk=member.company.pk)
    assert company.name == "Bäckerei Müller KG"
    assert company.description == "Seit 1921 in Hagen."
    assert company.is_trusted is False
    assert company.slug == member.company.slug


def test_ats_upload_scoped_to_company(employer_client, member):
    other = CompanyFactory(name="Andere GmbH")
    lines = [
        '{"external_id": "A-1", "company": {"name": "Andere GmbH"}, "title": "Erzieher (m/w/d)", '
        '"city": "Köln", "description": "Kita", "apply_url": "https://example.org/a1"}',
        '{"external_id": "A-2", "title": "Bäcker", "city": "Atlantis", "description": "x", '
        '"apply_url": "https://example.org/a2"}',
    ]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("feed.jsonl", "\n".join(lines).encode(), content_type="application/json")
    response = employer_client.post(reverse("listings:vacancy_import"), {"file": upload})
    assert response.status_code == 200
    assert "1 neu, 0 aktualisiert, 0 unverändert, 1 abgelehnt." in response.text
    assert "Zeile 2: Unbekannter Ort: „Atlantis“." in response.text
    vacancy = Vacancy.objects.get(external_id="A-1")
    assert vacancy.company == member.company
    assert vacancy.status == Vacancy.Status.REVIEW
    assert not other.vacancies.exists()


@pytest.mark.parametrize(
    "language, lines",
    [
        (
            "de",
            [
                "1 neu, 0 aktualisiert, 0 unverändert, 2 abgelehnt.",
                "<li>Zeile 2: „remote“ muss einer von „full“, „hybrid“, „none“ sein.</li>",
                "<li>Zeile 3: Unbekannter Ort: „Atlantis“.</li>",
                "<li>Zeile 1: Kein passender Beruf für „Zauberlehrling“; ohne Beruf importiert.</li>",
            ],
        ),
        (
            "en",
            [
                "1 new, 0 updated, 0 unchanged, 2 rejected.",
                "<li>Line 2: “remote” must be one of “full”, “hybrid”, “none”.</li>",
                "<li>Line 3: Unknown place: “Atlantis”.</li>",
                "<li>Line 1: No matching occupation for “Zauberlehrling”; imported without occupation.</li>",
            ],
        ),
    ],
)
def test_ats_upload_report_in_the_visitors_language(employer_client, language, lines):
    from django.core.files.uploadedfile import SimpleUploadedFile

    base = {"city": "Hagen", "description": "x", "apply_url": "https://example.org/a"}
    records = [
        {"external_id": "A-1", "title": "Zauberlehrling", **base},
        {"external_id": "A-2", "title": "Koch (m/w/d)", "remote": "sometimes", **base},
        {"external_id": "A-3", "title": "Bäcker", **base, "city": "Atlantis"},
    ]
    feed = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()
    response = employer_client.post(
        reverse("listings:vacancy_import"),
        {"file": SimpleUploadedFile("feed.jsonl", feed)},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    assert f'lang="{language}"' in response.text
    for line in lines:
        assert line in response.text


def test_every_employer_page_renders(employer_client, member):
    vacancy = VacancyFactory(company=member.company)
    names = [
        ("listings:dashboard", {}),
        ("listings:vacancy_create", {}),
        ("listings:vacancy_import", {}),
        ("listings:company_edit", {}),
        ("listings:invite", {}),
        ("listings:password_change", {}),
        ("listings:vacancy_preview", {"pk": vacancy.pk}),
        ("listings:vacancy_edit", {"pk": vacancy.pk}),
        ("listings:vacancy_close", {"pk": vacancy.pk}),
        ("listings:vacancy_renew", {"pk": vacancy.pk}),
    ]
    for name, kwargs in names:
        response = employer_client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 200, name
        assert 'lang="de"' in response.text
        assert 'content="noindex, nofollow"' in response.text, name
    create = employer_client.get(reverse("listings:vacancy_create")).text
    assert '<option value="Köln">' in create
    assert "Stellentitel" in create and "Arbeitsort" in create and "Online bis" in create
    employer_client.post(reverse("listings:logout"))
    for name in ["listings:login", "listings:signup", "listings:password_reset"]:
        assert employer_client.get(reverse(name)).status_code == 200, name


def test_unverified_employer_cannot_publish_invite_or_import(client, django_capture_on_commit_callbacks):
    member = MembershipFactory(user__email_verified_at=None)
    client.force_login(member.user)
    dashboard = client.get(reverse("listings:dashboard")).text
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in dashboard
    client.post(reverse("listings:invite"), {"email": "x@example.org"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    feed = b'{"external_id": "1", "title": "Koch", "city": "Hagen", "description": "x", "apply_url": "https://e.org"}'
    client.post(reverse("listings:vacancy_import"), {"file": SimpleUploadedFile("f.jsonl", feed)})
    assert not Vacancy.objects.filter(company=member.company).exists()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("listings:resend_verification"))
    assert [m.to for m in mail.outbox] == [[member.user.email]]
    assert client.get(reverse("listings:resend_verification")).status_code == 405


def test_tampered_or_expired_verification_link(client, member, monkeypatch):
    import time

    from listings.employer import services

    token = services.make_verification_token(member.user)
    assert client.get(reverse("listings:verify_email", kwargs={"token": token + "x"})).status_code == 400
    assert client.post(reverse("listings:verify_email", kwargs={"token": "kaputt"})).status_code == 400
    later = time.time() + services.VERIFY_MAX_AGE + 10
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post(reverse("listings:verify_email", kwargs={"token": token}))
    assert response.status_code == 400
    assert "abgelaufen" in response.text


def test_saving_unchanged_keeps_a_smaller_place_of_the_same_name(employer_client, member):
    # "Hagen" alone names the largest Hagen; the form must name this one.
    small = City.objects.filter(name="Hagen").exclude(slug="hagen").order_by("-population").first()
    vacancy = VacancyFactory(company=member.company, city=small)
    url = reverse("listings:vacancy_edit", kwargs={"pk": vacancy.pk})
    shown = employer_client.get(url).context["form"]["city_name"].value()
    assert shown == small.slug
    data = vacancy_data(employer_client, city_name=shown, base_version=vacancy.version)
    assert employer_client.post(url, data).status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.city == small
    # A copy starts in the same place.
    copy = employer_client.get(reverse("listings:vacancy_create"), {"von": vacancy.pk})
    assert copy.context["form"]["city_name"].value() == small.slug


def test_duplicate_with_a_digit_that_is_not_ascii_is_404(employer_client, member):
    # "²".isdigit() is true, int("²") is an error.
    for value in ("²", "١", "99999999999999999999"):
        assert employer_client.get(reverse("listings:vacancy_create"), {"von": value}).status_code == 404


def test_an_edited_expired_vacancy_is_reviewed_before_renewal_puts_it_online(employer_client, member):
    today = timezone.localdate()
    vacancy = VacancyFactory(
        company=member.company,
        status=Vacancy.Status.EXPIRED,
        valid_through=today - datetime.timedelta(days=2),
    )
    url = reverse("listings:vacancy_edit", kwargs={"pk": vacancy.pk})
    data = vacancy_data(employer_client, title="Jetzt Krypto kaufen!!! (m/w/d)", base_version=vacancy.version)
    assert employer_client.post(url, data).status_code == 302
    employer_client.post(reverse("listings:vacancy_renew", kwargs={"pk": vacancy.pk}))
    vacancy.refresh_from_db()
    assert (vacancy.status, vacancy.title) == (Vacancy.Status.REVIEW, "Jetzt Krypto kaufen!!! (m/w/d)")
    assert vacancy not in Vacancy.objects.live()


def test_counts_take_the_singular_for_one(employer_client, member):
    vacancy = VacancyFactory(company=member.company)
    vacancy.view_count, vacancy.apply_count = 1, 1
    vacancy.save()
    VacancyDailyStat.objects.create(vacancy=vacancy, date=timezone.localdate(), views=1, apply_clicks=1)
    dashboard = employer_client.get(reverse("listings:dashboard")).text
    assert "insgesamt 1 Aufruf und 1 Bewerbungsklick, höchstens 1 an einem Tag." in dashboard
    preview = employer_client.get(reverse("listings:vacancy_preview", kwargs={"pk": vacancy.pk})).text
    assert "1 Aufruf, 1 Bewerbungsklick</p>" in preview
    VacancyDailyStat.objects.filter(vacancy=vacancy).update(views=2, apply_clicks=0)
    vacancy.view_count, vacancy.apply_count = 2, 0
    vacancy.save()
    dashboard = employer_client.get(reverse("listings:dashboard")).text
    assert "insgesamt 2 Aufrufe und 0 Bewerbungsklicks, höchstens 2 an einem Tag." in dashboard
    preview = employer_client.get(reverse("listings:vacancy_preview", kwargs={"pk": vacancy.pk})).text
    assert "2 Aufrufe, 0 Bewerbungsklicks</p>" in preview
    # English has its own plural forms (entries in locale/en).
    english = employer_client.get(reverse("listings:dashboard"), HTTP_ACCEPT_LANGUAGE="en").text
    assert "2 views and 0 application clicks in total, at most 2 on one day." in english
    VacancyDailyStat.objects.filter(vacancy=vacancy).update(views=1, apply_clicks=1)
    english = employer_client.get(reverse("listings:dashboard"), HTTP_ACCEPT_LANGUAGE="en").text
    assert "1 view and 1 application click in total, at most 1 on one day." in english


def test_dates_follow_the_language(employer_client, member):
    today = timezone.localdate()
    vacancy = VacancyFactory(company=member.company, valid_through=today - datetime.timedelta(days=2))
    VacancyDailyStat.objects.create(vacancy=vacancy, date=today, views=4000)
    ends = today + datetime.timedelta(days=30)
    renew = reverse("listings:vacancy_renew", kwargs={"pk": vacancy.pk})

    english = employer_client.post(renew, follow=True, HTTP_ACCEPT_LANGUAGE="en").text
    assert f"The vacancy is now online until {ends:%m/%d/%Y}." in english
    assert f"<td>{ends:%m/%d/%Y}</td>" in english
    preview = reverse("listings:vacancy_preview", kwargs={"pk": vacancy.pk})
    assert f"Online until {ends:%m/%d/%Y}" in employer_client.get(preview, HTTP_ACCEPT_LANGUAGE="en").text
    english = employer_client.get(reverse("listings:dashboard"), HTTP_ACCEPT_LANGUAGE="en").text
    assert f"<title>{today:%B} {today.day}: 4,000</title>" in english

    german = employer_client.get(reverse("listings:dashboard"), HTTP_ACCEPT_LANGUAGE="de").text
    assert f"<td>{ends:%d.%m.%Y}</td>" in german
    assert f"vom {today - datetime.timedelta(days=29):%d.%m.%Y} bis {today:%d.%m.%Y}:" in german


def test_employer_mails_are_in_the_language_they_are_written_in(
    client, admin_client, member, django_capture_on_commit_callbacks
):
    data = {"company_name": "Stadtwerke Beispiel GmbH", "password1": PASSWORD, "password2": PASSWORD}
    for language in ("de", "en"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("listings:signup"),
                {**data, "email": f"{language}@stadtwerke-beispiel.de"},
                HTTP_ACCEPT_LANGUAGE=language,
            )
        client.post(reverse("listings:logout"))
    html = {message.to[0]: message.alternatives[0][0] for message in mail.outbox}
    assert '<html lang="de">' in html["de@stadtwerke-beispiel.de"]
    assert '<html lang="en">' in html["en@stadtwerke-beispiel.de"]

    # The moderator works in English, but the employer's language is not
    # theirs to choose: the approval is written in the site's language.
    vacancy = VacancyFactory(company=member.company, status=Vacancy.Status.REVIEW, published_at=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:listings_vacancy_changelist"),
            {"action": "approve", "_selected_action": [vacancy.pk]},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    vacancy.refresh_from_db()
    approved = mail.outbox[0]
    assert approved.subject == f"Ihre Stelle „{vacancy.title}“ ist online"
    assert '<html lang="de">' in approved.alternatives[0][0]
    assert f"{vacancy.valid_through:%d.%m.%Y}" in approved.body


@pytest.mark.parametrize(
    "template",
    [
        "email/employer_invite.html",
        "email/employer_verify.html",
        "email/employer_vacancy_approved.html",
        "email/employer_vacancy_rejected.html",
        "email/alert_confirm.html",
    ],
)
def test_every_html_mail_names_its_language(template):
    vacancy = VacancyFactory.build(valid_through=timezone.localdate())
    with translation.override("en"):
        html = render_to_string(template, {"vacancy": vacancy, "company": vacancy.company, "days": 7})
    assert '<html lang="en">' in html
