"""The REST API: one NinjaAPI, one router per app, OpenAPI docs at /api/docs.

Every endpoint requires a user (token or session, see core/api_auth.py) unless it says otherwise;
the docs page and /api/openapi.json are public, as they show the shape of the API and no data.
Routers are registered at the bottom, one line each, by dotted path so no import is needed.
"""

from ninja import NinjaAPI

from clusterhub.core.api_auth import api_auth
from clusterhub.core.api_common import UnicodeJSONRenderer, install_error_handlers

api = NinjaAPI(
    title="ClusterHub API",
    version="1",
    urls_namespace="api",
    auth=api_auth,
    renderer=UnicodeJSONRenderer(),
    description=(
        "Regions, parks, enterprises, sites, the industry chain and supply links of the cluster. "
        "Authenticate with `Authorization: Bearer <token>` (create a token on your account page) "
        "or a logged-in session. Lists take `page` and `page_size` (at most 500). "
        "See docs/api.md."
    ),
)
install_error_handlers(api)

api.add_router("/me", "clusterhub.accounts.api.router")
api.add_router("/regions", "clusterhub.geo.api.regions")
api.add_router("/parks", "clusterhub.geo.api.parks")
api.add_router("/enterprises", "clusterhub.enterprises.api.enterprises")
api.add_router("/sites", "clusterhub.enterprises.api.sites")
api.add_router("/chain", "clusterhub.chain.api.router")
api.add_router("/chain/analytics", "clusterhub.chain.analytics_api.router")
api.add_router("/projects", "clusterhub.projects.api.router")
api.add_router("/imports", "clusterhub.tabular.api.router")
api.add_router("/matching", "clusterhub.matching.api.router")
api.add_router("/events", "clusterhub.events.api.router")
api.add_router("/resolution", "clusterhub.resolution.api.router")
