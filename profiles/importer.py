"""Imports career-profile articles (seed text format) into CareerProfiles.
Used by `manage.py import_profiles`, `seed_demo` and the admin upload form."""

from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jobsite.text import german_slugify, normalize_key
from listings.models import City, Occupation
from listings.taxonomy import CityResolver
from profiles.models import CareerProfile, SalaryBand, Section
from profiles.parser import ParsedProfile, ProfileFormatError, parse_profile, salary_bands_from
from profiles.salary import band_range

SALARY_SOURCE = "Redaktion jobsite (Artikel)"


@dataclass
class ProfileImportResult:
    name: str
    profile: CareerProfile | None = None
    created: bool = False
    parsed: ParsedProfile | None = None
    error: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self):
        return not self.error

    def report(self, *, dry_run=False):
        """What was stored and what could not be placed, as lines of German
        text; the command and the admin upload page show the same report."""
        if not self.ok:
            return [_("Fehler: %(error)s") % {"error": self.error}]
        parsed = self.parsed
        if dry_run:
            action = _("würde gespeichert")
        elif self.created:
            action = _("angelegt")
        else:
            action = _("aktualisiert")
        lines = [
            f"{action}: {parsed.title}",
            _("Beruf: %(occupation)s · Ort: %(city)s")
            % {"occupation": parsed.occupation_name, "city": parsed.city_name},
            _("Überschrift: %(headline)s") % {"headline": parsed.headline},
        ]
        for section in parsed.sections:
            lines.append(
                ngettext(
                    "Abschnitt: %(heading)s (%(count)d Absatz)",
                    "Abschnitt: %(heading)s (%(count)d Absätze)",
                    len(section.paragraphs),
                )
                % {"heading": section.heading, "count": len(section.paragraphs)}
            )
        for band in parsed.salary_bands:
            lines.append(
                _("Gehalt %(level)s: %(range)s %(period)s")
                % {
                    "level": SalaryBand.Level(band.level).label,
                    "range": band_range(band),
                    "period": SalaryBand.Period(band.period).label,
                }
            )
        if not parsed.salary_bands:
            lines.append(_("Keine Gehaltsangaben gefunden."))
        lines += [_("Hinweis: %(warning)s") % {"warning": w} for w in self.warnings]
        return [str(line) for line in lines]


def _too_long(parsed):
    """The refusal for a line longer than its column, or "" (PostgreSQL
    would refuse it in the middle of the import)."""

    def limit(model, name):
        return model._meta.get_field(name).max_length

    # (Slugs are cut to 80 characters by german_slugify, so they always fit.)
    checks = [
        (_("Titel"), parsed.title, limit(CareerProfile, "title")),
        (_("Dachzeile"), parsed.kicker, limit(CareerProfile, "kicker")),
        (_("Überschrift"), parsed.headline, limit(CareerProfile, "headline")),
        (_("Beruf"), parsed.occupation_name, limit(Occupation, "name")),
        (_("Ort"), parsed.city_name, limit(City, "name")),
    ]
    for label, value, max_length in checks:
        if len(value) > max_length:
            return _("%(label)s ist zu lang (%(length)d Zeichen, höchstens %(max)d).") % {
                "label": label,
                "length": len(value),
                "max": max_length,
            }
    return ""


def _occupation_for(name):
    key = normalize_key(name)
    for occupation in Occupation.objects.filter(slug=german_slugify(name)):
        return occupation, False
    for occupation in Occupation.objects.all():
        if key in {normalize_key(n) for n in occupation.all_names}:
            return occupation, False
    occupation = Occupation.objects.create(name=name, slug=german_slugify(name))
    return occupation, True


def _city_for(name):
    city = CityResolver().resolve(name)
    if city:
        return city, False
    slug = german_slugify(name)
    city = City.objects.create(
        name=name, slug=slug if not City.objects.filter(slug=slug).exists() else f"{slug}-neu"
    )
    return city, True


