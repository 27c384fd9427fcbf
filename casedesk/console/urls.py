from django.urls import path

from . import log_email, views

app_name = "console"

urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("cases/<int:number>/email/", log_email.log_email, name="log_email"),
    path("outbound/<int:pk>/retry/", log_email.retry_email, name="retry_email"),
    path("preferences/preview/", log_email.preview_preferences, name="preferences_preview"),
]
