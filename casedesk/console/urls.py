from django.urls import path

from . import log_email, routing, views

app_name = "console"

urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.new_case, name="new_case"),
    path("queues/<slug:slug>/", views.case_list, name="queue"),
    path("cases/<int:number>/", views.case_detail, name="case"),
    path("cases/<int:number>/note/", views.log_note, name="log_note"),
    path("cases/<int:number>/accept/", views.accept, name="accept"),
    path("cases/<int:number>/assign/", views.assign, name="assign"),
    path("cases/<int:number>/dispatch/", views.dispatch, name="dispatch"),
    path("cases/<int:number>/status/", views.change_status, name="change_status"),
    path("cases/<int:number>/priority/", views.change_priority, name="change_priority"),
    path("cases/<int:number>/close/", views.close, name="close"),
    path("cases/<int:number>/reopen/", views.reopen, name="reopen"),
    path("cases/<int:number>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("preferences/", views.preferences, name="preferences"),
    path("cases/<int:number>/email/", log_email.log_email, name="log_email"),
    path("outbound/<int:pk>/retry/", log_email.retry_email, name="retry_email"),
    path("preferences/preview/", log_email.preview_preferences, name="preferences_preview"),
    path("cases/<int:number>/route/", routing.route_again, name="route_again"),
]
