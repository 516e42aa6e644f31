from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "clusterhub.core"
    verbose_name = _("Core")

    def ready(self):
        from . import changelog  # noqa: F401  (connects the change-log signal handlers)
        from .api_auth import connect_signals

        connect_signals()  # a changed token, user or membership is forgotten by the API's cache
