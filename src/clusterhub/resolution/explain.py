"""Why a pair waits for a person: the reviewer sees a score and should also see what kept it
from being merged automatically (a high score alone reads like a mistake of the model)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def why_in_review(item, *, auto_threshold: float) -> str:
    """One sentence for the compare page; empty for a pair a user flagged (their note says why)."""
    if item.flagged_by_id:
        return ""
    fields = {row["field"]: row for row in item.comparison or []}
    codes = fields.get("credit_code") or {}
    if codes.get("left") and codes.get("right") and codes.get("agree") is False:
        return _(
            "Both records carry a credit code and the codes differ: such a pair is never merged "
            "automatically, whatever its score."
        )
    if item.score >= auto_threshold:
        return _(
            "The score is above the automatic merge threshold, but the names do not agree "
            "closely enough: most of the score comes from other fields, such as an address or a "
            "phone that neighbours can share. A person decides."
        )
    return _("The score lies between the review threshold and the automatic merge threshold.")
