import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token():
    return secrets.token_urlsafe(24)


class JobAlert(models.Model):
    """A saved search mailed to an address (double opt-in)."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("täglich")
        WEEKLY = "weekly", _("wöchentlich")

    email = models.EmailField(_("E-Mail-Adresse"), db_index=True)
    # The search's GET parameters as a canonical query string (no page).
    query = models.CharField(_("Suche"), max_length=1000, blank=True)
    label = models.CharField(_("Bezeichnung"), max_length=200, blank=True)
    frequency = models.CharField(_("Häufigkeit"), max_length=10, choices=Frequency, default=Frequency.DAILY)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    paused = models.BooleanField(_("pausiert"), default=False)
    # Vacancies published after this moment are "new" for the next digest;
    # it moves only together with a sent mail.
    last_sent_at = models.DateTimeField(_("zuletzt gesendet"), null=True, blank=True)
    created_at = models.DateTimeField(_("erstellt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Jobalarm")
        verbose_name_plural = _("Jobalarme")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["frequency", "confirmed_at"], name="alert_due_idx")]
        constraints = [
            # One alert per search and address: a double click on "Jobalarm
            # anlegen" sends two requests at once, and both found no alert
            # to reuse; the address then got every digest twice.
            models.UniqueConstraint(fields=["email", "query"], name="alert_unique_search"),
        ]

    def __str__(self):
        return f"{self.email}: {self.label or self.query}"
