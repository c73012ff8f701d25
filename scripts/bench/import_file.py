"""Writes a deterministic JSON Lines file of N vacancy records in the import
format (CONTRACT.md) for measuring `import_vacancies`: the demo generator's
titles, occupations, places and 800-2,000 character descriptions, from 2,000
companies. Usage: import_file.py N PATH (run with the bench's DATABASE_URL,
which must hold the taxonomy)."""

import json
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobsite.settings")

import django  # noqa: E402

django.setup()

from types import SimpleNamespace  # noqa: E402

from jobsite.demo import DemoBuilder  # noqa: E402
from jobsite.text import german_slugify  # noqa: E402
from listings.models import City, Occupation, Vacancy  # noqa: E402


def main(count, path):
    builder = DemoBuilder(seed=20261124)
    cities = list(City.objects.filter(population__gte=20000).order_by("-population", "pk")[:400])
    words = builder.texts["company_words"]
    companies = []
    for number in range(2000):
        name = f"{words['prefixes'][number % len(words['prefixes'])]} {words['suffixes'][number % len(words['suffixes'])]} {number}"
        slug = german_slugify(name)
        companies.append(SimpleNamespace(pk=number, name=name, website=f"https://{slug}.example"))
    plan = builder.plan(count, companies, cities, [max(c.population, 1) ** 0.6 for c in cities], [])
    occupations = {o.pk: o.name for o in Occupation.objects.all()}
    places = {c.pk: c.name for c in cities}
    with open(path, "w", encoding="utf-8") as out:
        for values in builder.generate(plan):
            company = companies[values["company_id"]]
            salary = None
            if values["salary_min"] is not None:
                salary = {
                    "min": float(values["salary_min"]),
                    "max": float(values["salary_max"]),
                    "currency": "EUR",
                    "period": values["salary_period"],
                }
            record = {
                "external_id": values["external_id"],
                "company": {"name": company.name, "website": company.website},
                "title": values["title"],
                "occupation": occupations[values["occupation_id"]],
                "city": places[values["city_id"]],
                "remote": values["remote"],
                "employment_types": [code for code in Vacancy.EMPLOYMENT_TYPES if values[code]],
                "contract": values["contract"] or None,
                "salary": salary,
                "description": values["description"],
                "apply_url": values["apply_url"],
                "apply_email": None,
                "date_posted": values["date_posted"].isoformat(),
                "valid_through": max(values["valid_through"], values["date_posted"]).isoformat(),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
