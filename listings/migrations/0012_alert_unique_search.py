from django.db import migrations, models
from django.db.models import Count


def drop_duplicate_alerts(apps, schema_editor):
    """Before the constraint: of several alerts of one address for the same
    search, keep the confirmed one that was confirmed first (else the oldest);
    the others only sent the same digest again."""
    JobAlert = apps.get_model("listings", "JobAlert")
    twice = (
        JobAlert.objects.values("email", "query").annotate(n=Count("id")).filter(n__gt=1).order_by()
    )
    for group in twice:
        alerts = JobAlert.objects.filter(email=group["email"], query=group["query"])
        keep = alerts.order_by(
            models.F("confirmed_at").asc(nulls_last=True), "created_at", "id"
        ).first()
        alerts.exclude(pk=keep.pk).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0011_city_coordinates_index"),
    ]

    operations = [
        migrations.RunPython(drop_duplicate_alerts, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="jobalert",
            constraint=models.UniqueConstraint(fields=("email", "query"), name="alert_unique_search"),
        ),
    ]
