# ---------------------------------------------------------------------------------------------
# Supply links: validated writes (API helper). Keep other sections of this file above or below.
# ---------------------------------------------------------------------------------------------


def _supply_link_problems(link) -> dict[str, str]:
    from django.utils.translation import gettext as _

    problems = {}
    if link.supplier_id is not None and link.supplier_id == link.customer_id:
        problems["customer"] = _("a supplier cannot be its own customer")
    if link.supplier_site_id is not None and link.supplier_site.enterprise_id != link.supplier_id:
        problems["supplier_site"] = _("this site belongs to another enterprise, not the supplier")
    if link.customer_site_id is not None and link.customer_site.enterprise_id != link.customer_id:
        problems["customer_site"] = _("this site belongs to another enterprise, not the customer")
    return problems


def save_supply_link(*, link):
    """Validate and save a supply link: not to itself, sites belong to their companies."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    problems = _supply_link_problems(link)
    if problems:
        raise ValidationError(problems)
    link.full_clean()
    with transaction.atomic():
        link.save()
    return link


def delete_supply_link(*, link) -> None:
    link.delete()


# ---------------------------------------------------------------------------------------------
# Chain analytics (analytics helper): local sourcing rate, gaps, city roles, dependency.
# The numbers come from the cached snapshot results (chain/analytics); see request_refresh().
# ---------------------------------------------------------------------------------------------


class AnalyticsError(ValueError):
    """Bad input to an analytics question (unknown region, node, enterprise, threshold)."""


class AnalyticsNotFound(AnalyticsError):
    """The region, node, enterprise or site asked about does not exist (or is not visible)."""


class AnalyticsNotReady(RuntimeError):
    """No snapshot has been computed yet; a refresh has been requested."""


def request_refresh() -> None:
    """Recompute the chain analytics in the background once the current transaction commits.

    Call it after any change to regions, enterprises, sites, chain nodes or supply links (the
    import engine calls it after a committed import). Several calls before the worker picks the
    task up make one refresh.
    """
    from django.db import transaction

    transaction.on_commit(_enqueue_refresh)


def _enqueue_refresh() -> None:
    from .tasks import refresh_chain_analytics

    backend = refresh_chain_analytics.get_backend()
    if type(backend).__name__ == "DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        path = refresh_chain_analytics.module_path
        if DBTaskResult.objects.filter(task_path=path, status="READY").exists():
            return  # one is already waiting: it will see this change too
    refresh_chain_analytics.enqueue()


def refresh_analytics(*, threads: int | None = None) -> dict:
    """Export a new snapshot, compute every metric and publish it (one refresh at a time)."""
    import fcntl

    from .analytics import snapshot

    root = snapshot.analytics_dir()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".refresh.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return snapshot.build(threads=threads)


def _analytics_view(*, user, compute_if_missing: bool = False):
    """The user's view of the current snapshot: computed over the links their access allows.
    user=None is the command line, which sees everything (like `clusterhub import`)."""
    from django.core.exceptions import PermissionDenied

    from .analytics import report, snapshot
    from .analytics.access import ALL, audience_for

    audience = ALL if user is None else audience_for(user)
    if audience is None:
        raise PermissionDenied
    current = snapshot.current()
    if current is None:
        if not compute_if_missing:
            request_refresh()
            raise AnalyticsNotReady
        refresh_analytics()
        current = snapshot.current()
    return report.View(current, audience)


def _thresholds(weak, single):
    from decimal import Decimal, InvalidOperation

    from django.utils.translation import gettext as _

    from .analytics import engine

    try:
        weak = Decimal(str(weak)) if weak is not None else engine.DEFAULT_WEAK_THRESHOLD
        single = (
            Decimal(str(single)) if single is not None else engine.DEFAULT_SINGLE_SOURCE_THRESHOLD
        )
    except InvalidOperation:
        raise AnalyticsError(_("A threshold must be a number between 0 and 1."))
    if weak > 1:
        weak, single = weak / 100, single  # "30" means 30%
    if single > 1:
        single = single / 100
    # Percent with one decimal, as officers write them: 0.725 is 72.5%.
    weak, single = weak.quantize(Decimal("0.001")), single.quantize(Decimal("0.001"))
    if not (0 < weak <= 1):
        raise AnalyticsError(_("The weak threshold must be between 0% and 100%."))
    if not (engine.MIN_SINGLE_SOURCE_THRESHOLD <= single < 1):
        raise AnalyticsError(_("The single-source share must be at least 50% and under 100%."))
    return weak, single


def _region(view, code: str) -> dict:
    from django.utils.translation import gettext as _

    region = view.region_by_code((code or "").strip())
    if region is None:
        raise AnalyticsNotFound(_("Unknown region code “%(code)s”.") % {"code": code})
    return region


def _enterprise_ids(view, public_ids) -> list[int] | None:
    from django.utils.translation import gettext as _

    from clusterhub.enterprises.models import Enterprise

    if not public_ids:
        return None
    wanted = {p.strip() for p in public_ids if p and p.strip()}
    found = dict(Enterprise.objects.filter(public_id__in=wanted).values_list("public_id", "pk"))
    missing = sorted(wanted - found.keys())
    if missing:
        raise AnalyticsNotFound(_("Unknown enterprise id: %(ids)s.") % {"ids": ", ".join(missing)})
    return sorted(found.values())


def redact(value, *, user):
    """Hide enterprises the user may not view from an analytics answer (they become "—")."""
    from clusterhub.enterprises.models import Enterprise

    if user is None:
        return value
    refs = []

    def walk(node):
        if isinstance(node, dict):
            if "public_id" in node and "id" in node and "name" in node:
                refs.append(node)
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(value)
    ids = {ref["id"] for ref in refs}
    visible = set(
        Enterprise.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", flat=True)
    )
    for ref in refs:
        if ref["id"] not in visible:
            ref.update({"public_id": None, "name": "—", "name_en": "—", "hidden": True})
    return value


def chain_report(
    *,
    user,
    region_code: str,
    year: int | None = None,
    oems: list[str] | None = None,
    weak_threshold=None,
    single_source_threshold=None,
    compute_if_missing: bool = False,
) -> dict:
    """Local sourcing rate (value and count), its trend, the breakdowns by OEM, supplier city and
    chain node (rolled up, each with its gap class) and the gap list, for a region and year."""
    from .analytics import report

    weak, single = _thresholds(weak_threshold, single_source_threshold)
    view = _analytics_view(user=user, compute_if_missing=compute_if_missing)
    try:
        region = _region(view, region_code)
        oem_ids = _enterprise_ids(view, oems)
        answer = report.region_report(
            view, region_id=region["id"], year=year, oem_ids=oem_ids, weak=weak, single=single
        )
    finally:
        view.close()
    return redact(answer, user=user)


def chain_city_roles(
    *, user, region_code: str, year: int | None = None, kind: str = "segment"
) -> dict:
    """Location quotients of the region's child areas x chain segments (or system-level nodes)."""
    from django.utils.translation import gettext as _

    from .analytics import report

    if kind not in ("segment", "node"):
        raise AnalyticsError(_("Choose segments or chain links."))
    view = _analytics_view(user=user)
    try:
        region = _region(view, region_code)
        return report.city_roles(view, region_id=region["id"], year=year, kind=kind)
    finally:
        view.close()


