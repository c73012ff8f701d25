from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Company(models.Model):
    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Slug"), max_length=120, unique=True)
    website = models.URLField(_("Website"), blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    logo = models.ImageField(_("Logo"), upload_to="logos/", blank=True)
    city = models.ForeignKey(
        "listings.City",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Sitz"),
    )
    is_trusted = models.BooleanField(
        _("vertrauenswürdig"),
        default=False,
        help_text=_("Stellen vertrauenswürdiger Unternehmen erscheinen ohne Prüfung."),
    )
    created_at = models.DateTimeField(_("erstellt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Unternehmen")
        verbose_name_plural = _("Unternehmen")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("listings:company_detail", kwargs={"slug": self.slug})
