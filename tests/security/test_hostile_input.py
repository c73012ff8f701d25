"""Every public URL and every form, attacked with hostile values.

Table-driven over the URL resolver, so a page added later is attacked
without touching this file. Each request must answer below 500, must not
echo a payload as live markup, and a rejected form must store nothing.
`pytest -s` prints how many hostile requests were tried and how many 5xx
answers came back."""

import datetime
from collections import Counter
from urllib.parse import quote, urlencode, urljoin

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from listings.filters import VacancySearchFilterSet
from tests.security.conftest import forms_in, public_routes, row_counts, unescaped_payload

pytestmark = pytest.mark.django_db

HOSTILE = [
    "\x00",
    "Pflege\x00kraft",
    "\x1b[31m\x07\x08\x0b\x0c\x7f\x85\x9f",
    "x" * 10_000,
    "' OR '1'='1' --",
    "'; DROP TABLE listings_vacancy; --",
    "!!& | :* <-> (( )) '",
    "pflege:* & !koch <2> erzieher",
    "%_\\",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "99999999999999999999999999999",
    "-1",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "unbekannter-wert",
    "Ärger 😀 ﷽ \u202e",
    "../../etc/passwd",
]

# Per form field a shorter list (forms are many fields times many values).
FORM_VALUES = [HOSTILE[i] for i in (1, 2, 3, 4, 6, 9, 10, 12, 13, 15, 18, 19)]

# Search parameters, taken from the FilterSet, plus pagination.
SEARCH_PARAMS = sorted({*VacancySearchFilterSet.base_filters, "page"})

STATS = Counter()
SEEN_FORMS = set()


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print(
        f"\n[security] hostile requests tried: {STATS['requests']}, "
        f"5xx answers: {STATS['5xx']}, forms attacked: {len(SEEN_FORMS)}"
    )


def check(response, what):
    STATS["requests"] += 1
    if response.status_code >= 500:
        STATS["5xx"] += 1
    assert response.status_code < 500, f"{what} -> {response.status_code}"
    if not getattr(response, "streaming", False):
        text = response.content.decode("utf-8", "replace")
        leaked = unescaped_payload(text)
        assert leaked is None, f"{what} echoes a payload unescaped: {leaked!r}"


def get_routes():
    return [route for route in public_routes()]


ROUTES = get_routes()
ROUTE_IDS = [route.name for route in ROUTES]


@pytest.fixture
def visitor():
    return Client(raise_request_exception=True)


def client_for(route, visitor, employer_client):
    return employer_client if route.employer_area else visitor


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_get_with_hostile_parameters(route, world, visitor, employer_client):
    url = world.url_for(route)
    client = client_for(route, visitor, employer_client)
    for value in HOSTILE:
        query = urlencode({name: value for name in SEARCH_PARAMS})
        check(client.get(f"{url}?{query}"), f"GET {url} all params={value[:40]!r}")
    # Repeated parameters, negative and huge pages, raw non-UTF-8 bytes.
    for query in [
        "q=a&q=b&where=hagen&where=koeln&radius=5&radius=-5&page=1&page=2",
        "page=-1",
        "page=0",
        "page=99999999999999999999",
        "radius=1e309&min_salary=-1e309",
        "q=%FF%FE%FD&where=%C3%28&sort=%80",
        "q=%00&where=%0d%0aSet-Cookie:%20x=1",
        "type=full_time&type=full_time&type=unbekannt&contract=x&remote=%00",
        "%FF=1&=&&&==",
    ]:
        response = client.get(f"{url}?{query}")
        check(response, f"GET {url}?{query}")
        assert "x=1" not in response.get("Set-Cookie", "")


PATH_VALUES = [
    "\x00",
    "x" * 1000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%FF",
    "..",
    "ä",
]


@pytest.mark.parametrize("route", [r for r in ROUTES if r.kwargs], ids=[r.name for r in ROUTES if r.kwargs])
def test_hostile_path_arguments(route, world, visitor, employer_client):
    client = client_for(route, visitor, employer_client)
    good = world.kwargs_for(route)
    for name in route.kwargs:
        values = PATH_VALUES if name not in {"pk"} else ["0", "99999999999999999999999", "-1"]
        for value in values:
            # Built by hand: reverse() would refuse values its converter rejects,
            # but an attacker's URL does not ask.
            path = "/" + route.route
            for key, good_value in good.items():
                replacement = value if key == name else str(good_value)
                path = path.replace(f"<{_converter(route, key)}{key}>", quote(replacement, safe=""))
            check(client.get(path), f"GET {path[:120]}")


def _converter(route, key):
    for prefix in ("int:", "str:", "slug:", "path:", "uuid:", ""):
        if f"<{prefix}{key}>" in route.route:
            return prefix
    raise AssertionError(f"no converter for {key} in {route.route}")


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_wrong_methods(route, world, visitor, employer_client):
    client = client_for(route, visitor, employer_client)
    url = world.url_for(route)
    before = row_counts()
    for method in ("put", "patch", "delete", "options", "trace"):
        response = getattr(client, method)(url) if method != "trace" else client.generic("TRACE", url)
        check(response, f"{method.upper()} {url}")
    response = client.generic("PROPFIND", url)
    check(response, f"PROPFIND {url}")
    # A POST without any data: a form error, a 405 or a redirect, never a 500.
    check(client.post(url), f"POST {url} (empty)")
    if route.name not in {"listings:logout"}:
        assert row_counts() == before, f"{url}: an empty or wrong-method request stored something"


