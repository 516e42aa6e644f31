from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Imports of these kinds change what the chain analytics read.
KINDS_THAT_CHANGE_THE_CHAIN = {"enterprises", "supply-links"}


def _refresh_after_import(sender, job, **kwargs):
    if job.kind in KINDS_THAT_CHANGE_THE_CHAIN:
        from .services import request_refresh

        request_refresh()


class ChainConfig(AppConfig):
    name = "clusterhub.chain"
    verbose_name = _("Industry chain")

    def ready(self):
        from clusterhub.tabular.signals import import_committed

        import_committed.connect(_refresh_after_import, dispatch_uid="chain-refresh-after-import")
