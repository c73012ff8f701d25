"""Every error page as a visitor sees it: our layout, a heading, a way back
to the search, and zero axe-core violations."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e

ERRORS = {
    "/fehler/400/": (400, "Ungültige Anfrage"),
    "/fehler/403/": (403, "Zugriff verweigert"),
    "/gibt-es-nicht/": (404, "Seite nicht gefunden"),
    "/fehler/405/": (405, "Aktion nicht möglich"),
    "/fehler/410/": (410, "Nicht mehr verfügbar"),
    "/fehler/429/": (429, "Zu viele Anfragen"),
    "/fehler/500/": (500, "Serverfehler"),
    "/fehler/503/": (503, "Vorübergehend nicht erreichbar"),
}


def test_error_pages(new_page, axe, transactional_db, settings):
    settings.ROOT_URLCONF = "tests.e2e.urls"
    page = new_page(PHONE)
    for path, (status, heading) in ERRORS.items():
        response = page.goto(path)
        assert response.status == status, path
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page).to_have_title(f"{heading} – jobsite")
        expect(page.get_by_role("link", name="Zur Jobsuche")).to_have_attribute("href", "/jobs/")
        axe(page, f"error page {status}")

    # A closed vacancy answers 410 with its own page, which says so.
    from tests.e2e.conftest import create_places
    from tests.factories import VacancyFactory

    create_places()
    vacancy = VacancyFactory(occupation=None, title="Geschlossene Stelle (m/w/d)")
    vacancy.close()
    response = page.goto(vacancy.get_absolute_url())
    assert response.status == 410
    expect(page.locator("main")).to_contain_text("nicht mehr")
    axe(page, "closed vacancy (410)")

    # The search on an error page leads straight back into the site.
    page.goto("/gibt-es-nicht/")
    page.get_by_label("Stattdessen nach Jobs suchen").fill("Erzieher")
    page.get_by_label("Stattdessen nach Jobs suchen").press("Enter")
    page.wait_for_url("**/jobs/?q=Erzieher")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.errors == [] or all("status of" in e for e in page.errors)
