from django.contrib import admin

from .models import DeliveryEvent


@admin.register(DeliveryEvent)
class DeliveryEventAdmin(admin.ModelAdmin):
    list_display = ["received_at", "esp_name", "event_type", "recipient", "is_hard_bounce", "outbound_email"]
    list_filter = ["esp_name", "event_type", "is_hard_bounce"]
    search_fields = ["recipient", "esp_message_id", "event_id"]
    raw_id_fields = ["outbound_email"]
    readonly_fields = [f.name for f in DeliveryEvent._meta.fields]

    def has_add_permission(self, request):
        return False
