"""Moderators pick a vacancy's occupation and place through the admin's
autocomplete, which asks for view permission on Occupation and City; they
may look the taxonomy up but not change it (that stays with "Redaktion")."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_occupation", "view_city"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderation")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="listings", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderation"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="listings", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [("profiles", "0002_editor_groups")]

    operations = [migrations.RunPython(grant, revoke)]
