"""PostgreSQL search machinery (issue #3), kept out of the model state so
SQLite migrates the same history and simply skips it.

- `search_vector`: a stored generated column, so bulk_create/bulk_update in
  the importer and seed_demo keep it current without any Python hook. Title
  weighs A, description D; occupation names and synonyms are matched through
  the taxonomy at query time (listings/search.py), so an editor's new synonym
  works at once without rewriting a million rows.
- a GIN index on it, and a trigram GIN index on the title for typos and
  compound parts ("Koordinator" in "IT-Projektkoordinator").
"""

from django.db import migrations

from listings.migrations._postgres import postgres_sql

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    ALTER TABLE listings_vacancy ADD COLUMN IF NOT EXISTS search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('german'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('german'::regconfig, coalesce(description, '')), 'D')
    ) STORED
    """,
    "CREATE INDEX IF NOT EXISTS vacancy_search_vector_gin ON listings_vacancy USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS vacancy_title_trgm_gin ON listings_vacancy USING gin (title gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS company_name_trgm_gin ON listings_company USING gin (name gin_trgm_ops)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS company_name_trgm_gin",
    "DROP INDEX IF EXISTS vacancy_title_trgm_gin",
    "DROP INDEX IF EXISTS vacancy_search_vector_gin",
    "ALTER TABLE listings_vacancy DROP COLUMN IF EXISTS search_vector",
]


class Migration(migrations.Migration):
    dependencies = [("listings", "0001_initial")]

    operations = [postgres_sql(FORWARD, BACKWARD)]
