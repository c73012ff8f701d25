import datetime
import json

import pytest
from django.db import connection
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from listings.filters import params_from_querydict, querydict_from_params
from listings.models import City, Occupation, Vacancy
from listings.search import (
    PageOutOfRange,
    SearchParams,
    cities_within,
    haversine_km,
    query_words,
    search,
    stem,
)
from tests.factories import CompanyFactory, VacancyFactory

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


def city(slug):
    return City.objects.get(slug=slug)


def occupation(slug):
    return Occupation.objects.get(slug=slug)


def titles(result):
    return [v.title for v in result.vacancies]


def run(**kwargs):
    return search(SearchParams(**kwargs), facets=False)


# -- text helpers ------------------------------------------------------------
def test_query_words_strip_syntax_and_stop_words():
    assert query_words("IT-Projektkoordinator (m/w/d) in Hagen") == ["it", "projektkoordinator", "hagen"]
    assert query_words("a & b | !c :* ( ) 'e' \"y\" \\ % _") == ["a", "b", "c", "e", "y"]
    assert query_words("und der die") == []


def test_stem_joins_plural_female_and_umlaut_spellings():
    assert stem("Pflegekräfte") == stem("Pflegekraft") == "pflegekraft"
    assert stem("Erzieherin") == stem("Erzieherinnen") == stem("Erzieher")
    assert stem("Bäcker") == stem("Baecker")


def test_haversine_known_distance():
    # Hagen - Dortmund town halls are about 17 km apart.
    hagen, dortmund = city("hagen"), city("dortmund")
    assert 14 < haversine_km(hagen.latitude, hagen.longitude, dortmund.latitude, dortmund.longitude) < 20


def test_hagen_30_km_includes_neighbours_but_not_essen():
    within = cities_within(city("hagen"), 30)
    for slug in ("hagen", "dortmund", "bochum", "wuppertal"):
        assert city(slug).pk in within, slug
    assert city("essen").pk not in within
    assert within[city("hagen").pk] == 0


# -- keyword matching ----------------------------------------------------------
@pytest.fixture
def corpus(db):
    hagen = city("hagen")
    make = VacancyFactory
    return {
        "erzieher": make(
            title="Erzieher (m/w/d) für unsere Kita", occupation=occupation("erzieher"), city=hagen
        ),
        "baecker": make(
            title="Bäcker in Frühschicht", occupation=occupation("baecker"), city=city("dortmund")
        ),
        "lkw": make(
            title="Fahrer Nahverkehr Klasse CE",
            occupation=occupation("berufskraftfahrer"),
            city=city("essen"),
            description="Sie fahren unsere Touren im Ruhrgebiet.",
        ),
        "itpk": make(title="IT-Projektkoordinator (m/w/d) Netzleitstelle", city=city("wuppertal")),
        "desc_only": make(
            title="Sachbearbeiter Einkauf",
            occupation=None,
            city=hagen,
            description="Sie arbeiten eng mit dem Erzieher-Team unserer Betriebskita zusammen.",
        ),
    }


def test_female_form_finds_male_title(corpus):
    result = run(q="Erzieherin")
    assert titles(result)[0] == "Erzieher (m/w/d) für unsere Kita"


def test_title_hit_ranks_above_description_mention(corpus):
    result = run(q="Erzieher")
    assert titles(result) == ["Erzieher (m/w/d) für unsere Kita", "Sachbearbeiter Einkauf"]


def test_umlaut_spellings_are_equal(corpus):
    assert titles(run(q="Baecker")) == ["Bäcker in Frühschicht"]
    assert titles(run(q="bäcker")) == ["Bäcker in Frühschicht"]
    assert titles(run(q="BÄCKER")) == ["Bäcker in Frühschicht"]


def test_synonym_lkw_fahrer_finds_berufskraftfahrer(corpus):
    assert titles(run(q="LKW Fahrer")) == ["Fahrer Nahverkehr Klasse CE"]


def test_compound_part_finds_title(corpus):
    assert titles(run(q="Koordinator")) == ["IT-Projektkoordinator (m/w/d) Netzleitstelle"]


def test_company_name_is_searchable(corpus):
    company = CompanyFactory(name="Stadtwerke Hagen AöR")
    VacancyFactory(title="Elektroniker für Betriebstechnik", occupation=None, company=company)
    assert titles(run(q="Stadtwerke")) == ["Elektroniker für Betriebstechnik"]


@pytest.mark.skipif(not POSTGRES, reason="typo tolerance uses pg_trgm")
def test_typo_in_title_word(corpus):
    assert "IT-Projektkoordinator (m/w/d) Netzleitstelle" in titles(run(q="Projektkordinator"))


