"""Database outage: every page answers 503 with the friendly page and
Retry-After, /healthz answers 503, and the same process recovers by itself
when the database is back.

The outage is real, not mocked: the connection Django uses is pointed at a
closed TCP port (PostgreSQL) or at a path no database file can be opened at
(SQLite), and on PostgreSQL a second test refuses new connections and kills
the live backend with pg_terminate_backend. The test's own connection (with
its transaction) is set aside meanwhile and put back afterwards."""

import contextlib
import copy
import socket

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client

from tests.security.conftest import public_routes

pytestmark = pytest.mark.django_db

# The health check answers a plain 503 of its own (asserted below).
SEPARATE = {"healthz"}


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_connection(original):
    # Its own copy of the settings: create_connection() would share the dict
    # with the test connection (and with the test database's teardown).
    return type(original)(copy.deepcopy(original.settings_dict), original.alias)


@contextlib.contextmanager
def database_swapped(tmp_path):
    """Django's "default" connection is replaced by a fresh one whose
    settings point nowhere; yields it (its settings_dict can be mended to
    let the same connection object recover)."""
    original = connections["default"]
    good = dict(original.settings_dict)
    broken = fresh_connection(original)
    if broken.vendor == "postgresql":
        broken.settings_dict.update({"HOST": "127.0.0.1", "PORT": closed_port()})
        broken.settings_dict["OPTIONS"] = {**broken.settings_dict["OPTIONS"], "connect_timeout": 2}
    else:
        # A directory: SQLite cannot open it ("unable to open database file").
        broken.settings_dict["NAME"] = str(tmp_path)
    attempts = []
    connect = broken.get_new_connection

    def counted_connect(params):
        attempts.append(params)
        return connect(params)

    broken.get_new_connection = counted_connect
    connections["default"] = broken
    try:
        yield broken, good, attempts
    finally:
        broken.close()
        connections["default"] = original


def assert_unavailable(response, what):
    assert response.status_code == 503, f"{what} -> {response.status_code}"
    assert response["Retry-After"] == "30", what
    assert "Vorübergehend nicht erreichbar" in response.content.decode(), what
    # The friendly page is a full page with the site's security headers.
    assert response["X-Frame-Options"] == "DENY", what
    assert "default-src 'self'" in response["Content-Security-Policy"], what
    assert response["X-Content-Type-Options"] == "nosniff", what


def outage_urls(world):
    urls = []
    for route in public_routes():
        if route.name in SEPARATE:
            continue
        urls.append((route, world.url_for(route)))
    return urls


def test_every_page_answers_503_and_recovers(world, tmp_path):
    visitor = Client(raise_request_exception=False)
    employer = Client(raise_request_exception=False)
    employer.force_login(world.employer)
    urls = outage_urls(world)
    assert len(urls) > 20
    assert visitor.get("/healthz").status_code == 200
    # POST-only URLs (log-out, close, renew, Merkliste) are asked by POST.
    methods = {}
    for route, url in urls:
        client = employer if route.employer_area else visitor
        methods[url] = "post" if client.get(url).status_code == 405 else "get"
    # Those visits kept whole pages for visitors (jobsite/pagecache.py);
    # this test is about what the views do without the database.
    cache.clear()

    with database_swapped(tmp_path) as (_connection, _good, attempts):
        asked_database = 0
        for route, url in urls:
            client = employer if route.employer_area else visitor
            tried = len(attempts)
            response = getattr(client, methods[url])(url)
            what = f"{methods[url].upper()} {url}"
            if len(attempts) > tried:
                asked_database += 1
                assert_unavailable(response, what)
            else:
                # Answered without the database (robots.txt, the autocomplete
                # without a query): fine, as long as it is no 5xx.
                assert response.status_code < 500, what
        assert asked_database >= len(urls) - 8
        # Pages with search parameters, a 404 that asks the flat pages, a
        # form post, and the admin.
        assert_unavailable(visitor.get("/jobs/?q=pflege&where=hagen&radius=25"), "search")
        assert_unavailable(visitor.get("/gibt-es-nicht/"), "404 with flat-page fallback")
        assert_unavailable(visitor.get("/jobs/orte/?q=Hag"), "place autocomplete")
        assert_unavailable(
            visitor.post("/arbeitgeber/anmelden/", {"username": "a@example.org", "password": "x-geheim-1"}),
            "log-in",
        )
        assert_unavailable(employer.get("/admin/"), "admin")
        health = visitor.get("/healthz")
        assert health.status_code == 503
        assert health.content == b"unavailable"
        assert visitor.get("/robots.txt").status_code == 200

    # Back without a restart: the same process, the same clients.
    assert visitor.get("/healthz").status_code == 200
    for route, url in urls:
        client = employer if route.employer_area else visitor
        response = client.get(url)
        assert response.status_code < 500, f"{url} after the outage -> {response.status_code}"
    assert world.vacancy.title in visitor.get(world.vacancy.get_absolute_url()).content.decode()


def test_a_dead_connection_reconnects_when_the_database_returns(tmp_path):
    """The very connection object that failed recovers once its database
    answers again: Django drops a broken connection, and the next request
    connects afresh. (Only committed data is visible to it, so the pages
    shown here need nothing but the taxonomy.)"""
    client = Client(raise_request_exception=False)
    with database_swapped(tmp_path) as (connection, good, _attempts):
        for _ in range(2):
            assert client.get("/healthz").status_code == 503
            assert_unavailable(client.get("/jobs-in/hagen/"), "city hub")
        connection.settings_dict.update(good)
        assert client.get("/healthz").status_code == 200
        response = client.get("/jobs-in/hagen/")
        assert response.status_code == 200
        assert "Hagen" in response.content.decode()


@pytest.mark.postgres
def test_postgres_backend_terminated_and_refused(world):
    """PostgreSQL goes away under a live connection: new connections are
    refused (ALLOW_CONNECTIONS false) and the open backend is terminated.
    Pages answer 503 until the database accepts connections again."""
    original = connections["default"]
    if original.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    database = original.settings_dict["NAME"]
    site = fresh_connection(original)  # what the pages use
    admin = fresh_connection(original)  # the operator pulling the plug
    admin.settings_dict["NAME"] = "postgres"  # a database cannot lock itself out
    client = Client(raise_request_exception=False)
    connections["default"] = site
    try:
        assert client.get("/healthz").status_code == 200
        assert client.get("/jobs-in/hagen/").status_code == 200
        with admin.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS false')
            cursor.execute("SELECT pg_terminate_backend(%s)", [site.connection.info.backend_pid])
        # The page just kept for visitors needs no database (jobsite/pagecache.py)...
        assert client.get("/jobs-in/hagen/").status_code == 200
        # ...a page not kept meets the terminated backend.
        assert_unavailable(client.get("/jobs-in/muenster/"), "terminated backend")
        assert_unavailable(client.get("/jobs/?q=pflege"), "refused connection")
        assert client.get("/healthz").status_code == 503
    finally:
        try:
            with admin.cursor() as cursor:
                cursor.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS true')
        finally:
            admin.close()
            connections["default"] = original
    connections["default"] = site
    try:
        assert client.get("/healthz").status_code == 200
        response = client.get("/jobs-in/hagen/")
        assert response.status_code == 200
        assert "Hagen" in response.content.decode()
    finally:
        site.close()
        connections["default"] = original
