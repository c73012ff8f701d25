from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListingsConfig(AppConfig):
    name = "listings"
    verbose_name = _("Stellenmarkt")

    def ready(self):
        from listings import freshness, lookups  # noqa: F401  (lookups registers __any)

        freshness.connect_signals()
