import datetime
import functools
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import numberformat, timezone, translation
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from jobsite.text import german_slugify

# Rough conversion to a monthly figure so that hour, month and year salaries
# can be compared by one "minimum salary" filter: 40 h/week * 52 / 12.
HOURS_PER_MONTH = Decimal("173.33")


def berlin_today():
    """The calendar day in Germany; "valid through" is a German date."""
    return timezone.localdate()


# The fields of a vacancy that its cards and list entries show (see
# VacancyQuerySet.for_lists): title and link, working time, remote work,
# salary, date, and what "is it still live" needs (the Merkliste).
LIST_FIELDS = (
    "id",
    "title",
    "slug",
    "company_id",
    "city_id",
    "occupation_id",
    "remote",
    "full_time",
    "part_time",
    "mini_job",
    "apprenticeship",
    "internship",
    "temporary",
    "salary_min",
    "salary_max",
    "salary_period",
    "published_at",
    "status",
    "valid_through",
)


@functools.cache
def _salary_words(language):
    """What salary_text needs of a language, looked up once per process:
    each translation or format lookup costs 10-40 µs on a slow machine, and
    a search page shows a dozen salaries."""
    with translation.override(language):
        return {
            # In context: alone, "bis" is the "to" of a form's range fields.
            "from": pgettext("Gehalt", "ab"),
            "to": pgettext("Gehalt", "bis"),
            "periods": {value: str(label) for value, label in Vacancy.SalaryPeriod.choices} | {"": ""},
            "decimal": get_format("DECIMAL_SEPARATOR"),
            "thousands": get_format("THOUSAND_SEPARATOR"),
            "grouping": get_format("NUMBER_GROUPING"),
        }


def _money(value, words):
    """2800 -> "2.800", 2800.5 -> "2.800,50": whole euros without decimals,
    grouped as the language groups them (like floatformat:"-2g")."""
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    return numberformat.format(
        value, words["decimal"], places, words["grouping"], words["thousands"], force_grouping=True
    )


class VacancyQuerySet(models.QuerySet):
    def live(self):
        """The one rule for what job seekers, feeds, sitemaps and alerts see:
        published and still valid today. Expiry needs no cron to take effect."""
        return self.filter(status=Vacancy.Status.PUBLISHED, valid_through__gte=berlin_today())

    def overdue(self):
        """Still marked published, but valid_through has passed: already out
        of live(); expire_vacancies turns them into EXPIRED."""
        return self.filter(status=Vacancy.Status.PUBLISHED, valid_through__lt=berlin_today())

    def ended(self):
        """What an employer sees as "abgelaufen": expired, or overdue."""
        return self.filter(Q(status=Vacancy.Status.EXPIRED) | Q(pk__in=self.overdue().values("pk")))

    def for_company(self, company):
        return self.filter(company=company)

    def for_lists(self):
        """What a card in a list shows, and no more: the vacancy's own card
        fields with its company's and place's names, in one query. Search
        pages, related vacancies, the home page and the Merkliste all load
        their rows through here. Everything else (the Markdown texts, mostly
        in TOAST; the occupation with its long description) stays in the
        database: at 1,000,000 vacancies, reading four related cards this way
        took 0.9 ms of CPU against 2.2 ms with all columns of all three
        joined tables. Should a template touch another field, it comes for
        all rows of the list in one more query (FETCH_PEERS), never one
        query per row."""
        return (
            self.select_related("company", "city")
            .only(*LIST_FIELDS, "company__name", "company__slug", "city__name", "city__slug")
            .fetch_mode(models.FETCH_PEERS)
        )


