"""Counting vacancy views and apply clicks.

(Simple version: one UPDATE per event. Issue #10 replaces the internals with
buffered counting so that page views do not contend on the vacancy row; the
two functions stay the interface.)"""

from django.db.models import F
from django.utils import timezone

from listings.models import Vacancy, VacancyDailyStat


def _bump(vacancy_id, *, views=0, clicks=0):
    Vacancy.objects.filter(pk=vacancy_id).update(
        view_count=F("view_count") + views, apply_count=F("apply_count") + clicks
    )
    stat, _ = VacancyDailyStat.objects.get_or_create(vacancy_id=vacancy_id, date=timezone.localdate())
    VacancyDailyStat.objects.filter(pk=stat.pk).update(
        views=F("views") + views, apply_clicks=F("apply_clicks") + clicks
    )


def record_view(vacancy_id):
    _bump(vacancy_id, views=1)


def record_apply_click(vacancy_id):
    _bump(vacancy_id, clicks=1)
