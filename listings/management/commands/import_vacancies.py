import sys
import time

from django.core.management.base import BaseCommand, CommandError

from listings.importer import import_vacancies


class Command(BaseCommand):
    help = (
        "Imports vacancies from JSON (an array) or JSON Lines. Idempotent per company "
        "and external_id; bad records are reported and skipped; exit status 1 when "
        "any record was rejected."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="file to import, or - for standard input")
        parser.add_argument("--publish", action="store_true", help="publish without review")

    def handle(self, path, publish=False, verbosity=1, **options):
        started = time.monotonic()
        show_progress = verbosity >= 1 and self.stdout.isatty()

        def progress(report):
            if show_progress:
                rate = report.total / max(time.monotonic() - started, 1e-6)
                left = max(report.expected - report.total, 0) / rate if rate else 0
                self.stdout.write(
                    f"\r{report.total:,}/{report.expected:,} Datensätze, {rate:,.0f}/s, noch {left:,.0f} s   ",
                    ending="",
                )
                self.stdout.flush()

        try:
            stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Datei nicht lesbar: {exc}") from exc
        with stream:
            report = import_vacancies(stream, publish=publish, progress=progress)
        if show_progress:
            self.stdout.write("")
        elapsed = time.monotonic() - started
        for position, message in report.warnings:
            if verbosity >= 1:
                self.stdout.write(f"Hinweis {position}: {message}")
        for position, reason in report.rejected:
            self.stderr.write(f"Abgelehnt {position}: {reason}")
        self.stdout.write(
            f"{report.created} neu, {report.updated} aktualisiert, {report.unchanged} unverändert, "
            f"{len(report.rejected)} abgelehnt ({elapsed:.1f} s)."
        )
        if report.rejected:
            sys.exit(1)
