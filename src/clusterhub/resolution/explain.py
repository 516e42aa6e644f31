"""Why a pair waits for a person, and where its two records differ: the reviewer sees a score and
should also see what kept it from being merged automatically (a high score alone reads like a
mistake of the model) and which characters of two near-identical names differ (鑫泽 / 鑫洋)."""

from __future__ import annotations

from difflib import SequenceMatcher

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterhub.core.units import join_names

FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "short_name": gettext_lazy("Short name"),
    "name_en": gettext_lazy("English name"),
    "credit_code": gettext_lazy("Credit code"),
    "stock_code": gettext_lazy("Stock code"),
    "city": gettext_lazy("City"),
    "address": gettext_lazy("Address"),
    "phone": gettext_lazy("Phone"),
    "website": gettext_lazy("Website"),
}
NAME_FIELDS = ("name", "short_name", "name_en")


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
        if not any(fields.get(name, {}).get("agree") is False for name in NAME_FIELDS):
            # The names agree, so the engine refused the merge: it would join two records that
            # are both already in the registry.
            return _(
                "The score is above the automatic merge threshold, but both records are already "
                "in the registry, and joining two registry records is never automatic. A person "
                "decides."
            )
        agreeing = [
            str(FIELD_LABELS.get(name, name))
            for name, row in fields.items()
            if row.get("agree") is True and name not in NAME_FIELDS
        ]
        if agreeing:
            return _(
                "The score is above the automatic merge threshold, but the names differ (marked "
                "below) and the fields that agree (%(fields)s) can be shared by neighbours. A "
                "person decides."
            ) % {"fields": join_names(agreeing)}
        return _(
            "The score is above the automatic merge threshold, but the names differ (marked "
            "below): near-identical names can belong to different companies. A person decides."
        )
    return _("The score lies between the review threshold and the automatic merge threshold.")


def marked_differences(
    left: str, right: str
) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Both values cut into (text, differs) pieces, character by character, so a page can mark
    what one side has and the other has not; values that are equal or empty come back whole."""
    if not left or not right or left == right:
        return [(left, False)] if left else [], [(right, False)] if right else []
    left_pieces, right_pieces = [], []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, left, right, autojunk=False).get_opcodes():
        changed = tag != "equal"
        if i2 > i1:
            left_pieces.append((left[i1:i2], changed))
        if j2 > j1:
            right_pieces.append((right[j1:j2], changed))
    return left_pieces, right_pieces


def comparison_rows(item) -> list[dict]:
    """The stored comparison with labels and the differing characters marked on each side."""
    rows = []
    for row in item.comparison or []:
        left_marks, right_marks = marked_differences(row.get("left") or "", row.get("right") or "")
        rows.append(
            {
                **row,
                "label": FIELD_LABELS.get(row["field"], row["field"]),
                "left_marks": left_marks,
                "right_marks": right_marks,
            }
        )
    return rows
