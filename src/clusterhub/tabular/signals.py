"""Signals other apps listen to (the chain analytics refresh after an import, for example)."""

from django.dispatch import Signal

# Sent after a commit that wrote at least one row; kwargs: job (an ImportJob, kind tells what).
import_committed = Signal()
