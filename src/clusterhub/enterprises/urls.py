from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="list"),
    path("export.xlsx", views.EnterpriseExportView.as_view(), name="export"),
    path("new/", views.EnterpriseEditView.as_view(creating=True), name="create"),
    path("sites/", views.SiteListView.as_view(), name="site_list"),
    path("sites/export.xlsx", views.SiteExportView.as_view(), name="site_export"),
    path("sites/<int:pk>/", views.SiteDetailView.as_view(), name="site_detail"),
    path("sites/<int:pk>/edit/", views.SiteEditView.as_view(), name="site_edit"),
    path("sites/<int:pk>/delete/", views.SiteDeleteView.as_view(), name="site_delete"),
    path("<str:public_id>/", views.EnterpriseDetailView.as_view(), name="detail"),
    path("<str:public_id>/edit/", views.EnterpriseEditView.as_view(), name="edit"),
    path("<str:public_id>/delete/", views.EnterpriseDeleteView.as_view(), name="delete"),
    path(
        "<str:public_id>/sites/new/",
        views.SiteEditView.as_view(creating=True),
        name="site_create",
    ),
]
