"""Database connections for helper threads (index builds in seed_demo, the
import writer). Django gives every thread its own connection, built from
settings.DATABASES; under the test runner those still name the non-test
database, so a helper thread copies the settings of the connection that
started it and so always reaches the same database."""

from django.db import connections


def use_database_of(settings_dict, alias="default"):
    """Call first thing in a helper thread."""
    own = connections.create_connection(alias)
    own.settings_dict = dict(settings_dict)
    connections[alias] = own
    return own
