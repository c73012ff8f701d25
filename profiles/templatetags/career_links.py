"""Links from listings pages to editorial career pages. listings never
imports profiles; its templates load this library instead."""

from django import template
from django.urls import reverse

from listings import freshness
from profiles.models import CareerProfile

register = template.Library()

# (generation prefix, {(occupation_id, city_id)}) of this process: every
# vacancy page asks, and a lookup in a set is cheaper than a query. Each
# process reads the published pairs once per generation (one small query).
_memo = {}


def published_pairs():
    """{(occupation_id, city_id)} of the published career pages, as of the
    current live-data generation (saving or deleting a career page bumps
    it, listings/freshness.py)."""
    prefix = freshness.key_prefix()
    pairs = _memo.get(prefix)
    if pairs is None:
        pairs = frozenset(CareerProfile.objects.published().values_list("occupation_id", "city_id"))
        _memo.clear()
        _memo[prefix] = pairs
    return pairs


@register.simple_tag
def career_page_url(vacancy=None, *, occupation=None, city=None):
    """URL of the published career page for the vacancy's (or the given)
    occupation and city, or "" when there is none. No query once this
    process knows the current generation's career pages."""
    if vacancy is not None:
        occupation = vacancy.occupation if vacancy.occupation_id else None
        city = vacancy.city
    if occupation is None or city is None:
        return ""
    if (occupation.pk, city.pk) not in published_pairs():
        return ""
    return reverse("profiles:profile_detail", kwargs={"occupation": occupation.slug, "city": city.slug})
