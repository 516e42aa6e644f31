from django.urls import path

from . import views

app_name = "chain"
urlpatterns = [
    path("", views.ChainIndexView.as_view(), name="index"),
    path("nodes/new/", views.ChainNodeEditView.as_view(creating=True), name="node_create"),
    path("nodes/<str:code>/", views.ChainNodeDetailView.as_view(), name="node_detail"),
    path("nodes/<str:code>/edit/", views.ChainNodeEditView.as_view(), name="node_edit"),
    path("nodes/<str:code>/delete/", views.ChainNodeDeleteView.as_view(), name="node_delete"),
]
