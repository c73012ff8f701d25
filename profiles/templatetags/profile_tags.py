from django import template

from profiles import salary

register = template.Library()


@register.filter
def euro(value):
    return salary.euro(value)


@register.filter
def band_range(band):
    return salary.band_range(band)