def plausible(name):
    """A valid-looking value per field name, so that the one hostile field is
    what the form has to deal with."""
    name = name.lower()
    in_30_days = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    table = [
        ("email", "neu@example.org"),
        ("password", "Sehr-geheim-2026!"),
        ("url", "https://example.org/bewerben"),
        ("website", "https://example.org"),
        ("valid", in_30_days),
        ("date", in_30_days),
        ("salary", "3500"),
        ("title", "Pflegefachkraft (m/w/d)"),
        ("name", "Beispiel GmbH"),
        ("city", "Hagen"),
        ("where", "Hagen"),
        ("description", "Wir suchen Verstärkung."),
        ("frequency", "daily"),
    ]
    for key, value in table:
        if key in name:
            return value
    return "x"


HOSTILE_UPLOAD_NAME = "<script>alert(1)</script>.png"


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_forms_with_hostile_values(route, world, visitor, employer_client, settings):
    # Rate limits would turn most of these requests into 429 answers after a
    # few tries; they are tested on their own.
    settings.RATELIMIT_ENABLE = False
    client = client_for(route, visitor, employer_client)
    url = world.url_for(route)
    page = client.get(url)
    if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
        return
    for form in forms_in(page.content.decode()):
        action = urljoin(url, form["action"] or url)
        key = (form["method"], action.split("?")[0], tuple(sorted(form["fields"])))
        if key in SEEN_FORMS:
            continue
        SEEN_FORMS.add(key)
        baseline = {
            name: (value if value not in (None, "") else plausible(name))
            for name, value in form["fields"].items()
            if name != "csrfmiddlewaretoken"
        }
        file_fields = [name for name, value in form["fields"].items() if value is None and "logo" in name]
        send = client.get if form["method"] == "get" else client.post
        for name in baseline:
            if form["method"] == "get" and name in SEARCH_PARAMS:
                continue  # the search parameters get every value above already
            for value in FORM_VALUES:
                data = {**baseline, name: value}
                before = row_counts()
                response = send(action, data)
                check(response, f"{form['method'].upper()} {action} {name}={value[:40]!r}")
                if form["method"] == "post" and response.status_code not in (301, 302, 303):
                    assert row_counts() == before, f"rejected POST {action} {name}={value[:40]!r} stored rows"
        for name in file_fields:
            upload = SimpleUploadedFile(HOSTILE_UPLOAD_NAME, b"\x00\xffGIF89a<script>", "image/png")
            before = row_counts()
            response = client.post(action, {**baseline, name: upload})
            check(response, f"POST {action} {name}=hostile upload")
            if response.status_code not in (301, 302, 303):
                assert row_counts() == before
        # Raw non-UTF-8 bytes in a form body.
        if form["method"] == "post":
            before = row_counts()
            body = "&".join(f"{quote(n)}=%FF%FE%00" for n in baseline)
            response = client.generic("POST", action, body, content_type="application/x-www-form-urlencoded")
            check(response, f"POST {action} non-UTF-8 body")
            if response.status_code not in (301, 302, 303):
                assert row_counts() == before


def test_no_control_characters_reached_the_database(world, employer_client, visitor, settings):
    """After hostile posts to the employer's posting form and the alert form,
    no stored text carries a NUL or an escape character."""
    settings.RATELIMIT_ENABLE = False
    from django.apps import apps
    from django.db import models

    for route in ROUTES:
        if route.name in {"listings:vacancy_create", "listings:alert_subscribe", "listings:signup"}:
            client = client_for(route, visitor, employer_client)
            url = world.url_for(route)
            page = client.get(url)
            for form in forms_in(page.content.decode()):
                if form["method"] != "post":
                    continue
                data = {
                    name: (value if value not in (None, "") else plausible(name)) + "\x00\x1b"
                    for name, value in form["fields"].items()
                    if name != "csrfmiddlewaretoken" and value is not None
                }
                check(client.post(urljoin(url, form["action"] or url), data), f"POST {url} with NUL")
    # Checked in Python: SQLite's LIKE stops at a NUL, so a query cannot tell.
    for label in ("listings", "profiles"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.model_name in {"city", "occupation"}:
                continue  # taxonomy from GeoNames and our own list, not user input
            names = [
                field.name
                for field in model._meta.get_fields()
                if isinstance(field, (models.CharField, models.TextField)) and field.concrete
            ]
            for row in model._default_manager.values_list(*names):
                for name, value in zip(names, row, strict=True):
                    assert not (value and ("\x00" in value or "\x1b" in value)), (
                        f"{model.__name__}.{name} holds a control character: {value[:60]!r}"
                    )
