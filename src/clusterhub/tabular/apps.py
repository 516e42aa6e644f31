from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TabularConfig(AppConfig):
    name = "clusterhub.tabular"
    verbose_name = _("Import and export")
