from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    path("export.xlsx", views.ProjectExportView.as_view(), name="export"),
    path("new/", views.ProjectEditView.as_view(creating=True), name="create"),
    path("alerts/", views.AlertsView.as_view(), name="alerts"),
    path("targets/", views.TargetsView.as_view(), name="targets"),
    path("<str:code>/", views.ProjectDetailView.as_view(), name="detail"),
    path("<str:code>/edit/", views.ProjectEditView.as_view(), name="edit"),
    path("<str:code>/move/", views.ProjectMoveView.as_view(), name="move"),
    path("<str:code>/milestones/", views.MilestoneAddView.as_view(), name="milestone_add"),
    path(
        "<str:code>/milestones/<int:pk>/done/",
        views.MilestoneDoneView.as_view(),
        name="milestone_done",
    ),
    path("<str:code>/problems/", views.ProblemAddView.as_view(), name="problem_add"),
    path(
        "<str:code>/problems/<int:pk>/resolve/",
        views.ProblemResolveView.as_view(),
        name="problem_resolve",
    ),
    path("<str:code>/funds/", views.FundsAddView.as_view(), name="funds_add"),
]
