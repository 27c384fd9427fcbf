from django.contrib import admin

from .models import CustomerNotification, Signup


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "created_at", "verified_at")
    list_filter = ("verified_at",)
    search_fields = ("user__email", "name")
    raw_id_fields = ("user",)
    readonly_fields = ("created_at",)


@admin.register(CustomerNotification)
class CustomerNotificationAdmin(admin.ModelAdmin):
    list_display = ("activity", "outbound_email", "created_at")
    raw_id_fields = ("activity", "outbound_email")
    readonly_fields = ("created_at",)
