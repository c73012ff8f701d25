"""The one search entry point. The results page, the feeds, the job alerts,
the career pages and the hubs all call `search()`; nothing else filters
vacancies for job seekers.

How a keyword query matches (issue #3):

- The query is cut into words (letters and digits only, so no tsquery or
  LIKE syntax from the user ever reaches SQL; see `query_words`).
- Words are matched against the occupation taxonomy first (names, female and
  male forms, synonyms, with a light German stemmer and umlaut folding), so
  "Erzieherin", "LKW Fahrer", "Pflegekräfte" and "MFA" find vacancies of the
  right occupation even when the title says it differently.
- Every word must then be found somewhere: in the taxonomy, in the title or
  description (PostgreSQL: weighted `search_vector` with the german config,
  prefix match, both umlaut spellings; SQLite: substring match), as a
  fuzzy/compound part of the title (PostgreSQL: pg_trgm word similarity) or in
  the company name.
- Relevance: title hits (weight A) above occupation hits above company and
  description-only hits.
"""

import copy
import difflib
import functools
import hashlib
import heapq
import math
import re
import secrets
from collections import Counter
from dataclasses import asdict, dataclass, field
from operator import itemgetter

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Case, Count, F, FloatField, Q, TextField, Value, When, Window
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jobsite.text import fold_umlauts, normalize_key
from listings import freshness
from listings.models import City, Company, Occupation, Vacancy
from listings.taxonomy import CityResolver


@dataclass
class SearchParams:
    """Validated search values (listings/filters.py builds them from GET)."""

    q: str = ""
    where: str = ""
    radius: int = 25  # km; 0 = only the place itself
    employment_types: list[str] = field(default_factory=list)  # Vacancy.EMPLOYMENT_TYPES codes
    contract: list[str] = field(default_factory=list)  # "permanent", "fixed_term"
    remote: list[str] = field(default_factory=list)  # "none", "hybrid", "full"
    include_remote: bool = True  # fully remote vacancies in a place search
    salary_stated: bool = False
    min_salary: int | None = None  # monthly gross EUR
    published_within: int | None = None  # days
    occupation: str = ""  # occupation slug
    company: str = ""  # company slug
    sort: str = ""  # "relevance" | "date"; "" = relevance with q, date without


@dataclass
class SearchResult:
    vacancies: list  # the page of Vacancy objects (company, city, occupation loaded)
    total: int
    page: object  # django.core.paginator.Page
    facets: dict = field(default_factory=dict)  # name -> [(value, label, count, selected)]
    city: object = None  # the resolved City for `where`, or None
    city_alternatives: list = field(default_factory=list)
    messages: list = field(default_factory=list)  # hints for the user (unknown place, …)
    # True when `total` is only a lower bound ("mehr als 10.000 Jobs").
    total_capped: bool = False
    # True when there are more results than the pages we offer (refine hint).
    depth_capped: bool = False
    sort: str = "date"  # the sort actually applied
    place_suggestions: list = field(default_factory=list)  # Cities for an unknown `where`
    spelling_suggestion: str = ""  # "Meinten Sie …?" for a query with a typo
    related_occupations: list = field(default_factory=list)  # Occupations for the empty state
    wider_radius: int | None = None  # a radius that would give results (empty state)
    wider_radius_total: int = 0
    # True when facet counts cover only the newest `facets_window` matches.
    facets_sampled: bool = False
    facets_window: int = 0
    # The page's vacancy ids, in order, and {city_id: km} around the place
    # (None without one); with rows=False they are all there is.
    ids: list = field(default_factory=list)
    distances: dict | None = None


class PageOutOfRange(Exception):
    pass


MAX_WORDS = 8
MAX_WORD_LENGTH = 40
MAX_PAGES = 50
# Lists without facets (hubs, career pages, company pages, feeds) count
# exactly up to here; above it they say "mehr als 10.000 Jobs".
TOTAL_CAP = 10_000
# The search page works out facets, relevance and its total from the newest
# WINDOW matches (at least as many as the deepest page shows). With more
# matches it says "mehr als 1.000 Jobs" and its facets say they count the
# newest 1,000, unless the query had to collect all matches anyway (a
# keyword naming an occupation, on PostgreSQL), which then counts them up
# to TOTAL_CAP for free. Counting further cost more than everything else on
# the page together at 1,000,000 vacancies.
WINDOW = 1_000
RADIUS_STEPS = (10, 25, 50, 100, 200)
PUBLISHED_WITHIN_DAYS = (1, 3, 7, 14, 30)
TOP_N = 10

# Words that carry no meaning on their own in a German job search; "(m/w/d)"
# in a pasted title yields "m", "w", "d".
STOP_WORDS = {
    "und", "oder", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "im", "in",
    "am", "an", "auf", "als", "bei", "fuer", "für", "mit", "zu", "zum", "zur", "von", "vom",
    "m", "w", "d", "x", "job", "jobs", "stelle", "stellen", "stellenangebot", "stellenangebote",
}  # fmt: skip

_WORD = re.compile(r"[^\W_]+")


# -- text ------------------------------------------------------------------
def query_words(text):
    """Lower-case words of a query, without stop words; only letters and
    digits survive, so the words are safe inside a tsquery or LIKE."""
    words = []
    for word in _WORD.findall((text or "").casefold()):
        word = word[:MAX_WORD_LENGTH]
        if word not in STOP_WORDS and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def spelling_variants(word):
    """'baecker' -> {'baecker', 'bäcker'}, 'bäcker' -> {'bäcker', 'baecker'}:
    German users type umlauts either way, documents spell them either way."""
    variants = {word, fold_umlauts(word)}
    unfolded = word.replace("ae", "ä").replace("oe", "ö").replace("ue", "ü")
    if unfolded != word and not unfolded.startswith(("ä", "ö", "ü")):
        variants.add(unfolded)
    return sorted(variants)


_SUFFIXES = ("innen", "in", "en", "e", "n", "s")


