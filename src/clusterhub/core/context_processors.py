"""Template context shared by every page: the menu and the signed-in user's organisation and role.

Menu entries are reversed here with NoReverseMatch guarded, so an entry appears as soon as the
app that serves it adds its URL, and a missing app never breaks every page.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (section, [(url name or candidate names, label, bootstrap icon, staff only)]). Apps still being
# built are listed under the names they are likely to use; an entry shows once one resolves.
MENU = [
    (
        None,
        [
            ("core:home", _("Home"), "house", False),
            (("dashboards:cockpit", "dashboards:index"), _("Cockpit"), "speedometer2", False),
        ],
    ),
    (
        _("Investment promotion"),
        [
            (("projects:list", "projects:index"), _("Investment projects"), "briefcase", False),
            (("events:list", "events:index"), _("Conferences"), "calendar-event", False),
            (("matching:index", "matching:list"), _("Sourcing and matching"), "bullseye", False),
        ],
    ),
    (
        _("Registry"),
        [
            ("enterprises:list", _("Enterprises"), "buildings", False),
            ("enterprises:site_list", _("Sites"), "geo-alt", False),
        ],
    ),
    (
        _("Geography"),
        [
            ("geo:region_list", _("Regions"), "map", False),
            ("geo:park_list", _("Parks"), "signpost-split", False),
        ],
    ),
    (
        _("Industry chain"),
        [
            ("chain:index", _("Industry chain"), "diagram-3", False),
            ("chain_analytics:index", _("Chain analytics"), "graph-up", False),
        ],
    ),
    (
        _("Data"),
        [
            ("tabular:index", _("Imports"), "upload", False),
            (("resolution:index", "resolution:queue"), _("Duplicate review"), "intersect", False),
            ("core:changelog", _("Change log"), "clock-history", False),
        ],
    ),
    (
        _("System"),
        [
            ("admin:index", _("Admin"), "gear", True),
            ("api-docs", _("API docs"), "code-slash", False),
        ],
    ),
]


def _url(names) -> tuple[str, str] | tuple[None, None]:
    """The first of the candidate url names that resolves, with its URL."""
    for name in (names,) if isinstance(names, str) else names:
        if name == "api-docs":
            # The API helper names its own routes; the docs live at a fixed path.
            return name, "/api/docs"
        try:
            return name, reverse(name)
        except NoReverseMatch:
            continue
    return None, None


def _is_active(url: str, path: str) -> bool:
    if url == "/":
        return path == "/"
    return path.startswith(url)


def build_menu(request) -> list[dict]:
    user = getattr(request, "user", None)
    is_staff = bool(user and user.is_authenticated and user.is_staff)
    path = request.path
    sections = []
    for title, entries in MENU:
        items = []
        for names, label, icon, staff_only in entries:
            if staff_only and not is_staff:
                continue
            name, url = _url(names)
            if url is None:
                continue
            items.append(
                {
                    "name": name,
                    "url": url,
                    "label": label,
                    "icon": icon,
                    "active": _is_active(url, path),
                }
            )
        if items:
            sections.append({"title": title, "items": items})
    # Only the longest matching entry is highlighted (/enterprises/sites/ is Sites, not both).
    active = [i for s in sections for i in s["items"] if i["active"]]
    if len(active) > 1:
        longest = max(active, key=lambda i: len(i["url"]))
        for item in active:
            item["active"] = item is longest
    return sections


def _memberships(user):
    if not (user and user.is_authenticated):
        return []
    cached = getattr(user, "_clusterhub_memberships", None)
    if cached is None:
        cached = list(
            user.memberships.filter(is_active=True)
            .select_related("organisation__region", "region_scope")
            .order_by("organisation__name")
        )
        user._clusterhub_memberships = cached
    return cached


def navigation(request):
    user = getattr(request, "user", None)
    memberships = _memberships(user)
    return {
        "nav_sections": build_menu(request),
        "current_memberships": memberships,
        "primary_membership": memberships[0] if memberships else None,
    }
