from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "clusterhub.projects"
    verbose_name = _("Investment projects")

    def ready(self):
        # `clusterhub import projects FILE` and the import pages find the importer here.
        try:
            from clusterhub.tabular.registry import IMPORTERS
        except ImportError:  # the import engine is optional for the rest of the app
            return
        IMPORTERS.setdefault("projects", "clusterhub.projects.importers.ProjectImporter")
