"""Property tests (Hypothesis): whatever text arrives in the search
parameters or the employer's posting form, the answer is a page or a clear
refusal, never a 500, and the feeds stay well-formed XML."""

import datetime
import secrets
from urllib.parse import urlencode
from xml.dom import minidom

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from listings.filters import VacancySearchFilterSet
from listings.models import Vacancy
from tests.factories import MembershipFactory, VacancyFactory
from tests.security.conftest import unescaped_payload

pytestmark = pytest.mark.django_db

SEARCH_PARAMS = sorted({*VacancySearchFilterSet.base_filters, "page"})
PAGE_STATUSES = {200, 301, 302, 400, 404}

# Any Unicode except lone surrogates (which no browser can send either),
# with the characters attacks like best over-represented.
hostile_text = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=300),
    st.text(st.sampled_from("\x00\x01\x1b\x7f\x85'\"<>&%_\\:*!|()-+~@ \n\r\t0123456789eE.äöüß"), max_size=60),
    st.sampled_from(["<script>alert(1)</script>", "javascript:alert(1)", "1e309", "-0", "NaN", "99" * 20]),
)
query_params = st.dictionaries(
    st.sampled_from(SEARCH_PARAMS),
    st.lists(hostile_text, min_size=1, max_size=3),
    max_size=len(SEARCH_PARAMS),
)
run = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def some_vacancies(db):
    VacancyFactory(title="Pflegefachkraft (m/w/d)", description="Pflege in Köln")
    VacancyFactory(title="Erzieherin (m/w/d)", part_time=True, full_time=False, salary_min=None)
    VacancyFactory(title="Berufskraftfahrer <CE>", remote=Vacancy.Remote.HYBRID)


@run
@given(params=query_params)
def test_search_answers_every_parameter_value(some_vacancies, params):
    response = Client().get("/jobs/?" + urlencode(params, doseq=True))
    assert response.status_code in PAGE_STATUSES, params
    assert unescaped_payload(response.content.decode()) is None


@run
@given(params=query_params)
def test_feeds_stay_well_formed_xml(some_vacancies, params):
    for path in ("/jobs/feed/rss/", "/jobs/feed/atom/"):
        response = Client().get(path + "?" + urlencode(params, doseq=True))
        assert response.status_code in PAGE_STATUSES, params
        if response.status_code == 200:
            minidom.parseString(response.content)  # raises on broken XML


@pytest.fixture
def employer(db, settings):
    settings.RATELIMIT_ENABLE = False
    client = Client()
    client.force_login(MembershipFactory().user)
    return client


FORM_FIELDS = {
    "title": st.one_of(hostile_text, st.just("IT-Projektkoordinator (m/w/d)")),
    "city_name": st.one_of(hostile_text, st.sampled_from(["Hagen", "Köln", "koeln"])),
    "remote": st.one_of(hostile_text, st.sampled_from(["none", "hybrid", "full"])),
    "contract": st.one_of(hostile_text, st.sampled_from(["", "permanent", "fixed_term"])),
    "employment_types": st.lists(
        st.one_of(hostile_text, st.sampled_from(list(Vacancy.EMPLOYMENT_TYPES))), max_size=3
    ),
    "salary_min": st.one_of(hostile_text, st.integers(-(10**12), 10**12).map(str)),
    "salary_max": st.one_of(hostile_text, st.integers(-(10**12), 10**12).map(str)),
    "salary_period": st.one_of(hostile_text, st.sampled_from(["", "hour", "month", "year"])),
    "description": st.one_of(hostile_text, st.just("## Aufgaben\n\n- Planung")),
    "apply_url": st.one_of(hostile_text, st.just("https://example.org/bewerben")),
    "apply_email": st.one_of(hostile_text, st.just("jobs@example.org")),
    "valid_through": st.one_of(
        hostile_text, st.integers(-400, 400).map(lambda d: str(datetime.date.today() + datetime.timedelta(d)))
    ),
    "occupation": st.one_of(hostile_text, st.just("")),
}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.fixed_dictionaries({}, optional=FORM_FIELDS))
@example(
    data={
        "title": "Pflegefachkraft \x00(m/w/d)\x1b",
        "city_name": "Hagen",
        "remote": "none",
        "employment_types": ["full_time"],
        "description": "<script>alert(1)</script> Pflege",
        "apply_url": "https://example.org/bewerben",
        "valid_through": str(datetime.date.today() + datetime.timedelta(days=30)),
    }
)
def test_posting_form_accepts_or_refuses_cleanly(employer, data):
    before = Vacancy.objects.count()
    data = {**data, "form_token": secrets.token_urlsafe(8)}
    response = employer.post("/arbeitgeber/stellen/neu/", data)
    assert response.status_code in {200, 302, 400}, data
    assert unescaped_payload(response.content.decode()) is None
    if data.get("title") == "Pflegefachkraft \x00(m/w/d)\x1b":
        assert response.status_code == 302, "the valid example is accepted"
    if response.status_code == 302:
        # Accepted: one draft, stored without control characters.
        assert Vacancy.objects.count() == before + 1
        vacancy = Vacancy.objects.latest("id")
        assert vacancy.status == Vacancy.Status.DRAFT
        if data.get("title") == "Pflegefachkraft \x00(m/w/d)\x1b":
            assert vacancy.title == "Pflegefachkraft (m/w/d)"
        for text in (vacancy.title, vacancy.description, vacancy.apply_url):
            assert "\x00" not in text and "\x1b" not in text
    else:
        assert Vacancy.objects.count() == before
