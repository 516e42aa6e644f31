"""Chain analytics pages; the project mounts them at /chain/analytics/."""

from django.urls import path

from . import analytics_views as views

app_name = "chain_analytics"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("gaps/", views.GapsView.as_view(), name="gaps"),
    path("cities/", views.CitiesView.as_view(), name="cities"),
    path("oems/", views.OemsView.as_view(), name="oems"),
    path("dependency/", views.DependencyView.as_view(), name="dependency"),
    path("map/", views.MapView.as_view(), name="map"),
    path("nodes/<str:code>/", views.NodeView.as_view(), name="node"),
    path("refresh/", views.RefreshView.as_view(), name="refresh"),
]
