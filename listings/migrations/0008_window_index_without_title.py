"""The covering date index without title and title_vector again (0007 added
them). With them in it, PostgreSQL could answer a keyword search from that
index alone, and did: it scanned all 1,000,000 entries and ran the trigram
test on every title (8 s for "Bäcker"), because the planner prices that test
like a plain comparison. Without them a keyword search collects its matches
from the GIN and occupation indexes (listings/search.py, `selective`) or, for
common words, walks the newest vacancies and stops early.

PostgreSQL only, like 0004."""

from django.db import migrations

WINDOW_COLUMNS = (
    "status, valid_through, city_id, occupation_id, company_id, full_time, part_time, mini_job, "
    "apprenticeship, internship, temporary, contract, remote, salary_monthly_min, salary_monthly_max"
)

FORWARD = [
    "DROP INDEX IF EXISTS vacancy_search_window_idx",
    f"""
    CREATE INDEX vacancy_search_window_idx ON listings_vacancy (published_at DESC, id DESC)
        INCLUDE ({WINDOW_COLUMNS})
    """,
]
BACKWARD = [
    "DROP INDEX IF EXISTS vacancy_search_window_idx",
    f"""
    CREATE INDEX vacancy_search_window_idx ON listings_vacancy (published_at DESC, id DESC)
        INCLUDE ({WINDOW_COLUMNS}, title, title_vector)
    """,
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("listings", "0007_title_vector")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
