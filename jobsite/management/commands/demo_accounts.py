from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from listings.models import Company, EmployerMembership, User

DEMO_PASSWORD = "jobsite-demo-2026"  # noqa: S105 (demo only, printed on purpose)
ACCOUNTS = [
    # e-mail, role, is_staff, is_superuser, group
    ("admin@jobsite.example", "Administrator", True, True, None),
    ("redaktion@jobsite.example", "Redaktion", True, False, "Redaktion"),
    ("moderation@jobsite.example", "Moderation", True, False, "Moderation"),
    ("arbeitgeber@jobsite.example", "Arbeitgeber", False, False, None),
]


class Command(BaseCommand):
    help = "Creates the demo accounts (admin, editor, moderator, employer) and prints their log-ins."

    @transaction.atomic
    def handle(self, **options):
        for email, role, is_staff, is_superuser, group in ACCOUNTS:
            user, created = User.objects.get_or_create(
                email=email,
                defaults={
                    "name": role,
                    "is_staff": is_staff,
                    "is_superuser": is_superuser,
                    "email_verified_at": timezone.now(),
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if group:
                group_obj = Group.objects.filter(name=group).first()
                if group_obj:
                    user.groups.add(group_obj)
        employer = User.objects.get(email="arbeitgeber@jobsite.example")
        if not hasattr(employer, "membership"):
            company = Company.objects.order_by("pk").first()
            if company is None:
                company = Company.objects.create(name="Demo GmbH", slug="demo-gmbh")
            EmployerMembership.objects.create(
                user=employer, company=company, role=EmployerMembership.Role.OWNER
            )
        self.stdout.write(f"Demo-Zugänge (Passwort für alle: {DEMO_PASSWORD}):")
        for email, role, *_ in ACCOUNTS:
            self.stdout.write(f"  {role:<14} {email}")
        self.stdout.write(
            "  Admin: http://127.0.0.1:8000/admin/  Arbeitgeber: http://127.0.0.1:8000/arbeitgeber/"
        )
