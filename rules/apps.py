from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "rules"
    verbose_name = "RuleManager"

    def ready(self) -> None:
        from .outbound.wiring import register as register_outbound
        from .subscribers import register as register_rules

        register_outbound()
        register_rules()
