"""The employer (sign-up to a posted vacancy), the editor (admin edit of a
career page, visible on the site) and the alert pages, in a real browser."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

PASSWORD = "Sonnenblume-Hagen-2026"


def path_of_link_in(message):
    url = re.search(r"https?://\S+", message.body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


def fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a phone"


def test_employer_signs_up_and_posts_a_vacancy(new_page, axe, site_data):
    from listings.models import Vacancy

    page = new_page(PHONE)
    page.goto("/")
    page.get_by_role("link", name="Für Arbeitgeber").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmelden für Arbeitgeber")
    axe(page, "log-in")
    page.goto("/arbeitgeber/registrieren/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Als Arbeitgeber registrieren")
    axe(page, "sign-up")

    # A mistake first: the form says what is wrong and keeps the input.
    page.get_by_label("E-Mail-Adresse").fill("personal@stadtwerke-beispiel.de")
    page.get_by_label("Name des Unternehmens").fill("Stadtwerke Beispiel GmbH")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(PASSWORD + "x")
    page.get_by_role("button", name="Konto anlegen").click()
    expect(page.get_by_label("E-Mail-Adresse")).to_have_value("personal@stadtwerke-beispiel.de")
    axe(page, "sign-up with errors")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(PASSWORD)
    page.get_by_role("button", name="Konto anlegen").click()
    page.wait_for_url("**/arbeitgeber/")
    axe(page, "dashboard (new account)")

    # Confirm the address with the link from the mail, then log in again.
    verification = next(m for m in mail.outbox if m.to == ["personal@stadtwerke-beispiel.de"])
    page.get_by_role("button", name="Abmelden").click()
    page.goto(path_of_link_in(verification))
    axe(page, "confirm e-mail")
    page.get_by_role("button", name="Adresse bestätigen").click()
    page.wait_for_url("**/arbeitgeber/anmelden/**")
    page.get_by_label("E-Mail-Adresse").fill("Personal@Stadtwerke-Beispiel.de")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/arbeitgeber/")

    # Post a vacancy with preview.
    page.get_by_role("link", name="Stelle anlegen").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Neue Stelle anlegen")
    axe(page, "posting form")
    fits(page)
    page.get_by_label("Stellentitel").fill("IT-Projektkoordinator (m/w/d) Netzleitstelle")
    page.get_by_label("Arbeitsort").fill("Hagen")
    page.get_by_label("Vollzeit").check()
    page.get_by_label("Gehalt von (€)").fill("3500")
    page.get_by_label("Gehalt bis (€)").fill("4200")
    page.get_by_label("Gehalt bezieht sich auf").select_option("month")
    page.get_by_label("Stellenbeschreibung").fill(
        "Sie koordinieren **IT-Projekte** in der Netzleitstelle.\n\n- Planung\n- Abstimmung"
    )
    page.get_by_label("Link zur Bewerbung").fill("https://stadtwerke.example.org/jobs/4711")
    page.get_by_role("button", name="Speichern und Vorschau ansehen").click()
    expect(page.locator("strong", has_text="IT-Projekte")).to_be_visible()
    axe(page, "preview")
    fits(page)
    page.get_by_role("button", name="Zur Prüfung einreichen").click()
    page.wait_for_url("**/arbeitgeber/")
    expect(page.locator("main")).to_contain_text("in Prüfung")
    axe(page, "dashboard")
    fits(page)

    # The moderator approves; the vacancy is on the site and in the search.
    vacancy = Vacancy.objects.get(title="IT-Projektkoordinator (m/w/d) Netzleitstelle")
    vacancy.approve()
    page.goto("/jobs/?q=Netzleitstelle")
    page.get_by_role("link", name="IT-Projektkoordinator (m/w/d) Netzleitstelle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("IT-Projektkoordinator (m/w/d) Netzleitstelle")
    expect(page.locator(".vacancy")).to_contain_text("3.500 € – 4.200 €")
    assert page.errors == [] or all("status of" in e for e in page.errors)


def test_editor_changes_a_career_page_in_the_admin(new_page, site_data, django_user_model):
    django_user_model.objects.create_superuser(email="redaktion@jobsite.example", password=PASSWORD)
    profile = site_data["profile"]
    page = new_page(DESKTOP)
    page.goto("/admin/")
    page.get_by_label(re.compile("E-Mail")).fill("redaktion@jobsite.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Anmelden")).click()
    page.goto(f"/admin/profiles/careerprofile/{profile.pk}/change/")
    new_lead = "Neu von der Redaktion: Hagen sucht Menschen, die Projekte zusammenhalten."
    page.locator("textarea[name=lead], input[name=lead]").fill(new_lead)
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist, .success").first).to_be_visible()
    page.goto(profile.get_absolute_url())
    expect(page.locator(".lead")).to_have_text(new_lead)


def test_alert_pages_and_merkliste(new_page, axe, site_data):
    page = new_page(PHONE)
    page.goto("/jobalarm/?q=Projektkoordinator&where=Hagen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jobalarm für diese Suche")
    axe(page, "alert subscribe")
    page.get_by_role("button", name="Jobalarm anlegen").click()
    axe(page, "alert subscribe with errors")
    page.get_by_label("Ihre E-Mail-Adresse").fill("suche@example.org")
    page.locator("input[name=frequency]").first.check()
    page.get_by_role("button", name="Jobalarm anlegen").click()
    page.wait_for_url("**/jobalarm/gesendet/**")
    axe(page, "alert mail sent")
    confirmation = next(m for m in mail.outbox if m.to == ["suche@example.org"])
    page.goto(path_of_link_in(confirmation))
    axe(page, "alert confirm")
    page.locator("main form button[type=submit]").first.click()
    axe(page, "alert confirmed")

    # Managing alerts: request the link by e-mail, then the page behind it.
    mail.outbox.clear()
    page.goto("/jobalarm/verwalten/")
    axe(page, "alert manage request")
    page.get_by_label("Ihre E-Mail-Adresse").fill("suche@example.org")
    page.locator("main form button[type=submit]").first.click()
    axe(page, "alert manage link sent")
    manage_mail = next(m for m in mail.outbox if m.to == ["suche@example.org"])
    links = [re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"https?://\S+", manage_mail.body)]
    manage = next(link for link in links if "/jobalarm/verwalten/" in link)
    page.goto(manage)
    expect(page.locator("main")).to_contain_text("suche@example.org")
    axe(page, "alert manage")
    unsubscribe = next((link for link in links if "/jobalarm/abmelden/" in link), None)
    if unsubscribe:
        page.goto(unsubscribe)
        axe(page, "alert unsubscribe")

    vacancy = site_data["vacancies"][0]
    page.goto(vacancy.get_absolute_url())
    star = page.locator("form.star-form button")
    expect(star).to_have_count(1)
    star.click()
    expect(page.locator("form.star-form button")).to_contain_text("Gemerkt")
    # From the search results: the card's button, which stands inside the
    # filter form but submits a form of its own.
    page.goto("/jobs/")
    card = page.locator(".vacancy-list li").filter(has=page.locator("button.star-button:not(.starred)")).first
    title = card.locator("h2 a").inner_text()
    card.locator("button.star-button").click()
    page.wait_for_url("**/jobs/#stelle-*")
    starred = page.locator(".vacancy-list li").filter(has_text=title).locator("button.star-button")
    expect(starred).to_contain_text("Gemerkt")
    page.goto("/merkliste/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text(vacancy.title)
    expect(page.locator("main")).to_contain_text(title)
    axe(page, "Merkliste")
