from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import (
    Activity,
    Attachment,
    Case,
    Contact,
    MailTemplate,
    OutboundEmail,
    Profile,
    Queue,
    Site,
    SiteDomain,
    WorkerHeartbeat,
)

User = get_user_model()


class SiteDomainInline(admin.TabularInline):
    model = SiteDomain
    extra = 1


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "domain_list", "created_at"]
    search_fields = ["name", "domains__domain"]
    inlines = [SiteDomainInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("domains")

    @admin.display(description="Domains")
    def domain_list(self, obj):
        return ", ".join(d.domain for d in obj.domains.all())


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "site", "phone", "user", "is_active", "email_bounced_at"]
    list_filter = ["is_active", "site", ("email_bounced_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "name", "phone", "site__name"]
    list_select_related = ["site", "user"]
    autocomplete_fields = ["site", "user"]


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "inbound_address", "is_default", "supervisor"]
    list_filter = ["is_default"]
    search_fields = ["name", "slug", "inbound_address"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]


class ActivityInline(admin.TabularInline):
    model = Activity
    fields = ["created_at", "kind", "actor_user", "actor_contact", "is_public", "body"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "contact",
        "site",
        "queue",
        "owner",
        "status",
        "priority",
        "updated_at",
    ]
    list_filter = ["status", "priority", "queue", "channel", "site"]
    search_fields = ["=number", "title", "contact__email", "contact__name"]
    list_select_related = ["contact", "site", "queue", "owner"]
    readonly_fields = ["number", "created_at", "updated_at", "closed_at", "channel"]
    autocomplete_fields = ["contact", "site", "owner"]
    date_hierarchy = "created_at"
    inlines = [ActivityInline]

    def has_add_permission(self, request):
        # Cases are opened through the console, portal or mail clerk so history is written.
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ["filename", "content_type", "size", "is_inline"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["created_at", "case", "kind", "actor_user", "actor_contact", "is_public"]
    list_filter = ["kind", "is_public"]
    search_fields = ["=case__number", "body", "email_subject", "message_id", "email_from"]
    list_select_related = ["case", "actor_user", "actor_contact"]
    inlines = [AttachmentInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["filename", "case", "content_type", "size", "is_inline", "created_at"]
    list_filter = ["is_inline"]
    search_fields = ["filename", "=case__number"]
    list_select_related = ["case"]
    readonly_fields = [
        "case",
        "activity",
        "file",
        "filename",
        "content_type",
        "size",
        "content_id",
        "is_inline",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "subject",
        "recipients",
        "kind",
        "status",
        "attempts",
        "delivery_status",
        "case",
    ]
    list_filter = ["status", "kind", "delivery_status"]
    search_fields = ["subject", "message_id", "=case__number", "to", "last_error"]
    list_select_related = ["case"]
    readonly_fields = [
        "case",
        "activity",
        "kind",
        "created_by",
        "message_id",
        "in_reply_to",
        "references",
        "attempts",
        "lease_until",
        "next_attempt_at",
        "sent_at",
        "esp_message_id",
        "delivery_status",
        "last_error",
    ]

    @admin.display(description="To")
    def recipients(self, obj):
        return ", ".join(obj.to)


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_superuser", "is_active"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "seen_at"]
    readonly_fields = ["hostname", "seen_at"]


admin.site.site_header = "Casedesk administration"
admin.site.site_title = "Casedesk admin"


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "notify_by", "mobile_address", "from_mode"]
    list_filter = ["notify_by", "from_mode"]
    search_fields = ["user__username", "user__email", "mobile_address"]
    list_select_related = ["user"]


@admin.register(SiteDomain)
class SiteDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "site"]
    search_fields = ["domain", "site__name"]
    list_select_related = ["site"]


@admin.register(MailTemplate)
class MailTemplateAdmin(admin.ModelAdmin):
    list_display = ["key", "subject", "description"]
    search_fields = ["key", "subject", "body"]
