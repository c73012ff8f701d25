"""PostgreSQL indexes for the search's match window (listings/search.py reads
the facet columns of the newest matches in one query):

- a covering index in date order, so a search without keywords walks the
  newest vacancies with an index-only scan and never touches the wide heap
  rows (descriptions); it needs the visibility map, so run VACUUM ANALYZE
  after a bulk load;
- a partial index on fully remote vacancies, so "place OR fully remote" can
  combine it with the city index in a BitmapOr instead of walking the table.

Kept out of the model state like 0002, so SQLite skips them.
"""

from django.db import migrations

from listings.migrations._postgres import postgres_sql

FORWARD = [
    """
    CREATE INDEX IF NOT EXISTS vacancy_search_window_idx ON listings_vacancy
        (published_at DESC, id DESC)
        INCLUDE (status, valid_through, city_id, occupation_id, company_id, full_time, part_time,
                 mini_job, apprenticeship, internship, temporary, contract, remote,
                 salary_monthly_min, salary_monthly_max)
    """,
    "CREATE INDEX IF NOT EXISTS vacancy_full_remote_idx ON listings_vacancy (published_at) WHERE remote = 'full'",
]

BACKWARD = [
    "DROP INDEX IF EXISTS vacancy_full_remote_idx",
    "DROP INDEX IF EXISTS vacancy_search_window_idx",
]


class Migration(migrations.Migration):
    dependencies = [("listings", "0003_seo_expiry_reminder")]

    operations = [postgres_sql(FORWARD, BACKWARD)]
