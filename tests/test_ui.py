"""The site's frame without a browser: layout, error pages, flat pages,
no-JS forms, the CSP promise (no inline code) and the asset budgets."""

import gettext
import importlib
import re
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.paginator import Paginator
from django.db import OperationalError, connection
from django.http import HttpResponseGone
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, path, reverse

from jobsite import urls as site_urls
from jobsite.middleware import ErrorPageMiddleware
from tests.factories import VacancyFactory

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("kaputt")


def _database_gone(request):
    raise OperationalError("connection to server at 127.0.0.1 failed")


def _gone(request):
    return HttpResponseGone()


# A URLconf for the failure cases: the real site plus three broken views.
urlpatterns = [
    path("test/boom/", _boom),
    path("test/db-down/", _database_gone),
    path("test/gone/", _gone),
    *site_urls.urlpatterns,
]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500


def url_or_none(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.IGNORECASE)


def assert_site_page(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "/static/css/site.css" in html
    assert f"<h1>{heading}</h1>" in html
    assert f"<title>{heading} – jobsite</title>" in html
    assert 'href="/jobs/"' in html  # the way back to the search
    assert 'class="site-footer"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert "Django" not in html and "Traceback" not in html
    return html


@pytest.mark.urls("tests.test_ui")
def test_error_pages_use_the_site_layout(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    assert_site_page(client.get("/gibt-es-nicht/"), 404, "Seite nicht gefunden")
    assert_site_page(client.get("/", headers={"host": "evil.example"}), 400, "Ungültige Anfrage")

    csrf_client = Client(enforce_csrf_checks=True)
    assert_site_page(csrf_client.post("/i18n/setlang/", {"language": "en"}), 403, "Zugriff verweigert")

    response = client.post("/")  # home allows GET only
    assert_site_page(response, 405, "Aktion nicht möglich")
    assert response["Allow"] == "GET"

    assert_site_page(client.get("/test/gone/"), 410, "Nicht mehr verfügbar")

    failing = Client(raise_request_exception=False)
    assert_site_page(failing.get("/test/boom/"), 500, "Serverfehler")


@pytest.mark.urls("tests.test_ui")
def test_database_outage_page_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/test/db-down/")
    assert_site_page(response, 503, "Vorübergehend nicht erreichbar")
    assert response["Retry-After"] == "30"


def test_rate_limit_page():
    from jobsite.views import ratelimited

    request = RequestFactory().get("/jobs/")
    response = ratelimited(request)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "<h1>Zu viele Anfragen</h1>" in response.content.decode()


def test_error_page_middleware_keeps_pages_with_a_body():
    request = RequestFactory().get("/x/")
    own_page = HttpResponseGone("<h1>Diese Stelle ist vergeben</h1>")
    assert ErrorPageMiddleware(lambda r: own_page)(request) is own_page
    replaced = ErrorPageMiddleware(lambda r: HttpResponseGone())(request)
    assert "<h1>Nicht mehr verfügbar</h1>" in replaced.content.decode()


def test_server_error_falls_back_to_plain_html_when_templates_fail(settings):
    from jobsite.views import server_error

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False}]
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "<h1>Serverfehler</h1>" in response.content.decode()


def test_legal_flat_pages_exist_and_are_linked(client):
    # The data migration ran when the test database was made; browser tests
    # (transactional) empty the tables afterwards, and a reused database keeps
    # that state, so its function is run again here. It is idempotent.
    migration = importlib.import_module("jobsite.migrations.0001_legal_pages")
    migration.create_pages(django_apps, SimpleNamespace(connection=connection))
    migration.create_pages(django_apps, SimpleNamespace(connection=connection))
    Site.objects.clear_cache()
    assert Site.objects.get_current().domain == "127.0.0.1:8000"
    assert FlatPage.objects.filter(url__in=["/impressum/", "/datenschutz/"]).count() == 2
    assert set(FlatPage.objects.values_list("url", flat=True)) >= {"/impressum/", "/datenschutz/"}
    home = client.get("/").content.decode()
    assert '<a href="/impressum/">Impressum</a>' in home
    assert '<a href="/datenschutz/">Datenschutz</a>' in home
    impressum = client.get("/impressum/")
    assert impressum.status_code == 200
    html = impressum.content.decode()
    assert "<h1>Impressum</h1>" in html and "Angaben gemäß § 5 DDG" in html
    page = FlatPage.objects.get(url="/datenschutz/")
    page.content = "<p>Neuer Text der Redaktion.</p>"
    page.save()
    assert "Neuer Text der Redaktion." in client.get("/datenschutz/").content.decode()


def test_header_offers_search_merkliste_and_employer_entry(client, django_user_model):
    html = client.get("/impressum/").content.decode()
    assert 'role="search"' in html and 'name="q"' in html
    # The Merkliste and the employer area come from other modules; the header links them once they exist.
    if url_or_none("listings:merkliste"):
        assert 'href="/merkliste/">Merkliste</a>' in html
    if url_or_none("listings:login"):
        assert 'href="/arbeitgeber/anmelden/">Für Arbeitgeber</a>' in html
    assert 'class="skip-link" href="#main"' in html and 'id="main"' in html


