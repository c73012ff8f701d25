"""schema.org JobPosting for a live vacancy, following Google's rules for
job postings: https://developers.google.com/search/docs/appearance/structured-data/job-posting
"""

import datetime
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.safestring import mark_safe

from jobsite.markdown import clean_text, render_markdown

# Google knows only these employment types; a vacancy may carry several.
# Minijob is marginal part-time work; an Ausbildung has no Google value of
# its own, so it is "OTHER".
EMPLOYMENT_TYPE_MAP = {
    "full_time": "FULL_TIME",
    "part_time": "PART_TIME",
    "mini_job": "PART_TIME",
    "apprenticeship": "OTHER",
    "internship": "INTERN",
    "temporary": "TEMPORARY",
}
SALARY_UNIT_MAP = {"hour": "HOUR", "month": "MONTH", "year": "YEAR"}
GERMANY = "DE"
BERLIN = ZoneInfo("Europe/Berlin")

# Inside <script> the HTML parser ends the element at the first "</script",
# whatever JSON says; "<!--" changes how it scans, too. Escaping <, > and &
# as JSON unicode escapes keeps the data identical and the element closed.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def absolute_url(path):
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def _number(value):
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _valid_through(day):
    # valid_through is the last German calendar day the vacancy is open.
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=BERLIN).isoformat()


def employment_types(vacancy):
    types = []
    for code in vacancy.employment_types:
        mapped = EMPLOYMENT_TYPE_MAP[code]
        if mapped not in types:
            types.append(mapped)
    if vacancy.contract == vacancy.Contract.FIXED_TERM and "TEMPORARY" not in types:
        types.append("TEMPORARY")
    return types


def base_salary(vacancy):
    """MonetaryAmount, or None when the vacancy states no salary (Google
    asks for no guessed figures)."""
    if not vacancy.has_salary or vacancy.salary_period not in SALARY_UNIT_MAP:
        return None
    value = {"@type": "QuantitativeValue", "unitText": SALARY_UNIT_MAP[vacancy.salary_period]}
    low, high = vacancy.salary_min, vacancy.salary_max
    if low is not None and high is not None and low != high:
        value["minValue"] = _number(low)
        value["maxValue"] = _number(high)
    elif low is not None and high is not None:
        value["value"] = _number(low)
    elif low is not None:
        value["minValue"] = _number(low)
    else:
        value["maxValue"] = _number(high)
    return {"@type": "MonetaryAmount", "currency": vacancy.salary_currency or "EUR", "value": value}


def hiring_organization(company):
    organization = {"@type": "Organization", "name": clean_text(company.name)}
    if company.website:
        organization["sameAs"] = company.website
    if company.logo:
        organization["logo"] = absolute_url(company.logo.url)
    return organization


def job_location(city):
    address = {
        "@type": "PostalAddress",
        "addressLocality": clean_text(city.name),
        "addressCountry": GERMANY,
    }
    if city.state:
        address["addressRegion"] = clean_text(city.state)
    return {"@type": "Place", "address": address}


def job_posting(vacancy, *, direct_apply=False):
    """The JobPosting dict. `direct_apply` stays False while applying always
    continues on the employer's site or by e-mail: Google treats True as a
    promise that the whole application happens on our page."""
    company = vacancy.company
    data = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": clean_text(vacancy.title),
        "description": str(render_markdown(vacancy.description)),
        "datePosted": vacancy.date_posted.isoformat(),
        "validThrough": _valid_through(vacancy.valid_through),
        "hiringOrganization": hiring_organization(company),
        "jobLocation": job_location(vacancy.city),
        "identifier": {
            "@type": "PropertyValue",
            "name": clean_text(company.name),
            "value": clean_text(vacancy.external_id) or str(vacancy.pk),
        },
        "directApply": bool(direct_apply),
        "url": absolute_url(vacancy.get_absolute_url()),
    }
    types = employment_types(vacancy)
    if types:
        data["employmentType"] = types[0] if len(types) == 1 else types
    salary = base_salary(vacancy)
    if salary:
        data["baseSalary"] = salary
    if vacancy.remote == vacancy.Remote.FULL:
        # Only fully remote jobs are TELECOMMUTE; hybrid ones keep just the
        # office location. Applicants must live in Germany.
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": GERMANY}
    if vacancy.occupation_id and vacancy.occupation:
        data["occupationalCategory"] = clean_text(vacancy.occupation.name)
    return data


def dumps_for_script(data):
    """JSON that is safe as the content of a <script> element."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)


def job_posting_script(vacancy):
    payload = dumps_for_script(job_posting(vacancy))
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 (escaped above)