def stem(word):
    """A light German stem for taxonomy comparison: 'Pflegekräfte' and
    'Pflegekraft' -> 'pflegekraft', 'Erzieherin' -> 'erzieher'. Applied to
    both sides, so its roughness only ever matters as a near miss."""
    key = normalize_key(word).replace(" ", "")
    key = key.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 4:
            return key[: -len(suffix)]
    return key


# -- occupation taxonomy ---------------------------------------------------
@dataclass
class OccupationHits:
    exact: dict  # word index -> set of occupation ids (a name matched)
    partial: dict  # word index -> set of occupation ids (compound part / typo)
    spelling: dict  # word index -> corrected word

    def ids(self, kind="all"):
        sources = [self.exact] if kind == "exact" else [self.exact, self.partial]
        return sorted({pk for source in sources for ids in source.values() for pk in ids})


OCCUPATION_CACHE_SECONDS = 300
_NAMES_KEY = "search:occupation-names-token"


@dataclass
class _Taxonomy:
    """Every occupation name, form and synonym, prepared for matching."""

    names: dict  # tuple of stems -> set of occupation ids
    sizes: list  # the name lengths (in words) that occur
    vocabulary: dict  # one stem -> set of occupation ids
    long_parts: list  # (stem, ids) of the stems with 5 letters or more
    slugs: dict  # slug -> occupation id


# One prepared taxonomy per process, under the token the shared cache holds.
_prepared = {}


def _occupation_taxonomy():
    """The taxonomy as of at most OCCUPATION_CACHE_SECONDS ago (an editor's
    new synonym counts after that). The shared cache holds only a token with
    that lifetime; each process prepares the names once per token. Reading
    and unpickling the whole name list from the cache on every search cost
    1-3 ms, and building the lookups again as much."""
    token = cache.get(_NAMES_KEY)
    if token is not None and token in _prepared:
        return _prepared[token]
    names, vocabulary, slugs = {}, {}, {}
    for occupation in Occupation.objects.only("pk", "slug", "name", "name_female", "name_male", "synonyms"):
        slugs[occupation.slug] = occupation.pk
        for name in occupation.all_names:
            name_stems = tuple(stem(part) for part in normalize_key(name).split())
            if name_stems:
                names.setdefault(name_stems, set()).add(occupation.pk)
                for part in name_stems:
                    vocabulary.setdefault(part, set()).add(occupation.pk)
    taxonomy = _Taxonomy(
        names=names,
        sizes=sorted({len(name_stems) for name_stems in names}),
        vocabulary=vocabulary,
        long_parts=[(part, ids) for part, ids in vocabulary.items() if len(part) >= 5],
        slugs=slugs,
    )
    if token is None:
        token = secrets.token_hex(8)
        if not cache.add(_NAMES_KEY, token, OCCUPATION_CACHE_SECONDS):
            token = cache.get(_NAMES_KEY, token)  # another process was first
    _prepared.clear()
    _prepared[token] = taxonomy
    return taxonomy


def match_occupations(words):
    """Which words of the query name an occupation, exactly or as a part."""
    hits = OccupationHits({}, {}, {})
    if not words:
        return hits
    stems = [stem(word) for word in words]
    taxonomy = _occupation_taxonomy()
    for start in range(len(stems)):
        for size in taxonomy.sizes:
            if start + size > len(stems):
                break
            for pk in taxonomy.names.get(tuple(stems[start : start + size]), ()):
                for index in range(start, start + size):
                    hits.exact.setdefault(index, set()).add(pk)
    for index, word_stem in enumerate(stems):
        if index in hits.exact or len(word_stem) < 5:
            continue
        # A compound part: "koordinator" in "projektkoordinator", "fahrer" in
        # "berufskraftfahrer"; or the other way round "altenpflegefachkraft".
        found = set()
        for part, ids in taxonomy.long_parts:
            if part.endswith(word_stem) or (len(part) >= 6 and word_stem.endswith(part)):
                found |= ids
        if not found and len(word_stem) >= 6:
            close = difflib.get_close_matches(word_stem, taxonomy.vocabulary.keys(), n=1, cutoff=0.84)
            if close:
                found = set(taxonomy.vocabulary[close[0]])
                hits.spelling[index] = close[0]
        if found:
            hits.partial[index] = found
    return hits


# -- places ----------------------------------------------------------------
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2):
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def cities_within(city, radius):
    """{city_id: distance in km} of the places within `radius` km (inclusive)
    of `city`: a bounding box on latitude/longitude first, then the exact
    great-circle distance."""
    distances = {city.pk: 0.0}
    if radius <= 0 or city.latitude is None or city.longitude is None:
        return distances
    dlat = radius / 111.0 + 0.01
    dlon = radius / (111.0 * max(math.cos(math.radians(city.latitude)), 0.01)) + 0.01
    box = City.objects.filter(
        latitude__range=(city.latitude - dlat, city.latitude + dlat),
        longitude__range=(city.longitude - dlon, city.longitude + dlon),
    ).values_list("pk", "latitude", "longitude")
    for pk, lat, lon in box:
        distance = haversine_km(city.latitude, city.longitude, lat, lon)
        if distance <= radius + 1e-9:
            distances[pk] = min(distance, distances.get(pk, distance))
    return distances


PLACE_CACHE_SECONDS = 3600


def _kept_here_too(seconds, *, maxsize):
    """Decorator: `compute(*args)` becomes `kept(key, *args)`, the value under
    `key` in the shared cache (computed and stored for `seconds` when
    missing), and also kept in this process (an LRU of `maxsize`).

    Only for keys that name the version of what the value derives from (the
    live-data generation, the places' version): under such a key the value
    never changes, so the process's copy is never stale. Under load every
    cache round trip also hands the CPU to Redis and back; a vacancy page's
    related list made six. Callers only read the value."""

    def decorate(compute):
        @functools.lru_cache(maxsize=maxsize)
        def kept(key, *args):
            value = cache.get(key)
            if value is None:
                value = compute(*args)
                cache.set(key, value, seconds)
            return value

        return kept

    return decorate


