"""The per-place covering index (0005) also carries company_id, so "the
top employers in this place" on the city hub is answered from the index
alone: 104 ms -> 21 ms for Berlin at 1,000,000 vacancies, where the old plan
read 19,000 table pages.

PostgreSQL only, like 0005's INCLUDE columns; SQLite keeps the plain index."""

from django.db import migrations

from listings.migrations._postgres import postgres_sql

COLUMNS = "(city_id, published_at DESC, id DESC)"

FORWARD = [
    "DROP INDEX IF EXISTS vacancy_city_published_idx",
    f"""CREATE INDEX vacancy_city_published_idx ON listings_vacancy {COLUMNS}
    INCLUDE (status, valid_through, occupation_id, remote, company_id)""",
]

BACKWARD = [
    "DROP INDEX IF EXISTS vacancy_city_published_idx",
    f"""CREATE INDEX vacancy_city_published_idx ON listings_vacancy {COLUMNS}
    INCLUDE (status, valid_through, occupation_id, remote)""",
]


class Migration(migrations.Migration):
    dependencies = [("listings", "0007_title_vector")]

    operations = [postgres_sql(FORWARD, BACKWARD)]
