from django.core.management.base import BaseCommand

from listings.stats import flush_stats


class Command(BaseCommand):
    help = (
        "Moves the view and apply-click counts buffered in Redis into the database "
        "(Vacancy.view_count/apply_count and the daily statistics). Run it from cron "
        "or let record_view schedule it; without Redis there is nothing to flush."
    )

    def handle(self, verbosity=1, **options):
        flushed = flush_stats()
        if verbosity >= 1:
            self.stdout.write(f"{flushed} Ereignisse übertragen.")
