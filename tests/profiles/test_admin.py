import io

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from listings.models import City, Company, Occupation, Vacancy
from profiles.models import CareerProfile, SalaryBand, Section
from tests.factories import (
    CareerProfileFactory,
    CompanyFactory,
    SalaryBandFactory,
    SectionFactory,
    UserFactory,
    VacancyFactory,
)

pytestmark = pytest.mark.django_db

HAGEN_TEXT = (
    "IT Projektkoordinator Jobs und Stellenangebote in Hagen\n"
    "Beruf IT Projektkoordinator in Hagen\n"
    "Zwischen Anspruch und Praxis\n"
    "Ein Vorspann.\n"
    "Was verdient man?\n"
    "Einsteiger starten mit 2.800 € bis 3.300 €.\n"
    "Mit Erfahrung sind 3.500 € bis 4.200 € drin.\n"
    "Ausblick\n"
    "Hagen hat rund 190.000 Einwohner. Das Gehalt liegt bei 3.000 €.\n"
)


def member_of(group, email):
    user = UserFactory(email=email, name=email.split("@")[0].title(), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor():
    return member_of("Redaktion", "rita@example.org")


@pytest.fixture
def moderator():
    return member_of("Moderation", "moritz@example.org")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def profile():
    profile = CareerProfileFactory(status=CareerProfile.Status.DRAFT)
    SectionFactory(profile=profile, heading="Alltag", position=0)
    SectionFactory(profile=profile, heading="Gehalt", position=1)
    SalaryBandFactory(profile=profile, position=0)
    return profile


def admin_pages(model, obj, search):
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    changelist = reverse(f"{name}_changelist")
    return [
        changelist,
        f"{changelist}?q={search}",
        reverse(f"{name}_add"),
        reverse(f"{name}_change", args=[obj.pk]),
        reverse(f"{name}_history", args=[obj.pk]),
    ]


def form_data(response):
    """The POST data a browser would send back for an admin change form."""
    data = {}

    def add(form):
        for field in form:
            value = field.value()
            if isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = value
        for field in form.hidden_fields():
            if field.value() is not None:
                data[field.html_name] = field.value()

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def test_editor_reaches_every_page_of_career_content_and_taxonomy(editor, profile):
    client = logged_in(editor)
    pages = [
        *admin_pages(CareerProfile, profile, "Hagen"),
        *admin_pages(Occupation, Occupation.objects.get(slug="erzieher"), "Erzieh"),
        *admin_pages(City, City.objects.get(slug="koeln"), "Koeln"),
        reverse("admin:profiles_careerprofile_changelist") + "?status__exact=draft",
        reverse("admin:profiles_careerprofile_changelist") + "?city__state=Nordrhein-Westfalen",
        reverse("admin:profiles_careerprofile_changelist")
        + f"?occupation__id__exact={profile.occupation_id}",
        reverse("admin:profiles_careerprofile_import"),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    changelist = client.get(reverse("admin:profiles_careerprofile_changelist") + "?q=Hagen")
    assert profile.title in changelist.text
    assert "Artikel importieren" in changelist.text
    change = client.get(reverse("admin:profiles_careerprofile_change", args=[profile.pk]))
    assert "Auf der Website anzeigen" in change.text or "Ansicht auf der Website" in change.text
    autocomplete = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "profiles",
            "model_name": "careerprofile",
            "field_name": "occupation",
            "term": "Projektko",
        },
    )
    assert autocomplete.status_code == 200
    assert "IT Projektkoordinator" in [r["text"] for r in autocomplete.json()["results"]]


def test_editor_cannot_reach_moderation(editor):
    vacancy = VacancyFactory()
    client = logged_in(editor)
    for url in [*admin_pages(Vacancy, vacancy, "IT"), *admin_pages(Company, vacancy.company, "Firma")]:
        assert client.get(url).status_code == 403, url


