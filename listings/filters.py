"""GET parameters -> validated SearchParams.

(Minimal version; issue #3 turns this into the django-filter FilterSet with
every filter. `params_from_querydict` stays the interface used by the
results page, the feeds and the job alerts.)"""

from listings.search import SearchParams

MAX_QUERY_LENGTH = 200


def params_from_querydict(data):
    """Returns (SearchParams, errors); bad values never raise."""
    errors = {}
    q = (data.get("q") or "").replace("\x00", "")[:MAX_QUERY_LENGTH].strip()
    where = (data.get("where") or "").replace("\x00", "")[:100].strip()
    radius = 25
    raw_radius = data.get("radius")
    if raw_radius not in (None, ""):
        try:
            radius = max(0, min(int(raw_radius), 200))
        except ValueError:
            errors["radius"] = "invalid"
    return SearchParams(q=q, where=where, radius=radius), errors
