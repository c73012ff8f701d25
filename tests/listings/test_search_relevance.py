"""Relevance of listings.search on a fixed German corpus with judged queries
(tests/listings/data/search_relevance.json). Run with `-s` to see the figures:

    .venv/bin/python -m pytest tests/listings/test_search_relevance.py -s -q
"""

import datetime
import json
import math
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from jobsite.text import german_slugify
from listings.models import City, Company, Occupation, Vacancy
from listings.search import SearchParams, cities_within, search
from listings.taxonomy import OccupationMatcher

DATA = json.loads((Path(__file__).parent / "data" / "search_relevance.json").read_text(encoding="utf-8"))
POSTGRES = connection.vendor == "postgresql"
# The PostgreSQL bar is the issue's; SQLite only has substring matching and
# the taxonomy, so it gets a sanity bar.
MIN_MEAN_NDCG = 0.85 if POSTGRES else 0.7


def dcg(grades):
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


def ndcg_at(keys, judged, k=10):
    ideal = dcg(sorted(judged.values(), reverse=True)[:k])
    return dcg([judged.get(key, 0) for key in keys[:k]]) / ideal if ideal else 1.0


def recall_at(keys, judged, k=20):
    relevant = {key for key, grade in judged.items() if grade > 0}
    return len(relevant & set(keys[:k])) / len(relevant) if relevant else 1.0


@pytest.fixture
def corpus(db):
    matcher = OccupationMatcher()
    now = timezone.now()
    today = timezone.localdate()
    keys = {}
    for index, entry in enumerate(DATA["vacancies"]):
        company, _ = Company.objects.get_or_create(
            slug=german_slugify(entry["company"]), defaults={"name": entry["company"]}
        )
        slug = entry.get("occupation")
        if slug == "-":
            occupation_id = None
        elif slug:
            occupation_id = Occupation.objects.get(slug=slug).pk
        else:
            occupation_id = matcher.match_id(entry["title"])
        vacancy = Vacancy.objects.create(
            title=entry["title"],
            company=company,
            occupation_id=occupation_id,
            city=City.objects.get(slug=entry["city"]),
            remote=entry.get("remote", "none"),
            full_time=True,
            description=entry["description"],
            apply_url="https://example.org/bewerben",
            status=Vacancy.Status.PUBLISHED,
            # Spread over days in an order unrelated to relevance, so a
            # date-sorted list would score badly.
            published_at=now - datetime.timedelta(hours=(index * 37) % 500),
            valid_through=today + datetime.timedelta(days=30),
            salary_min=Decimal("3000"),
            salary_max=Decimal("3500"),
            salary_period="month",
        )
        keys[vacancy.pk] = entry["key"]
    return keys


def test_corpus_is_large_enough():
    assert len(DATA["vacancies"]) >= 80
    assert len([q for q in DATA["queries"] if q["relevant"]]) >= 30


def test_matcher_assigns_expected_occupations(corpus):
    by_key = {key: pk for pk, key in corpus.items()}
    occupation = {
        key: Vacancy.objects.get(pk=pk).occupation.slug if Vacancy.objects.get(pk=pk).occupation else None
        for key, pk in by_key.items()
    }
    assert occupation["i1"] == "it-projektkoordinator"
    assert occupation["p2"] == "pflegefachkraft"
    assert occupation["p3"] == "pflegefachkraft"
    assert occupation["f2"] == "berufskraftfahrer"
    assert occupation["k1"] == "kundenberater-bank"
    assert occupation["m2"] == "medizinischer-fachangestellter"


def test_relevance(corpus):
    rows = []
    for query in DATA["queries"]:
        params = SearchParams(
            q=query["q"],
            where=query.get("where", ""),
            radius=query.get("radius", 25),
            include_remote=False,
        )
        result = search(params, per_page=20, facets=False)
        keys = [corpus[v.pk] for v in result.vacancies]
        if params.where:
            allowed = cities_within(result.city, params.radius)
            outside = [v.title for v in result.vacancies if v.city_id not in allowed]
            assert not outside, f"{query['q']!r} in {params.where}: outside the radius: {outside}"
            assert all(v.distance_km <= params.radius for v in result.vacancies)
        if not query["relevant"]:
            continue
        rows.append(
            (
                query,
                ndcg_at(keys, query["relevant"]),
                recall_at(keys, query["relevant"]),
                keys[:10],
            )
        )
    mean_ndcg = sum(row[1] for row in rows) / len(rows)
    mean_recall = sum(row[2] for row in rows) / len(rows)
    print(
        f"\nsearch relevance on {connection.vendor}: {len(rows)} queries, {len(DATA['vacancies'])} vacancies"
    )
    for query, ndcg, recall, top in rows:
        label = query["q"] + (f" @ {query['where']} {query['radius']} km" if query.get("where") else "")
        flag = "" if ndcg >= 0.85 else "  <--"
        print(
            f"  {label:<42} {query['kind']:<32} nDCG@10 {ndcg:.3f}  recall@20 {recall:.3f}  {' '.join(top)}{flag}"
        )
    print(f"  mean nDCG@10 = {mean_ndcg:.3f}, mean recall@20 = {mean_recall:.3f}")
    assert mean_ndcg >= MIN_MEAN_NDCG
    assert mean_recall >= MIN_MEAN_NDCG
