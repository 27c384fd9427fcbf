from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .models import (
    RULE_EVENTS,
    BusinessRule,
    DeliveryEvent,
    NotificationLog,
    RoutingRule,
    RuleError,
    TimeBomb,
)
from .simulate import DEFAULT_LIMIT, MAX_LIMIT, simulate_business_rule, simulate_routing_rule

CONDITION_FIELDS = (
    "channel",
    "to_address",
    "sender",
    "site",
    "subject_contains",
    "body_contains",
    "text_mode",
    "priority",
)


def _limit(request) -> int:
    try:
        return max(1, min(int(request.GET.get("n", DEFAULT_LIMIT)), MAX_LIMIT))
    except ValueError:
        return DEFAULT_LIMIT


class SimulateMixin:
    """A read-only "simulate" page per rule, reachable from the change page and from the
    list's "Simulate" action."""

    simulate = None  # function(rule, limit) -> rows
    simulate_template = ""

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<path:object_id>/simulate/",
                self.admin_site.admin_view(self.simulate_view),
                name=f"{info[0]}_{info[1]}_simulate",
            )
        ] + super().get_urls()

    def simulate_view(self, request, object_id):
        rule = get_object_or_404(self.model, pk=object_id)
        if not self.has_view_permission(request, rule):
            raise PermissionDenied
        limit = _limit(request)
        rows = type(self).simulate(rule, limit)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Simulate “{rule}”",
            "rule": rule,
            "rows": rows,
            "limit": limit,
            "matched": sum(1 for row in rows if row.matched),
        }
        return TemplateResponse(request, self.simulate_template, context)

    @admin.action(description="Simulate (dry run) against recent history")
    def simulate_action(self, request, queryset):
        from django.shortcuts import redirect

        rule = queryset.first()
        if queryset.count() > 1:
            self.message_user(request, "Simulating the first selected rule only; select one at a time.")
        info = self.model._meta.app_label, self.model._meta.model_name
        return redirect(reverse(f"admin:{info[0]}_{info[1]}_simulate", args=[rule.pk]))


@admin.register(RoutingRule)
class RoutingRuleAdmin(SimulateMixin, admin.ModelAdmin):
    simulate = staticmethod(simulate_routing_rule)
    simulate_template = "admin/rules/simulate_routing.html"
    list_display = [
        "name",
        "position",
        "is_active",
        "channel",
        "to_address",
        "sender",
        "queue",
        "set_priority",
        "owner",
    ]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "channel", "queue"]
    list_select_related = ["queue", "owner"]
    search_fields = ["name", "to_address", "sender", "subject_contains"]
    autocomplete_fields = ["site", "owner", "queue"]
    actions = ["simulate_action"]
    fieldsets = [
        (None, {"fields": ["name", "position", "is_active"]}),
        ("Conditions (empty = any)", {"fields": CONDITION_FIELDS}),
        ("Actions", {"fields": ["queue", "set_priority", "owner"]}),
    ]


class BusinessRuleForm(forms.ModelForm):
    events = forms.MultipleChoiceField(choices=RULE_EVENTS, widget=forms.CheckboxSelectMultiple)
    cancel_events = forms.MultipleChoiceField(
        choices=RULE_EVENTS, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = BusinessRule
        fields = ["name", "events", "cancel_events"]  # the admin's fieldsets add the rest


@admin.register(BusinessRule)
class BusinessRuleAdmin(SimulateMixin, admin.ModelAdmin):
    form = BusinessRuleForm
    simulate = staticmethod(simulate_business_rule)
    simulate_template = "admin/rules/simulate_business.html"
    list_display = ["name", "position", "is_active", "event_list", "delay_minutes", "updated_at"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["site", "queue", "owner", "dispatch_to", "assign_to"]
    filter_horizontal = ["notify_users"]
    actions = ["simulate_action"]
    fieldsets = [
        (None, {"fields": ["name", "description", "position", "is_active", "events"]}),
        ("Conditions (empty = any)", {"fields": CONDITION_FIELDS}),
        (
            "More conditions",
            {"fields": ["status", "queue", "owner", "owner_state", "actor_kind", "note_visibility"]},
        ),
        (
            "Delay",
            {
                "fields": ["delay_minutes", "cancel_events"],
                "description": "A delayed action waits as a time bomb; any cancel event on the case "
                "defuses it. When it fires, the status/queue/owner conditions are checked again.",
            },
        ),
        (
            "Notify",
            {
                "fields": [
                    "notify_owner",
                    "owner_fallback_to_queue",
                    "notify_queue_members",
                    "notify_queue_supervisor",
                    "notify_contact",
                    "notify_writer",
                    "notify_users",
                    "notify_address",
                    "subject_template",
                    "body_template",
                    "mobile_template",
                ],
                "description": "Users are notified by their preference (email, mobile, both, none); "
                "whoever caused the event is never notified.",
            },
        ),
        ("Change the case", {"fields": ["set_status", "set_priority", "dispatch_to", "assign_to"]}),
    ]

    @admin.display(description="Events")
    def event_list(self, obj):
        labels = dict(RULE_EVENTS)
        return ", ".join(labels.get(name, name) for name in obj.events or [])


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TimeBomb)
class TimeBombAdmin(ReadOnlyAdmin):
    list_display = ["id", "rule", "case", "fire_at", "state", "done_at", "outcome"]
    list_filter = ["state", "rule"]
    list_select_related = ["rule", "case"]
    date_hierarchy = "fire_at"
    search_fields = ["case__number"]


@admin.register(NotificationLog)
class NotificationLogAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "rule", "case", "recipient"]
    list_select_related = ["rule", "case"]
    list_filter = ["rule"]
    search_fields = ["recipient", "case__number"]


@admin.register(RuleError)
class RuleErrorAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "business_rule", "routing_rule", "case", "event_name", "message"]
    list_select_related = ["business_rule", "routing_rule", "case"]
    list_filter = ["business_rule", "routing_rule"]
    search_fields = ["message", "case__number"]


@admin.register(DeliveryEvent)
class DeliveryEventAdmin(admin.ModelAdmin):
    list_display = ["received_at", "esp_name", "event_type", "recipient", "is_hard_bounce", "outbound_email"]
    list_filter = ["esp_name", "event_type", "is_hard_bounce"]
    search_fields = ["recipient", "esp_message_id", "event_id"]
    raw_id_fields = ["outbound_email"]
    readonly_fields = [f.name for f in DeliveryEvent._meta.fields]

    def has_add_permission(self, request):
        return False
