"""Title-first keyword search (listings/search.py, WIDEN_BELOW):

- `title_vector`: the title alone as a tsvector (weight A, like the title
  part of search_vector, so the same tsquery strings work on both);
- a GIN index on it.

Not in the covering date index: with the title in it, PostgreSQL answered
keyword searches by scanning all of that index and running the trigram test
on every title (8 s for "Bäcker" at 1,000,000 vacancies), because the planner
prices that test like a plain comparison.

PostgreSQL only, like 0002 and 0004."""

from django.db import migrations

from listings.migrations._postgres import postgres_sql

FORWARD = [
    """
    ALTER TABLE listings_vacancy ADD COLUMN IF NOT EXISTS title_vector tsvector
    GENERATED ALWAYS AS (setweight(to_tsvector('german'::regconfig, coalesce(title, '')), 'A')) STORED
    """,
    "CREATE INDEX IF NOT EXISTS vacancy_title_vector_gin ON listings_vacancy USING gin (title_vector)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS vacancy_title_vector_gin",
    "ALTER TABLE listings_vacancy DROP COLUMN IF EXISTS title_vector",
]


class Migration(migrations.Migration):
    dependencies = [("listings", "0006_search_vector_inline")]

    operations = [postgres_sql(FORWARD, BACKWARD)]
