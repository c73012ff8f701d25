"""Ending vacancies. Live-ness never depends on this module: live() compares
valid_through with today at query time, so an overdue vacancy leaves search,
feeds and sitemaps on its own. This only brings the stored status in line
(for the employer dashboard and the admin) and warns employers in time."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from listings import freshness
from listings.models import EmployerMembership, Vacancy
from listings.models.vacancies import berlin_today
from listings.tasks import enqueue_email_on_commit

REMINDER_DAYS = 7


def overdue():
    """Still marked published although valid_through has passed."""
    return Vacancy.objects.overdue()


def expire_overdue(*, dry_run=False):
    """Marks overdue vacancies as expired in one UPDATE; returns how many."""
    queryset = overdue()
    if dry_run:
        return queryset.count()
    with transaction.atomic():
        count = queryset.update(status=Vacancy.Status.EXPIRED, updated_at=timezone.now())
        if count:
            freshness.bump()  # an UPDATE sends no signals
        return count


def due_for_reminder():
    """Live vacancies ending within REMINDER_DAYS whose employer has not yet
    been reminded of this end date."""
    today = berlin_today()
    return (
        Vacancy.objects.live()
        .filter(valid_through__lte=today + datetime.timedelta(days=REMINDER_DAYS))
        .exclude(expiry_reminder_sent_for=F("valid_through"))
    )


def _dashboard_url():
    try:
        return settings.SITE_URL + reverse("listings:dashboard")
    except NoReverseMatch:
        return ""


def send_expiry_reminders(*, dry_run=False):
    """One mail per employer user, listing the company's vacancies about to
    end; each vacancy is reminded once per end date. Returns (vacancies,
    mails)."""
    with transaction.atomic():
        vacancies = list(
            due_for_reminder().select_related("company").select_for_update(of=("self",)).order_by("pk")
        )
        if not vacancies:
            return 0, 0
        by_company = defaultdict(list)
        for vacancy in vacancies:
            by_company[vacancy.company_id].append(vacancy)
        members = defaultdict(list)
        for membership in EmployerMembership.objects.filter(company_id__in=by_company).select_related("user"):
            if membership.user.is_active and membership.user.email:
                members[membership.company_id].append(membership.user.email)
        mails = sum(len(members[company_id]) for company_id in by_company)
        if dry_run:
            return len(vacancies), mails
        dashboard_url = _dashboard_url()
        with translation.override(settings.LANGUAGE_CODE):
            for company_id, company_vacancies in by_company.items():
                company = company_vacancies[0].company
                context = {
                    "company": company,
                    "vacancies": company_vacancies,
                    "SITE_URL": settings.SITE_URL,
                    "dashboard_url": dashboard_url,
                }
                subject = ngettext(
                    "Ihre Stellenanzeige läuft bald ab",
                    "%(count)d Stellenanzeigen laufen bald ab",
                    len(company_vacancies),
                ) % {"count": len(company_vacancies)}
                body = render_to_string("email/vacancy_expiry_reminder.txt", context)
                for email in members[company_id]:
                    enqueue_email_on_commit(to=[email], subject=subject, body=body)
        # A plain UPDATE per end date keeps updated_at (and so the sitemap's
        # lastmod) untouched: the page itself did not change.
        for valid_through in {v.valid_through for v in vacancies}:
            Vacancy.objects.filter(
                pk__in=[v.pk for v in vacancies if v.valid_through == valid_through]
            ).update(expiry_reminder_sent_for=valid_through)
    return len(vacancies), mails
