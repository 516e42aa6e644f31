from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("changes/", views.ChangeLogView.as_view(scope="all"), name="changelog"),
    path("changes/mine/", views.ChangeLogView.as_view(scope="mine"), name="my_changes"),
    path(
        "changes/user/<int:user_id>/",
        views.ChangeLogView.as_view(scope="user"),
        name="user_changes",
    ),
]
