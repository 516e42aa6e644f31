from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "clusterhub.dashboards"
    verbose_name = _("Cockpit and reports")
