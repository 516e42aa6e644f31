from django.urls import path

from . import views

app_name = "resolution"
urlpatterns = [
    path("", views.QueueView.as_view(), name="index"),
    path("<int:pk>/", views.ReviewView.as_view(), name="review"),
    path("merges/", views.MergeListView.as_view(), name="merges"),
    path("merges/<int:pk>/undo/", views.UndoMergeView.as_view(), name="undo"),
    path("flag/", views.FlagView.as_view(), name="flag"),
    path("id/<str:public_id>/", views.PublicIdView.as_view(), name="public_id"),
]
