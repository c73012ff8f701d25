from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from profiles.salary import PLAUSIBLE_PAY, euro


class CareerProfileQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=CareerProfile.Status.PUBLISHED)


class CareerProfile(models.Model):
    """An editorial article about one occupation in one city."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        REVIEW = "review", _("in Prüfung")
        PUBLISHED = "published", _("veröffentlicht")

    occupation = models.ForeignKey(
        "listings.Occupation",
        on_delete=models.PROTECT,
        related_name="career_profiles",
        verbose_name=_("Beruf"),
    )
    city = models.ForeignKey(
        "listings.City",
        on_delete=models.PROTECT,
        related_name="career_profiles",
        verbose_name=_("Ort"),
    )
    title = models.CharField(_("Seitentitel"), max_length=200)
    kicker = models.CharField(_("Dachzeile"), max_length=200, blank=True)
    headline = models.CharField(_("Überschrift"), max_length=300)
    lead = models.TextField(_("Vorspann"))
    status = models.CharField(_("Status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Autor"),
    )
    author_name = models.CharField(_("Autorenzeile"), max_length=120, blank=True)
    last_reviewed = models.DateField(_("zuletzt geprüft am"), null=True, blank=True)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    created_at = models.DateTimeField(_("erstellt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    # Optimistic locking against two editors overwriting each other.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = CareerProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("Berufsprofil")
        verbose_name_plural = _("Berufsprofile")
        ordering = ["occupation__name", "city__name"]
        constraints = [
            models.UniqueConstraint(fields=["occupation", "city"], name="profile_unique_occupation_city")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "profiles:profile_detail",
            kwargs={"occupation": self.occupation.slug, "city": self.city.slug},
        )

    # The editorial workflow: draft -> review -> published; an article in
    # review can be sent back, a published one taken offline again.
    TRANSITIONS = {
        Status.DRAFT: {Status.REVIEW},
        Status.REVIEW: {Status.DRAFT, Status.PUBLISHED},
        Status.PUBLISHED: {Status.DRAFT},
    }

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def can_change_status(self, status):
        return status in self.TRANSITIONS.get(self.status, set())

    @transaction.atomic
    def set_status(self, status, *, by=None):
        if status == self.status:
            raise ValidationError(
                _("Das Profil ist bereits „%(status)s“.") % {"status": self.get_status_display()}
            )
        if not self.can_change_status(status):
            raise ValidationError(
                _("Von „%(old)s“ kann nicht zu „%(new)s“ gewechselt werden.")
                % {"old": self.get_status_display(), "new": self.Status(status).label}
            )
        self.status = status
        if status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.version += 1
        self.save()

    def submit_for_review(self, *, by=None):
        self.set_status(self.Status.REVIEW, by=by)

    def publish(self, *, by=None):
        self.set_status(self.Status.PUBLISHED, by=by)

    def back_to_draft(self, *, by=None):
        self.set_status(self.Status.DRAFT, by=by)

    @transaction.atomic
    def mark_reviewed(self, *, by=None):
        self.last_reviewed = timezone.localdate()
        self.version += 1
        self.save(update_fields=["last_reviewed", "version", "updated_at"])

    @property
    def byline(self):
        """The name printed under the article."""
        if self.author_name:
            return self.author_name
        if self.author_id and self.author.name:
            return self.author.name
        # Imported articles and those without a named author are the
        # editorial team's; the page still says who stands behind the text.
        return _("jobsite-Redaktion")


class Section(models.Model):
    profile = models.ForeignKey(
        CareerProfile, on_delete=models.CASCADE, related_name="sections", verbose_name=_("Profil")
    )
    position = models.PositiveSmallIntegerField(_("Position"), default=0)
    heading = models.CharField(_("Zwischenüberschrift"), max_length=200)
    # Paragraphs separated by blank lines.
    body = models.TextField(_("Text"))

    class Meta:
        verbose_name = _("Abschnitt")
        verbose_name_plural = _("Abschnitte")
        ordering = ["profile", "position", "id"]

    def __str__(self):
        return self.heading

    @property
    def paragraphs(self):
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]


class SalaryBand(models.Model):
    class Level(models.TextChoices):
        ENTRY = "entry", _("Berufseinstieg")
        EXPERIENCED = "experienced", _("mit Berufserfahrung")
        SENIOR = "senior", _("Senior")
        LEAD = "lead", _("Leitung")

    class Period(models.TextChoices):
        HOUR = "hour", _("pro Stunde")
        MONTH = "month", _("pro Monat")
        YEAR = "year", _("pro Jahr")

    class Currency(models.TextChoices):
        EUR = "EUR", _("Euro")

    profile = models.ForeignKey(
        CareerProfile,
        on_delete=models.CASCADE,
        related_name="salary_bands",
        verbose_name=_("Profil"),
    )
    position = models.PositiveSmallIntegerField(_("Position"), default=0)
    level = models.CharField(_("Stufe"), max_length=12, choices=Level)
    min_amount = models.PositiveIntegerField(_("von"), null=True, blank=True)
    max_amount = models.PositiveIntegerField(_("bis"), null=True, blank=True)
    # Pages, chart and importer speak euros only; a second currency would
    # need its own formatting and its own chart axis.
    currency = models.CharField(_("Währung"), max_length=3, choices=Currency, default=Currency.EUR)
    period = models.CharField(_("Zeitraum"), max_length=5, choices=Period, default=Period.MONTH)
    source = models.CharField(_("Quelle"), max_length=200, blank=True)
    as_of = models.DateField(_("Stand"), null=True, blank=True)

    class Meta:
        verbose_name = _("Gehaltsband")
        verbose_name_plural = _("Gehaltsbänder")
        ordering = ["profile", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_amount__isnull=True)
                | Q(max_amount__isnull=True)
                | Q(min_amount__lte=F("max_amount")),
                name="salaryband_min_lte_max",
            ),
            models.CheckConstraint(
                condition=Q(min_amount__isnull=False) | Q(max_amount__isnull=False),
                name="salaryband_has_amount",
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()}: {self.min_amount}–{self.max_amount}"

    def clean(self):
        if self.min_amount is None and self.max_amount is None:
            raise ValidationError(_("Bitte mindestens einen Betrag angeben."))
        if self.min_amount is not None and self.max_amount is not None and self.min_amount > self.max_amount:
            raise ValidationError({"max_amount": _("„bis“ darf nicht kleiner als „von“ sein.")})
        if self.period in PLAUSIBLE_PAY:
            low, high = PLAUSIBLE_PAY[self.period]
            errors = {
                name: _("Bitte einen Betrag zwischen %(low)s und %(high)s angeben (%(period)s).")
                % {"low": euro(low), "high": euro(high), "period": self.get_period_display()}
                for name in ("min_amount", "max_amount")
                if getattr(self, name) is not None and not low <= getattr(self, name) <= high
            }
            if errors:
                raise ValidationError(errors)
