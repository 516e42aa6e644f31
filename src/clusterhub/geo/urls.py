from django.urls import path

from . import views

app_name = "geo"
urlpatterns = [
    path("", views.RegionListView.as_view(), name="region_list"),
    path("export.xlsx", views.RegionExportView.as_view(), name="region_export"),
    path("new/", views.RegionEditView.as_view(creating=True), name="region_create"),
    path("parks/", views.ParkListView.as_view(), name="park_list"),
    path("parks/export.xlsx", views.ParkExportView.as_view(), name="park_export"),
    path("parks/new/", views.ParkEditView.as_view(creating=True), name="park_create"),
    path("parks/<str:code>/", views.ParkDetailView.as_view(), name="park_detail"),
    path("parks/<str:code>/edit/", views.ParkEditView.as_view(), name="park_edit"),
    path("parks/<str:code>/delete/", views.ParkDeleteView.as_view(), name="park_delete"),
    path("<str:code>/", views.RegionDetailView.as_view(), name="region_detail"),
    path("<str:code>/edit/", views.RegionEditView.as_view(), name="region_edit"),
    path("<str:code>/delete/", views.RegionDeleteView.as_view(), name="region_delete"),
]
