"""Deterministic demo content: taxonomy, companies, vacancies, career
profiles. Same seed, same content (relative to the day it runs)."""

import datetime
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jobsite.text import german_slugify
from listings.models import City, Company, Occupation, Vacancy
from listings.taxonomy import DATA_DIR, load_cities, load_occupations

PROFILES_DIR = Path(settings.BASE_DIR) / "demo" / "profiles"
BATCH = 5000

# Monthly gross base salary by category keyword (rough, for believable demo data).
SALARY_BASE = [
    ("IT", 4300),
    ("Ingenieur", 4600),
    ("Finanz", 3800),
    ("Pflege", 3300),
    ("Gesundheit", 3100),
    ("Erziehung", 3200),
    ("Handwerk", 2900),
    ("Bau", 3000),
    ("Logistik", 2700),
    ("Gastronomie", 2300),
    ("Handel", 2500),
    ("Reinigung", 2200),
]


class Progress:
    """Count, rate and time left on a terminal; silent otherwise."""

    def __init__(self, total, label, stream=None):
        self.total, self.label = total, label
        self.stream = stream or sys.stdout
        self.enabled = self.stream.isatty() if hasattr(self.stream, "isatty") else False
        self.started = time.monotonic()

    def update(self, done):
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        left = (self.total - done) / rate if rate else 0
        self.stream.write(f"\r{self.label}: {done:,}/{self.total:,} ({rate:,.0f}/s, noch {left:,.0f} s)   ")
        self.stream.flush()

    def finish(self):
        if self.enabled:
            self.stream.write("\n")


def _base_salary(category):
    for keyword, base in SALARY_BASE:
        if keyword.lower() in (category or "").lower():
            return base
    return 3000