def _place(where, radius):
    """(City or None, other places of that name, {city_id: km} within
    `radius`) for a "Wo" value; cached under the places' own version
    (listings/freshness.py), since every search near the same place asks
    the same three queries."""
    wanted = hashlib.sha1(f"{normalize_key(where)}|{radius}".encode(), usedforsecurity=False).hexdigest()
    return _resolved_place(f"search:place:{freshness.places_version()}:{wanted}", where, radius)


@_kept_here_too(PLACE_CACHE_SECONDS, maxsize=256)
def _resolved_place(where, radius):
    city = CityResolver().resolve(where)
    if city is None:
        return (None, [], None)
    alternatives = list(
        City.objects.filter(name_key=city.name_key).exclude(pk=city.pk).order_by("-population")[:5]
    )
    return (city, alternatives, cities_within(city, radius))


def _distances(city, radius):
    """cities_within(city, radius), cached like _place."""
    return _kept_distances(f"search:within:{freshness.places_version()}:{city.pk}:{radius}", city, radius)


@_kept_here_too(PLACE_CACHE_SECONDS, maxsize=256)
def _kept_distances(city, radius):
    return cities_within(city, radius)


def place_suggestions(text, limit=5):
    """Places spelled like an unknown `where` (prefix, then similarity)."""
    key = normalize_key(text)
    if len(key) < 2:
        return []
    candidates = list(
        City.objects.filter(name_key__startswith=key[:2])
        .order_by("-population")
        .only("pk", "name", "slug", "state", "name_key")[:2000]
    )
    by_key = {}
    for city in candidates:
        by_key.setdefault(city.name_key, city)
    starting = [city for k, city in by_key.items() if k.startswith(key)]
    close = [by_key[k] for k in difflib.get_close_matches(key, by_key.keys(), n=limit, cutoff=0.7)]
    result = []
    for city in close + starting:
        if city not in result:
            result.append(city)
    return result[:limit]


# -- filters ---------------------------------------------------------------
def _filter_groups(params, now, selected_ids):
    """One Q per facet group, so each facet can leave its own out.
    Occupation and company by id, not by a join on the slug: only then can
    PostgreSQL walk one occupation's newest vacancies in its own index."""
    groups = {}
    if params.employment_types:
        q = Q()
        for code in params.employment_types:
            if code in Vacancy.EMPLOYMENT_TYPES:
                q |= Q(**{code: True})
        groups["type"] = q
    if params.contract:
        groups["contract"] = Q(contract__in=params.contract)
    if params.remote:
        groups["remote"] = Q(remote__in=params.remote)
    salary = Q()
    if params.salary_stated:
        salary &= Q(salary_monthly_min__isnull=False) | Q(salary_monthly_max__isnull=False)
    if params.min_salary:
        # A range reaching the wish qualifies; a lone "bis" figure counts too.
        salary &= Q(salary_monthly_max__gte=params.min_salary) | Q(
            salary_monthly_max__isnull=True, salary_monthly_min__gte=params.min_salary
        )
    if salary:
        groups["salary"] = salary
    if params.published_within:
        groups["days"] = Q(published_at__gte=now - timezone.timedelta(days=params.published_within))
    if "occupation" in selected_ids:
        groups["occupation"] = Q(occupation_id=selected_ids["occupation"])
    if "company" in selected_ids:
        groups["company"] = Q(company_id=selected_ids["company"])
    return groups


def _all_but(groups, name):
    q = Q()
    for key, value in groups.items():
        if key != name:
            q &= value
    return q


# -- keyword matching ------------------------------------------------------
def _company_ids(word):
    """Companies whose name contains the word; None when it is too common
    ("gmbh") to say anything."""
    if len(word) < 3:
        return None
    variants = spelling_variants(word)
    if connection.vendor == "postgresql":
        # ILIKE, unlike Django's UPPER(...) LIKE, can use the trigram index on
        # the name; the words hold only letters and digits, nothing to escape.
        condition = RawSQL(  # noqa: S611
            " OR ".join(["name ILIKE %s"] * len(variants)),
            [f"%{variant}%" for variant in variants],
            output_field=BooleanField(),
        )
    else:
        condition = Q()
        for variant in variants:
            condition |= Q(name__icontains=variant)
    ids = list(Company.objects.filter(condition).values_list("pk", flat=True)[:201])
    return None if len(ids) > 200 else ids


def _tsquery(words, prefix=True):
    """A tsquery string from sanitised words (letters and digits only, see
    query_words), each word as an OR of its spellings."""
    terms = []
    for word in words:
        variants = []
        for variant in spelling_variants(word):
            variants.append(f"'{variant}'")
            # Prefixes only in the title (weight A): "bäcker:*" is stemmed to
            # "back:*", which would otherwise find "Backend" in descriptions.
            if prefix and len(variant) >= 4:
                variants.append(f"'{variant}':*A")
        terms.append("(" + " | ".join(variants) + ")")
    return terms


# A keyword is looked for in titles, occupations and company names first;
# descriptions are searched too only when that finds fewer than this many
# live vacancies (within the place and `since`, before the filters): the
# first query's own result decides, no extra COUNT (a "LIMIT 50" count makes
# PostgreSQL walk the whole date index when only 7 match). At national scale a word
# like "Buchhaltung" sits in 5 % of all descriptions: reading those rows to
# rank them cost seconds, and a vacancy that only mentions the word in its
# text is the weakest match anyway. Small result sets (and every test
# corpus) always include description matches.
WIDEN_BELOW = 50