def test_typo_of_occupation_gives_spelling_suggestion(corpus):
    result = run(q="Erziherin")
    assert titles(result)[0] == "Erzieher (m/w/d) für unsere Kita"
    assert result.spelling_suggestion == "erzieher"


def test_stop_words_and_syntax_alone_do_not_fail(corpus):
    for q in ("und", "& | ! :*", "((", "'", '"', "\\", "%", "_", "m/w/d"):
        result = run(q=q)
        assert result.total == Vacancy.objects.live().count()


def test_only_live_vacancies(corpus):
    VacancyFactory(
        title="Erzieher alt",
        occupation=occupation("erzieher"),
        valid_through=timezone.localdate() - datetime.timedelta(days=1),
    )
    VacancyFactory(title="Erzieher Entwurf", occupation=occupation("erzieher"), status=Vacancy.Status.DRAFT)
    assert "Erzieher alt" not in titles(run(q="Erzieher"))
    assert "Erzieher Entwurf" not in titles(run(q="Erzieher"))


# -- place and radius ------------------------------------------------------------
def test_place_and_radius_with_distance(corpus):
    result = run(where="Hagen", radius=30)
    assert result.city == city("hagen")
    assert sorted(titles(result)) == sorted(
        [
            "Erzieher (m/w/d) für unsere Kita",
            "Bäcker in Frühschicht",
            "IT-Projektkoordinator (m/w/d) Netzleitstelle",
            "Sachbearbeiter Einkauf",
        ]
    )
    distances = {v.title: v.distance_km for v in result.vacancies}
    assert distances["Erzieher (m/w/d) für unsere Kita"] == 0
    assert 14 < distances["Bäcker in Frühschicht"] < 20


def test_radius_zero_is_only_the_place(corpus):
    assert sorted(titles(run(where="hagen", radius=0))) == [
        "Erzieher (m/w/d) für unsere Kita",
        "Sachbearbeiter Einkauf",
    ]


def test_full_remote_included_or_excluded(corpus):
    VacancyFactory(title="Remote-Entwickler", occupation=None, city=city("muenchen"), remote="full")
    assert "Remote-Entwickler" in titles(run(where="Hagen", radius=10))
    assert "Remote-Entwickler" not in titles(run(where="Hagen", radius=10, include_remote=False))


@pytest.mark.parametrize("spelling", ["Köln", "Koeln", "koeln", "KÖLN"])
def test_place_spellings(spelling):
    assert run(where=spelling).city == city("koeln")


def test_munich_alias():
    assert run(where="Munich").city == city("muenchen")


def test_unknown_place_gets_message_and_suggestions(corpus):
    result = run(where="Hagenn")
    assert result.total == 0
    assert result.city is None
    assert "Hagenn" in str(result.messages[0])
    assert city("hagen") in result.place_suggestions


def test_ambiguous_place_picks_largest_and_offers_others():
    result = run(where="Neustadt")
    assert result.city is not None
    assert result.city_alternatives
    assert all(alt.population <= result.city.population for alt in result.city_alternatives)
    assert all(alt.name_key == result.city.name_key for alt in result.city_alternatives)


# -- filters and facets -------------------------------------------------------------
@pytest.fixture
def mixed(db):
    now = timezone.now()
    VacancyFactory(title="A", full_time=True, contract="permanent", remote="none", published_at=now)
    VacancyFactory(
        title="B",
        full_time=False,
        part_time=True,
        contract="fixed_term",
        remote="hybrid",
        published_at=now - datetime.timedelta(days=5),
    )
    VacancyFactory(
        title="C",
        full_time=False,
        mini_job=True,
        contract="permanent",
        remote="full",
        salary_min=None,
        salary_max=None,
        salary_period="",
        published_at=now - datetime.timedelta(days=20),
    )
    VacancyFactory(
        title="D",
        full_time=True,
        part_time=True,
        contract="permanent",
        salary_min=20,
        salary_max=25,
        salary_period="hour",
        published_at=now,
    )


def facet(result, name):
    return {value: (count, selected) for value, _label, count, selected in result.facets[name]}


def test_facets_leave_own_selection_out(mixed):
    result = search(SearchParams(employment_types=["part_time"]))
    assert sorted(titles(result)) == ["B", "D"]
    assert result.total == 2
    # Working-time counts ignore the working-time selection itself ...
    types = facet(result, "type")
    assert types["full_time"] == (2, False)
    assert types["part_time"] == (2, True)
    assert types["mini_job"] == (1, False)
    # ... the other facets count within it.
    assert facet(result, "contract") == {"permanent": (1, False), "fixed_term": (1, False)}
    assert facet(result, "remote") == {"none": (1, False), "hybrid": (1, False), "full": (0, False)}
    assert facet(result, "salary")["1"] == (2, False)
    assert facet(result, "days")["7"] == (2, False)
    assert facet(result, "occupation") == {"it-projektkoordinator": (2, False)}


