"""The occupation index (0005) also carries the facet columns, the title and
its text vector: the matches of a keyword that names an occupation are then
read from this index alone, in date order, instead of one table page per
vacancy (search._split_window). Occupation pages, hubs and related lists
use it as before. PostgreSQL only, like 0004; SQLite keeps 0005's index."""

from django.db import migrations

from listings.migrations._postgres import postgres_sql

FORWARD = [
    "DROP INDEX IF EXISTS vacancy_occ_published_idx",
    """
    CREATE INDEX IF NOT EXISTS vacancy_occ_published_idx ON listings_vacancy
        (occupation_id, published_at DESC, id DESC)
        INCLUDE (status, valid_through, city_id, remote, company_id, full_time, part_time, mini_job,
                 apprenticeship, internship, temporary, contract, salary_monthly_min, salary_monthly_max,
                 title, title_vector)
    """,
]

BACKWARD = [
    "DROP INDEX IF EXISTS vacancy_occ_published_idx",
    """
    CREATE INDEX IF NOT EXISTS vacancy_occ_published_idx ON listings_vacancy
        (occupation_id, published_at DESC, id DESC) INCLUDE (status, valid_through, city_id, remote)
    """,
]


class Migration(migrations.Migration):
    dependencies = [("listings", "0012_alert_unique_search")]

    operations = [postgres_sql(FORWARD, BACKWARD)]
