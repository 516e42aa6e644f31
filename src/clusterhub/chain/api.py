"""The chain taxonomy (flat list, tree, node detail with its industry codes) and supply links."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from clusterhub.core.api_auth import can_view, ensure_may_create, get_for, get_visible
from clusterhub.core.api_common import (
    READ_ERRORS,
    WRITE_ERRORS,
    Pagination,
    assign,
    field_error,
    filter_params,
    ordered,
)
from clusterhub.enterprises.api import enterprise_from_public_id
from clusterhub.enterprises.models import Enterprise, Site

from .filters import filter_chain_nodes, filter_supply_links
from .models import ChainNode, SupplyLink
from .schemas import (
    ChainNodeDetail,
    ChainNodeFilters,
    ChainNodeOut,
    ChainTreeFilters,
    ChainTreeNode,
    SupplyLinkCreate,
    SupplyLinkFilters,
    SupplyLinkOut,
    SupplyLinkPatch,
)
from .services import delete_supply_link, save_supply_link

router = Router(tags=["chain"])


# Chain nodes -------------------------------------------------------------------------------


@router.get("/nodes", response=list[ChainNodeOut], summary="List chain nodes")
@paginate(Pagination)
def list_nodes(request, filters: Query[ChainNodeFilters]):
    queryset = filter_chain_nodes(
        ChainNode.objects.restrict(request.auth, "view"), **filter_params(filters, "ordering")
    )
    return ordered(queryset, filters.ordering, ("path",))


@router.get("/nodes/{code}", response={200: ChainNodeDetail, **READ_ERRORS}, summary="Get a node")
def get_node(request, code: str):
    return get_visible(request, ChainNode.objects.all(), code=code)


@router.get("/tree", response=list[ChainTreeNode], summary="The chain taxonomy as a tree")
def tree(request, filters: Query[ChainTreeFilters]):
    """The whole taxonomy (or one segment, or the subtree under a node) in one answer."""
    queryset = filter_chain_nodes(
        ChainNode.objects.restrict(request.auth, "view"), **filter_params(filters)
    ).order_by("depth", "sort_order", "code")
    by_id: dict[int, dict] = {}
    roots: list[dict] = []
    for node in queryset.only("pk", "parent_id", "code", "name", "name_en", "segment", "is_nev"):
        item = {
            "code": node.code,
            "name": node.name,
            "name_en": node.name_en,
            "segment": node.segment,
            "is_nev": node.is_nev,
            "children": [],
        }
        by_id[node.pk] = item
        parent = by_id.get(node.parent_id)
        (parent["children"] if parent else roots).append(item)
    return roots


# Supply links ------------------------------------------------------------------------------


def _link_queryset(request):
    return SupplyLink.objects.select_related("supplier", "customer", "chain_node").annotate(
        supplier_visible=can_view(request, Enterprise, "supplier_id"),
        customer_visible=can_view(request, Enterprise, "customer_id"),
    )


def _site_from_id(request, site_id: int | None, field: str):
    if site_id is None:
        return None
    site = Site.objects.restrict(request.auth, "view").filter(pk=site_id).first()
    if site is None:
        raise field_error(field, _("unknown site %(id)s") % {"id": site_id}, "unknown")
    return site


def _apply_link(request, link: SupplyLink, data: dict) -> None:
    for field in ("supplier", "customer"):
        if field in data:
            setattr(link, field, enterprise_from_public_id(request, data.pop(field), field))
    for field in ("supplier_site", "customer_site"):
        if field in data:
            setattr(link, field, _site_from_id(request, data.pop(field), field))
    if "chain_node" in data:
        code = data.pop("chain_node")
        node = ChainNode.objects.filter(code=(code or "").strip()).first()
        if node is None:
            message = _("unknown chain node “%(code)s”") % {"code": code}
            raise field_error("chain_node", message, "unknown")
        link.chain_node = node
    assign(link, data)


@router.get("/links", response=list[SupplyLinkOut], summary="List supply links")
@paginate(Pagination)
def list_links(request, filters: Query[SupplyLinkFilters]):
    queryset = _link_queryset(request).restrict(request.auth, "view")
    queryset = filter_supply_links(queryset, **filter_params(filters, "ordering"))
    return ordered(queryset, filters.ordering, ("-year", "supplier__name"))


@router.get(
    "/links/{int:link_id}", response={200: SupplyLinkOut, **READ_ERRORS}, summary="Get a link"
)
def get_link(request, link_id: int):
    return get_visible(request, _link_queryset(request), pk=link_id)


@router.post("/links", response={201: SupplyLinkOut, **WRITE_ERRORS}, summary="Create a link")
def create_link(request, payload: SupplyLinkCreate):
    """Allowed when your scope covers the supplier's region, or your organisation is the
    supplier. Both enterprises must be visible to you."""
    link = SupplyLink()
    _apply_link(request, link, payload.model_dump(exclude_unset=True))
    ensure_may_create(request, region=link.supplier.home_region, owner=link.supplier)
    save_supply_link(link=link)
    return Status(201, _link_queryset(request).get(pk=link.pk))


@router.patch(
    "/links/{int:link_id}", response={200: SupplyLinkOut, **WRITE_ERRORS}, summary="Update a link"
)
def update_link(request, link_id: int, payload: SupplyLinkPatch):
    link = get_for(request, _link_queryset(request), "change", pk=link_id)
    old_supplier_id = link.supplier_id
    _apply_link(request, link, payload.model_dump(exclude_unset=True))
    if link.supplier_id != old_supplier_id:
        ensure_may_create(request, region=link.supplier.home_region, owner=link.supplier)
    save_supply_link(link=link)
    return _link_queryset(request).get(pk=link.pk)


@router.delete(
    "/links/{int:link_id}", response={204: None, **WRITE_ERRORS}, summary="Delete a link"
)
def remove_link(request, link_id: int):
    link = get_for(request, _link_queryset(request), "delete", pk=link_id)
    delete_supply_link(link=link)
    return Status(204, None)
