from functools import partial

from django.core.management.base import BaseCommand
from django.db import transaction

from listings.alerts.services import due_alerts
from listings.models import JobAlert
from listings.tasks import send_alert_digest


class Command(BaseCommand):
    help = (
        "Enqueues one digest task per confirmed, unpaused alert of the given "
        "frequency (run by cron: daily and weekly). Each digest holds only "
        "vacancies new since that alert's last mail; none is sent when nothing is new."
    )

    def add_arguments(self, parser):
        parser.add_argument("--frequency", required=True, choices=JobAlert.Frequency.values)
        parser.add_argument("--dry-run", action="store_true", help="Only count the due alerts.")

    def handle(self, *, frequency, dry_run, verbosity, **options):
        alert_ids = list(due_alerts(frequency).order_by("pk").values_list("pk", flat=True))
        if dry_run:
            self.stdout.write(f"{len(alert_ids)} Jobalarme ({frequency}) wären fällig.")
            return
        # The digest tasks start once the ids are read and committed; with the
        # immediate backend (development) they run right here, one by one.
        with transaction.atomic():
            for alert_id in alert_ids:
                transaction.on_commit(partial(send_alert_digest.enqueue, alert_id=alert_id))
        if verbosity:
            self.stdout.write(f"{len(alert_ids)} Jobalarme ({frequency}) eingereiht.")
