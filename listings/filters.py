"""GET parameters -> validated SearchParams, through one django-filter
FilterSet. `params_from_querydict` is the interface used by the results page,
the feeds and the job alerts; `querydict_from_params` is its inverse (links,
chips, saved alerts).

Parameters of /jobs/ (all optional, combinable, repeatable where a list):
  q, where, radius (km), type (full_time, part_time, mini_job, apprenticeship,
  internship, temporary), contract (permanent, fixed_term), remote (none,
  hybrid, full), include_remote (0/1, default 1), salary (1 = salary stated),
  min_salary (EUR per month), days (1, 3, 7, 14, 30), occupation (slug),
  company (slug), sort (relevance, date), page.
"""

import functools

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from jobsite.text import strip_control_chars
from listings.models import Company, Occupation, Vacancy
from listings.search import PUBLISHED_WITHIN_DAYS, SearchParams, published_within_label

MAX_QUERY_LENGTH = 200
MAX_PLACE_LENGTH = 100
MAX_RADIUS = 200
DEFAULT_RADIUS = 25


def _clean_text(value, limit):
    return " ".join(strip_control_chars(value or "").replace("\x00", "")[: limit * 2].split())[:limit]


class _TextField(forms.CharField):
    """Free text that is cut to size instead of rejected: a pasted
    10,000-character query still searches for its beginning."""

    def __init__(self, *args, limit, **kwargs):
        self.limit = limit
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return _clean_text(value if isinstance(value, str) else "", self.limit)


class _TextFilter(django_filters.CharFilter):
    def __init__(self, *args, limit, **kwargs):
        self.field_class = _TextField
        super().__init__(*args, limit=limit, **kwargs)


class _LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Unknown values in a list are dropped, not an error: old bookmarks and
    hand-edited URLs keep working with the values we still understand."""

    def clean(self, value):
        value = self.to_python(value)
        known = {str(key) for key, _label in self.choices}
        return [item for item in dict.fromkeys(value) if item in known]


class _LenientMultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    field_class = _LenientMultipleChoiceField


def _noop(queryset, name, value):
    # The FilterSet validates; listings.search.search() does the filtering on
    # its one query plan (and computes the facets with each group left out).
    return queryset


class VacancySearchFilterSet(django_filters.FilterSet):
    q = _TextFilter(label=_("Was"), limit=MAX_QUERY_LENGTH, method=_noop)
    where = _TextFilter(label=_("Wo"), limit=MAX_PLACE_LENGTH, method=_noop)
    radius = django_filters.NumberFilter(
        label=_("Umkreis (km)"), min_value=0, max_value=100_000, method=_noop
    )
    type = _LenientMultipleChoiceFilter(
        label=_("Arbeitszeit"), choices=list(Vacancy.EMPLOYMENT_TYPES.items()), method=_noop
    )
    contract = _LenientMultipleChoiceFilter(
        label=_("Vertrag"), choices=Vacancy.Contract.choices, method=_noop
    )
    remote = _LenientMultipleChoiceFilter(label=_("Homeoffice"), choices=Vacancy.Remote.choices, method=_noop)
    include_remote = django_filters.ChoiceFilter(
        label=_("Remote-Stellen einbeziehen"), choices=[("1", _("ja")), ("0", _("nein"))], method=_noop
    )
    salary = django_filters.ChoiceFilter(label=_("mit Gehaltsangabe"), choices=[("1", _("ja"))], method=_noop)
    min_salary = django_filters.NumberFilter(
        label=_("Mindestgehalt (brutto im Monat)"), min_value=0, max_value=1_000_000, method=_noop
    )
    days = django_filters.TypedChoiceFilter(
        label=_("veröffentlicht seit"),
        choices=[(str(d), str(d)) for d in PUBLISHED_WITHIN_DAYS],
        coerce=int,
        method=_noop,
    )
    occupation = django_filters.CharFilter(label=_("Beruf"), max_length=120, method=_noop)
    company = django_filters.CharFilter(label=_("Unternehmen"), max_length=120, method=_noop)
    sort = django_filters.ChoiceFilter(
        label=_("Sortierung"), choices=[("relevance", _("Relevanz")), ("date", _("Datum"))], method=_noop
    )

    class Meta:
        model = Vacancy
        fields = []


def _slug(value):
    value = (value or "").strip().lower()
    return value if value and all(ch.isalnum() or ch == "-" for ch in value) and value.isascii() else ""


@functools.cache
def _form_class():
    """The FilterSet's form class, built once. Only its validation is used
    (search() does the filtering), and a FilterSet per request copied all
    13 filters and built a new form class each time: 0.8 of 0.85 ms per
    search page's parameters."""
    return VacancySearchFilterSet(queryset=Vacancy.objects.none()).get_form_class()


