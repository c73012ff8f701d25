from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jobsite.text import german_slugify, normalize_key


class Occupation(models.Model):
    name = models.CharField(_("Bezeichnung"), max_length=120, unique=True)
    slug = models.SlugField(_("Slug"), max_length=120, unique=True)
    name_female = models.CharField(_("weibliche Form"), max_length=120, blank=True)
    name_male = models.CharField(_("männliche Form"), max_length=120, blank=True)
    # One synonym per line; editors maintain them in the admin.
    synonyms = models.TextField(_("Synonyme"), blank=True, help_text=_("Ein Synonym pro Zeile."))
    category = models.CharField(_("Berufsfeld"), max_length=80, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        verbose_name = _("Beruf")
        verbose_name_plural = _("Berufe")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("profiles:occupation_hub", kwargs={"occupation": self.slug})

    @property
    def synonym_list(self):
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]

    @property
    def all_names(self):
        """Every spelling a job seeker may use for this occupation."""
        names = [self.name, self.name_female, self.name_male, *self.synonym_list]
        seen, result = set(), []
        for name in names:
            key = normalize_key(name)
            if name and key not in seen:
                seen.add(key)
                result.append(name)
        return result


class City(models.Model):
    name = models.CharField(_("Name"), max_length=120, db_index=True)
    slug = models.SlugField(_("Slug"), max_length=140, unique=True)
    state = models.CharField(_("Bundesland"), max_length=60, blank=True)
    latitude = models.FloatField(_("Breitengrad"), null=True, blank=True)
    longitude = models.FloatField(_("Längengrad"), null=True, blank=True)
    population = models.PositiveIntegerField(_("Einwohner"), default=0)
    geonames_id = models.PositiveIntegerField(_("GeoNames-ID"), unique=True, null=True, blank=True)
    # Other spellings (English exonyms, ASCII forms), one per line.
    aliases = models.TextField(_("andere Namen"), blank=True)
    # normalize_key(name) for fast lookup of "Koeln", "köln", "KÖLN".
    name_key = models.CharField(max_length=120, db_index=True, editable=False)

    class Meta:
        verbose_name = _("Ort")
        verbose_name_plural = _("Orte")
        ordering = ["-population", "name"]
        indexes = [
            models.Index(fields=["-population"], name="city_population_idx"),
            # The bounding box of a radius search (search.cities_within):
            # without it every cold place search, hub and related list
            # read all 12,000 places (1.2 ms; 0.15 with it).
            models.Index(fields=["latitude", "longitude"], name="city_coordinates_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = normalize_key(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("profiles:city_hub", kwargs={"city": self.slug})

    @property
    def where_value(self):
        """What to write as "Wo" (a search, a form's place field) so that it
        names exactly this place: the name when this is the largest place of
        that name (it then owns the plain slug), else the unique slug
        ("muenster-hessen"). The name alone means the largest one."""
        return self.name if self.slug == german_slugify(self.name) else self.slug

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]
