from django.urls import path

from . import routing, views

app_name = "console"

urlpatterns = [
    path("", views.my_work, name="my_work"),
    # issue 7: rules
    path("cases/<int:number>/route/", routing.route_again, name="route_again"),
]
