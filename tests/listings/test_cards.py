"""Vacancy cards kept in the cache (listings/templatetags/vacancy_cards.py)."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.template.loader import get_template
from django.utils import timezone, translation

from listings.templatetags import vacancy_cards as cards_module
from tests.factories import VacancyFactory, city_named

pytestmark = pytest.mark.django_db

CARD_TITLES = re.compile(r'<article class="vacancy-card">\s*<h\d><a href="[^"]+">([^<]+)</a>')


@pytest.fixture
def renders(monkeypatch):
    """Names of the card templates rendered (not taken from the cache)."""
    rendered = []

    def counting(name):
        rendered.append(name)
        return get_template(name)

    monkeypatch.setattr(cards_module, "get_template", counting)
    return rendered


def test_a_card_is_rendered_once_and_then_taken_from_the_cache(client, renders):
    VacancyFactory(title="Erste Stelle (m/w/d)")
    VacancyFactory(title="Zweite Stelle (m/w/d)")
    first = client.get("/jobs/", {"where": "Hagen", "radius": 0})
    assert CARD_TITLES.findall(first.text) == ["Zweite Stelle (m/w/d)", "Erste Stelle (m/w/d)"]
    assert renders == ["listings/search/card.html"]  # one lookup for the whole list
    renders.clear()
    # Another search (so not the kept page) showing the same two cards.
    second = client.get("/jobs/", {"where": "Hagen", "radius": 0, "sort": "date"})
    assert CARD_TITLES.findall(second.text) == ["Zweite Stelle (m/w/d)", "Erste Stelle (m/w/d)"]
    assert renders == []


def test_an_edit_shows_at_once_on_the_card(client):
    vacancy = VacancyFactory(title="Alter Titel (m/w/d)")
    assert "Alter Titel" in client.get("/jobs/", {"where": "Hagen"}).text
    vacancy.title = "Neuer Titel (m/w/d)"
    vacancy.save()
    page = client.get("/jobs/", {"where": "Hagen"}).text
    assert CARD_TITLES.findall(page) == ["Neuer Titel (m/w/d)"]


def test_a_renamed_company_shows_at_once_on_the_card(client):
    vacancy = VacancyFactory()
    assert vacancy.company.name in client.get("/jobs/", {"where": "Hagen"}).text
    vacancy.company.name = "Umbenannt AG"
    vacancy.company.save()
    page = client.get("/jobs/", {"where": "Hagen"}).text
    assert '<span class="company">Umbenannt AG</span>' in page


def test_the_card_says_new_only_while_the_vacancy_is_new(client):
    VacancyFactory(title="Frisch (m/w/d)")
    VacancyFactory(title="Älter (m/w/d)", published_at=timezone.now() - datetime.timedelta(days=5))
    page = client.get("/jobs/", {"where": "Hagen"}).text
    # The card's heading (the title comes again in its Merken button's label).
    fresh, older = page.split(">Älter (m/w/d)</a>")
    assert fresh.count('class="badge badge-ok"') == 1
    assert "badge" not in older.split("</article>")[0]


def test_each_distance_gets_its_own_card(client):
    VacancyFactory(title="Schwelmer Stelle (m/w/d)", city=city_named("schwelm"))
    around_schwelm = client.get("/jobs/", {"where": "Schwelm", "radius": 25}).text
    around_hagen = client.get("/jobs/", {"where": "Hagen", "radius": 25}).text
    assert "km entfernt" not in around_schwelm
    assert re.search(r"\((\d+) km entfernt\)", around_hagen)


def test_each_language_gets_its_own_card(client):
    vacancy = VacancyFactory()
    with translation.override("de"):
        german = cards_module.vacancy_cards([vacancy], "includes/vacancy_card.html", 3)
    with translation.override("en"):
        english = cards_module.vacancy_cards([vacancy], "includes/vacancy_card.html", 3)
    assert "online seit" in german[0]
    assert "online since" in english[0]


def test_a_card_depends_only_on_what_its_key_names():
    # Rendered from its own small context: a page variable of the same name
    # ("is_new" here) must not leak into a card that other pages reuse.
    vacancy = VacancyFactory(
        title="Eigene Karte (m/w/d)", published_at=timezone.now() - datetime.timedelta(days=9)
    )
    page = Template(
        '{% load vacancy_cards %}{% vacancy_cards vacancies "listings/search/card.html" as cards %}'
        "{% for card in cards %}{{ card }}{% endfor %}"
    )
    html = page.render(Context({"vacancies": [vacancy], "is_new": True, "vacancy": None}))
    assert CARD_TITLES.findall(html) == ["Eigene Karte (m/w/d)"]
    assert "badge" not in html
    assert "<h3 " in cards_module.vacancy_cards([vacancy], "includes/vacancy_card.html", 3)[0]
    assert "<h2 " in cards_module.vacancy_cards([vacancy], "includes/vacancy_card.html", 2)[0]


def test_a_card_without_a_distance_on_it_is_shared_by_every_place(renders):
    vacancy = VacancyFactory(title="Geteilte Karte (m/w/d)")
    cards = []
    for distance in (None, 0.0, 12.09, 48.7):
        vacancy.distance_km = distance
        cards += cards_module.vacancy_cards([vacancy], "includes/vacancy_card.html", 3)
    assert renders == ["includes/vacancy_card.html"]
    assert len(set(cards)) == 1


def test_a_search_card_is_kept_per_distance_as_shown(renders):
    vacancy = VacancyFactory(title="Entfernte Karte (m/w/d)")
    shown = {}
    for distance in (11.6, 12.4, 12.6, 0.3, 0.0, None):
        vacancy.distance_km = distance
        html = cards_module.vacancy_cards([vacancy], "listings/search/card.html", distance=True)[0]
        found = re.search(r"\((\d+) km entfernt\)", html)
        shown[distance] = found[1] if found else None
    assert shown == {11.6: "12", 12.4: "12", 12.6: "13", 0.3: "0", 0.0: None, None: None}
    # 11.6 and 12.4 both show "12 km"; 0.0 and None show no distance.
    assert len(renders) == 4