class DemoBuilder:
    def __init__(self, *, seed=42, stdout=None):
        self.rng = random.Random(seed)
        self.stdout = stdout or sys.stdout
        self.texts = json.loads((DATA_DIR / "vacancy_texts.json").read_text(encoding="utf-8"))

    def log(self, message):
        self.stdout.write(message + "\n")

    def taxonomy(self):
        if City.objects.filter(geonames_id__isnull=False).count() < 10000:
            created, updated = load_cities()
            self.log(f"Orte: {created} neu, {updated} aktualisiert.")
        created = load_occupations()
        self.log(f"Berufe: {Occupation.objects.count()} ({created} neu).")

    def companies(self, count, cities):
        words = self.texts["company_words"]
        existing = set(Company.objects.values_list("slug", flat=True))
        companies = []
        attempts = 0
        while len(companies) < count and attempts < count * 20:
            attempts += 1
            name = f"{self.rng.choice(words['prefixes'])} {self.rng.choice(words['suffixes'])}"
            if attempts > count * 2:
                name = f"{name} {self.rng.choice(cities).name}"
            slug = german_slugify(name)
            if slug in existing:
                continue
            existing.add(slug)
            companies.append(
                Company(
                    name=name,
                    slug=slug,
                    website=f"https://{slug}.example",
                    description=self.rng.choice(self.texts["intros"]).format(
                        company=name, city=self.rng.choice(cities).name
                    ),
                    city=self.rng.choice(cities),
                    is_trusted=self.rng.random() < 0.3,
                )
            )
        Company.objects.bulk_create(companies, batch_size=BATCH)
        return list(Company.objects.order_by("pk"))

    def description(self, occupation, company, city):
        rng, texts = self.rng, self.texts
        category = occupation.category if occupation.category in texts["tasks_by_category"] else None
        category = category or rng.choice(list(texts["tasks_by_category"]))
        parts = [rng.choice(texts["intros"]).format(company=company.name, city=city.name), ""]
        parts.append("## Ihre Aufgaben")
        parts += [f"- {t}" for t in rng.sample(texts["tasks_by_category"][category], rng.randint(4, 7))]
        parts += ["", "## Ihr Profil"]
        parts += [
            f"- {t}" for t in rng.sample(texts["requirements_by_category"][category], rng.randint(3, 6))
        ]
        parts += ["", "## Wir bieten"]
        parts += [f"- {t}" for t in rng.sample(texts["benefits"], rng.randint(3, 7))]
        parts += ["", rng.choice(texts["closings"]).format(company=company.name)]
        return "\n".join(parts)

    def vacancy(self, occupation, company, city, now, today):
        rng = self.rng
        form = rng.choice([occupation.name, occupation.name_female or occupation.name, occupation.name])
        title = form
        if rng.random() < 0.08:
            title = f"{rng.choice(self.texts['title_prefixes'])} {title}"
        title = f"{title} {rng.choice(self.texts['title_suffixes'])}"[:200]
        kind = rng.random()
        types = ["full_time"]
        if kind > 0.65:
            types = ["part_time"] if kind < 0.8 else ["full_time", "part_time"]
        if kind > 0.93:
            types = [rng.choice(["mini_job", "apprenticeship", "internship", "temporary"])]
        remote = "none"
        if occupation.category and any(
            k in occupation.category for k in ("IT", "Büro", "Marketing", "Finanz")
        ):
            remote = rng.choices(["none", "hybrid", "full"], weights=[40, 45, 15])[0]
        elif rng.random() < 0.05:
            remote = "hybrid"
        salary = {}
        if rng.random() < 0.6:
            base = _base_salary(occupation.category) * rng.uniform(0.85, 1.2)
            if types[0] in ("mini_job", "temporary"):
                low = Decimal(str(round(rng.uniform(13.5, 16.5), 2)))
                salary = {"salary_min": low, "salary_max": low + Decimal("2.00"), "salary_period": "hour"}
            elif rng.random() < 0.15:
                low = int(base * 12 / 1000) * 1000
                salary = {"salary_min": low, "salary_max": low + 6000, "salary_period": "year"}
            else:
                low = int(base / 100) * 100
                salary = {
                    "salary_min": low,
                    "salary_max": low + rng.choice([300, 500, 700]),
                    "salary_period": "month",
                }
        age = rng.randint(0, 45)
        published_at = now - datetime.timedelta(days=age, minutes=rng.randint(0, 1439))
        valid_through = today + datetime.timedelta(days=rng.randint(3, 60))
        status = Vacancy.Status.PUBLISHED
        roll = rng.random()
        if roll < 0.03:
            status, valid_through = (
                Vacancy.Status.EXPIRED,
                today - datetime.timedelta(days=rng.randint(1, 20)),
            )
        elif roll < 0.05:
            status = Vacancy.Status.CLOSED
        vacancy = Vacancy(
            title=title,
            slug=german_slugify(f"{title} {city.name}"),
            company=company,
            occupation=occupation,
            city=city,
            remote=remote,
            contract=rng.choices(["permanent", "fixed_term", ""], weights=[70, 20, 10])[0],
            description=self.description(occupation, company, city),
            apply_url=f"{company.website}/karriere/{rng.randint(1000, 999999)}",
            date_posted=published_at.date(),
            valid_through=valid_through,
            status=status,
            published_at=published_at,
            external_id=f"DEMO-{rng.randint(10**7, 10**8 - 1)}",
            **salary,
        )
        vacancy.employment_types = types
        vacancy.salary_monthly_min = vacancy._monthly(vacancy.salary_min)
        vacancy.salary_monthly_max = vacancy._monthly(vacancy.salary_max)
        return vacancy

    def vacancies(self, count, companies, cities, weights, focus):
        occupations = list(Occupation.objects.order_by("pk"))
        now, today = timezone.now(), timezone.localdate()
        progress = Progress(count, "Stellen", self.stdout)
        batch, done, used_ids = [], 0, set()
        for i in range(count):
            if focus and i % 10 == 0:
                occupation, city = focus[(i // 10) % len(focus)]
            else:
                occupation = self.rng.choice(occupations)
                city = self.rng.choices(cities, weights=weights)[0]
            vacancy = self.vacancy(occupation, self.rng.choice(companies), city, now, today)
            key = (vacancy.company_id, vacancy.external_id)
            while key in used_ids:
                vacancy.external_id = f"DEMO-{self.rng.randint(10**7, 10**9)}"
                key = (vacancy.company_id, vacancy.external_id)
            used_ids.add(key)
            batch.append(vacancy)
            if len(batch) >= BATCH:
                Vacancy.objects.bulk_create(batch, batch_size=BATCH)
                done += len(batch)
                batch = []
                progress.update(done)
        if batch:
            Vacancy.objects.bulk_create(batch, batch_size=BATCH)
            done += len(batch)
            progress.update(done)
        progress.finish()
        return done

    def profiles(self):
        from profiles.importer import import_profile_file

        results = []
        for path in sorted(PROFILES_DIR.glob("*.txt")):
            result = import_profile_file(path, publish=True)
            if result.ok:
                results.append(result.profile)
            else:
                self.log(f"Profil {path.name}: {result.error}")
        self.log(f"Berufsprofile: {len(results)}.")
        return results


def seed_demo(*, vacancies=300, seed=42, stdout=None):
    builder = DemoBuilder(seed=seed, stdout=stdout)
    builder.taxonomy()
    with transaction.atomic():
        profiles = builder.profiles()
    cities = list(City.objects.filter(population__gte=20000).order_by("-population", "pk")[:400])
    weights = [max(c.population, 1) ** 0.6 for c in cities]
    focus = [(p.occupation, p.city) for p in profiles]
    company_count = max(20, min(vacancies // 8, 20000))
    with transaction.atomic():
        companies = builder.companies(company_count, cities)
    created = builder.vacancies(vacancies, companies, cities, weights, focus)
    builder.log(f"Stellen: {created} angelegt.")
    return created