def chain_dependency(
    *,
    user,
    year: int | None = None,
    supplier: str | None = None,
    site: int | None = None,
    region_code: str | None = None,
) -> dict:
    """Which OEM plants depend on a supplier (or one of its sites, or every producer in a
    region) through any number of tiers, and the share of each one's buying at risk."""
    from django.utils.translation import gettext as _

    from clusterhub.enterprises.models import Site

    from .analytics import report

    if sum(x is not None and x != "" for x in (supplier, site, region_code)) != 1:
        raise AnalyticsError(_("Name exactly one supplier, site or region."))
    view = _analytics_view(user=user)
    try:
        kwargs = {}
        if supplier:
            kwargs["supplier_id"] = _enterprise_ids(view, [supplier])[0]
        elif site is not None:
            site_obj = Site.objects.restrict(user, "view").filter(pk=site).first()
            if site_obj is None:
                raise AnalyticsNotFound(_("Unknown site."))
            kwargs["site_id"] = site_obj.pk
        else:
            kwargs["region_id"] = _region(view, region_code)["id"]
        answer = report.dependency(view, year=year, **kwargs)
    finally:
        view.close()
    return redact(answer, user=user)


def suppliers_most_depended_on(*, user, year: int | None = None, limit: int = 12) -> list[dict]:
    """Suppliers with the most direct customers, as starting points for the dependency
    explorer: counted over the links the user's audience may count, and only those the user
    may view are named (each row: enterprise, customers, OEM customers, value)."""
    from decimal import Decimal

    from clusterhub.enterprises.models import Enterprise

    from .analytics import report

    view = _analytics_view(user=user)
    try:
        rows = report.most_depended_on(view, year=year, limit=limit)
    finally:
        view.close()
    visible = Enterprise.objects.restrict(user, "view").in_bulk([r["supplier_id"] for r in rows])
    return [
        {**row, "enterprise": visible[row["supplier_id"]], "value": Decimal(row["value"])}
        for row in rows
        if row["supplier_id"] in visible
    ]


def chain_upstream(
    *, user, enterprise: str, year: int | None = None, region_code: str | None = None
) -> dict:
    """The suppliers an OEM depends on, tier by tier (and how many produce inside a region)."""
    from .analytics import report

    view = _analytics_view(user=user)
    try:
        enterprise_id = _enterprise_ids(view, [enterprise])[0]
        region_id = _region(view, region_code)["id"] if region_code else None
        answer = report.upstream(view, enterprise_id=enterprise_id, year=year, region_id=region_id)
    finally:
        view.close()
    return redact(answer, user=user)


def _node(code: str):
    from django.utils.translation import gettext as _

    from .models import ChainNode

    node = ChainNode.objects.filter(code=(code or "").strip()).first()
    if node is None:
        raise AnalyticsNotFound(_("Unknown chain node “%(code)s”.") % {"code": code})
    return node


