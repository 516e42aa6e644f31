from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "clusterhub.projects"
    verbose_name = _("Investment projects")

    def ready(self):
        # `clusterhub import projects FILE` and the import pages find the importer here.
        from clusterhub.tabular.registry import IMPORTERS

        IMPORTERS.setdefault("projects", "clusterhub.projects.importers.ProjectImporter")
