"""The kinds of file the import engine knows. A new importer is one line here."""

from __future__ import annotations

from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

IMPORTERS = {
    "enterprises": "clusterhub.enterprises.importers.EnterpriseImporter",
    "supply-links": "clusterhub.chain.importers.SupplyLinkImporter",
}


class UnknownImportKind(LookupError):
    def __init__(self, kind: str):
        super().__init__(
            _("Unknown kind of import “%(kind)s”; known kinds: %(kinds)s")
            % {"kind": kind, "kinds": ", ".join(IMPORTERS)}
        )


def importer_class(kind: str):
    try:
        return import_string(IMPORTERS[kind])
    except KeyError:
        raise UnknownImportKind(kind)


def import_kinds() -> list[tuple[str, str]]:
    """(kind, label in the active language) for every importer."""
    return [(kind, str(importer_class(kind).label)) for kind in IMPORTERS]
