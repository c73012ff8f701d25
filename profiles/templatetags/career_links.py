"""Links from listings pages to editorial career pages. listings never
imports profiles; its templates load this library instead."""

from django import template
from django.urls import reverse

from profiles.models import CareerProfile

register = template.Library()


@register.simple_tag
def career_page_url(vacancy=None, *, occupation=None, city=None):
    """URL of the published career page for the vacancy's (or the given)
    occupation and city, or "" when there is none. One query at most."""
    if vacancy is not None:
        occupation = vacancy.occupation if vacancy.occupation_id else None
        city = vacancy.city
    if occupation is None or city is None:
        return ""
    exists = CareerProfile.objects.published().filter(occupation=occupation, city=city).exists()
    if not exists:
        return ""
    return reverse("profiles:profile_detail", kwargs={"occupation": occupation.slug, "city": city.slug})
