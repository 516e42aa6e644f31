from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "clusterhub.events"
    verbose_name = _("Conferences and meetings")
