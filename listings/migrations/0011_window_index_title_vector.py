"""The covering window index (0004) also carries the title's text vector.

A keyword that names no occupation walks the date index newest-first and
tests every vacancy on the way against the title vector, which the index
lacked: PostgreSQL read the table row of each one ("Engineer": 30,000 rows
for the newest 1,001 matches, 112 ms at 1,000,000 vacancies, 19 ms as an
index-only scan). The relevance, which also reads the title, is worked out
afterwards for the window's rows only (listings.search._ranked_window).
PostgreSQL only, like 0004; the index grows from about 107 to 182 MB."""

from django.db import migrations

from listings.migrations._postgres import postgres_sql

COLUMNS = """(published_at DESC, id DESC)
        INCLUDE (status, valid_through, city_id, occupation_id, company_id, full_time, part_time,
                 mini_job, apprenticeship, internship, temporary, contract, remote,
                 salary_monthly_min, salary_monthly_max{extra})"""

FORWARD = [
    "DROP INDEX IF EXISTS vacancy_search_window_idx",
    "CREATE INDEX vacancy_search_window_idx ON listings_vacancy " + COLUMNS.format(extra=", title_vector"),
]

BACKWARD = [
    "DROP INDEX IF EXISTS vacancy_search_window_idx",
    "CREATE INDEX vacancy_search_window_idx ON listings_vacancy " + COLUMNS.format(extra=""),
]


class Migration(migrations.Migration):
    dependencies = [("listings", "0010_drop_redundant_vacancy_indexes")]

    operations = [postgres_sql(FORWARD, BACKWARD)]
