"""Groups "Redaktion" (career content and taxonomy) and "Moderation"
(vacancies and companies) with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Redaktion": {
        "profiles": ["careerprofile", "section", "salaryband"],
        "listings": ["occupation", "city"],
    },
    "Moderation": {
        "listings": ["vacancy", "company", "employermembership"],
    },
}
ACTIONS = ["add", "change", "delete", "view"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure
    # they exist now so that the groups can be given them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, models_by_app in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [
            f"{action}_{model}" for models in models_by_app.values() for model in models for action in ACTIONS
        ]
        permissions = Permission.objects.filter(
            content_type__app_label__in=list(models_by_app), codename__in=codenames
        )
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(GROUPS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0001_initial"),
        ("listings", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
