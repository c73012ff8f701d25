"""JobPosting markup checked against Google's rules for job postings
(https://developers.google.com/search/docs/appearance/structured-data/job-posting)."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobsite.markdown import clean_text
from listings.jsonld import dumps_for_script, job_posting
from listings.models import City, Company, Occupation, Vacancy
from tests.factories import CompanyFactory, VacancyFactory

GOOGLE_EMPLOYMENT_TYPES = {
    "FULL_TIME",
    "PART_TIME",
    "CONTRACTOR",
    "TEMPORARY",
    "INTERN",
    "VOLUNTEER",
    "PER_DIEM",
    "OTHER",
}
UNITS = {"HOUR", "DAY", "WEEK", "MONTH", "YEAR"}
SCRIPT_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _no_empty_values(value, path="$"):
    errors = []
    if value is None or value == "" or value == [] or value == {}:
        errors.append(f"{path} is empty")
    elif isinstance(value, dict):
        for key, item in value.items():
            errors += _no_empty_values(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            errors += _no_empty_values(item, f"{path}[{i}]")
    return errors


def _is_url(value):
    return isinstance(value, str) and re.match(r"^https?://[^\s/]+", value) is not None


def validate_job_posting(data):
    """Every rule we rely on; returns a list of violations (empty = valid)."""
    errors = _no_empty_values(data)
    if data.get("@context") != "https://schema.org" or data.get("@type") != "JobPosting":
        errors.append("not a schema.org JobPosting")
    for required in ["title", "description", "datePosted", "hiringOrganization"]:
        if required not in data:
            errors.append(f"missing required {required}")
    try:
        posted = datetime.date.fromisoformat(data["datePosted"])
    except (KeyError, ValueError):
        errors.append("datePosted is not an ISO 8601 date")
        posted = None
    if "validThrough" in data:
        try:
            valid = datetime.datetime.fromisoformat(data["validThrough"])
            if valid.tzinfo is None:
                errors.append("validThrough has no time zone")
            elif posted and valid.date() < posted:
                errors.append("validThrough before datePosted")
        except ValueError:
            errors.append("validThrough is not ISO 8601")
    org = data.get("hiringOrganization", {})
    if org.get("@type") != "Organization" or not org.get("name"):
        errors.append("hiringOrganization needs @type Organization and a name")
    for key in ["sameAs", "logo"]:
        if key in org and not _is_url(org[key]):
            errors.append(f"hiringOrganization.{key} is not an absolute URL")
    telecommute = data.get("jobLocationType") == "TELECOMMUTE"
    if "jobLocationType" in data and not telecommute:
        errors.append("jobLocationType must be TELECOMMUTE")
    if telecommute:
        requirement = data.get("applicantLocationRequirements", {})
        if requirement.get("@type") != "Country" or not requirement.get("name"):
            errors.append("TELECOMMUTE needs applicantLocationRequirements (Country)")
    elif "applicantLocationRequirements" in data:
        errors.append("applicantLocationRequirements without TELECOMMUTE")
    if "jobLocation" not in data and not telecommute:
        errors.append("jobLocation required unless TELECOMMUTE")
    if "jobLocation" in data:
        place = data["jobLocation"]
        address = place.get("address", {})
        if place.get("@type") != "Place" or address.get("@type") != "PostalAddress":
            errors.append("jobLocation must be a Place with a PostalAddress")
        if address.get("addressCountry") != "DE" or not address.get("addressLocality"):
            errors.append("address needs locality and country DE")
    if "employmentType" in data:
        types = data["employmentType"]
        types = types if isinstance(types, list) else [types]
        if not set(types) <= GOOGLE_EMPLOYMENT_TYPES or len(types) != len(set(types)):
            errors.append(f"employmentType {types} not Google's values")
    if "baseSalary" in data:
        salary = data["baseSalary"]
        value = salary.get("value", {})
        if salary.get("@type") != "MonetaryAmount" or not re.fullmatch(
            r"[A-Z]{3}", salary.get("currency", "")
        ):
            errors.append("baseSalary must be a MonetaryAmount with an ISO currency")
        if value.get("@type") != "QuantitativeValue" or value.get("unitText") not in UNITS:
            errors.append("baseSalary.value must be a QuantitativeValue with unitText")
        numbers = {k: value[k] for k in ["value", "minValue", "maxValue"] if k in value}
        if not numbers or not all(isinstance(n, int | float) and n > 0 for n in numbers.values()):
            errors.append("baseSalary needs positive numbers")
        if "value" in numbers and len(numbers) > 1:
            errors.append("baseSalary mixes value and a range")
        if "minValue" in numbers and "maxValue" in numbers and numbers["minValue"] > numbers["maxValue"]:
            errors.append("baseSalary minValue > maxValue")
    identifier = data.get("identifier")
    if identifier is not None and (
        identifier.get("@type") != "PropertyValue"
        or not identifier.get("name")
        or not identifier.get("value")
    ):
        errors.append("identifier must be a PropertyValue with name and value")
    if "directApply" in data and not isinstance(data["directApply"], bool):
        errors.append("directApply must be a boolean")
    return errors


def extract_json_ld(html):
    blocks = SCRIPT_RE.findall(html)
    assert len(blocks) == 1, f"expected exactly one JSON-LD block, found {len(blocks)}"
    return json.loads(blocks[0])


# -- unit: many generated vacancies -------------------------------------------
HAGEN = City(pk=1, name="Hagen", slug="hagen", state="Nordrhein-Westfalen")
BERLIN = City(pk=2, name="Berlin", slug="berlin", state="")
OCCUPATION = Occupation(pk=1, name="IT Projektkoordinator", slug="it-projektkoordinator")
amounts = st.decimals(min_value=Decimal("1"), max_value=Decimal("250000"), places=2)
# Forms strip and require titles and names; control characters are removed.
text = st.text(min_size=1, max_size=80).filter(lambda s: clean_text(s).strip())


@st.composite
def vacancies(draw):
    company = Company(
        pk=draw(st.integers(1, 10**6)),
        name=draw(text),
        slug="firma",
        website=draw(st.sampled_from(["", "https://firma.example.org"])),
        logo=draw(st.sampled_from(["", "logos/firma.png"])),
    )
    posted = draw(st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 1, 1)))
    low = draw(st.none() | amounts)
    high = draw(st.none() | amounts)
    if low is not None and high is not None and low > high:
        low, high = high, low
    vacancy = Vacancy(
        pk=draw(st.integers(1, 10**9)),
        title=draw(text),
        slug="stelle",
        company=company,
        city=draw(st.sampled_from([HAGEN, BERLIN])),
        occupation=draw(st.sampled_from([None, OCCUPATION])),
        remote=draw(st.sampled_from(Vacancy.Remote.values)),
        contract=draw(st.sampled_from(["", *Vacancy.Contract.values])),
        salary_min=low,
        salary_max=high,
        salary_period=draw(st.sampled_from(Vacancy.SalaryPeriod.values)) if low or high else "",
        description=draw(st.text(max_size=300)) + "\n\nText",
        apply_url="https://example.org/apply",
        date_posted=posted,
        valid_through=posted + datetime.timedelta(days=draw(st.integers(0, 365))),
        external_id=draw(st.sampled_from(["", "ATS-4711"])),
    )
    vacancy.employment_types = draw(st.lists(st.sampled_from(list(Vacancy.EMPLOYMENT_TYPES)), unique=True))
    return vacancy


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vacancies())
def test_generated_vacancies_pass_googles_rules(vacancy):
    data = job_posting(vacancy)
    assert validate_job_posting(data) == []
    assert json.loads(dumps_for_script(data)) == data
    assert "<" not in dumps_for_script(data) and ">" not in dumps_for_script(data)
    assert data["directApply"] is False
    assert data["identifier"]["value"] == (vacancy.external_id or str(vacancy.pk))
    assert ("baseSalary" in data) == vacancy.has_salary
    assert ("jobLocationType" in data) == (vacancy.remote == "full")
    assert ("logo" in data["hiringOrganization"]) == bool(vacancy.company.logo)


def test_validator_catches_broken_markup():
    assert "missing required title" in validate_job_posting({"@context": "https://schema.org"})
    broken = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": "x",
        "description": "y",
        "datePosted": "2026-01-01",
        "hiringOrganization": {"@type": "Organization", "name": "A"},
        "jobLocationType": "TELECOMMUTE",
        "employmentType": "VOLLZEIT",
        "baseSalary": {"@type": "MonetaryAmount", "currency": "EUR", "value": {"@type": "QuantitativeValue"}},
    }
    errors = validate_job_posting(broken)
    assert "TELECOMMUTE needs applicantLocationRequirements (Country)" in errors
    assert any(e.startswith("employmentType") for e in errors)
    assert "baseSalary.value must be a QuantitativeValue with unitText" in errors


# -- rendered pages -------------------------------------------------------------
pytestmark_db = pytest.mark.django_db


def posting_of(client, vacancy):
    response = client.get(vacancy.get_absolute_url())
    assert response.status_code == 200
    data = extract_json_ld(response.text)
    assert validate_job_posting(data) == []
    return data


@pytestmark_db
def test_full_time_with_monthly_salary(client):
    vacancy = VacancyFactory(
        title="IT-Projektkoordinator (m/w/d)",
        contract="permanent",
        external_id="ATS-4711",
        company=CompanyFactory(name="Stadtwerke Hagen GmbH", website="https://stadtwerke.example.org"),
    )
    data = posting_of(client, vacancy)
    today = vacancy.date_posted.isoformat()
    assert data["title"] == "IT-Projektkoordinator (m/w/d)"
    assert data["datePosted"] == today
    # The last German day, to its end, with the Berlin offset (CET or CEST).
    assert re.fullmatch(rf"{vacancy.valid_through.isoformat()}T23:59:59\+0[12]:00", data["validThrough"])
    assert data["employmentType"] == "FULL_TIME"
    assert data["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {"@type": "QuantitativeValue", "minValue": 3500, "maxValue": 4200, "unitText": "MONTH"},
    }
    assert data["identifier"] == {
        "@type": "PropertyValue",
        "name": "Stadtwerke Hagen GmbH",
        "value": "ATS-4711",
    }
    assert data["directApply"] is False
    assert data["hiringOrganization"] == {
        "@type": "Organization",
        "name": "Stadtwerke Hagen GmbH",
        "sameAs": "https://stadtwerke.example.org",
    }
    assert data["jobLocation"] == {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Hagen",
            "addressRegion": "Nordrhein-Westfalen",
            "addressCountry": "DE",
        },
    }
    assert "jobLocationType" not in data
    assert data["url"] == f"http://127.0.0.1:8000{vacancy.get_absolute_url()}"
    assert data["description"] == (
        "<p>Sie koordinieren IT-Projekte.</p>\n<ul>\n<li>Planung</li>\n<li>Abstimmung</li>\n</ul>"
    )


@pytestmark_db
def test_part_time_hourly_salary_without_external_id(client):
    vacancy = VacancyFactory(
        full_time=False, part_time=True, salary_min=Decimal("14.50"), salary_max=None, salary_period="hour"
    )
    data = posting_of(client, vacancy)
    assert data["employmentType"] == "PART_TIME"
    assert data["baseSalary"]["value"] == {"@type": "QuantitativeValue", "minValue": 14.5, "unitText": "HOUR"}
    assert data["identifier"]["value"] == str(vacancy.pk)


@pytestmark_db
def test_yearly_salary_single_figure_and_several_types(client):
    vacancy = VacancyFactory(
        part_time=True,
        contract="fixed_term",
        salary_min=Decimal("52000"),
        salary_max=Decimal("52000"),
        salary_period="year",
    )
    data = posting_of(client, vacancy)
    assert data["employmentType"] == ["FULL_TIME", "PART_TIME", "TEMPORARY"]
    assert data["baseSalary"]["value"] == {"@type": "QuantitativeValue", "value": 52000, "unitText": "YEAR"}


@pytestmark_db
def test_without_salary_there_is_no_base_salary(client):
    data = posting_of(client, VacancyFactory(salary_min=None, salary_max=None, salary_period=""))
    assert "baseSalary" not in data


@pytestmark_db
def test_fully_remote_is_telecommute_in_germany(client):
    data = posting_of(client, VacancyFactory(remote="full"))
    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["applicantLocationRequirements"] == {"@type": "Country", "name": "DE"}


@pytestmark_db
def test_hybrid_is_not_telecommute(client):
    data = posting_of(client, VacancyFactory(remote="hybrid"))
    assert "jobLocationType" not in data
    assert "applicantLocationRequirements" not in data


@pytestmark_db
def test_logo_is_absolute_and_missing_logo_is_left_out(client):
    with_logo = VacancyFactory(company=CompanyFactory(logo="logos/stadtwerke.png"))
    assert posting_of(client, with_logo)["hiringOrganization"]["logo"] == (
        "http://127.0.0.1:8000/media/logos/stadtwerke.png"
    )
    without = VacancyFactory(company=CompanyFactory(logo="", website=""))
    assert posting_of(client, without)["hiringOrganization"] == {
        "@type": "Organization",
        "name": without.company.name,
    }


@pytestmark_db
def test_script_end_tag_in_text_cannot_break_out(client):
    hostile = '</script><script>alert("x")</script><!--'
    vacancy = VacancyFactory(
        title=f"Koordinator {hostile}",
        description=f"Text {hostile}",
        company=CompanyFactory(name=f"Firma {hostile} & Co"),
    )
    response = client.get(vacancy.get_absolute_url())
    html = response.text
    assert '<script>alert("x")' not in html
    assert html.count('<script type="application/ld+json">') == 1
    data = extract_json_ld(html)
    assert data["title"] == f"Koordinator {hostile}"
    assert data["hiringOrganization"]["name"] == f"Firma {hostile} & Co"
    assert "<script>" not in data["description"]
    assert validate_job_posting(data) == []


@pytestmark_db
@pytest.mark.parametrize("status", ["closed", "expired", "draft", "review", "rejected"])
def test_gone_pages_carry_no_job_posting(client, status):
    vacancy = VacancyFactory(status=status)
    response = client.get(vacancy.get_absolute_url())
    assert response.status_code == 410
    assert "application/ld+json" not in response.text


@pytestmark_db
def test_past_valid_through_carries_no_job_posting(client):
    vacancy = VacancyFactory(valid_through=datetime.date.today() - datetime.timedelta(days=1))
    response = client.get(vacancy.get_absolute_url())
    assert response.status_code == 410
    assert "application/ld+json" not in response.text