class _Keyword:
    """The WHERE condition and the relevance expression for `q`. Scope
    "title": title (PostgreSQL: `title_vector`, a small column with its own
    GIN index; kept out of the covering date index on purpose: there it made
    PostgreSQL walk that index even for rare words, 430,000 entries for
    "supporter"), occupation and company; scope "all" adds the description (`search_vector`) and, on
    PostgreSQL, typo tolerance (pg_trgm on titles).

    Typos only in the second step: a correctly spelled word finds its many
    vacancies through the text index and the taxonomy, and the trigram test
    would add thousands of merely similar titles ("Webentwickler" matched
    18,000 "…entwickler" titles, each read and tested: 360 ms at 1,000,000
    vacancies). A misspelt word finds few exact matches, and the widened
    search then tolerates the typo."""

    def __init__(self, words, scope="title"):
        self.words = words
        self.scope = scope
        self.postgres = connection.vendor == "postgresql"
        self.occupations = match_occupations(words)
        self.companies = {i: _company_ids(word) or [] for i, word in enumerate(words)}

    def widened(self):
        wide = copy.copy(self)
        wide.scope = "all"
        return wide

    @property
    def selective(self):
        """Some word names an occupation: its matches are few (see _window)."""
        return bool(self.occupations.exact)

    @property
    def vector(self):
        return "search_vector" if self.scope == "all" else "title_vector"

    def condition(self):
        if self.postgres:
            return self._pg_condition()
        q = Q()
        for index, word in enumerate(self.words):
            word_q = Q()
            for variant in spelling_variants(word):
                word_q |= Q(title__icontains=variant)
                if self.scope == "all":
                    word_q |= Q(description__icontains=variant)
                if variant[:1].isalpha():
                    capital = variant[:1].upper() + variant[1:]
                    word_q |= Q(title__contains=capital)
                    if self.scope == "all":
                        word_q |= Q(description__contains=capital)
            occupation_ids = self.occupations.exact.get(index, set()) | self.occupations.partial.get(
                index, set()
            )
            if occupation_ids:
                word_q |= Q(occupation_id__in=sorted(occupation_ids))
            if self.companies[index]:
                word_q |= Q(company_id__in=self.companies[index])
            q &= word_q
        return q

    def _pg_condition(self):
        # Columns unqualified on purpose: inside a subquery (the "newest
        # matches" window) Django renames the table, and only the vacancy
        # table has these column names among the joined ones.
        clauses, params = [], []
        for index, word in enumerate(self.words):
            parts = [f"{self.vector} @@ to_tsquery('german', %s)"]
            params.append(_tsquery([word])[0])
            if len(word) >= 4 and self.scope == "all":
                for variant in spelling_variants(word):
                    parts.append("%s <%% title")
                    params.append(variant)
            occupation_ids = self.occupations.exact.get(index, set()) | self.occupations.partial.get(
                index, set()
            )
            if occupation_ids:
                parts.append("occupation_id = ANY(%s)")
                params.append(sorted(occupation_ids))
            if self.companies[index]:
                parts.append("company_id = ANY(%s)")
                params.append(self.companies[index])
            clauses.append("(" + " OR ".join(parts) + ")")
        # Only constant SQL fragments are joined; every user value is a parameter.
        return RawSQL(" AND ".join(clauses), params, output_field=BooleanField())  # noqa: S611

    def rank(self):
        exact = self.occupations.ids("exact")
        partial = [pk for pk in self.occupations.ids() if pk not in exact]
        companies = sorted({pk for ids in self.companies.values() for pk in ids})
        if self.postgres:
            sql = (
                f"ts_rank('{{0.1, 0.2, 0.4, 1.0}}', {self.vector}, to_tsquery('german', %s))"
                " + 0.5 * word_similarity(%s, title)"
                " + CASE WHEN occupation_id = ANY(%s) THEN 0.6"
                " WHEN occupation_id = ANY(%s) THEN 0.2 ELSE 0 END"
                " + CASE WHEN company_id = ANY(%s) THEN 0.15 ELSE 0 END"
            )
            params = [" | ".join(_tsquery(self.words)), " ".join(self.words), exact, partial, companies]
            return RawSQL(sql, params, output_field=FloatField())  # noqa: S611
        rank = Value(0.0)
        for word in self.words:
            title = Q()
            for variant in spelling_variants(word):
                title |= Q(title__icontains=variant)
            rank = rank + Case(When(title, then=Value(1.0)), default=Value(0.0))
        if exact:
            rank = rank + Case(When(occupation_id__in=exact, then=Value(0.8)), default=Value(0.0))
        if partial:
            rank = rank + Case(When(occupation_id__in=partial, then=Value(0.3)), default=Value(0.0))
        if companies:
            rank = rank + Case(When(company_id__in=companies, then=Value(0.2)), default=Value(0.0))
        return rank

    def spelling_suggestion(self):
        if not self.occupations.spelling:
            return ""
        words = list(self.words)
        for index, corrected in self.occupations.spelling.items():
            words[index] = corrected
        return " ".join(words)


# -- facets ----------------------------------------------------------------
def _selected_ids(params):
    """Occupation and company slugs -> ids (0 for an unknown slug).

    An occupation slug is looked up in the taxonomy this process holds
    anyway: related vacancies, career pages and occupation hubs all filter
    by occupation, and the query cost more than the rest of their search
    setup. A slug the taxonomy does not know yet (an occupation added in
    the last few minutes) is asked for in the database."""
    ids = {}
    if params.occupation:
        known = _occupation_taxonomy().slugs.get(params.occupation)
        ids["occupation"] = known or _id_of(Occupation, params.occupation)
    if params.company:
        ids["company"] = _id_of(Company, params.company)
    return ids


def _id_of(model, slug):
    return model.objects.filter(slug=slug).values_list("pk", flat=True).first() or 0


# Window rows are tuples in FACET_COLUMNS order (+ relevance): building
# 10,000 dicts per search cost more than the SQL of a place search.
FACET_COLUMNS = (
    "pk",
    "occupation_id",
    "company_id",
    *Vacancy.EMPLOYMENT_TYPES,
    "contract",
    "remote",
    "salary_monthly_min",
    "salary_monthly_max",
    "published_at",
)
COL = {name: index for index, name in enumerate((*FACET_COLUMNS, "relevance"))}
_PK, _PUBLISHED, _RELEVANCE = COL["pk"], COL["published_at"], COL["relevance"]
_SALARY_MIN, _SALARY_MAX = COL["salary_monthly_min"], COL["salary_monthly_max"]


def _salary_ok(row, params):
    low, high = row[_SALARY_MIN], row[_SALARY_MAX]
    if params.salary_stated and low is None and high is None:
        return False
    if params.min_salary:
        return (high is not None and high >= params.min_salary) or (
            high is None and low is not None and low >= params.min_salary
        )
    return True


