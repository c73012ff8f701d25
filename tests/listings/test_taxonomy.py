import pytest

from jobsite.text import german_slugify, normalize_key
from listings.models import City, Occupation
from listings.taxonomy import load_cities, match_occupation, resolve_city

pytestmark = pytest.mark.django_db


def test_german_slugify():
    assert german_slugify("Bäckerei Müller") == "baeckerei-mueller"
    assert german_slugify("Straße & Söhne") == "strasse-soehne"
    assert normalize_key("  KÖLN ") == normalize_key("koeln") == "koeln"


def test_all_german_places_loaded_with_german_names():
    assert City.objects.count() > 11000
    munich = City.objects.get(slug="muenchen")
    assert munich.name == "München"
    assert "Munich" in munich.alias_list
    assert City.objects.get(slug="nuernberg").name == "Nürnberg"
    hagen = City.objects.get(slug="hagen")
    assert hagen.state == "Nordrhein-Westfalen"
    assert round(hagen.latitude, 1) == 51.4
    assert hagen.population > 150000


def test_places_sharing_a_name_get_distinct_slugs_largest_plain():
    muensters = City.objects.filter(name="Münster").order_by("-population")
    assert muensters.count() >= 2
    assert muensters[0].slug == "muenster"
    assert muensters[0].state == "Nordrhein-Westfalen"
    assert len({c.slug for c in muensters}) == muensters.count()


def test_load_cities_is_idempotent():
    before = City.objects.count()
    created, updated = load_cities()
    assert created == 0
    assert updated == before
    assert City.objects.count() == before


@pytest.mark.parametrize("spelling", ["Köln", "Koeln", "koeln", "KÖLN"])
def test_resolve_city_spellings(spelling):
    assert resolve_city(spelling).slug == "koeln"


@pytest.mark.parametrize("spelling", ["München", "Muenchen", "Munich", "muenchen"])
def test_resolve_exonym_and_umlaut(spelling):
    assert resolve_city(spelling).name == "München"


def test_resolve_unknown_place():
    assert resolve_city("Atlantis an der Spree") is None
    assert resolve_city("") is None


def test_occupation_taxonomy_size_and_forms():
    assert Occupation.objects.count() >= 200
    erzieher = Occupation.objects.get(name="Erzieher")
    assert erzieher.name_female == "Erzieherin"
    assert "LKW-Fahrer" in Occupation.objects.get(name="Berufskraftfahrer").synonym_list
    assert "Bankkaufmann" in Occupation.objects.get(name="Kundenberater Bank").synonym_list


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("IT-Projektkoordinator (m/w/d) Netzleitstelle", "IT Projektkoordinator"),
        ("Erzieherin in Teilzeit", "Erzieher"),
        ("LKW-Fahrer CE im Nahverkehr (m/w/d)", "Berufskraftfahrer"),
        ("Bankkaufmann als Kundenberater (w/m/d)", "Kundenberater Bank"),
    ],
)
def test_match_occupation(title, expected):
    assert match_occupation(title).name == expected


def test_match_occupation_none():
    assert match_occupation("Zauberlehrling am Hof") is None
