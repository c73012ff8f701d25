"""Vacancy cards, rendered once and kept.

A result list shows 20 cards, and rendering one through the template
engine costs about 0.3 ms, a sixth of a search page's Python time at
1,000,000 vacancies. The same card turns up again and again: in the
searches around one place, on hubs, as a related vacancy on its
neighbours' pages. So each card's HTML is kept in the shared cache under
the live-data generation (listings/freshness.py): any save of a vacancy,
company, occupation or place makes every kept card stale at once, exactly
as for cached searches and pages.

A card is rendered from its own small context, never the page's, so its
HTML depends only on what the key names: the card template, the heading
level, the language, the vacancy, its "new" badge and, for a template that
shows it, its distance as shown (whole kilometres). A card without a
distance on it is then the same card around every place, which is what
lets the related vacancies of neighbouring vacancy pages share it."""

from django import template
from django.core.cache import cache
from django.template.defaultfilters import floatformat
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from listings import freshness
from listings.models import Vacancy

register = template.Library()


def _is_new(vacancy, new_since):
    return bool(new_since and vacancy.published_at and vacancy.published_at >= new_since)


def _shown_distance(vacancy):
    # As the search card shows it: nothing for no distance or the place
    # itself, else whole kilometres (floatformat:0, so rounded the same way).
    distance = getattr(vacancy, "distance_km", None)
    return "-" if distance is None or not distance > 0 else floatformat(distance, 0)


@register.simple_tag
def vacancy_cards(vacancies, template_name, heading_level=2, new_since=None, distance=False, paired=False):
    """[card HTML] for `vacancies`, in order: kept ones from the cache (one
    round trip), the others rendered and kept (one more). `distance`: the
    card template shows the vacancy's distance_km. `paired`: [(vacancy,
    card HTML)] instead, for what is added beside a card per visitor (the
    Merken button, which a kept card cannot hold)."""
    vacancies = list(vacancies)
    if not vacancies:
        return []
    prefix = _prefix(template_name, heading_level)
    keys = [
        _key(prefix, vacancy.pk, _shown_distance(vacancy) if distance else "", _is_new(vacancy, new_since))
        for vacancy in vacancies
    ]
    by_key = dict(zip(keys, vacancies, strict=True))
    cards = _cards(keys, cache.get_many(keys), by_key, template_name, heading_level, new_since)
    # Every key has its vacancy here, so no card is left out and the pairs line up.
    return list(zip(vacancies, cards, strict=True)) if paired else cards


def cards_by_id(ids, template_name, heading_level=2):
    """[card HTML] of the vacancies `ids`, for a card that shows neither a
    distance nor the "new" badge (related vacancies). Only the vacancies
    whose card is not kept are read, in one query: a vacancy page whose
    related cards are all kept reads none (reading six, with their company
    and place, was a fifth of the page's time)."""
    if not ids:
        return []
    prefix = _prefix(template_name, heading_level)
    keys = [_key(prefix, pk, "", False) for pk in ids]
    kept = cache.get_many(keys)
    missing = [pk for pk, key in zip(ids, keys, strict=True) if key not in kept]
    rows = {}
    if missing:
        rows = Vacancy.objects.for_lists().in_bulk(missing)
    vacancies = {key: rows[pk] for pk, key in zip(ids, keys, strict=True) if pk in rows}
    return _cards(keys, kept, vacancies, template_name, heading_level, None)


def _prefix(template_name, heading_level):
    return f"card:{freshness.key_prefix()}:{get_language()}:{template_name}:{heading_level}"


def _key(prefix, pk, shown_distance, is_new):
    return f"{prefix}:{pk}:{shown_distance}:{int(is_new)}"


def _cards(keys, kept, vacancies, template_name, heading_level, new_since):
    """The cards of `keys` in order: kept HTML, or rendered from the
    vacancy under that key (and kept). A key with neither is left out."""
    missing = {}
    cards = []
    card_template = None
    for key in keys:
        html = kept.get(key)
        if html is None:
            vacancy = vacancies.get(key)
            if vacancy is None:  # gone since the list was made
                continue
            card_template = card_template or get_template(template_name)
            html = card_template.render(
                {
                    "vacancy": vacancy,
                    "heading_level": heading_level,
                    "is_new": _is_new(vacancy, new_since),
                }
            )
            missing[key] = str(html)
        # Our own template's output, escaped when it was rendered.
        cards.append(mark_safe(html))  # noqa: S308
    if missing:
        cache.set_many(missing, freshness.CACHE_SECONDS)
    return cards
