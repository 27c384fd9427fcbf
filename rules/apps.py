from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "rules"
    verbose_name = "RuleManager"

    def ready(self) -> None:
        from .subscribers import register

        register()
