import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

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
                line = ngettext(
                    "%(done)s/%(expected)s Datensatz, %(rate)s/s, noch %(left)s s",
                    "%(done)s/%(expected)s Datensätze, %(rate)s/s, noch %(left)s s",
                    report.expected,
                ) % {
                    "done": _grouped(report.total),
                    "expected": _grouped(report.expected),
                    "rate": _grouped(rate),
                    "left": _grouped(left),
                }
                self.stdout.write(f"\r{line}   ", ending="")
                self.stdout.flush()

        try:
            stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(gettext("Datei nicht lesbar: %(error)s") % {"error": exc}) from exc
        with stream:
            report = import_vacancies(stream, publish=publish, progress=progress)
        if show_progress:
            self.stdout.write("")
        elapsed = time.monotonic() - started
        if verbosity >= 1:
            warning = gettext("Hinweis %(position)s: %(message)s")
            for position, message in report.warnings:
                self.stdout.write(warning % {"position": position, "message": message})
        rejection = gettext("Abgelehnt %(position)s: %(reason)s")
        for position, reason in report.rejected:
            self.stderr.write(rejection % {"position": position, "reason": reason})
        summary = gettext(
            "%(created)d neu, %(updated)d aktualisiert, %(unchanged)d unverändert, "
            "%(rejected)d abgelehnt (%(seconds)s s)."
        )
        self.stdout.write(
            summary
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "rejected": len(report.rejected),
                "seconds": number_format(round(elapsed, 1), decimal_pos=1),  # it cuts, not rounds
            }
        )
        if report.rejected:
            sys.exit(1)


def _grouped(number):
    """A whole number with the active language's thousands separator
    (12.345 in German, 12,345 in English)."""
    return number_format(round(number), force_grouping=True)