def test_filters_combine(mixed):
    assert titles(search(SearchParams(contract=["permanent"], remote=["full"]))) == ["C"]
    assert sorted(titles(search(SearchParams(published_within=7)))) == ["A", "B", "D"]
    assert sorted(titles(search(SearchParams(salary_stated=True)))) == ["A", "B", "D"]
    # 25 EUR an hour is about 4,333 EUR a month, 4,200 a month is not enough.
    assert titles(search(SearchParams(min_salary=4300))) == ["D"]
    assert sorted(titles(search(SearchParams(employment_types=["full_time", "mini_job"])))) == ["A", "C", "D"]


def test_facets_in_few_queries(mixed, django_assert_num_queries):
    # The match window (facet columns of the newest matches), the names of
    # the top occupations and companies, the page's vacancies.
    with django_assert_num_queries(4):
        search(SearchParams(employment_types=["part_time"], contract=["permanent"]))


def test_huge_result_sets_are_capped(mixed, monkeypatch):
    from django.core.cache import cache

    params = SearchParams(q="IT Projektkoordinator")
    everything = search(params)
    assert not everything.facets_sampled and everything.total > 3
    # More matches than the window: ranking and facets look at the newest
    # three (A, D, B) and say so.
    monkeypatch.setattr("listings.search.WINDOW", 3)
    cache.clear()
    result = search(params, per_page=3, max_pages=1)
    assert result.facets_sampled and result.facets_window == 3
    assert sorted(titles(result)) == ["A", "B", "D"]
    assert sum(count for _value, _label, count, _selected in result.facets["contract"]) == 3
    if connection.vendor == "postgresql":
        # The keyword names an occupation: PostgreSQL collected all matches
        # for the window anyway and counted them on the way.
        assert (result.total, result.total_capped) == (everything.total, False)
        # Beyond TOTAL_CAP that count says "more than" too.
        monkeypatch.setattr("listings.search.TOTAL_CAP", 3)
        cache.clear()
        result = search(params, per_page=3, max_pages=1)
    # Otherwise nothing is counted beyond the window: "more than 3".
    assert (result.total, result.total_capped) == (3, True)
    html = render_to_string("listings/search/results.html", {"result": result, "params": params})
    assert "mehr als 3 Jobs" in html


def test_since_keeps_newer_only(mixed):
    since = timezone.now() - datetime.timedelta(days=1)
    assert sorted(titles(search(SearchParams(), since=since))) == ["A", "D"]


def test_sort_by_date_and_relevance(corpus):
    assert run(q="Erzieher").sort == "relevance"
    assert run().sort == "date"
    assert run(q="Erzieher", sort="date").sort == "date"


# -- pagination -------------------------------------------------------------
def test_pages_and_out_of_range(mixed):
    result = search(SearchParams(), page=2, per_page=3)
    assert len(result.vacancies) == 1
    with pytest.raises(PageOutOfRange):
        search(SearchParams(), page=3, per_page=3)
    for page in ("abc", 0, -1, "1e9"):
        with pytest.raises(PageOutOfRange):
            search(SearchParams(), page=page, per_page=3)


def test_depth_is_capped(mixed):
    result = search(SearchParams(), page=2, per_page=1, max_pages=2)
    assert result.depth_capped
    assert result.page.paginator.num_pages == 2
    with pytest.raises(PageOutOfRange):
        search(SearchParams(), page=3, per_page=1, max_pages=2)


# -- GET parameters -------------------------------------------------------------
def test_params_round_trip():
    query = QueryDict(
        "q=Pflege&where=Hagen&radius=50&type=part_time&type=mini_job&contract=permanent&remote=hybrid"
        "&include_remote=0&salary=1&min_salary=2500&days=7&occupation=erzieher&company=acme&sort=date"
    )
    params, errors = params_from_querydict(query)
    assert errors == {}
    assert params == SearchParams(
        q="Pflege",
        where="Hagen",
        radius=50,
        employment_types=["part_time", "mini_job"],
        contract=["permanent"],
        remote=["hybrid"],
        include_remote=False,
        salary_stated=True,
        min_salary=2500,
        published_within=7,
        occupation="erzieher",
        company="acme",
        sort="date",
    )
    assert params_from_querydict(querydict_from_params(params)) == (params, {})


def test_bad_values_are_errors_not_exceptions():
    params, errors = params_from_querydict(QueryDict("radius=-5&days=9&sort=x&min_salary=abc&type=bogus"))
    assert params == SearchParams()
    assert set(errors) == {"radius", "days", "sort", "min_salary"}