def params_from_querydict(data):
    """Returns (SearchParams, errors); bad values never raise. A bad value is
    reported in `errors` (field -> messages) and otherwise ignored."""
    if not isinstance(data, QueryDict):
        query = QueryDict(mutable=True)
        for key, value in (data or {}).items():
            if isinstance(value, (list, tuple)):
                query.setlist(key, [str(v) for v in value])
            elif value is not None:
                query[key] = str(value)
        data = query
    # Repeated single-valued parameters: the last one wins (QueryDict.get).
    form = _form_class()(data)
    form.is_valid()
    cleaned = form.cleaned_data
    errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}

    radius = cleaned.get("radius")
    radius = DEFAULT_RADIUS if radius is None else max(0, min(int(radius), MAX_RADIUS))
    min_salary = cleaned.get("min_salary")
    params = SearchParams(
        q=cleaned.get("q") or "",
        where=cleaned.get("where") or "",
        radius=radius,
        employment_types=cleaned.get("type") or [],
        contract=cleaned.get("contract") or [],
        remote=cleaned.get("remote") or [],
        include_remote=cleaned.get("include_remote") != "0",
        salary_stated=cleaned.get("salary") == "1",
        min_salary=int(min_salary) if min_salary else None,
        published_within=cleaned.get("days") or None,
        occupation=_slug(cleaned.get("occupation")),
        company=_slug(cleaned.get("company")),
        sort=cleaned.get("sort") or "",
    )
    return params, errors


def labelled_errors(errors):
    """[(label, messages)] of params_from_querydict's errors, for people:
    "Umkreis (km)" rather than the parameter's name "radius"."""
    fields = _form_class().base_fields
    return [(fields[name].label if name in fields else name, messages) for name, messages in errors.items()]


def filter_labels(params, names=None):
    """[(parameter, value, label)] for the filters of a search beyond q and
    where, in display order: the search page's removable chips and the name
    of a job alert use these same words.

    `names` maps ("occupation" | "company", slug) to the name when the caller
    has it at hand (the search page, from its facets); without it the name
    is looked up. An unknown slug shows as itself."""
    labels = []
    for name, values, choices in (
        ("type", params.employment_types, Vacancy.EMPLOYMENT_TYPES),
        ("contract", params.contract, dict(Vacancy.Contract.choices)),
        ("remote", params.remote, dict(Vacancy.Remote.choices)),
    ):
        labels.extend((name, value, str(choices.get(value, value))) for value in values)
    if params.salary_stated:
        labels.append(("salary", "1", str(_("mit Gehaltsangabe"))))
    if params.min_salary:
        amount = number_format(params.min_salary, force_grouping=True)
        label = _("ab %(amount)s € im Monat") % {"amount": amount}
        labels.append(("min_salary", str(params.min_salary), label))
    if params.published_within:
        days = params.published_within
        labels.append(("days", str(days), str(published_within_label(days))))
    for name, model in (("occupation", Occupation), ("company", Company)):
        slug = getattr(params, name)
        if not slug:
            continue
        if names is None:
            label = model.objects.filter(slug=slug).values_list("name", flat=True).first()
        else:
            label = names.get((name, slug))
        labels.append((name, slug, str(label or slug)))
    return labels


def querydict_from_params(params):
    """The canonical GET parameters of a search (defaults left out, no page)."""
    query = QueryDict(mutable=True)
    if params.q:
        query["q"] = params.q
    if params.where:
        query["where"] = params.where
        if params.radius != DEFAULT_RADIUS:
            query["radius"] = str(params.radius)
        if not params.include_remote:
            query["include_remote"] = "0"
    for name, values in (
        ("type", params.employment_types),
        ("contract", params.contract),
        ("remote", params.remote),
    ):
        if values:
            query.setlist(name, list(values))
    if params.salary_stated:
        query["salary"] = "1"
    if params.min_salary:
        query["min_salary"] = str(params.min_salary)
    if params.published_within:
        query["days"] = str(params.published_within)
    if params.occupation:
        query["occupation"] = params.occupation
    if params.company:
        query["company"] = params.company
    if params.sort:
        query["sort"] = params.sort
    return query
