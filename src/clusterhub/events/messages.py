"""The scheduler's findings in the reader's language.

The scheduler core is Django-free and says things in English with a stable code and parameters;
these are the translatable sentences for the codes, filled with the same parameters.
"""

from django.utils.translation import gettext_lazy as _

TEMPLATES = {
    "no_slots": _("The event has no meeting slots."),
    "no_tables": _("The venue has no tables: no meeting can be placed."),
    "no_availability": _("%(who)s is available in no meeting slot."),
    "no_common_availability": _("The members of %(who)s share no meeting slot."),
    "wants_none": _("%(who)s asked for no meetings (maximum 0)."),
    "unknown_participant": _("Request %(req)s names %(who)s, who is not registered."),
    "self_request": _("Request %(req)s asks %(who)s to meet themselves."),
    "same_delegation": _(
        "Request %(req)s is between two members of the delegation %(group)s, who attend every "
        "meeting together."
    ),
    "duplicate": _(
        "Request %(req)s duplicates request %(kept)s for the same meeting; it is scheduled once, "
        "as %(kept)s."
    ),
    "no_common_slot": _("%(a)s and %(b)s are never available in the same slot."),
    "no_table": _("No table seats the %(seats)s people of request %(req)s."),
    "no_interpreter": _(
        "%(a)s and %(b)s share no language and no interpreter for %(la)s and %(lb)s is free "
        "when both are."
    ),
    "must_meet_overload": _(
        "%(who)s has %(count)s must-meet pairs but room for only %(room)s meetings (%(slots)s "
        "available slots, at most %(max)s meetings); at least %(lost)s of them cannot happen."
    ),
    "must_meet_unmet": _(
        "A must-meet request cannot be held together with the other must-meets and published "
        "meetings."
    ),
    "maximum_reached": _(
        "%(who)s already has the most meetings they asked for (%(max)s); other requests were "
        "worth more or came first."
    ),
    "no_free_slot": _(
        "In the %(slots)s slots where %(a)s and %(b)s could meet, %(a)s is busy in %(busy_a)s "
        "and %(b)s in %(busy_b)s; the remaining ones have no table or interpreter left."
    ),
}


def issue_text(issue: dict) -> str:
    template = TEMPLATES.get(issue.get("code"))
    if template is None:
        return issue.get("message", "")
    try:
        return str(template) % issue.get("params", {})
    except (KeyError, TypeError, ValueError):
        return issue.get("message", "")