class Vacancy(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        REVIEW = "review", _("in Prüfung")
        PUBLISHED = "published", _("veröffentlicht")
        REJECTED = "rejected", _("abgelehnt")
        EXPIRED = "expired", _("abgelaufen")
        CLOSED = "closed", _("geschlossen")

    class Remote(models.TextChoices):
        NONE = "none", _("vor Ort")
        HYBRID = "hybrid", _("teilweise Homeoffice")
        FULL = "full", _("komplett remote")

    class Contract(models.TextChoices):
        PERMANENT = "permanent", _("unbefristet")
        FIXED_TERM = "fixed_term", _("befristet")

    class SalaryPeriod(models.TextChoices):
        HOUR = "hour", _("pro Stunde")
        MONTH = "month", _("pro Monat")
        YEAR = "year", _("pro Jahr")

    # Import codes of the working-time flags (CONTRACT.md), in display order.
    EMPLOYMENT_TYPES = {
        "full_time": _("Vollzeit"),
        "part_time": _("Teilzeit"),
        "mini_job": _("Minijob"),
        "apprenticeship": _("Ausbildung"),
        "internship": _("Praktikum"),
        "temporary": _("Aushilfe"),
    }

    title = models.CharField(_("Titel"), max_length=200)
    # Only ever read with the row (URLs are found by pk), so no index: two
    # (plain and LIKE) cost a second of every bulk load and each insert.
    slug = models.SlugField(_("Slug"), max_length=120, blank=True, db_index=False)
    company = models.ForeignKey(
        "listings.Company",
        on_delete=models.CASCADE,
        related_name="vacancies",
        verbose_name=_("Unternehmen"),
    )
    occupation = models.ForeignKey(
        "listings.Occupation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vacancies",
        verbose_name=_("Beruf"),
    )
    city = models.ForeignKey(
        "listings.City", on_delete=models.PROTECT, related_name="vacancies", verbose_name=_("Ort")
    )
    remote = models.CharField(_("Homeoffice"), max_length=10, choices=Remote, default=Remote.NONE)
    full_time = models.BooleanField(_("Vollzeit"), default=False)
    part_time = models.BooleanField(_("Teilzeit"), default=False)
    mini_job = models.BooleanField(_("Minijob"), default=False)
    apprenticeship = models.BooleanField(_("Ausbildung"), default=False)
    internship = models.BooleanField(_("Praktikum"), default=False)
    temporary = models.BooleanField(_("Aushilfe"), default=False)
    contract = models.CharField(_("Vertrag"), max_length=12, choices=Contract, blank=True)

    salary_min = models.DecimalField(_("Gehalt von"), max_digits=10, decimal_places=2, null=True, blank=True)
    salary_max = models.DecimalField(_("Gehalt bis"), max_digits=10, decimal_places=2, null=True, blank=True)
    salary_currency = models.CharField(_("Währung"), max_length=3, default="EUR")
    salary_period = models.CharField(_("Zeitraum"), max_length=5, choices=SalaryPeriod, blank=True)
    # Monthly equivalents, derived in save(), so filters compare like with like.
    salary_monthly_min = models.PositiveIntegerField(null=True, blank=True, editable=False)
    salary_monthly_max = models.PositiveIntegerField(null=True, blank=True, editable=False)

    description = models.TextField(_("Beschreibung"), help_text=_("Markdown ist erlaubt."))
    apply_url = models.URLField(_("Bewerbungslink"), max_length=500, blank=True)
    apply_email = models.EmailField(_("Bewerbungs-E-Mail"), blank=True)

    date_posted = models.DateField(_("veröffentlicht am"), default=berlin_today)
    valid_through = models.DateField(_("gültig bis"))
    # Indexed through vacancy_status_valid_idx (status first), not on its own.
    status = models.CharField(_("Status"), max_length=10, choices=Status, default=Status.DRAFT)
    rejection_reason = models.TextField(_("Ablehnungsgrund"), blank=True)
    # When it went live here; alerts and the "neu" badge count from this.
    published_at = models.DateTimeField(_("online seit"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    closed_at = models.DateTimeField(_("geschlossen am"), null=True, blank=True)
    external_id = models.CharField(_("externe ID"), max_length=100, blank=True)
    # The valid_through the expiry reminder was mailed for: one reminder per
    # end date, and a renewal (new end date) earns a new one.
    expiry_reminder_sent_for = models.DateField(
        _("Ablauf-Erinnerung gesendet für"), null=True, blank=True, editable=False
    )

    view_count = models.PositiveIntegerField(_("Aufrufe"), default=0, editable=False)
    apply_count = models.PositiveIntegerField(_("Bewerbungsklicks"), default=0, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erstellt von"),
    )
    created_at = models.DateTimeField(_("erstellt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    # Optimistic locking: a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Stelle")
        verbose_name_plural = _("Stellen")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=F("salary_max")),
                name="vacancy_salary_min_lte_max",
            ),
            models.CheckConstraint(
                condition=~Q(apply_url="") | ~Q(apply_email=""),
                name="vacancy_has_apply_route",
            ),
            models.UniqueConstraint(
                fields=["company", "external_id"],
                condition=~Q(external_id=""),
                name="vacancy_unique_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_through"], name="vacancy_status_valid_idx"),
            models.Index(fields=["-published_at", "-id"], name="vacancy_published_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = german_slugify(f"{self.title} {self.city.name if self.city_id else ''}")
        self.salary_monthly_min = self._monthly(self.salary_min)
        self.salary_monthly_max = self._monthly(self.salary_max)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("listings:vacancy_detail", kwargs={"pk": self.pk, "slug": self.slug or "-"})

    # -- derived values -------------------------------------------------
    def clean(self):
        errors = {}
        if self.salary_min is not None and self.salary_max is not None and self.salary_min > self.salary_max:
            errors["salary_max"] = _("Das Höchstgehalt darf nicht kleiner als das Mindestgehalt sein.")
        if (self.salary_min is not None or self.salary_max is not None) and not self.salary_period:
            errors["salary_period"] = _("Bitte geben Sie an, worauf sich das Gehalt bezieht.")
        if not self.apply_url and not self.apply_email:
            errors["apply_url"] = _("Bitte geben Sie einen Bewerbungslink oder eine E-Mail-Adresse an.")
        if self.apply_url and not self.apply_url.lower().startswith(("http://", "https://")):
            errors["apply_url"] = _("Nur Links mit http:// oder https:// sind erlaubt.")
        if errors:
            raise ValidationError(errors)

    def _monthly(self, amount):
        if amount is None:
            return None
        factor = {"hour": HOURS_PER_MONTH, "year": Decimal(1) / 12}.get(self.salary_period, 1)
        return int((Decimal(amount) * factor).to_integral_value())

    @property
    def employment_types(self):
        return [code for code in self.EMPLOYMENT_TYPES if getattr(self, code)]

    @employment_types.setter
    def employment_types(self, codes):
        for code in self.EMPLOYMENT_TYPES:
            setattr(self, code, code in codes)

    def get_employment_types_display(self):
        return [self.EMPLOYMENT_TYPES[code] for code in self.employment_types]

    @property
    def has_salary(self):
        return self.salary_min is not None or self.salary_max is not None

    @property
    def salary_text(self):
        """The stated pay in the active language: "3.100 € – 3.600 € pro
        Monat", "ab 2.800 € pro Monat". Every card, page, feed and mail shows
        it through includes/salary.html. Worked out here because as template
        logic (two floatformat filters) it was a fifth of a card's rendering
        time. Only for a vacancy that has_salary."""
        words = _salary_words(translation.get_language() or settings.LANGUAGE_CODE)
        low, high = self.salary_min, self.salary_max
        if low is not None and high is not None:
            # One figure when both ends are the same ("14 €", not "ab 14 €").
            text = (
                f"{_money(low, words)} € – {_money(high, words)} €"
                if low != high
                else f"{_money(low, words)} €"
            )
        elif low is not None:
            text = f"{words['from']} {_money(low, words)} €"
        else:
            text = f"{words['to']} {_money(high, words)} €"
        return f"{text} {words['periods'].get(self.salary_period, self.salary_period)}"

    @property
    def is_live(self):
        return self.status == self.Status.PUBLISHED and self.valid_through >= berlin_today()

    # -- state changes: views, admin actions and commands all call these --
    @transaction.atomic
    def submit(self, *, by=None):
        """Send to review, or publish at once for a trusted company."""
        self.submitted_at = timezone.now()
        self.rejection_reason = ""
        if self.company.is_trusted:
            self._publish()
        else:
            self.status = self.Status.REVIEW
        self.save()

    @transaction.atomic
    def approve(self, *, by=None, notify=True):
        was_published = self.status == self.Status.PUBLISHED
        self._publish()
        self.rejection_reason = ""
        self.save()
        if notify and not was_published:
            self._notify_employer()

    @transaction.atomic
    def reject(self, *, reason, by=None, notify=True):
        if not reason or not reason.strip():
            raise ValidationError({"rejection_reason": _("Bitte geben Sie einen Grund an.")})
        self.status = self.Status.REJECTED
        self.rejection_reason = reason.strip()
        self.save()
        if notify:
            self._notify_employer()

    def _notify_employer(self):
        # The mail goes out through a task after commit (listings.tasks);
        # imported here because the employer package imports the models.
        from listings.employer.services import notify_moderation_result

        notify_moderation_result(self)

    @transaction.atomic
    def close(self, *, by=None):
        self.status = self.Status.CLOSED
        self.closed_at = timezone.now()
        self.save()

    @transaction.atomic
    def renew(self, *, days=30, by=None):
        """Extends validity by `days` from today or from the current end,
        whichever is later; an expired vacancy becomes live again."""
        start = max(self.valid_through or berlin_today(), berlin_today())
        self.valid_through = start + datetime.timedelta(days=days)
        if self.status == self.Status.EXPIRED:
            self.status = self.Status.PUBLISHED
        self.save()

    def _publish(self):
        self.status = self.Status.PUBLISHED
        if self.published_at is None:
            self.published_at = timezone.now()


class VacancyDailyStat(models.Model):
    """Views and apply clicks per vacancy and day, for the employer dashboard."""

    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="daily_stats")
    date = models.DateField()
    views = models.PositiveIntegerField(default=0)
    apply_clicks = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Tagesstatistik")
        verbose_name_plural = _("Tagesstatistiken")
        ordering = ["vacancy", "date"]
        constraints = [models.UniqueConstraint(fields=["vacancy", "date"], name="vacancy_stat_unique_day")]

    def __str__(self):
        return f"{self.vacancy_id} {self.date}"
