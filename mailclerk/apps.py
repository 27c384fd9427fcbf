from django.apps import AppConfig


class MailclerkConfig(AppConfig):
    name = "mailclerk"
    verbose_name = "Mail clerk"