def _predicates(params, now, selected_ids):
    """The Python twin of _filter_groups: group name -> test(row)."""
    tests = {}
    types = [COL[code] for code in params.employment_types if code in Vacancy.EMPLOYMENT_TYPES]
    if types:
        tests["type"] = lambda row: any(row[i] for i in types)
    if params.contract:
        tests["contract"] = lambda row, i=COL["contract"]: row[i] in params.contract
    if params.remote:
        tests["remote"] = lambda row, i=COL["remote"]: row[i] in params.remote
    if params.salary_stated or params.min_salary:
        tests["salary"] = lambda row: _salary_ok(row, params)
    if params.published_within:
        since = now - timezone.timedelta(days=params.published_within)
        tests["days"] = lambda row: row[_PUBLISHED] is not None and row[_PUBLISHED] >= since
    for name in ("occupation", "company"):
        if name in selected_ids:
            column, wanted = COL[f"{name}_id"], selected_ids[name]
            tests[name] = lambda row, column=column, wanted=wanted: row[column] == wanted
    return tests


def published_within_label(days):
    """The words for the "veröffentlicht seit" filter: its facet and its chip."""
    return _("seit gestern") if days == 1 else _("in den letzten %(days)s Tagen") % {"days": days}


def _facet_values(params, now):
    """(group, value, label, selected) for the fixed facets, in display order."""
    values = []
    for code, label in Vacancy.EMPLOYMENT_TYPES.items():
        values.append(("type", code, label, code in params.employment_types))
    for code, label in Vacancy.Contract.choices:
        values.append(("contract", code, label, code in params.contract))
    for code, label in Vacancy.Remote.choices:
        values.append(("remote", code, label, code in params.remote))
    values.append(("salary", "1", _("mit Gehaltsangabe"), params.salary_stated))
    for days in PUBLISHED_WITHIN_DAYS:
        values.append(("days", str(days), published_within_label(days), params.published_within == days))
    return values


def _split_by_filters(rows, predicates):
    """(rows passing every filter, {group: rows failing only that group}).
    Rows failing two or more groups count nowhere."""
    tests = list(predicates.items())
    if not tests:
        return rows, {}
    passing, near = [], {}
    for row in rows:
        failed = None
        for name, test in tests:
            if not test(row):
                if failed is not None:
                    break
                failed = name
        else:
            if failed is None:
                passing.append(row)
            else:
                near.setdefault(failed, []).append(row)
    return passing, near


def _count_group(group, rows, now, counts, tops):
    """Adds one group's counts over `rows`; the loops are map/Counter so the
    work happens in C, not per row in Python."""
    if group == "type":
        for code in Vacancy.EMPLOYMENT_TYPES:
            counts[("type", code)] = sum(map(itemgetter(COL[code]), rows))
    elif group in ("contract", "remote"):
        for value, number in Counter(map(itemgetter(COL[group]), rows)).items():
            counts[(group, value)] = number
    elif group == "salary":
        lows, highs = map(itemgetter(_SALARY_MIN), rows), map(itemgetter(_SALARY_MAX), rows)
        counts[("salary", "1")] = sum(
            low is not None or high is not None for low, high in zip(lows, highs, strict=True)
        )
    elif group == "days":
        published = [p for p in map(itemgetter(_PUBLISHED), rows) if p is not None]
        for days in PUBLISHED_WITHIN_DAYS:
            limit = now - timezone.timedelta(days=days)
            counts[("days", str(days))] = sum(p >= limit for p in published)
    else:
        top = Counter(map(itemgetter(COL[f"{group}_id"]), rows))
        top.pop(None, None)
        tops[group] = top


def _facets(passing, near, params, now, selected_ids):
    """Facet counts from the window rows; each group's counts leave its own
    selection out: a row failing no filter counts for every group, a row
    failing exactly one group's filter counts only for that group."""
    values = _facet_values(params, now)
    counts = {}
    tops = {"occupation": Counter(), "company": Counter()}
    for group in ("type", "contract", "remote", "salary", "days", "occupation", "company"):
        rows = passing + near[group] if group in near else passing
        _count_group(group, rows, now, counts, tops)
    facets = {}
    for group, value, label, selected in values:
        facets.setdefault(group, []).append((value, str(label), counts.get((group, value), 0), selected))
    for group, model in (("occupation", Occupation), ("company", Company)):
        top = heapq.nsmallest(TOP_N, tops[group].items(), key=lambda item: (-item[1], item[0]))
        wanted = selected_ids.get(group)
        if wanted and wanted not in dict(top):
            top.append((wanted, tops[group].get(wanted, 0)))
        if not top:
            facets[group] = []
            continue
        names = {
            pk: (slug, name)
            for pk, slug, name in model.objects.filter(pk__in=[pk for pk, _n in top]).values_list(
                "pk", "slug", "name"
            )
        }
        facets[group] = [
            (names[pk][0], names[pk][1], count, pk == wanted) for pk, count in top if pk in names
        ]
    return facets


# -- the entry point -------------------------------------------------------
def search(
    params,
    *,
    page=1,
    per_page=20,
    facets=True,
    since=None,
    max_pages=MAX_PAGES,
    count=True,
    place=None,
    rows=True,
):
    """Runs a search; `since` (a datetime) keeps only vacancies published
    after it (job alerts). Raises PageOutOfRange for a page past the end (or
    past `max_pages`, the deepest page we offer).

    Results are cached under the live-data generation (listings/freshness.py):
    any change to what is live makes every cached result stale at once, so a
    closed vacancy never shows up from the cache. Alerts (`since`) always
    ask the database.

    `count=False` (only together with facets=False) skips the total: for
    lists that show a few vacancies and no number, such as "related
    vacancies"; `total` is then the length of the page.

    `place`: the City that `params.where` names, when the caller has it
    already (city hubs, career pages). The name is then not looked up
    again, and no other places of that name are offered.

    `rows=False`: the page's vacancies are not read, only their ids (and
    distances); for callers that show kept cards (related vacancies)."""
    try:
        page = int(page)
    except (TypeError, ValueError) as exc:
        raise PageOutOfRange from exc
    if page < 1 or page > max_pages:
        raise PageOutOfRange
    options = {"page": page, "per_page": per_page, "facets": facets, "max_pages": max_pages, "count": count}
    if place is not None:
        options["place"] = place
    if not rows:
        options["rows"] = False
    if since is not None:
        return _search(params, since=since, **options)
    short = _short_list(params, **options)
    if short is not None:
        return short
    key = _cache_key(params, options)
    cached = cache.get(key)
    if cached is not None:
        return _from_cache(cached, rows=rows)
    result = _search(params, since=None, **options)
    cache.set(key, _to_cache(result), freshness.CACHE_SECONDS)
    return result


