from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("", views.DemandListView.as_view(), name="index"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("fits/", views.FitsView.as_view(), name="fits"),
    path("targets/", views.TargetsView.as_view(), name="targets"),
    path("targets/export.xlsx", views.TargetsExportView.as_view(), name="targets_export"),
    path("targets/lead/", views.TargetLeadView.as_view(), name="target_lead"),
    path("demands/new/", views.DemandEditView.as_view(creating=True), name="demand_create"),
    path("demands/<str:code>/", views.DemandDetailView.as_view(), name="demand_detail"),
    path("demands/<str:code>/edit/", views.DemandEditView.as_view(), name="demand_edit"),
    path(
        "demands/<str:code>/<str:action>/",
        views.DemandActionView.as_view(),
        name="demand_action",
    ),
]
