from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from clusterhub.matching import index


class Command(BaseCommand):
    help = (
        "The search index (tantivy, under DATA_DIR/search/): --rebuild writes it again from the "
        "database; --apply applies queued changes; without options, shows its state."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Rebuild from the database.")
        parser.add_argument("--apply", action="store_true", help="Apply queued changes now.")
        parser.add_argument("--threads", type=int, default=0, help="Indexing threads (0: auto).")

    def handle(self, *args, rebuild=False, apply=False, threads=0, **options):
        if rebuild:
            summary = index.rebuild(
                threads=threads,
                progress=lambda counts: self.stdout.write(f"  {counts}"),
            )
            self.stdout.write(
                _("Indexed %(n)d documents in %(s).1f s (%(mb).1f MB): %(kinds)s")
                % {
                    "n": summary.documents,
                    "s": summary.seconds,
                    "mb": summary.bytes / 1e6,
                    "kinds": ", ".join(f"{k} {v:,}" for k, v in summary.by_kind.items()),
                }
            )
        if apply:
            applied = index.apply_pending()
            self.stdout.write(_("Applied %(n)d queued changes.") % {"n": applied})
        folder = index.current_dir()
        if folder is None:
            self.stdout.write(_("No search index yet: run with --rebuild."))
            return
        searcher = index.open_index(folder).searcher()
        self.stdout.write(
            _("Index %(folder)s: %(docs)d documents, %(mb).1f MB, %(pending)d changes queued.")
            % {
                "folder": folder.name,
                "docs": searcher.num_docs,
                "mb": index.folder_size(folder) / 1e6,
                "pending": index.pending_count(),
            }
        )