# What a cached result keeps besides the page's vacancy ids: small values
# and a few taxonomy rows. Labels are already translated, hence the language
# in the key.
_CACHED_FIELDS = (
    "total",
    "facets",
    "city",
    "city_alternatives",
    "messages",
    "total_capped",
    "depth_capped",
    "sort",
    "place_suggestions",
    "spelling_suggestion",
    "related_occupations",
    "wider_radius",
    "wider_radius_total",
    "facets_sampled",
    "facets_window",
)


def _cache_key(params, options):
    if "place" in options:
        options = {**options, "place": options["place"].pk}
    wanted = repr((sorted(asdict(params).items()), sorted(options.items())))
    digest = hashlib.sha1(wanted.encode(), usedforsecurity=False).hexdigest()
    return f"search:{freshness.key_prefix()}:{get_language()}:{digest}"


def _to_cache(result):
    distances = {vacancy.city_id: vacancy.distance_km for vacancy in result.vacancies}
    if result.ids and not result.vacancies:
        # rows=False: the page's places are unknown, so all distances are kept.
        distances = result.distances
    return {
        "ids": result.ids,
        "distances": distances,
        "count": result.page.paginator.count,
        "per_page": result.page.paginator.per_page,
        "number": result.page.number,
        **{name: getattr(result, name) for name in _CACHED_FIELDS},
    }


def _from_cache(data, *, rows=True):
    result = SearchResult(vacancies=[], total=0, page=None)
    for name in _CACHED_FIELDS:
        setattr(result, name, data[name])
    # The page's rows are loaded fresh (one query), so a changed title or
    # logo shows without a new search.
    page_obj = Paginator(range(data["count"]), data["per_page"]).page(data["number"])
    _fill_page(result, page_obj, data["ids"], data["distances"], rows=rows)
    return result


def _fill_page(result, page_obj, ids, distances, *, rows=True):
    """The page's vacancies in `ids` order, loaded for lists (without their
    Markdown texts, see VacancyQuerySet.for_lists), and their distance
    ({city_id: km}, or None without a place). `rows=False`: only the ids
    and distances (see search); feeds, which show more than a card, read
    their rows themselves."""
    result.ids, result.distances = list(ids), distances
    if not rows:
        page_obj.object_list = []
        result.page, result.vacancies = page_obj, []
        return
    loaded = Vacancy.objects.for_lists().in_bulk(ids)
    page_obj.object_list = [loaded[pk] for pk in ids if pk in loaded]
    for vacancy in page_obj.object_list:
        vacancy.distance_km = None if distances is None else distances.get(vacancy.city_id)
    result.page = page_obj
    result.vacancies = list(page_obj.object_list)


