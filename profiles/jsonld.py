"""schema.org markup for career pages: an `Occupation` whose
`estimatedSalary` carries the same bands the salary box shows
(https://schema.org/Occupation, https://schema.org/MonetaryAmountDistribution)."""

import json

from django.conf import settings
from django.utils.safestring import mark_safe

DURATION = {"hour": "PT1H", "month": "P1M", "year": "P1Y"}
UNIT = {"hour": "HOUR", "month": "MONTH", "year": "YEAR"}

# Inside <script> only "<", ">" and "&" can end the element or start markup;
# as JSON escapes they mean the same to a JSON-LD parser.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_json(data):
    return mark_safe(json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_SCRIPT_ESCAPES))  # noqa: S308


def occupation_json_ld(profile, bands):
    url = f"{settings.SITE_URL.rstrip('/')}{profile.get_absolute_url()}"
    data = {
        "@context": "https://schema.org",
        "@type": "Occupation",
        "name": profile.occupation.name,
        "description": profile.lead,
        "mainEntityOfPage": url,
        "occupationLocation": [
            {
                "@type": "City",
                "name": profile.city.name,
                **(
                    {"containedInPlace": {"@type": "State", "name": profile.city.state}}
                    if profile.city.state
                    else {}
                ),
            }
        ],
    }
    if profile.occupation.category:
        data["occupationalCategory"] = profile.occupation.category
    salaries = []
    for band in bands:
        entry = {
            "@type": "MonetaryAmountDistribution",
            "name": str(band.get_level_display()),
            "currency": band.currency,
            "duration": DURATION[band.period],
            "unitText": UNIT[band.period],
        }
        if band.min_amount is not None:
            entry["minValue"] = band.min_amount
        if band.max_amount is not None:
            entry["maxValue"] = band.max_amount
        salaries.append(entry)
    if salaries:
        data["estimatedSalary"] = salaries
    return script_json(data)
