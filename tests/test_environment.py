"""CI must never pass by skipping: when it asks for PostgreSQL, the suite
really runs on PostgreSQL."""

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_database_is_the_one_requested():
    if os.environ.get("REQUIRE_POSTGRES"):
        assert connection.vendor == "postgresql", (
            "REQUIRE_POSTGRES is set but tests run on " + connection.vendor
        )
    elif not os.environ.get("DATABASE_URL"):
        assert connection.vendor == "sqlite"