def _search(params, *, page, per_page, facets, since, max_pages, count, place=None, rows=True):
    now = timezone.now()
    result = SearchResult(vacancies=[], total=0, page=None)
    base = Vacancy.objects.live()
    if since is not None:
        base = base.filter(published_at__gt=since)

    keyword = None
    words = query_words(params.q)
    distances = None
    if params.where:
        if place is not None:
            city, alternatives, distances = place, [], _distances(place, max(0, params.radius))
        else:
            city, alternatives, distances = _place(params.where, max(0, params.radius))
        if city is None:
            result.messages.append(
                _("Den Ort „%(place)s“ kennen wir nicht. Bitte prüfen Sie die Schreibweise.")
                % {"place": params.where[:100]}
            )
            result.place_suggestions = place_suggestions(params.where)
            base = base.none()
        else:
            result.city = city
            result.city_alternatives = alternatives
            place_q = Q(city_id__any=sorted(distances))
            if params.include_remote:
                place_q |= Q(remote=Vacancy.Remote.FULL)
            base = base.filter(place_q)
    unmatched = base
    if words:
        keyword = _Keyword(words)
        base = base.filter(keyword.condition())
        result.spelling_suggestion = keyword.spelling_suggestion()

    selected_ids = _selected_ids(params)
    groups = _filter_groups(params, now, selected_ids)
    if "remote" in groups and distances is not None and Vacancy.Remote.FULL not in params.remote:
        # "Near the place OR fully remote" with a remote filter that leaves
        # out fully remote: only the place part can match. Saying so outright
        # lets PostgreSQL start from the place index; otherwise it walked the
        # whole date index looking for 74 matches (260 ms -> 9 ms for a
        # filtered search around Augsburg at 1,000,000 vacancies). The remote
        # facet leaves this group out and still counts the fully remote ones.
        groups["remote"] &= Q(city_id__any=sorted(distances))
    predicates = _predicates(params, now, selected_ids)
    rank = keyword is not None and params.sort != "date"
    result.sort = "relevance" if rank else "date"

    if not facets and not rank:
        options = {
            "page": page,
            "per_page": per_page,
            "max_pages": max_pages,
            "distances": distances,
            "rows": rows,
        }
        # A place search includes every fully remote vacancy in Germany; when
        # those alone are more than TOTAL_CAP, a list with nothing else to
        # narrow it down is "more than 10,000" without counting (counting
        # stopped at the cap still read 10,000 index entries per hub page).
        options["over_cap"] = (
            count
            and result.city is not None
            and params.include_remote
            and keyword is None
            and not groups
            and since is None
            and _remote_count() > TOTAL_CAP
        )
        options["selective"] = keyword is not None and keyword.selective
        out_of_range = False
        try:
            _direct_page(result, base.filter(_all_but(groups, None)), count=count, **options)
        except PageOutOfRange:
            out_of_range = True
        if keyword is not None and result.total < WIDEN_BELOW:
            keyword = keyword.widened()
            wide = unmatched.filter(keyword.condition()).filter(_all_but(groups, None))
            _direct_page(result, wide, count=count, **options)
        elif out_of_range:
            raise PageOutOfRange
        return result

    # One query fetches the small facet columns (and the relevance) of the
    # newest WINDOW + 1 matches; filters, facet counts (each leaving its own
    # group out) and the order of the pages are then worked out from these
    # rows, so the expensive text and place conditions run once per search,
    # not once per facet. With more matches than that, the facets say they
    # count the newest WINDOW, and the total is "more than WINDOW" (see
    # WINDOW for when it is exact).
    window = max(WINDOW, max_pages * per_page)
    selective = keyword is not None and keyword.selective
    found, matched = _window(base, keyword if rank else None, selective=selective, limit=window + 1)
    if keyword is not None and len(found) < WIDEN_BELOW:
        keyword = keyword.widened()
        base = unmatched.filter(keyword.condition())
        found, matched = _window(base, keyword if rank else None, selective=selective, limit=window + 1)
    base_capped = len(found) > window
    found = found[:window]
    matching, near = _split_by_filters(found, predicates)
    if facets:
        result.facets = _facets(matching, near, params, now, selected_ids)
        result.facets_sampled = base_capped
        result.facets_window = window
    filtered = base.filter(_all_but(groups, None))
    more = base_capped
    if base_capped and predicates:
        # The filters may pick vacancies beyond the newest window: ask again.
        matching, matched = _window(
            filtered, keyword if rank else None, selective=selective, limit=window + 1
        )
        more = len(matching) > window
        matching = matching[:window]
    if more and matched is not None:
        result.total_capped = matched > TOTAL_CAP
        result.total = total = min(matched, TOTAL_CAP)
    elif more:
        # "More than 1,000": counting further would read every match
        # (100-200 ms for a broad word or a wide place with filters at
        # 1,000,000 vacancies), and the pages offered end there anyway.
        result.total_capped = True
        result.total = total = window
    else:
        result.total_capped = False
        result.total = total = len(matching)
    if rank:
        matching.sort(key=lambda row: (-row[_RELEVANCE], -_timestamp(row), -row[_PK]))

    reachable = min(total, max_pages * per_page)  # the deepest page we offer
    result.depth_capped = total > reachable or result.total_capped
    paginator = Paginator(range(reachable), per_page)
    if page > paginator.num_pages:
        raise PageOutOfRange
    page_obj = paginator.page(page)
    ids = [row[_PK] for row in matching[page_obj.start_index() - 1 : page_obj.end_index()]]
    _fill_page(result, page_obj, ids, distances, rows=rows)

    if total == 0:
        _empty_state(result, params, base, groups, keyword, distances)
    return result


# How many of an occupation's newest live vacancies are kept for short lists.
OCCUPATION_NEWEST = 300


def _occupation_newest(occupation_id):
    """(pk, city_id, remote) of an occupation's newest OCCUPATION_NEWEST live
    vacancies, newest first; kept per live-data generation and day, in the
    shared cache and in this process."""
    return _kept_occupation_newest(
        f"search:occupation-newest:{freshness.key_prefix()}:{occupation_id}", occupation_id
    )


@_kept_here_too(freshness.CACHE_SECONDS, maxsize=128)
def _kept_occupation_newest(occupation_id):
    newest = Vacancy.objects.live().filter(occupation_id=occupation_id).order_by("-published_at", "-id")
    return tuple(newest.values_list("pk", "city_id", "remote")[:OCCUPATION_NEWEST])


def _short_list(params, *, page, per_page, facets, max_pages, count, place=None, rows=True):
    """Related vacancies: a first page of one occupation around a City the
    caller has (or anywhere), by date and without a count, picked from the
    occupation's newest vacancies (_from_occupation_newest). Asked before
    the result cache: it needs no more than that cache's own round trips,
    and those lists are too many and too short-lived to keep (one per
    occupation and place). None when the search is not such a list, or when
    the newest rows cannot say."""
    if facets or count or page != 1 or query_words(params.q) or (params.where and place is None):
        return None
    selected_ids = _selected_ids(params)
    if set(_filter_groups(params, timezone.now(), selected_ids)) != {"occupation"}:
        return None
    distances = _distances(place, max(0, params.radius)) if params.where else None
    result = SearchResult(vacancies=[], total=0, page=None, city=place if params.where else None)
    if _from_occupation_newest(result, params, selected_ids["occupation"], distances, per_page, rows=rows):
        return result
    return None


def _from_occupation_newest(result, params, occupation_id, distances, per_page, *, rows=True):
    """A first page of one occupation around a place (or anywhere), by date
    and without a count: related vacancies. Picked in Python from the
    occupation's newest vacancies, which every page of that occupation
    shares, instead of a query per page: with hundreds of place ids in it,
    PostgreSQL spent longer planning that query (3 ms) than running it.

    Returns False when those rows cannot say: fewer matches among them than
    the page needs, while the occupation has more vacancies than were kept."""
    newest = _occupation_newest(occupation_id)
    remote_too = distances is not None and params.include_remote
    ids = [
        pk
        for pk, city_id, remote in newest
        if distances is None or city_id in distances or (remote_too and remote == Vacancy.Remote.FULL)
    ][:per_page]
    if len(ids) < per_page and len(newest) == OCCUPATION_NEWEST:
        return False
    result.total = len(ids)
    result.total_capped = result.depth_capped = False
    _fill_page(result, Paginator(range(len(ids)), per_page).page(1), ids, distances, rows=rows)
    return True


def _newest_first(queryset, selective):
    """Newest first. `selective`: the keyword names an occupation, so its
    matches are a small share of all vacancies. PostgreSQL's estimate for
    "text OR trigram OR occupation" is then far too high, and it walks the
    date index through the whole table looking for them (9 s for
    "Küchenhilfe" at 1,000,000 vacancies). Ordering NULLS LAST, which no
    index provides (and which changes nothing: live vacancies have a
    publication date), makes it collect the matches from the GIN and
    occupation indexes and sort just those (0.1 s)."""
    if selective and connection.vendor == "postgresql":
        return queryset.order_by(F("published_at").desc(nulls_last=True), "-id")
    return queryset.order_by("-published_at", "-id")


