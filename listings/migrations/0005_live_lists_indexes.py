"""Indexes for the lists of one occupation or a few places (occupation and
career pages, hubs, related vacancies): they walk just that occupation or
those places, newest first. On PostgreSQL the live() columns are included, so
counts and id lists are answered from the index alone (after VACUUM, see
seed_demo). SQLite gets the key columns only (it has no INCLUDE).

Kept out of the model state like 0002 and 0004: Django would warn on SQLite
about INCLUDE columns."""

from django.db import migrations

INDEXES = [
    ("vacancy_occ_published_idx", "occupation_id", "status, valid_through, city_id, remote"),
    ("vacancy_city_published_idx", "city_id", "status, valid_through, occupation_id, remote"),
]


def forward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for name, column, included in INDEXES:
        include = f" INCLUDE ({included})" if postgres else ""
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON listings_vacancy ({column}, published_at DESC, id DESC){include}"
        )


def backward(apps, schema_editor):
    for name, _column, _included in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("listings", "0004_search_window_indexes")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
