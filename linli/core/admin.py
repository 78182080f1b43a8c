from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from linli.core.models import (
    Building,
    Community,
    Compound,
    District,
    PiiAccess,
    PiiAlert,
    Room,
    Street,
    Unit,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Area"), {"fields": ("district", "street", "community", "phone")}),
    )
    list_display = ("username", "first_name", "community", "street", "is_active")
    list_filter = ("groups", "is_active", "street", "community")


@admin.register(District, Street, Community, Compound)
class AreaAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    search_fields = ("name",)


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "compound")
    list_select_related = ("compound",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    raw_id_fields = ("building",)


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    raw_id_fields = ("unit",)


@admin.register(PiiAccess)
class PiiAccessAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "user", "subject_label", "fields", "community")
    list_filter = ("community",)
    date_hierarchy = "at"

    # The access log is evidence: nobody edits or deletes it, not even administrators.
    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(PiiAlert)
class PiiAlertAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "kind", "user", "community", "count", "reviewed_at", "reviewed_by")
    list_filter = ("kind", "community")
    date_hierarchy = "at"
    readonly_fields = ("at", "kind", "user", "community", "count", "detail")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
