"""Writes the benchmark's request mix: one file of URL paths per page type
under var/bench/urls/, drawn with a fixed seed from what the database holds.

Searches are drawn Zipf-like from thousands of distinct queries, so a few
popular searches repeat and most do not: a cache keyed on the URL cannot fake
the result. Run by scripts/bench.sh with the bench's DATABASE_URL."""

import os
import random
import sys
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobsite.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402

from listings.models import City, Company, Occupation, Vacancy  # noqa: E402
from profiles.models import CareerProfile  # noqa: E402

try:  # the deepest page the search offers
    from listings.search import MAX_PAGES  # noqa: E402
except ImportError:
    MAX_PAGES = 50

SEED = int(os.environ.get("BENCH_SEED", "20261124"))
LINES = int(os.environ.get("BENCH_URL_LINES", "20000"))  # requests per list before it repeats
OUT = Path(os.environ.get("BENCH_OUT_DIR", BASE_DIR / "var" / "bench" / "urls"))
PER_PAGE = 20
VACANCY_URLS = 120_000
RADII = [0, 10, 25, 50]
TYPES = ["full_time", "part_time", "mini_job", "apprenticeship", "internship", "temporary"]


def zipf_draw(rng, pool, count, exponent=1.1):
    """`count` draws from `pool` (kept in its order, most popular first)
    with weights 1/rank^exponent."""
    weights = [1 / (rank**exponent) for rank in range(1, len(pool) + 1)]
    return rng.choices(pool, weights=weights, k=count)


def query(path, **params):
    params = {k: v for k, v in params.items() if v not in (None, "", [])}
    return f"{path}?{urlencode(params, doseq=True)}" if params else path


def distinct(items):
    return list(dict.fromkeys(items))