def test_home_shows_german_formats_and_no_js_search_form(client):
    VacancyFactory(title="Kassierer (m/w/d)", salary_min=3500, salary_max=4200)
    html = client.get("/").content.decode()
    assert "3.500 € – 4.200 € pro Monat" in html
    form = re.search(r'<form class="search-form" action="/jobs/" method="get".*?</form>', html, re.S).group(0)
    for name in ('name="q"', 'name="where"', 'name="radius"'):
        assert name in form
    assert '<label for="id_q">Was</label>' in form
    assert '<label for="id_where">Wo</label>' in form
    assert '<label for="id_radius">Umkreis</label>' in form
    if url_or_none("listings:place_suggest"):
        assert 'data-suggest-url="/jobs/orte/"' in form
    assert '<h3 class="vacancy-card-title"><a href=' in html  # cards sit under the section's h2


def test_search_form_keeps_the_chosen_radius():
    assert '<option value="0" selected>' in render_to_string("includes/search_form.html", {"radius": 0})
    assert '<option value="50" selected>' in render_to_string("includes/search_form.html", {"radius": 50})
    default = render_to_string("includes/search_form.html", {})
    assert '<option value="25" selected>' in default
    assert default.count(" selected") == 1


def test_pages_have_no_inline_scripts_or_handlers(client, settings):
    path_ = settings.BASE_DIR / "demo" / "profiles" / "it-projektkoordinator-hagen.txt"
    from profiles.importer import import_profile_file

    profile = import_profile_file(path_, publish=True).profile
    vacancy = VacancyFactory()
    urls = [
        "/",
        "/jobs/?q=Projektkoordinator&where=Hagen",
        vacancy.get_absolute_url(),
        profile.get_absolute_url(),
        "/beruf/it-projektkoordinator/",
        "/jobs-in/hagen/",
        vacancy.company.get_absolute_url(),
        "/impressum/",
        "/gibt-es-nicht/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        html = response.content.decode()
        assert not INLINE_HANDLER.search(html), url
        assert not INLINE_SCRIPT.search(html), url
        assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"], url
        assert '<script src="/static/js/site.js" defer nonce="' in html, url


def test_asset_budgets(settings):
    css = settings.BASE_DIR / "static" / "css" / "site.css"
    assert css.stat().st_size < 40 * 1024
    scripts = list((settings.BASE_DIR / "static" / "js").glob("*.js"))
    assert scripts
    assert sum(path.stat().st_size for path in scripts) < 30 * 1024
    css_text = css.read_text()
    assert "@media print" in css_text and ":focus-visible" in css_text
    assert "http://" not in css_text and "https://" not in css_text  # nothing from elsewhere


def test_language_switch_renders_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/impressum/"})
    assert response.status_code == 302
    html = client.get("/impressum/").content.decode()
    assert '<html lang="en">' in html
    assert '<option value="en" lang="en" selected>English</option>' in html
    assert '<a href="/impressum/">Legal notice</a>' in html
    home = client.get("/").content.decode()
    assert '<h1 id="hero-heading">Find your next job</h1>' in home
    assert '<label for="id_q">What</label>' in home
    assert "Find jobs" in home and "Jobs finden" not in home
    missing = client.get("/gibt-es-nicht/")
    assert "<h1>Page not found</h1>" in missing.content.decode()


def test_english_catalogue_is_compiled_and_complete(settings):
    po = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    with mo.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    assert catalogue.gettext("Jobs finden") == "Find jobs"
    assert catalogue.gettext("Zum Inhalt springen") == "Skip to content"
    text = po.read_text(encoding="utf-8")
    # Every entry has a translation: no empty msgstr after the header.
    entries = text.split("\n\n")[1:]
    untranslated = [e for e in entries if 'msgstr ""\n' in e + "\n" and "msgstr[" not in e and e.strip()]
    untranslated = [e for e in untranslated if e.rstrip().endswith('msgstr ""')]
    assert untranslated == []


def test_home_query_count_does_not_grow_with_vacancies(client, django_assert_num_queries):
    for i in range(12):
        VacancyFactory(title=f"Stelle {i}")
    with django_assert_num_queries(3):  # newest vacancies, popular occupations, cities
        response = client.get("/")
    html = response.content.decode()
    assert html.count('class="vacancy-card"') == 10
    # The live block is a cached fragment: asked again, no query at all.
    with django_assert_num_queries(0):
        assert client.get("/").content.decode().count('class="vacancy-card"') == 10


def test_home_fragment_shows_a_change_at_once(client):
    first = VacancyFactory(title="Erste Stelle")
    assert "Erste Stelle" in client.get("/").text
    newest = VacancyFactory(title="Ganz neue Stelle")
    assert "Ganz neue Stelle" in client.get("/").text
    first.close()
    newest.close()
    html = client.get("/").text
    assert "Erste Stelle" not in html
    assert "Ganz neue Stelle" not in html


def test_page_links_beyond_page_999_are_plain_numbers():
    # German number formatting would write "page=1.501", which is no page.
    page = Paginator(range(40_000), 20).page(1500)
    html = render_to_string("includes/pagination.html", {"page_obj": page, "query_string": "q=Koch"})
    assert 'href="?q=Koch&amp;page=1499"' in html
    assert 'href="?q=Koch&amp;page=1501"' in html
    assert "Seite 1.500 von 2.000" in html
