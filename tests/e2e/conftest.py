"""Browser tests: Playwright for Python driving Debian's Chromium.

One browser per session; each test gets a fresh context (cookies, viewport).
The live server shares this process, so the tests read mail.outbox and use
the ORM directly. Live-server tests run on a transactional database that is
emptied after each test, so every test loads the little data it needs."""

import datetime
import importlib
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

# Playwright's sync API keeps an event loop running in this thread; Django
# would then refuse ORM calls from the test code. The calls are synchronous
# and safe here, so we say so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# A few real places (GeoNames coordinates), enough for radius searches around Hagen.
PLACES = [
    # slug, name, state, lat, lon, population
    ("hagen", "Hagen", "Nordrhein-Westfalen", 51.36081, 7.47168, 198972),
    ("dortmund", "Dortmund", "Nordrhein-Westfalen", 51.51494, 7.466, 588462),
    ("wuppertal", "Wuppertal", "Nordrhein-Westfalen", 51.25627, 7.14816, 360797),
    ("koeln", "Köln", "Nordrhein-Westfalen", 50.93333, 6.95, 963395),
    ("muenchen", "München", "Bayern", 48.13743, 11.57549, 1260391),
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    # A missing browser is a failure, never a skip: CI must not pass silently.
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing; install Debian's chromium package (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(viewport=PHONE, javascript=True) -> a page whose relative
    URLs go to the live server; external sites are answered locally."""
    contexts = []

    def make(viewport=DESKTOP, javascript=True):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            locale="de-DE",
            java_script_enabled=javascript,
        )
        context.set_default_timeout(10_000)
        # Nothing may leave the machine: requests to other hosts fail at once.
        context.route(
            lambda url: url.startswith("http") and not url.startswith(live_server.url),
            lambda route: route.abort("internetdisconnected"),
        )
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on(
            "console",
            lambda message: page.errors.append(message.text) if message.type == "error" else None,
        )
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    checker = Axe()

    def check(page, label=None):
        results = checker.run(page)
        assert results.violations_count == 0, (
            f"axe-core found violations on {label or page.url}:\n{results.generate_report()}"
        )

    return check


def create_places():
    from jobsite.text import normalize_key
    from listings.models import City

    for slug, name, state, lat, lon, population in PLACES:
        City.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_key": normalize_key(name),
                "state": state,
                "latitude": lat,
                "longitude": lon,
                "population": population,
            },
        )


def create_legal_pages():
    """The Impressum and Datenschutz pages as the data migration makes them
    (the live-server database is emptied between tests)."""
    from types import SimpleNamespace

    from django.apps import apps

    migration = importlib.import_module("jobsite.migrations.0001_legal_pages")
    migration.create_pages(apps, SimpleNamespace(connection=connection))


@pytest.fixture
def site_data(transactional_db, settings):
    """Taxonomy, the Hagen career page and 27 vacancies: 25 IT-Projektkoordinator
    posts in and around Hagen (some part-time) and two elsewhere."""
    from listings.models import Occupation
    from listings.taxonomy import load_occupations
    from profiles.importer import import_profile_file
    from tests.factories import CompanyFactory, VacancyFactory

    create_places()
    load_occupations()
    create_legal_pages()
    profile = import_profile_file(
        settings.BASE_DIR / "demo" / "profiles" / "it-projektkoordinator-hagen.txt", publish=True
    ).profile
    from listings.models import City

    hagen = City.objects.get(slug="hagen")
    dortmund = City.objects.get(slug="dortmund")
    occupation = Occupation.objects.get(slug="it-projektkoordinator")
    stadtwerke = CompanyFactory(name="Stadtwerke Hagen GmbH", slug="stadtwerke-hagen-gmbh")
    other = CompanyFactory(name="Ruhr IT Service AG", slug="ruhr-it-service-ag")
    now = timezone.now()
    vacancies = []
    for i in range(25):
        part_time = i % 5 == 0
        vacancies.append(
            VacancyFactory(
                title=f"IT-Projektkoordinator (m/w/d) Team {i + 1:02d}",
                company=stadtwerke if i % 2 == 0 else other,
                occupation=occupation,
                city=dortmund if i % 3 == 2 else hagen,
                full_time=not part_time,
                part_time=part_time,
                salary_min=Decimal(3500 + 10 * i),
                salary_max=Decimal(4200 + 10 * i),
                published_at=now - datetime.timedelta(hours=i),
                apply_url=f"https://bewerbung.example.org/{i}",
            )
        )
    VacancyFactory(
        title="Erzieher (m/w/d) Kita Sonnenschein",
        company=other,
        occupation=Occupation.objects.get(slug="erzieher"),
        city=City.objects.get(slug="koeln"),
        salary_min=None,
        salary_max=None,
    )
    return {"profile": profile, "company": stadtwerke, "vacancies": vacancies, "hagen": hagen}