def test_moderator_reaches_moderation_but_not_career_content(moderator, profile):
    vacancy = VacancyFactory()
    client = logged_in(moderator)
    for url in [*admin_pages(Vacancy, vacancy, "IT"), *admin_pages(Company, vacancy.company, "Firma")]:
        assert client.get(url).status_code == 200, url
    for url in [
        *admin_pages(CareerProfile, profile, "Hagen"),
        reverse("admin:profiles_careerprofile_import"),
    ]:
        assert client.get(url).status_code == 403, url
    # Taxonomy: looked up for the vacancy form, never changed.
    assert client.get(reverse("admin:listings_occupation_add")).status_code == 403
    assert client.get(reverse("admin:listings_city_add")).status_code == 403
    hagen = City.objects.get(slug="hagen")
    response = client.post(reverse("admin:listings_city_change", args=[hagen.pk]), {"name": "Umbenannt"})
    assert response.status_code == 403
    assert City.objects.get(slug="hagen").name == "Hagen"
    autocomplete = client.get(
        "/admin/autocomplete/",
        {"app_label": "listings", "model_name": "vacancy", "field_name": "city", "term": "Hagen"},
    )
    assert autocomplete.status_code == 200


def test_second_editor_with_a_stale_form_gets_a_conflict_and_keeps_input(editor, profile):
    other = member_of("Redaktion", "otto@example.org")
    url = reverse("admin:profiles_careerprofile_change", args=[profile.pk])
    first, second = logged_in(editor), logged_in(other)
    data_first, data_second = form_data(first.get(url)), form_data(second.get(url))
    assert data_first["edit_version"] == data_second["edit_version"] == 1

    data_first["headline"] = "Fassung von Rita"
    assert first.post(url, data_first).status_code == 302
    data_second["headline"] = "Fassung von Otto"
    data_second["lead"] = "Ottos langer neuer Vorspann."
    response = second.post(url, data_second)

    assert response.status_code == 200
    assert "Konflikt: Dieses Berufsprofil wurde inzwischen von Rita geändert" in response.text
    # Nothing lost: Rita's save stands, Otto's input is still in his form.
    profile.refresh_from_db()
    assert profile.headline == "Fassung von Rita"
    assert profile.version == 2
    assert "Fassung von Otto" in response.text
    assert "Ottos langer neuer Vorspann." in response.text

    # Having seen the message, saving again is a deliberate overwrite.
    again = form_data(response)
    assert again["edit_version"] == "2"
    assert second.post(url, again).status_code == 302
    profile.refresh_from_db()
    assert profile.headline == "Fassung von Otto"
    assert profile.version == 3