def chain_node_enterprises(
    *, user, node_code: str, region_code: str, year: int | None = None, oems=None, limit=200
) -> dict:
    """One node of the chain in a region and year: its gap (from the cached report), the
    suppliers selling it (or anything under it) to the region's OEMs and the OEMs buying it.
    The lists are read through SupplyLink.objects.restrict(user): only links the user may view."""
    from decimal import Decimal

    from django.db.models import Count, Sum
    from django.utils.translation import gettext as _

    from clusterhub.geo.models import Region

    from .analytics import oracle
    from .analytics.report import ratio, yuan
    from .models import SupplyLink

    node = _node(node_code)
    answer = chain_report(user=user, region_code=region_code, year=year, oems=oems)
    entry = next((n for n in answer["by_node"] if n["code"] == node.code), None)
    if entry is None:  # in the database but not yet in the snapshot
        raise AnalyticsError(_("“%(code)s” is not in the analytics yet.") % {"code": node.code})
    region = Region.objects.get(code=region_code)
    oem_ids = [o["id"] for o in answer["oems"]] if answer["oems"] is not None else None
    links = SupplyLink.objects.restrict(user, "view").filter(chain_node__path__startswith=node.path)
    scope = oracle.scope_links(
        region=region, year=answer["year"] or 0, oem_ids=oem_ids, links=links
    )
    local = oracle.local_q(region)

    def cents(value) -> int:
        # Rounded: SQLite sums decimals as floats (123.45 may come back as 123.4499999).
        return int((Decimal(value or 0) * 100).to_integral_value())

    def rows(key):
        grouped = (
            scope.values(f"{key}_id", f"{key}__public_id", f"{key}__name", f"{key}__name_en")
            .annotate(
                value=Sum("annual_value"),
                value_local=Sum("annual_value", filter=local),
                links=Count("pk"),
            )
            .order_by("-value", f"{key}__name")[:limit]
        )
        return [
            {
                "enterprise": {
                    "id": r[f"{key}_id"],
                    "public_id": r[f"{key}__public_id"],
                    "name": r[f"{key}__name"],
                    "name_en": r[f"{key}__name_en"],
                },
                "value": yuan(cents(r["value"])),
                "value_local": yuan(cents(r["value_local"])),
                "local_share": ratio(cents(r["value_local"]), cents(r["value"])),
                "links": r["links"],
            }
            for r in grouped
        ]

    result = {
        "snapshot": answer["snapshot"],
        "audience": answer["audience"],
        "region": answer["region"],
        "year": answer["year"],
        "node": entry,
        "suppliers": rows("supplier"),
        "oems": rows("customer"),
    }
    return redact(result, user=user)


def chain_node_sites(*, user, node_code: str, region_code: str, year: int | None = None) -> dict:
    """Sites that make a chain node (or anything under it) inside a region, for a point map:
    producing sites of that year's supply links and sites with the capability. Only sites the
    user may view; coordinates as stored (GCJ-02 or WGS-84, given per site)."""
    from django.db.models import Q

    from clusterhub.enterprises.models import Site
    from clusterhub.geo.models import Region

    from .models import SupplyLink

    node = _node(node_code)
    region = Region.objects.filter(code=(region_code or "").strip()).first()
    if region is None:
        from django.utils.translation import gettext as _

        raise AnalyticsNotFound(_("Unknown region code “%(code)s”.") % {"code": region_code})
    selling = SupplyLink.objects.restrict(user, "view").filter(
        chain_node__path__startswith=node.path
    )
    if year is not None:
        selling = selling.filter(year=year)
    sites = (
        Site.objects.restrict(user, "view")
        .filter(region__path__startswith=region.path)
        .filter(
            Q(pk__in=selling.values("supplier_site_id"))
            | Q(capabilities__chain_node__path__startswith=node.path)
        )
        .exclude(longitude__isnull=True)
        .select_related("enterprise", "region")
        .distinct()
        .order_by("enterprise__name", "name")
    )
    points = [
        {
            "site_id": s.pk,
            "name": s.name,
            "name_en": s.name_en,
            "enterprise": {
                "id": s.enterprise_id,
                "public_id": s.enterprise.public_id,
                "name": s.enterprise.name,
                "name_en": s.enterprise.name_en,
            },
            "region": {"code": s.region.code, "name": s.region.name, "name_en": s.region.name_en},
            "longitude": float(s.longitude),
            "latitude": float(s.latitude),
            "datum": s.datum,
        }
        for s in sites[:5000]
    ]
    areas = [
        {
            "code": r.code,
            "name": r.name,
            "name_en": r.name_en,
            "longitude": float(r.longitude),
            "latitude": float(r.latitude),
        }
        for r in Region.objects.filter(parent=region, longitude__isnull=False).order_by("code")
    ]
    return {
        "node": {"code": node.code, "name": node.name, "name_en": node.name_en},
        "region": {"code": region.code, "name": region.name, "name_en": region.name_en},
        "year": year,
        "sites": points,
        "areas": areas,
    }