def _window(queryset, keyword, *, selective=False, limit):
    """(the facet columns (and relevance) of the newest `limit` matches,
    the number of all matches or None).

    A selective keyword's matches are all collected and sorted anyway (see
    _newest_first), so on PostgreSQL the same query counts them too
    (`COUNT(*) OVER ()`): a separate capped COUNT would run the text and
    trigram tests on them a second time (166 ms of 443 for
    "Innendienstmitarbeiterin" at 1,000,000 vacancies). Elsewhere the
    query stops early in the date index, and counting would defeat that."""
    queryset = _newest_first(queryset, selective)
    columns = list(FACET_COLUMNS)
    if selective and connection.vendor == "postgresql":
        return _counted_window(queryset, keyword, columns, limit)
    if keyword is not None:
        queryset = queryset.annotate(relevance=keyword.rank())
        columns.append("relevance")
    return list(queryset.values_list(*columns)[:limit]), None


def _counted_window(queryset, keyword, columns, limit):
    """_window for a selective keyword on PostgreSQL: the newest `limit`
    matches and the number of all of them in one query. The relevance is
    worked out in an outer query, for the `limit` rows only: below the
    window count PostgreSQL computed it for every match, and the trigram
    similarity alone costs about 5 µs a row (2,376 matches of
    "Transportdisponent": 13 of 19 ms)."""
    queryset = queryset.annotate(matched=Window(Count("*")))
    if keyword is None:
        rows = list(queryset.values_list(*columns, "matched")[:limit])
        return [row[:-1] for row in rows], (rows[0][-1] if rows else 0)
    # The inner query also hands out what the relevance reads, under the
    # names keyword.rank() uses (title, its text vector, occupation_id, company_id).
    vector = keyword.vector
    queryset = queryset.annotate(**{vector: RawSQL(vector, [], output_field=TextField())})  # noqa: S611
    inner = queryset.values_list(*columns, "matched", "title", vector)[:limit]
    inner_sql, inner_params = inner.query.sql_with_params()
    rank = keyword.rank()
    selected = ", ".join(f"newest.{connection.ops.quote_name(column)}" for column in columns)
    # Constant SQL only: the rank's and the inner query's values are parameters.
    sql = (
        f"SELECT {selected}, ({rank.sql}) AS relevance, newest.matched FROM ({inner_sql}) newest"  # noqa: S608
        " ORDER BY newest.published_at DESC NULLS LAST, newest.pk DESC"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rank.params, *inner_params])
        rows = cursor.fetchall()
    return [row[:-1] for row in rows], (rows[0][-1] if rows else 0)


def _direct_page(
    result,
    queryset,
    *,
    page,
    per_page,
    max_pages,
    distances,
    count,
    rows=True,
    selective=False,
    over_cap=False,
):
    """Without facets and ranking (vacancy pages, career pages, hubs, feeds,
    alerts): a capped COUNT (skipped when the caller shows no total) and the
    page's ids in date order, both answered from indexes
    (vacancy_occ_published_idx for occupation pages, the covering
    date index otherwise); no window of facet columns."""
    ordered = _newest_first(queryset, selective)
    if count:
        total, result.total_capped = _capped_count(queryset, over_cap)
        result.total = total  # known even when the page is out of range
    else:
        total = None
    reachable = min(total, max_pages * per_page) if total is not None else per_page
    num_pages = max(1, math.ceil(reachable / per_page)) if total is not None else 1
    if page > num_pages:
        raise PageOutOfRange
    start = (page - 1) * per_page
    # The ids first, then their rows: the ids come from the covering index
    # alone, while fetching whole rows in the same query would read the
    # table for every row the place or date test skips.
    page_ids = list(ordered.values_list("pk", flat=True)[start : start + per_page])
    if total is None:
        total = reachable = len(page_ids)
    result.total = total
    result.depth_capped = total > reachable or result.total_capped
    _fill_page(result, Paginator(range(reachable), per_page).page(page), page_ids, distances, rows=rows)
    return result


def _capped_count(queryset, over_cap):
    """(total up to TOTAL_CAP, whether there are more). `over_cap`: known
    to be more already, nothing to count."""
    if over_cap:
        return TOTAL_CAP, True
    # No ORDER BY in the count: any TOTAL_CAP + 1 rows will do.
    counted = queryset.order_by().values("pk")[: TOTAL_CAP + 1].count()
    return min(counted, TOTAL_CAP), counted > TOTAL_CAP


def _remote_count():
    """Live fully remote vacancies, up to TOTAL_CAP + 1; counted once per
    live-data generation."""
    key = f"search:remote:{freshness.key_prefix()}"
    found = cache.get(key)
    if found is None:
        remote = Vacancy.objects.live().filter(remote=Vacancy.Remote.FULL)
        found = remote.order_by().values("pk")[: TOTAL_CAP + 1].count()
        cache.set(key, found, freshness.CACHE_SECONDS)
    return found


def _timestamp(row):
    return row[_PUBLISHED].timestamp() if row[_PUBLISHED] else 0


def _empty_state(result, params, base, groups, keyword, distances):
    """Suggestions when nothing matched: a wider radius that finds something,
    occupations close to the words, the spelling we think was meant."""
    if keyword is not None:
        ids = keyword.occupations.ids()
        result.related_occupations = list(Occupation.objects.filter(pk__in=ids[:20]).order_by("name")[:5])
    if result.city is not None and distances is not None:
        for radius in RADIUS_STEPS:
            if radius <= params.radius:
                continue
            wider = Vacancy.objects.live().filter(city_id__any=sorted(cities_within(result.city, radius)))
            if keyword is not None:
                wider = wider.filter(keyword.condition())
            count = wider.filter(_all_but(groups, None)).count()
            if count:
                result.wider_radius, result.wider_radius_total = radius, count
                break