def test_actions_bump_the_version_so_a_form_opened_before_is_stale(editor, profile):
    client = logged_in(editor)
    url = reverse("admin:profiles_careerprofile_change", args=[profile.pk])
    data = form_data(client.get(url))
    client.post(
        reverse("admin:profiles_careerprofile_changelist"),
        {"action": "mark_reviewed", "_selected_action": [profile.pk]},
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Konflikt" in response.text


def test_history_records_who_changed_what_including_inlines(editor, profile):
    client = logged_in(editor)
    url = reverse("admin:profiles_careerprofile_change", args=[profile.pk])
    data = form_data(client.get(url))
    data["sections-0-heading"] = "Alltag in Hagen"
    data["sections-1-position"] = 0
    data["sections-0-position"] = 1
    data["salary_bands-0-max_amount"] = 3400
    data["headline"] = "Neue Überschrift"
    assert client.post(url, data).status_code == 302

    profile.refresh_from_db()
    assert [s.heading for s in profile.sections.all()] == ["Gehalt", "Alltag in Hagen"]
    assert profile.salary_bands.get().max_amount == 3400
    entry = LogEntry.objects.get(object_id=str(profile.pk))
    assert entry.user == editor
    message = entry.get_change_message()
    assert "Überschrift" in message
    assert "Alltag in Hagen" in message
    assert "Gehaltsband" in message
    history = client.get(reverse("admin:profiles_careerprofile_history", args=[profile.pk])).text
    assert "Rita" in history
    assert "Alltag in Hagen" in history


def test_invalid_salary_band_is_a_form_error(editor, profile):
    client = logged_in(editor)
    url = reverse("admin:profiles_careerprofile_change", args=[profile.pk])
    data = form_data(client.get(url))
    data["salary_bands-0-min_amount"] = 5000
    data["salary_bands-0-max_amount"] = 4000
    response = client.post(url, data)
    assert response.status_code == 200
    assert "„bis“ darf nicht kleiner als „von“ sein." in response.text
    assert SalaryBand.objects.get().max_amount == 3300


@pytest.mark.parametrize(
    ("field", "value", "period", "message"),
    [
        (
            "max_amount",
            99_999_999,
            "month",
            "Bitte einen Betrag zwischen 500 € und 30.000 € angeben (pro Monat).",
        ),
        ("min_amount", 40, "month", "Bitte einen Betrag zwischen 500 € und 30.000 € angeben (pro Monat)."),
        ("min_amount", 3000, "year", "Bitte einen Betrag zwischen 6.000 € und 400.000 € angeben (pro Jahr)."),
        ("max_amount", 900, "hour", "Bitte einen Betrag zwischen 5 € und 500 € angeben (pro Stunde)."),
    ],
)
def test_implausible_salary_amounts_are_a_form_error(editor, profile, field, value, period, message):
    client = logged_in(editor)
    url = reverse("admin:profiles_careerprofile_change", args=[profile.pk])
    data = form_data(client.get(url))
    data["salary_bands-0-min_amount"], data["salary_bands-0-max_amount"] = 20, 40
    if period != "hour":
        data["salary_bands-0-min_amount"], data["salary_bands-0-max_amount"] = 2800, 3300
    if period == "year":
        data["salary_bands-0-max_amount"] = 48000
    data[f"salary_bands-0-{field}"] = value
    data["salary_bands-0-period"] = period
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in response.text
    band = SalaryBand.objects.get()
    assert (band.min_amount, band.max_amount, band.period) == (2800, 3300, "month")


def test_salary_bands_are_in_euros_only(editor, profile):
    client = logged_in(editor)
    url = reverse("admin:profiles_careerprofile_change", args=[profile.pk])
    data = form_data(client.get(url))
    data["salary_bands-0-currency"] = "USD"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Bitte eine gültige Auswahl treffen. USD ist keine gültige Auswahl." in response.text
    assert SalaryBand.objects.get().currency == "EUR"


def test_workflow_actions(editor, profile):
    client = logged_in(editor)
    changelist = reverse("admin:profiles_careerprofile_changelist")

    def act(action):
        return client.post(changelist, {"action": action, "_selected_action": [profile.pk]}, follow=True)

    response = act("publish")
    assert "Von „Entwurf“ kann nicht zu „veröffentlicht“ gewechselt werden." in response.text
    profile.refresh_from_db()
    assert profile.status == CareerProfile.Status.DRAFT

    assert "1 Profil zur Prüfung gegeben." in act("submit_for_review").text
    assert "1 Profil veröffentlicht." in act("publish").text
    assert "Das Profil ist bereits „veröffentlicht“." in act("publish").text
    profile.refresh_from_db()
    assert profile.status == CareerProfile.Status.PUBLISHED
    assert profile.published_at is not None

    assert "1 Profil als geprüft markiert." in act("mark_reviewed").text
    profile.refresh_from_db()
    assert profile.last_reviewed == timezone.localdate()

    act("back_to_draft")
    profile.refresh_from_db()
    assert profile.status == CareerProfile.Status.DRAFT
    messages = [e.get_change_message() for e in LogEntry.objects.order_by("pk")]
    assert messages == [
        "Status auf „in Prüfung“ gesetzt.",
        "Status auf „veröffentlicht“ gesetzt.",
        "Als geprüft markiert („zuletzt geprüft am“ auf heute gesetzt).",
        "Status zurück auf „Entwurf“ gesetzt.",
    ]


def test_status_cannot_be_set_through_the_form(editor, profile):
    client = logged_in(editor)
    url = reverse("admin:profiles_careerprofile_change", args=[profile.pk])
    data = form_data(client.get(url))
    data["status"] = "published"
    assert client.post(url, data).status_code == 302
    profile.refresh_from_db()
    assert profile.status == CareerProfile.Status.DRAFT


def test_add_page_defaults_the_author_to_the_editor(editor):
    client = logged_in(editor)
    url = reverse("admin:profiles_careerprofile_add")
    data = form_data(client.get(url))
    assert data["author"] == editor.pk
    data.update(
        occupation=Occupation.objects.get(slug="erzieher").pk,
        city=City.objects.get(slug="koeln").pk,
        title="Erzieher Jobs und Stellenangebote in Köln",
        headline="Kita-Alltag in Köln",
        lead="Ein Vorspann.",
    )
    data["sections-TOTAL_FORMS"] = 1
    data.update({"sections-0-position": 0, "sections-0-heading": "Alltag", "sections-0-body": "Text."})
    assert client.post(url, data).status_code == 302
    created = CareerProfile.objects.get()
    assert created.author == editor
    assert created.status == CareerProfile.Status.DRAFT
    assert created.sections.get().heading == "Alltag"


def upload(name, text):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def test_import_upload_reports_per_file_and_reimport_updates(editor):
    client = logged_in(editor)
    url = reverse("admin:profiles_careerprofile_import")
    response = client.post(
        url,
        {"files": [upload("hagen.txt", HAGEN_TEXT), upload("kaputt.txt", "Kein Artikel\n")]},
    )
    assert response.status_code == 200
    html = response.text
    assert "angelegt: IT Projektkoordinator Jobs und Stellenangebote in Hagen" in html
    assert "Abschnitt: Was verdient man? (2 Absätze)" in html
    assert "Gehalt Berufseinstieg: 2.800 € bis 3.300 € pro Monat" in html
    assert "Gehalt mit Berufserfahrung: 3.500 € bis 4.200 € pro Monat" in html
    assert "Gehaltsangabe nicht zugeordnet (keine oder doppelte Stufe): „3.000 €“" in html
    assert "kaputt.txt – nicht importiert" in html
    assert "Fehler: Zu wenige Zeilen" in html
    profile = CareerProfile.objects.get()
    assert profile.author == editor
    assert profile.status == CareerProfile.Status.DRAFT
    assert LogEntry.objects.get(object_id=str(profile.pk)).get_change_message() == (
        "Aus Datei „hagen.txt“ importiert."
    )

    response = client.post(url, {"files": [upload("hagen.txt", HAGEN_TEXT.replace("Ein Vorspann", "Neu"))]})
    assert "aktualisiert: IT Projektkoordinator" in response.text
    assert CareerProfile.objects.count() == 1
    assert Section.objects.count() == 2
    assert SalaryBand.objects.count() == 2
    assert CareerProfile.objects.get().lead == "Neu."


def test_import_upload_dry_run_and_bad_files(editor):
    client = logged_in(editor)
    url = reverse("admin:profiles_careerprofile_import")
    response = client.post(url, {"files": [upload("hagen.txt", HAGEN_TEXT)], "dry_run": "on"})
    assert "würde gespeichert: IT Projektkoordinator" in response.text
    assert CareerProfile.objects.count() == 0
    latin1 = SimpleUploadedFile("alt.txt", "Bäcker".encode("latin-1"))
    response = client.post(url, {"files": [latin1]})
    assert "Die Datei ist nicht in UTF-8 kodiert." in response.text
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.text
    # An empty file is named in the report; the rest of the batch imports.
    response = client.post(url, {"files": [upload("leer.txt", ""), upload("hagen.txt", HAGEN_TEXT)]})
    assert response.status_code == 200
    assert "leer.txt – nicht importiert" in response.text
    assert "Fehler: Die Datei ist leer." in response.text
    assert "angelegt: IT Projektkoordinator Jobs und Stellenangebote in Hagen" in response.text
    CareerProfile.objects.all().delete()
    response = client.post(url, {"files": [upload("a.txt", HAGEN_TEXT)], "dry_run": "on", "publish": "on"})
    assert "schließen sich aus" in response.text
    assert CareerProfile.objects.count() == 0


def test_conflicts_between_admin_and_importer(editor, profile):
    """An import between opening and saving the form is a conflict too."""
    client = logged_in(editor)
    url = reverse("admin:profiles_careerprofile_change", args=[profile.pk])
    data = form_data(client.get(url))
    client.post(reverse("admin:profiles_careerprofile_import"), {"files": [upload("h.txt", HAGEN_TEXT)]})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Konflikt" in response.text
    assert CareerProfile.objects.get().headline == "Zwischen Anspruch und Praxis"


def test_demo_accounts_belong_to_their_groups():
    from django.core.management import call_command

    CompanyFactory()
    call_command("demo_accounts", stdout=io.StringIO())
    editor = Group.objects.get(name="Redaktion").user_set.get()
    moderator = Group.objects.get(name="Moderation").user_set.get()
    assert editor.email == "redaktion@jobsite.example"
    assert moderator.email == "moderation@jobsite.example"
    assert editor.has_perm("profiles.change_careerprofile")
    assert not editor.has_perm("listings.change_vacancy")
    assert moderator.has_perm("listings.change_vacancy")
    assert not moderator.has_perm("profiles.view_careerprofile")
    assert moderator.has_perm("listings.view_city")
    assert not moderator.has_perm("listings.change_city")


def test_a_save_racing_past_the_form_check_is_refused_without_a_trace(editor, profile, monkeypatch):
    from django import forms

    from profiles.forms import CareerProfileAdminForm

    client = logged_in(editor)
    url = reverse("admin:profiles_careerprofile_change", args=[profile.pk])
    data = form_data(client.get(url))
    data["headline"] = "Zu spät"
    data["sections-0-heading"] = "Auch zu spät"
    # Another save lands between the form's check and ours.
    monkeypatch.setattr(CareerProfileAdminForm, "clean", forms.ModelForm.clean)
    CareerProfile.objects.filter(pk=profile.pk).update(version=5)
    response = client.post(url, data, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "Konflikt: Jemand hat das Profil gleichzeitig gespeichert." in response.text
    profile.refresh_from_db()
    assert (profile.headline, profile.version) == ("Ein Beruf mit Zukunft", 5)
    assert profile.sections.first().heading == "Alltag"
    assert not LogEntry.objects.exists()


def test_reextract_salaries_action_reads_the_edited_text(editor, profile):
    section = profile.sections.get(heading="Gehalt")
    section.body = (
        "Einsteiger bekommen 2.900 € bis 3.200 €.\n\nIn der Leitung sind ab 4.400 Euro drin. "
        "Dazu kommt ein Bonus von 1.000 €. Das Gehalt liegt bei 3.000 €."
    )
    section.save()
    version = profile.version
    client = logged_in(editor)
    response = client.post(
        reverse("admin:profiles_careerprofile_changelist"),
        {"action": "reextract_salaries", "_selected_action": [profile.pk]},
        follow=True,
    )
    assert list(profile.salary_bands.values_list("level", "min_amount", "max_amount")) == [
        ("entry", 2900, 3200),
        ("lead", 4400, None),
    ]
    assert (
        f"{profile}: Berufseinstieg: 2.900 € bis 3.200 € pro Monat; Leitung: ab 4.400 € pro Monat"
        in response.text
    )
    assert "Gehaltsangabe nicht zugeordnet: „3.000 €“" in response.text
    assert "nicht als Gehalt gewertet (Bonus): „1.000 €“" in response.text
    profile.refresh_from_db()
    assert profile.version == version + 1
    assert (
        LogEntry.objects.get().get_change_message().startswith("Gehaltsbänder neu ermittelt: Berufseinstieg")
    )
