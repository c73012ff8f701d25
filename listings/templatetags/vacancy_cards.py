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
level, the language, the vacancy, its distance and its "new" badge."""

from django import template
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from listings import freshness

register = template.Library()


def _is_new(vacancy, new_since):
    return bool(new_since and vacancy.published_at and vacancy.published_at >= new_since)


@register.simple_tag
def vacancy_cards(vacancies, template_name, heading_level=2, new_since=None):
    """[card HTML] for `vacancies`, in order: kept ones from the cache (one
    round trip), the others rendered and kept (one more)."""
    vacancies = list(vacancies)
    if not vacancies:
        return []
    prefix = f"card:{freshness.key_prefix()}:{get_language()}:{template_name}:{heading_level}"
    keys = [
        f"{prefix}:{vacancy.pk}:{getattr(vacancy, 'distance_km', None)!r}:{int(_is_new(vacancy, new_since))}"
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
