from django.core.management.base import BaseCommand

from listings.expiry import REMINDER_DAYS, expire_overdue, send_expiry_reminders


class Command(BaseCommand):
    help = (
        "Markiert veröffentlichte Stellen nach ihrem Gültigkeitsende als abgelaufen und erinnert "
        f"Arbeitgeber einmalig {REMINDER_DAYS} Tage vorher per E-Mail. Täglich ausführen; "
        "abgelaufene Stellen sind auch ohne diesen Befehl sofort unsichtbar."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Nur zählen, nichts ändern.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        expired = expire_overdue(dry_run=dry_run)
        reminded, mails = send_expiry_reminders(dry_run=dry_run)
        if verbosity:
            prefix = "[Probelauf] " if dry_run else ""
            self.stdout.write(
                f"{prefix}{expired} Stellen abgelaufen, {reminded} Stellen erinnert ({mails} E-Mails)."
            )
