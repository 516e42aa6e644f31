from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.CockpitView.as_view(), name="cockpit"),
    path("briefing/", views.BriefingView.as_view(), name="briefing"),
    path("briefing.pdf", views.BriefingPdfView.as_view(), name="briefing_pdf"),
]