def test_parameter_errors_speak_the_visitors_language():
    # The form class is built once per process; its messages are not.
    with translation.override("de"):
        _params, errors = params_from_querydict(QueryDict("min_salary=abc&radius=5"))
        assert errors == {"min_salary": ["Bitte eine Zahl eingeben."]}
    with translation.override("en"):
        _params, errors = params_from_querydict(QueryDict("min_salary=abc"))
        assert errors == {"min_salary": ["Enter a number."]}


def test_plain_dict_is_accepted():
    params, errors = params_from_querydict({"q": "Koch", "type": ["full_time"], "radius": 10})
    assert (params.q, params.employment_types, params.radius, errors) == ("Koch", ["full_time"], 10, {})


# -- the page -------------------------------------------------------------------
HOSTILE = [
    "q=%00",
    "q=Erzieher%00in",
    "q=" + "x" * 10_000,
    "q=" + "Pflege+" * 2_000,
    "q=a%26b%7Cc%21d%3A*%28%29",
    "q=%22Erzieher%22+%27x%27",
    "q=%5C%27%3B+DROP+TABLE",
    "where=%00",
    "where=" + "y" * 10_000,
    "radius=-10",
    "radius=999999999999999999999999",
    "radius=1e400",
    "radius=abc",
    "type=nope&contract=nope&remote=nope&days=nope&sort=nope&include_remote=nope&salary=nope",
    "min_salary=-1",
    "min_salary=1e999",
    "occupation=%00%FF&company=..%2F..",
    "q=a&q=b&where=Hagen&where=Köln&radius=10&radius=20",
    "type=full_time&type=full_time",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_never_500(client, corpus, query):
    response = client.get(f"/jobs/?{query}")
    assert response.status_code == 200
    assert b'name="robots" content="noindex"' in response.content


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "51", "1.5", "%FF"])
def test_bad_pages_are_404(client, corpus, page):
    assert client.get(f"/jobs/?page={page}").status_code == 404


