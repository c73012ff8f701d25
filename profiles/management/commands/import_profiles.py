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
            lines = result.report(dry_run=dry_run)
            if not result.ok:
                failures += 1
                self.stderr.write(f"{path}: {lines[0]}")
                continue
            self.stdout.write(f"{path}: {lines[0]}")
            # The details (sections, salary bands) only at normal verbosity
            # and above; warnings always, they need an editor's attention.
            details = lines[1:] if verbosity >= 1 else lines[len(lines) - len(result.warnings) :]
            for line in details:
                self.stdout.write(f"  {line}")
        if failures:
            raise CommandError(f"{failures} Datei(en) konnten nicht importiert werden.")