def _store_bands(profile, bands):
    today = timezone.localdate()
    SalaryBand.objects.bulk_create(
        SalaryBand(
            profile=profile,
            position=i,
            level=band.level,
            min_amount=band.min_amount,
            max_amount=band.max_amount,
            period=band.period,
            source=SALARY_SOURCE,
            as_of=today,
        )
        for i, band in enumerate(bands)
    )


@transaction.atomic
def reextract_salary_bands(profile):
    """Reads the salary bands again from the article as it stands now (after
    editors changed its text), replacing the stored ones. Returns the
    unplaced snippets and ignored figures, like an import would report."""
    paragraphs = [profile.lead] + [p for section in profile.sections.all() for p in section.paragraphs]
    bands, unplaced, ignored = salary_bands_from(paragraphs)
    profile.salary_bands.all().delete()
    _store_bands(profile, bands)
    CareerProfile.objects.filter(pk=profile.pk).update(version=models.F("version") + 1)
    profile.refresh_from_db(fields=["version"])
    return bands, unplaced, ignored


def import_profile_text(text, *, name="", publish=False, dry_run=False, author=None):
    result = ProfileImportResult(name=name)
    try:
        parsed = parse_profile(text)
    except ProfileFormatError as exc:
        result.error = str(exc)
        return result
    result.parsed = parsed
    for label, value in ((_("Beruf"), parsed.occupation_name), (_("Ort"), parsed.city_name)):
        if not german_slugify(value):
            # Without a letter or digit there is no URL for it (the home page
            # and the sitemaps failed on such a page).
            result.error = _("%(label)s „%(value)s“ enthält keine Buchstaben oder Ziffern.") % {
                "label": label,
                "value": value,
            }
            return result
    result.error = _too_long(parsed)
    if result.error:
        return result
    result.warnings += [
        _("Gehaltsangabe nicht zugeordnet (keine oder doppelte Stufe): „%(text)s“") % {"text": text}
        for text in parsed.unplaced
    ]
    result.warnings += [
        _("Betrag nicht als Gehalt gewertet (%(reason)s): „%(text)s“")
        % {"reason": figure.ignored, "text": figure.text}
        for figure in parsed.ignored
    ]
    if dry_run:
        return result
    with transaction.atomic():
        occupation, new_occupation = _occupation_for(parsed.occupation_name)
        city, new_city = _city_for(parsed.city_name)
        if new_occupation:
            result.warnings.append(_("Beruf „%(name)s“ neu angelegt.") % {"name": occupation.name})
        if new_city:
            result.warnings.append(
                _("Ort „%(name)s“ ohne Koordinaten neu angelegt; bitte im Admin ergänzen.")
                % {"name": city.name}
            )
        profile = CareerProfile.objects.select_for_update().filter(occupation=occupation, city=city).first()
        result.created = profile is None
        if profile is None:
            profile = CareerProfile(occupation=occupation, city=city, author=author)
        profile.title = parsed.title
        profile.kicker = parsed.kicker
        profile.headline = parsed.headline
        profile.lead = parsed.lead
        if profile.pk:
            profile.version += 1
        if publish:
            profile.status = CareerProfile.Status.PUBLISHED
            profile.published_at = profile.published_at or timezone.now()
            profile.last_reviewed = timezone.localdate()
        profile.save()
        # A re-import replaces the article's content; it never duplicates it.
        profile.sections.all().delete()
        profile.salary_bands.all().delete()
        Section.objects.bulk_create(
            Section(profile=profile, position=i, heading=s.heading, body="\n\n".join(s.paragraphs))
            for i, s in enumerate(parsed.sections)
        )
        _store_bands(profile, parsed.salary_bands)
        result.profile = profile
    return result


def import_profile_file(path, **kwargs):
    from pathlib import Path

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return ProfileImportResult(name=str(path), error=_("Datei nicht lesbar: %(error)s") % {"error": exc})
    return import_profile_text(text, name=str(path), **kwargs)
