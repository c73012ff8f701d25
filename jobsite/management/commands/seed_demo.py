from django.core.management.base import BaseCommand

from jobsite.demo import seed_demo
from listings.models import Vacancy


class Command(BaseCommand):
    help = (
        "Loads deterministic demo content: German places, the occupation taxonomy, "
        "companies, N vacancies and the career profiles in demo/profiles/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--vacancies", type=int, default=300)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when vacancies exist already (used by make run)",
        )

    def handle(self, vacancies=300, seed=42, if_empty=False, **options):
        if if_empty and Vacancy.objects.exists():
            self.stdout.write("Demo-Inhalte sind schon geladen.")
            return
        seed_demo(vacancies=max(vacancies, 0), seed=seed, stdout=self.stdout)
