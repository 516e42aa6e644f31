"""The project's URLs with the analytics pages mounted where the lead will mount them."""

from django.urls import include, path

from clusterhub.urls import urlpatterns as project_urls

urlpatterns = [
    path("chain/analytics/", include("clusterhub.chain.analytics_urls")),
    *project_urls,
]
