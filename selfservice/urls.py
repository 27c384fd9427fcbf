from django.urls import path

from . import views

app_name = "selfservice"

urlpatterns = [
    path("", views.my_cases, name="my_cases"),
    path("cases/new/", views.new_case, name="new_case"),
    path("cases/<int:number>/", views.case_detail, name="case"),
    path("cases/<int:number>/note/", views.case_add_note, name="case_add_note"),
    path("cases/<int:number>/close/", views.case_close, name="case_close"),
    path("cases/<int:number>/reopen/", views.case_reopen, name="case_reopen"),
    path(
        "cases/<int:number>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", views.PortalLogoutView.as_view(), name="logout"),
    path("signin-link/", views.signin_link, name="signin_link"),
    path("signin-link/sent/", views.signin_link_sent, name="signin_link_sent"),
    path("signin/<str:token>/", views.signin_with_link, name="signin_with_link"),
    path("password/reset/", views.PortalPasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.password_reset_sent, name="password_reset_sent"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PortalPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("password/change/", views.PortalPasswordChangeView.as_view(), name="password_change"),
]
