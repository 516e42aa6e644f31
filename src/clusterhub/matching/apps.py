from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "clusterhub.matching"
    verbose_name = _("Sourcing and targets")

    def ready(self):
        from . import signals

        signals.connect()
