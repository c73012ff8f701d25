"""Keep the search vector in the table row (STORAGE MAIN) and let the
description go to TOAST first.

A keyword search rechecks `search_vector @@ …` on every candidate row (the
trigram and weighted-prefix conditions are lossy in the GIN indexes). With
the vector stored out of line, each recheck read about ten TOAST pages:
"Buchhalter" at 1,000,000 vacancies touched 567,000 buffers for 52,000
candidates. The description is only read on the vacancy's own page.

Applies to rows written from now on; `seed_demo` and imports write new rows,
an existing big table needs VACUUM FULL (or a reload) to move old rows.
PostgreSQL only, like 0002."""

from django.db import migrations

from listings.migrations._postgres import postgres_sql

FORWARD = [
    "ALTER TABLE listings_vacancy ALTER COLUMN search_vector SET STORAGE MAIN",
    "ALTER TABLE listings_vacancy ALTER COLUMN description SET STORAGE EXTENDED",
]
BACKWARD = ["ALTER TABLE listings_vacancy ALTER COLUMN search_vector SET STORAGE EXTENDED"]


class Migration(migrations.Migration):
    dependencies = [("listings", "0005_live_lists_indexes")]

    operations = [postgres_sql(FORWARD, BACKWARD)]
