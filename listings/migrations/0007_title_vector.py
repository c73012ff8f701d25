"""Title-first keyword search (listings/search.py, WIDEN_BELOW):

- `title_vector`: the title alone as a tsvector (weight A, like the title
  part of search_vector, so the same tsquery strings work on both);
- a GIN index on it, for rare words;
- the covering date index also carries title and title_vector, so for
  common words PostgreSQL walks the newest vacancies and tests the keyword
  (full text, trigram, occupation, company) and ranks from the index alone,
  without reading the wide table rows.

PostgreSQL only, like 0002 and 0004."""

from django.db import migrations

WINDOW_COLUMNS = (
    "status, valid_through, city_id, occupation_id, company_id, full_time, part_time, mini_job, "
    "apprenticeship, internship, temporary, contract, remote, salary_monthly_min, salary_monthly_max"
)

FORWARD = [
    """
    ALTER TABLE listings_vacancy ADD COLUMN IF NOT EXISTS title_vector tsvector
    GENERATED ALWAYS AS (setweight(to_tsvector('german'::regconfig, coalesce(title, '')), 'A')) STORED
    """,
    "CREATE INDEX IF NOT EXISTS vacancy_title_vector_gin ON listings_vacancy USING gin (title_vector)",
    "DROP INDEX IF EXISTS vacancy_search_window_idx",
    f"""
    CREATE INDEX vacancy_search_window_idx ON listings_vacancy (published_at DESC, id DESC)
        INCLUDE ({WINDOW_COLUMNS}, title, title_vector)
    """,
]

BACKWARD = [
    "DROP INDEX IF EXISTS vacancy_search_window_idx",
    f"""
    CREATE INDEX vacancy_search_window_idx ON listings_vacancy (published_at DESC, id DESC)
        INCLUDE ({WINDOW_COLUMNS})
    """,
    "DROP INDEX IF EXISTS vacancy_title_vector_gin",
    "ALTER TABLE listings_vacancy DROP COLUMN IF EXISTS title_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("listings", "0006_search_vector_inline")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
