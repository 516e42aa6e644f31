from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    # The participant's own pages, opened by the secret link of the confirmation.
    path("p/<str:token>/", views.participant_home, name="participant"),
    path("p/<str:token>/participants/", views.participant_directory, name="directory"),
    path("p/<str:token>/requests/<int:pk>/answer/", views.participant_respond, name="respond"),
    path("p/<str:token>/agenda/", views.participant_agenda, name="agenda"),
    path("p/<str:token>/agenda.ics", views.participant_ics, name="agenda_ics"),
    path("p/<str:token>/agenda.pdf", views.participant_pdf, name="agenda_pdf"),
    # Public event page and registration.
    path("<slug:slug>/", views.event_public, name="public"),
    path("<slug:slug>/register/", views.register, name="register"),
    # Organisers.
    path("<slug:slug>/manage/", views.event_detail, name="detail"),
    path("<slug:slug>/registrations/", views.registrations, name="registrations"),
    path(
        "<slug:slug>/registrations/<int:pk>/check-in/",
        views.registration_checkin,
        name="registration_checkin",
    ),
    path(
        "<slug:slug>/registrations/<int:pk>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path("<slug:slug>/check-in/<str:token>/", views.checkin, name="checkin"),
    path("<slug:slug>/requests/", views.request_list, name="requests"),
    path(
        "<slug:slug>/requests/<int:pk>/priority/", views.request_priority, name="request_priority"
    ),
    path("<slug:slug>/must-meet/", views.must_meet, name="must_meet"),
    path("<slug:slug>/schedule/", views.schedule, name="schedule"),
    path("<slug:slug>/schedule/<int:number>/", views.run_detail, name="run"),
    path("<slug:slug>/schedule/<int:number>/publish/", views.run_publish, name="publish"),
    path("<slug:slug>/plan/", views.plan, name="plan"),
    path("<slug:slug>/meetings/", views.meetings, name="meetings"),
    path("<slug:slug>/meetings/<int:pk>/check-in/", views.meeting_checkin, name="meeting_checkin"),
    path("<slug:slug>/meetings/<int:pk>/outcome/", views.meeting_outcome, name="meeting_outcome"),
    path("<slug:slug>/signings/", views.signings, name="signings"),
]
