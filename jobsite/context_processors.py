from django.conf import settings
from django.utils.functional import SimpleLazyObject

from listings import freshness


def site(request):
    return {
        "SITE_URL": settings.SITE_URL,
        # For {% cache %} keys of fragments showing live vacancies: changes
        # with every change to what is live (listings/freshness.py); asked
        # for only when a template uses it.
        "live_key": SimpleLazyObject(freshness.key_prefix),
    }
