from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = _("Berufsprofile")

    def ready(self):
        # Published career profiles appear in cached fragments (the home
        # page's popular occupations, the hubs' lists), so their changes
        # count as changes to what the public sees.
        from django.db.models.signals import post_delete, post_save

        from listings import freshness
        from profiles.models import CareerProfile

        post_save.connect(freshness.on_change, sender=CareerProfile, dispatch_uid="profiles.freshness.save")
        post_delete.connect(
            freshness.on_change, sender=CareerProfile, dispatch_uid="profiles.freshness.delete"
        )
