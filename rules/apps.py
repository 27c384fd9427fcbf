from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "rules"
    verbose_name = "RuleManager"

    def ready(self) -> None:
        from .outbound.wiring import register as register_outbound
        from .subscribers import register as register_rules

        register_outbound()
        register_rules()

        from django.db.models.signals import post_delete, post_save

        from casedesk.models import Queue

        from .models import RoutingRule
        from .routing import active_routing_rules

        # Cached rules carry their queue: a queue edit clears them too.
        for model in (RoutingRule, Queue):
            for signal in (post_save, post_delete):
                signal.connect(
                    active_routing_rules.clear, sender=model, dispatch_uid=f"rules.cached.{model.__name__}"
                )
