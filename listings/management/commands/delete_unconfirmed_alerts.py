import datetime

from django.core.management.base import BaseCommand

from listings.alerts.services import UNCONFIRMED_TTL, delete_unconfirmed


class Command(BaseCommand):
    help = "Deletes job alerts never confirmed within 7 days (double opt-in); run daily by cron."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=UNCONFIRMED_TTL.days, help="Age in days (default: 7)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Only count them.")

    def handle(self, *, days, dry_run, verbosity, **options):
        count = delete_unconfirmed(older_than=datetime.timedelta(days=max(days, 0)), dry_run=dry_run)
        if verbosity:
            verb = "würden gelöscht" if dry_run else "gelöscht"
            self.stdout.write(f"{count} unbestätigte Jobalarme {verb}.")