def test_page_renders_results_facets_chips(client, corpus):
    response = client.get(
        "/jobs/", {"q": "Erzieherin", "where": "Hagen", "radius": "30", "type": "full_time"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Erzieher (m/w/d) für unsere Kita" in html
    assert "1 Job " in html
    assert "in und um Hagen (30 km)" in html
    assert "Was: Erzieherin" in html  # a removable chip
    assert "Vollzeit" in html and 'class="facet-count"' in html
    assert 'name="robots" content="noindex"' in html


def test_bare_page_is_indexable(client, corpus):
    html = client.get("/jobs/").content.decode()
    assert "noindex" not in html
    assert "5 Jobs" in html


def test_distance_on_cards(client, corpus):
    html = client.get("/jobs/", {"where": "Hagen", "radius": "30"}).content.decode()
    assert "km entfernt" in html


def test_partial_results_only(client, corpus):
    response = client.get("/jobs/", {"q": "Erzieher", "partial": "results"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html
    assert "Erzieher (m/w/d) für unsere Kita" in html


def test_empty_state_suggests_wider_radius(client, corpus):
    response = client.get("/jobs/", {"q": "Fahrer", "where": "Hagen", "radius": "10"})
    html = response.content.decode()
    assert "Keine passenden Stellen gefunden" in html
    assert "Im Umkreis von 50 km gibt es 1 Stelle." in html


def test_unknown_place_page(client, corpus):
    html = client.get("/jobs/", {"where": "Hagenn"}).content.decode()
    assert "Den Ort „Hagenn“ kennen wir nicht" in html
    assert "where=hagen" in html


def test_place_suggest_endpoint(client):
    response = client.get(reverse("listings:place_suggest"), {"q": "Hage"})
    data = json.loads(response.content)
    assert data[0] == {"name": "Hagen", "slug": "hagen", "state": "Nordrhein-Westfalen"}
    assert len(data) <= 10
    assert json.loads(client.get(reverse("listings:place_suggest"), {"q": "m\x00"}).content) == []
    assert client.get(reverse("listings:place_suggest"), {"q": "x" * 10_000}).status_code == 200


# -- query plans (PostgreSQL) ---------------------------------------------------
def _vacancy_queries(params):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        search(params)
    return [q["sql"] for q in ctx.captured_queries if 'FROM "listings_vacancy"' in q["sql"]]


def _plan(sql):
    with connection.cursor() as cursor:
        # A tiny test table is always cheapest to scan; forbidding that shows
        # whether the conditions can use the indexes at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL indexes")
def test_keyword_search_can_use_text_and_trigram_indexes(corpus):
    from listings.search import _Keyword

    assert "Seq Scan on listings_vacancy" not in _plan(_vacancy_queries(SearchParams(q="Koordinator"))[0])
    # The keyword condition alone is answered from indexes, never a table
    # scan: the widened scope from the full-text GIN index; the title scope
    # from the title-vector GIN index or, on a test-sized table, by walking
    # the covering date index.
    keyword = _Keyword(query_words("Koordinator"))
    for scoped, indexes in (
        (keyword, ("vacancy_title_vector_gin", "vacancy_search_window_idx")),
        (keyword.widened(), ("vacancy_search_vector_gin",)),
    ):
        sql, sql_params = (
            Vacancy.objects.filter(scoped.condition()).order_by().values("pk").query.sql_with_params()
        )
        with connection.cursor() as cursor:
            plan = _plan(cursor.mogrify(sql, sql_params))
        assert "Seq Scan on listings_vacancy" not in plan
        assert any(index in plan for index in indexes), plan
    assert "vacancy_title_trgm_gin" in plan


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL indexes")
def test_place_search_can_use_indexes(corpus):
    window = _vacancy_queries(SearchParams(where="Hagen", radius=30))[0]
    plan = _plan(window)
    assert "Seq Scan on listings_vacancy" not in plan
    assert "Index" in plan


@pytest.mark.django_db
def test_other_places_of_the_same_name_are_told_apart(client):
    html = client.get("/jobs/?where=Hagen").content.decode()
    others = City.objects.filter(name="Hagen").exclude(slug="hagen").order_by("-population")[:5]
    assert len(others) >= 2
    for other in others:
        population = f"{other.population:,}".replace(",", ".")  # German thousands separator
        assert f"where={other.slug}" in html
        assert f"Hagen ({other.state}, {population} Einwohner)" in html


@pytest.mark.django_db
def test_descriptions_are_searched_only_when_titles_find_few(monkeypatch):
    from listings import search as search_module

    monkeypatch.setattr(search_module, "WIDEN_BELOW", 3)
    text_only = VacancyFactory(
        title="Helfer Garten", description="Wir suchen Unterstützung für unsere Gärtnerei."
    )
    titled = [VacancyFactory(title=f"Gärtnerei-Mitarbeiter {i}") for i in range(2)]
    # Two title matches are fewer than 3: the description match is added.
    result = search(SearchParams(q="Gärtnerei"))
    assert {v.pk for v in result.vacancies} == {text_only.pk, *(v.pk for v in titled)}
    titled.append(VacancyFactory(title="Gärtnerei-Mitarbeiter 3"))
    result = search(SearchParams(q="Gärtnerei"))
    assert {v.pk for v in result.vacancies} == {v.pk for v in titled}
    assert result.total == 3


def test_place_search_is_over_the_cap_when_remote_vacancies_alone_are(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr("listings.search.TOTAL_CAP", 3)
    hagen = City.objects.get(slug="hagen")
    elsewhere = City.objects.get(slug="muenster")
    VacancyFactory(city=hagen, title="Schreiner (m/w/d)")
    for i in range(3):
        VacancyFactory(city=elsewhere, remote="full", title=f"Remote {i}")
    # 1 in Hagen + 3 remote, counted: more than the cap of 3.
    result = search(SearchParams(where="Hagen", radius=0), facets=False)
    assert (result.total, result.total_capped) == (3, True)
    # Three remote vacancies alone are not more than the cap: a filter
    # leaving them out is counted exactly.
    result = search(SearchParams(where="Hagen", radius=0, remote=["none"]), facets=False)
    assert (result.total, result.total_capped) == (1, False)

    VacancyFactory(city=elsewhere, remote="full", title="Remote 3")
    first = search(SearchParams(where="Hagen", radius=0), per_page=1, facets=False)
    assert (first.total, first.total_capped) == (3, True)
    # Four remote vacancies alone exceed the cap: another page of the same
    # search knows its total without counting (place and remote count are
    # kept from the first page).
    with django_assert_num_queries(2):  # the page's id, the page's row
        second = search(SearchParams(where="Hagen", radius=0), page=2, per_page=1, facets=False)
    assert (second.total, second.total_capped) == (3, True)
    # With a keyword or a filter it counts again.
    result = search(SearchParams(where="Hagen", radius=0, q="Schreiner"), facets=False)
    assert (result.total, result.total_capped) == (1, False)
    result = search(SearchParams(where="Hagen", radius=0, include_remote=False), facets=False)
    assert (result.total, result.total_capped) == (1, False)


def test_any_lookup_matches_like_in():
    hagen, muenster, berlin = (City.objects.get(slug=slug) for slug in ("hagen", "muenster", "berlin"))
    in_hagen = VacancyFactory(city=hagen)
    in_muenster = VacancyFactory(city=muenster)
    VacancyFactory(city=berlin)
    ids = [hagen.pk, muenster.pk]
    assert set(Vacancy.objects.filter(city_id__any=ids)) == {in_hagen, in_muenster}
    assert set(Vacancy.objects.filter(city_id__any=ids)) == set(Vacancy.objects.filter(city_id__in=ids))
    assert list(Vacancy.objects.filter(city_id__any=[])) == []


def test_remote_filter_without_fully_remote_keeps_to_the_place_and_its_facet_counts():
    hagen, muenster = City.objects.get(slug="hagen"), City.objects.get(slug="muenster")
    VacancyFactory(city=hagen, remote="hybrid", title="Hybrid in Hagen")
    VacancyFactory(city=hagen, remote="none", title="Vor Ort in Hagen")
    VacancyFactory(city=muenster, remote="full", title="Remote aus Münster")
    VacancyFactory(city=muenster, remote="hybrid", title="Hybrid in Münster")
    result = search(SearchParams(where="Hagen", radius=0, remote=["hybrid"]))
    assert titles(result) == ["Hybrid in Hagen"]
    # The remote facet still counts what choosing "full" would add.
    remote = {value: count for value, _label, count, _selected in result.facets["remote"]}
    assert remote == {"none": 1, "hybrid": 1, "full": 1}
    both = search(SearchParams(where="Hagen", radius=0, remote=["hybrid", "full"]))
    assert sorted(titles(both)) == ["Hybrid in Hagen", "Remote aus Münster"]


def test_occupation_names_are_read_once_per_token_and_a_new_synonym_counts_after_it(
    django_assert_num_queries,
):
    from django.core.cache import cache

    from listings.search import _NAMES_KEY, match_occupations

    driver = occupation("berufskraftfahrer")
    assert match_occupations(["Brummifahrer"]).exact == {}
    # Prepared once: the next search reads only the token from the cache.
    with django_assert_num_queries(0):
        hits = match_occupations(["Berufskraftfahrer", "Hagen"])
    assert hits.exact == {0: {driver.pk}}
    driver.synonyms += "\nBrummifahrer"
    driver.save()
    # Within the token's lifetime (OCCUPATION_CACHE_SECONDS) the prepared
    # names stand; once it has expired, the editor's synonym counts.
    cache.delete(_NAMES_KEY)
    assert match_occupations(["Brummifahrer"]).exact == {0: {driver.pk}}


def test_occupation_names_prepared_by_another_process_are_not_thrown_away(monkeypatch):
    from django.core.cache import cache

    from listings import search as search_module

    search_module.match_occupations(["Erzieher"])
    token = cache.get(search_module._NAMES_KEY)
    # A second process has nothing prepared: it reads the names itself and
    # keeps them under the same token instead of starting a new one.
    monkeypatch.setattr(search_module, "_prepared", {})
    hits = search_module.match_occupations(["Erzieher"])
    assert hits.exact == {0: {occupation("erzieher").pk}}
    assert cache.get(search_module._NAMES_KEY) == token
    assert list(search_module._prepared) == [token]


def test_occupation_filter_takes_the_id_from_the_prepared_names_and_asks_for_a_new_slug():
    from listings.search import _selected_ids

    erzieher = occupation("erzieher")
    VacancyFactory(title="Erzieher Kita Sonnenschein", occupation=erzieher)
    search(SearchParams(q="Erzieher"))  # the names are prepared
    with CaptureQueriesContext(connection) as captured:
        assert _selected_ids(SearchParams(occupation="erzieher")) == {"occupation": erzieher.pk}
    assert captured.captured_queries == []
    # Added after the names were prepared: found in the database at once.
    new = Occupation.objects.create(name="Drohnenpilot", slug="drohnenpilot")
    VacancyFactory(title="Drohnenpilot Vermessung", occupation=new)
    assert _selected_ids(SearchParams(occupation="drohnenpilot")) == {"occupation": new.pk}
    assert titles(search(SearchParams(occupation="drohnenpilot"))) == ["Drohnenpilot Vermessung"]
    assert _selected_ids(SearchParams(occupation="gibt-es-nicht")) == {"occupation": 0}


def test_short_occupation_list_matches_the_database_and_falls_back_when_too_few(monkeypatch):
    """Related vacancies (one occupation around a place, by date, no count)
    are picked from the occupation's newest vacancies in Python; the answer
    is the one the full query gives, also when the kept rows hold too few
    matches and the query has to run after all."""
    from django.core.cache import cache

    from listings import search as search_module

    erzieher = occupation("erzieher")
    hagen, dortmund, berlin = city("hagen"), city("dortmund"), city("berlin")
    now = timezone.now()
    made = {}
    for hours, place, remote, name in [
        (1, berlin, "none", "Berlin neu"),
        (2, hagen, "none", "Hagen 1"),
        (3, berlin, "full", "Remote Berlin"),
        (4, dortmund, "hybrid", "Dortmund 1"),
        (5, berlin, "none", "Berlin alt"),
        (6, hagen, "none", "Hagen 2"),
        (7, berlin, "none", "Berlin älter"),
        (8, dortmund, "none", "Dortmund 2"),
    ]:
        made[name] = VacancyFactory(
            title=name,
            occupation=erzieher,
            city=place,
            remote=remote,
            published_at=now - datetime.timedelta(hours=hours),
        )
    VacancyFactory(title="Hagen geschlossen", occupation=erzieher, city=hagen, status=Vacancy.Status.CLOSED)
    VacancyFactory(title="Hagen anderer Beruf", city=hagen)

    def related(**extra):
        cache.clear()  # neither a kept result nor kept rows from the last call
        params = SearchParams(occupation="erzieher", where="hagen", radius=50, sort="date", **extra)
        return titles(search(params, per_page=3, facets=False, count=False, place=hagen))

    def through_the_database(**extra):
        with monkeypatch.context() as patched:
            patched.setattr(search_module, "_from_occupation_newest", lambda *args, **kwargs: False)
            return related(**extra)

    expected = ["Hagen 1", "Remote Berlin", "Dortmund 1"]
    assert through_the_database() == expected
    with CaptureQueriesContext(connection) as captured:
        assert related() == expected
    # One query for the occupation's newest rows, one for the page's rows.
    vacancy_queries = [q["sql"] for q in captured.captured_queries if "listings_vacancy" in q["sql"]]
    assert len(vacancy_queries) == 2
    assert "LIMIT 300" in vacancy_queries[0]  # the newest rows, not a place query
    assert (
        related(include_remote=False)
        == through_the_database(include_remote=False)
        == [
            "Hagen 1",
            "Dortmund 1",
            "Hagen 2",
        ]
    )
    # Only the newest four are kept: they hold two matches, the page needs
    # three, and the occupation has more vacancies, so the query decides.
    monkeypatch.setattr(search_module, "OCCUPATION_NEWEST", 4)
    assert related(include_remote=False) == ["Hagen 1", "Dortmund 1", "Hagen 2"]


def test_a_place_the_caller_has_is_not_looked_up_again():
    from django.core.cache import cache

    hagen, dortmund, berlin = city("hagen"), city("dortmund"), city("berlin")
    for place in (hagen, dortmund, berlin):
        VacancyFactory(title=f"Stelle in {place.name}", city=place, remote="none")
    params = SearchParams(where="Hagen", radius=25, sort="date")
    by_name = search(params, facets=False)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        given = search(params, facets=False, place=hagen)
    assert titles(given) == titles(by_name)
    assert sorted(titles(given)) == ["Stelle in Dortmund", "Stelle in Hagen"]
    assert (given.total, given.city, given.city_alternatives) == (2, hagen, [])
    # Only the places within the radius are asked for, not the name.
    asked = [q["sql"] for q in captured.captured_queries if 'FROM "listings_city"' in q["sql"]]
    assert len(asked) == 1
    assert '"latitude" BETWEEN' in asked[0]


def test_related_lists_share_the_occupation_rows_in_the_process_until_something_changes(monkeypatch):
    """Short lists ask neither the result cache nor, within one generation,
    the shared cache for the occupation's rows a second time."""
    from django.core.cache import cache

    erzieher = occupation("erzieher")
    hagen, dortmund = city("hagen"), city("dortmund")
    VacancyFactory(title="Erzieher Hagen", occupation=erzieher, city=hagen)
    VacancyFactory(title="Erzieher Dortmund", occupation=erzieher, city=dortmund)
    asked = []
    original_get = cache.get

    def counting_get(key, *args, **kwargs):
        asked.append(key.split(":")[1] if key.startswith("search:") else key)
        return original_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)

    def related(place):
        params = SearchParams(occupation="erzieher", where=place.slug, radius=50, sort="date")
        return titles(search(params, per_page=3, facets=False, count=False, place=place))

    assert related(hagen) == ["Erzieher Dortmund", "Erzieher Hagen"]
    assert asked.count("occupation-newest") == 1
    with CaptureQueriesContext(connection) as captured:
        assert related(dortmund) == ["Erzieher Dortmund", "Erzieher Hagen"]
    assert asked.count("occupation-newest") == 1
    assert [q for q in captured.captured_queries if "LIMIT 300" in q["sql"]] == []
    # Nothing was kept as a search result (a result key is search:g…).
    assert not [key for key in asked if key.startswith("g")]
    VacancyFactory(title="Erzieher Hagen neu", occupation=erzieher, city=hagen)  # a new generation
    assert related(dortmund) == ["Erzieher Hagen neu", "Erzieher Dortmund", "Erzieher Hagen"]
    assert asked.count("occupation-newest") == 2


def test_only_the_ids_are_handed_back_on_every_path(monkeypatch):
    """rows=False (related vacancies): the same ids as a full search, from
    the occupation's newest rows, from the query when those cannot say, and
    from a kept result; no vacancy is read for the page itself."""
    from django.core.cache import cache

    from listings import search as search_module

    erzieher = occupation("erzieher")
    hagen = city("hagen")
    now = timezone.now()
    for hours in range(4):
        VacancyFactory(
            title=f"Erzieher {hours}",
            occupation=erzieher,
            city=hagen,
            published_at=now - datetime.timedelta(hours=hours),
        )
    VacancyFactory(title="Ohne Beruf", occupation=None, city=hagen)
    by_occupation = SearchParams(occupation="erzieher", where="hagen", radius=50, sort="date")
    in_the_place = SearchParams(where="hagen", radius=0, sort="date")

    def ids(params, **options):
        return search(params, per_page=3, facets=False, count=False, place=hagen, **options).ids

    for params in (by_occupation, in_the_place):
        full = [v.pk for v in search(params, per_page=3, facets=False, count=False, place=hagen).vacancies]
        assert len(full) == 3
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            result = search(params, per_page=3, facets=False, count=False, place=hagen, rows=False)
        assert (result.ids, result.vacancies) == (full, [])
        assert not [q for q in captured.captured_queries if '"listings_vacancy"."title"' in q["sql"]]
        assert ids(params, rows=False) == full  # a second time: the kept result or rows
    # With facets (the window of matches): the same.
    keyword = SearchParams(q="Erzieher")
    full = [v.pk for v in search(keyword, per_page=3).vacancies]
    assert len(full) == 3
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        result = search(keyword, per_page=3, rows=False)
    assert (result.ids, result.vacancies) == (full, [])
    # (The window's condition names the title; only a row load reads the slug.)
    assert not [q for q in captured.captured_queries if '"listings_vacancy"."slug"' in q["sql"]]
    # The newest rows hold too few: the query decides, and its result is kept.
    monkeypatch.setattr(search_module, "OCCUPATION_NEWEST", 2)
    cache.clear()
    full = [v.pk for v in search(by_occupation, per_page=3, facets=False, count=False, place=hagen).vacancies]
    cache.clear()
    assert ids(by_occupation, rows=False) == full
    assert ids(by_occupation, rows=False) == full


def test_a_place_is_resolved_once_per_process_until_places_change(monkeypatch):
    from django.core.cache import cache

    hagen = city("hagen")
    VacancyFactory(title="Stelle in Hagen", city=hagen)
    asked = []
    original_get = cache.get

    def counting_get(key, *args, **kwargs):
        if key.startswith("search:place:"):
            asked.append(key)
        return original_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    assert titles(search(SearchParams(where="Hagen", radius=25))) == ["Stelle in Hagen"]
    assert titles(search(SearchParams(where="Hagen", radius=25, sort="date"))) == ["Stelle in Hagen"]
    assert len(asked) == 1
    # Moving a place is a new places' version: resolved again, and it counts.
    hagen.latitude, hagen.longitude = hagen.latitude + 3, hagen.longitude
    hagen.save()
    assert titles(search(SearchParams(where="Hagen", radius=25, employment_types=["full_time"]))) == [
        "Stelle in Hagen"
    ]
    assert len(asked) == 2


@pytest.mark.django_db
def test_the_form_keeps_a_minimum_salary_of_four_digits(client):
    # A number input takes "2500", not the German display form "2.500"
    # (which the browser drops, so the next search would lose the filter).
    html = client.get("/jobs/?min_salary=2500").content.decode()
    assert 'name="min_salary" min="0" step="100" inputmode="numeric" value="2500"' in html
    # Shown to people, the amount is German-formatted.
    assert "ab 2.500 € im Monat" in html


@pytest.mark.django_db
def test_ignored_parameters_are_named_as_the_form_names_them(client):
    html = client.get("/jobs/?min_salary=-1&radius=abc&where=Hagen").content.decode()
    assert "Einige Angaben konnten wir nicht verwenden und haben sie ignoriert:" in html
    assert "<li>Umkreis (km): Bitte eine Zahl eingeben.</li>" in html
    assert "<li>Mindestgehalt (brutto im Monat): " in html
    assert "<li>radius:" not in html and "<li>min_salary:" not in html
    html = client.get("/jobs/?radius=abc", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<li>Radius (km): Enter a number.</li>" in html
