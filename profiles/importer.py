"""Imports career-profile articles (seed text format) into CareerProfiles.
Used by `manage.py import_profiles`, `seed_demo` and the admin upload form."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from jobsite.text import german_slugify, normalize_key
from listings.models import City, Occupation
from listings.taxonomy import CityResolver
from profiles.models import CareerProfile, SalaryBand, Section
from profiles.parser import ParsedProfile, ProfileFormatError, parse_profile

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


def import_profile_text(text, *, name="", publish=False, dry_run=False, author=None):
    result = ProfileImportResult(name=name)
    try:
        parsed = parse_profile(text)
    except ProfileFormatError as exc:
        result.error = str(exc)
        return result
    result.parsed = parsed
    result.warnings += [f"Gehaltsangabe ohne erkennbare Stufe: „{s}“" for s in parsed.unplaced]
    if dry_run:
        return result
    with transaction.atomic():
        occupation, new_occupation = _occupation_for(parsed.occupation_name)
        city, new_city = _city_for(parsed.city_name)
        if new_occupation:
            result.warnings.append(f"Beruf „{occupation.name}“ neu angelegt.")
        if new_city:
            result.warnings.append(
                f"Ort „{city.name}“ ohne Koordinaten neu angelegt; bitte im Admin ergänzen."
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
        today = timezone.localdate()
        SalaryBand.objects.bulk_create(
            SalaryBand(
                profile=profile,
                position=i,
                level=band.level,
                min_amount=band.min_amount,
                max_amount=band.max_amount,
                period=SalaryBand.Period.MONTH,
                source=SALARY_SOURCE,
                as_of=today,
            )
            for i, band in enumerate(parsed.salary_bands)
        )
        result.profile = profile
    return result


def import_profile_file(path, **kwargs):
    from pathlib import Path

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return ProfileImportResult(name=str(path), error=f"Datei nicht lesbar: {exc}")
    return import_profile_text(text, name=str(path), **kwargs)
