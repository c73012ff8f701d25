import datetime
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from listings.models import Occupation, Vacancy
from tests.factories import CompanyFactory, VacancyFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return channel, channel.findall("item")


def test_rss_lists_only_live_vacancies_newest_first(client):
    older = VacancyFactory(title="Ältere Stelle")
    newer = VacancyFactory(title="Neuere Stelle")
    Vacancy.objects.filter(pk=older.pk).update(published_at=newer.published_at - datetime.timedelta(days=1))
    VacancyFactory(title="Geschlossen", status=Vacancy.Status.CLOSED)
    VacancyFactory(title="Abgelaufen", valid_through=datetime.date(2020, 1, 1))
    VacancyFactory(title="In Prüfung", status=Vacancy.Status.REVIEW)
    channel, items = rss_items(client, "/jobs/feed/rss/")
    assert [item.findtext("title") for item in items] == ["Neuere Stelle", "Ältere Stelle"]
    assert channel.findtext("title") == "Neueste Jobs – jobsite"
    assert channel.findtext("language") == "de"
    first = items[0]
    assert first.findtext("link") == f"http://127.0.0.1:8000{newer.get_absolute_url()}"
    assert first.findtext("guid") == first.findtext("link")
    assert first.findtext("category") == "IT Projektkoordinator"


def test_feed_takes_the_search_parameters(client):
    hagen = VacancyFactory(title="Koordinator Hagen")
    VacancyFactory(title="Erzieher Hagen", occupation=Occupation.objects.get(slug="erzieher"))
    channel, items = rss_items(client, "/jobs/feed/rss/?q=Koordinator&where=Hagen&radius=0")
    assert [item.findtext("title") for item in items] == [hagen.title]
    assert channel.findtext("title") == "Jobs: Koordinator in Hagen – jobsite"
    assert channel.findtext("link") == "http://127.0.0.1:8000/jobs/?q=Koordinator&radius=0&where=Hagen"


def test_control_characters_never_break_the_feed(client):
    VacancyFactory(
        title="Fahrer\x0b (m/w/d)\x01\x1f",  # PostgreSQL cannot store NUL at all
        description="Text mit \x08Steuerzeichen\x1b",
        company=CompanyFactory(name="Spedition\x0c Beispiel"),
    )
    channel, items = rss_items(client, "/jobs/feed/rss/?q=Fahrer%0B")
    assert items[0].findtext("title") == "Fahrer (m/w/d)"
    assert "Text mit Steuerzeichen" in items[0].findtext("description")
    response = client.get("/jobs/feed/atom/")
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Fahrer (m/w/d)"
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Spedition Beispiel"


def test_item_html_is_sanitised(client):
    VacancyFactory(description="**Fett**\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2))")
    _, items = rss_items(client, "/jobs/feed/rss/")
    description = items[0].findtext("description")
    assert "<strong>Fett</strong>" in description
    assert "<script" not in description
    assert "javascript:" not in description
    assert "3.500 € – 4.200 € pro Monat" in description


def test_the_closing_date_is_written_the_way_of_the_language(client):
    VacancyFactory(valid_through=datetime.date(2099, 12, 24))
    _, items = rss_items(client, "/jobs/feed/rss/")
    assert "Bewerbung bis 24. Dezember 2099" in items[0].findtext("description")
    _, items = rss_items(Client(HTTP_ACCEPT_LANGUAGE="en"), "/jobs/feed/rss/")
    assert "Apply by Dec. 24, 2099" in items[0].findtext("description")


def test_atom_feed(client):
    vacancy = VacancyFactory(title="Koordinator Atom")
    response = client.get("/jobs/feed/atom/?q=Koordinator")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.findtext(f"{ATOM}title") == "Jobs: Koordinator – jobsite"
    self_link = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link == ["http://127.0.0.1:8000/jobs/feed/atom/?q=Koordinator"]
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Koordinator Atom"]
    assert entries[0].find(f"{ATOM}link").get("href") == f"http://127.0.0.1:8000{vacancy.get_absolute_url()}"


def test_bad_parameters_are_a_400_not_a_500(client):
    response = client.get("/jobs/feed/rss/?radius=abc")
    assert response.status_code == 400
    assert client.get("/jobs/feed/atom/?q=" + "x" * 5000).status_code == 200
