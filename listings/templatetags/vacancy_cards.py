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

register = template.Library()


def _is_new(vacancy, new_since):
    return bool(new_since and vacancy.published_at and vacancy.published_at >= new_since)


def _shown_distance(vacancy):
    # As the search card shows it: nothing for no distance or the place
    # itself, else whole kilometres (floatformat:0, so rounded the same way).
    distance = getattr(vacancy, "distance_km", None)
    return "-" if distance is None or not distance > 0 else floatformat(distance, 0)


@register.simple_tag
def vacancy_cards(vacancies, template_name, heading_level=2, new_since=None, distance=False):
    """[card HTML] for `vacancies`, in order: kept ones from the cache (one
    round trip), the others rendered and kept (one more). `distance`: the
    card template shows the vacancy's distance_km."""
    vacancies = list(vacancies)
    if not vacancies:
        return []
    prefix = f"card:{freshness.key_prefix()}:{get_language()}:{template_name}:{heading_level}"
    keys = [
        f"{prefix}:{vacancy.pk}:{_shown_distance(vacancy) if distance else ''}:{int(_is_new(vacancy, new_since))}"
        for vacancy in vacancies
    ]
    kept = cache.get_many(keys)
    missing = {}
    cards = []
    card_template = None
    for key, vacancy in zip(keys, vacancies, strict=True):
        html = kept.get(key)
        if html is None:
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
