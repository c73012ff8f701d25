from django.core.management.base import BaseCommand, CommandError

from profiles.importer import import_profile_file


class Command(BaseCommand):
    help = (
        "Imports career-profile articles in the seed text format. Idempotent per "
        "occupation and city: a re-import updates the profile, it never duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--publish", action="store_true", help="publish the imported profiles")
        parser.add_argument("--dry-run", action="store_true", help="only show what would be stored")

    def handle(self, paths, publish=False, dry_run=False, verbosity=1, **options):
        failures = 0
        for path in paths:
            result = import_profile_file(path, publish=publish, dry_run=dry_run)
            if not result.ok:
                failures += 1
                self.stderr.write(f"{path}: FEHLER: {result.error}")
                continue
            parsed = result.parsed
            action = "würde speichern" if dry_run else ("angelegt" if result.created else "aktualisiert")
            self.stdout.write(f"{path}: {action}: {parsed.title}")
            if verbosity >= 1:
                self.stdout.write(f"  Beruf: {parsed.occupation_name} · Ort: {parsed.city_name}")
                self.stdout.write(f"  Überschrift: {parsed.headline}")
                for section in parsed.sections:
                    self.stdout.write(f"  Abschnitt: {section.heading} ({len(section.paragraphs)} Absätze)")
                for band in parsed.salary_bands:
                    self.stdout.write(f"  Gehalt {band.level}: {band.min_amount}–{band.max_amount} EUR/Monat")
            for warning in result.warnings:
                self.stdout.write(f"  Hinweis: {warning}")
        if failures:
            raise CommandError(f"{failures} Datei(en) konnten nicht importiert werden.")
