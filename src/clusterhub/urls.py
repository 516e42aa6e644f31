from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("clusterhub.api_urls")),
    path("accounts/", include("clusterhub.accounts.urls")),
    path("regions/", include("clusterhub.geo.urls")),
    path("enterprises/", include("clusterhub.enterprises.urls")),
    path("chain/analytics/", include("clusterhub.chain.analytics_urls")),
    path("chain/", include("clusterhub.chain.urls")),
    path("imports/", include("clusterhub.tabular.urls")),
    path("projects/", include("clusterhub.projects.urls")),
    path("events/", include("clusterhub.events.urls")),
    path("matching/", include("clusterhub.matching.urls")),
    path("resolution/", include("clusterhub.resolution.urls")),
    path("cockpit/", include("clusterhub.dashboards.urls")),
    path("", include("clusterhub.core.urls")),
]
