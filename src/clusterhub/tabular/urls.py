from django.urls import path

from . import views

app_name = "tabular"
urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress_partial, name="progress"),
    path("jobs/<int:pk>/commit/", views.job_commit, name="commit"),
    path("jobs/<int:pk>/problems.csv", views.job_issues_csv, name="problems"),
    path("templates/<slug:kind>.xlsx", views.template_download, name="template"),
]