def main():
    rng = random.Random(SEED)
    live = Vacancy.objects.live()
    occupations = list(Occupation.objects.order_by("pk"))
    cities = list(City.objects.filter(population__gte=20000).order_by("-population", "pk")[:400])
    occupation_counts = dict(
        live.values_list("occupation_id").annotate(n=Count("id")).values_list("occupation_id", "n")
    )
    city_counts = dict(live.values_list("city_id").annotate(n=Count("id")).values_list("city_id", "n"))

    # What people type into "Was": occupation names in every form, parts of
    # them, a few sloppy spellings; popularity order shuffled once, fixed by the seed.
    keywords = []
    for occupation in occupations:
        keywords += [occupation.name, occupation.name_female, *occupation.synonym_list[:2]]
        words = [w for w in occupation.name.replace("-", " ").split() if len(w) > 4]
        keywords += words[:1]
    keywords += [k.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue") for k in keywords[::7]]
    keywords = distinct(k.strip() for k in keywords if k and k.strip())
    rng.shuffle(keywords)
    places = [c.name for c in cities]

    kinds = {}
    kinds["search_keyword"] = distinct(query("/jobs/", q=k) for k in keywords)
    kinds["search_keyword_place"] = distinct(
        query("/jobs/", q=rng.choice(keywords[:600]), where=rng.choice(places), radius=rng.choice(RADII))
        for _ in range(3000)
    )
    kinds["search_place"] = distinct(query("/jobs/", where=p, radius=r) for p in places for r in RADII)
    rng.shuffle(kinds["search_place"])
    filters = []
    for _ in range(3000):
        params = {}
        if rng.random() < 0.6:
            params["q"] = rng.choice(keywords[:800])
        if rng.random() < 0.6 or not params:
            params["where"], params["radius"] = rng.choice(places[:150]), rng.choice(RADII)
        extra = rng.sample(
            ["type", "contract", "remote", "salary", "min_salary", "days", "sort"], rng.randint(1, 3)
        )
        for name in extra:
            params[name] = {
                "type": lambda: rng.sample(TYPES[:3], rng.randint(1, 2)),
                "contract": lambda: rng.choice(["permanent", "fixed_term"]),
                "remote": lambda: rng.choice(["hybrid", "full"]),
                "salary": lambda: "1",
                "min_salary": lambda: rng.choice([2500, 3000, 3500, 4000]),
                "days": lambda: rng.choice([1, 3, 7, 14, 30]),
                "sort": lambda: "date",
            }[name]()
        filters.append(query("/jobs/", **params))
    kinds["search_filters"] = distinct(filters)
    # Deep pages only where they exist: the unfiltered list and the place
    # itself (radius 0) hold at least that many live vacancies.
    total = live.count()
    deep = [query("/jobs/", page=p) for p in range(2, min(total // PER_PAGE, MAX_PAGES) + 1)]
    for city in cities[:100]:
        pages = city_counts.get(city.pk, 0) // PER_PAGE
        deep += [
            query("/jobs/", where=city.name, radius=0, page=p) for p in range(2, min(pages, MAX_PAGES) + 1)
        ]
    for occupation in occupations:
        pages = occupation_counts.get(occupation.pk, 0) // PER_PAGE
        deep += [query("/jobs/", occupation=occupation.slug, page=p) for p in range(2, min(pages, 10) + 1)]
    rng.shuffle(deep)
    kinds["search_deep"] = distinct(deep)

    search_lines = {}
    for name, pool in kinds.items():
        search_lines[name] = zipf_draw(rng, pool, LINES)
    # The search row of the targets: all kinds interleaved, fresh draws
    # with a longer tail so that most queries in it are distinct.
    mixed = []
    for pool in kinds.values():
        mixed += zipf_draw(rng, pool, 2 * LINES // len(kinds), exponent=0.8)
    rng.shuffle(mixed)

    lines = {"search": mixed, **search_lines}
    # Vacancy pages by random id (uniform: every vacancy is someone's click).
    # Enough distinct ids that no run repeats one (half the list is the
    # warm-up's, the other half lasts 30 s at 2,000 requests/s): the figure
    # is what a page costs the first time, not what the page cache replays.
    low, high = (
        Vacancy.objects.order_by("pk").values_list("pk", flat=True).first() or 0,
        (Vacancy.objects.order_by("-pk").values_list("pk", flat=True).first() or 0),
    )
    wanted = sorted({rng.randint(low, high) for _ in range(VACANCY_URLS * 8 // 5)}) if high else []
    vacancies = []
    for start in range(0, len(wanted), 1000):
        vacancies += list(live.filter(pk__in=wanted[start : start + 1000]).only("pk", "slug"))
    rng.shuffle(vacancies)
    lines["vacancy"] = [v.get_absolute_url() for v in vacancies[:VACANCY_URLS]]
    hubs = [
        p.get_absolute_url() for p in CareerProfile.objects.published().select_related("occupation", "city")
    ]
    hubs += [o.get_absolute_url() for o in occupations]
    hubs += [c.get_absolute_url() for c in City.objects.order_by("-population", "pk")[:1500]]
    lines["career_hubs"] = zipf_draw(rng, hubs, LINES, exponent=0.9)
    lines["company"] = zipf_draw(
        rng, [c.get_absolute_url() for c in Company.objects.order_by("pk")[:5000]], LINES, exponent=0.9
    )
    lines["home"] = ["/"]
    feeds = [query("/jobs/feed/rss/")] + [query("/jobs/feed/rss/", q=k) for k in keywords[:300]]
    feeds += [query("/jobs/feed/atom/", where=p) for p in places[:100]]
    lines["feed"] = zipf_draw(rng, feeds, LINES)
    # The floor: one SELECT 1 through the whole middleware stack, gunicorn
    # and wrk; no page of the site can be faster on this machine.
    lines["floor"] = ["/healthz"]

    OUT.mkdir(parents=True, exist_ok=True)
    for name, urls in lines.items():
        (OUT / f"{name}.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
        print(f"{name:22} {len(urls):6} Anfragen, {len(set(urls)):6} verschiedene URLs")


if __name__ == "__main__":
    main()
