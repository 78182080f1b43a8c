from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from linli.people.models import Household, Resident, Vulnerability


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    raw_id_fields = ("room",)
    list_display = ("pk", "community", "room")
    list_filter = ("community",)


@admin.register(Resident)
class ResidentAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    raw_id_fields = ("household",)
    list_display = ("name", "sex", "date_of_birth", "community")
    list_filter = ("community", "sex", "mobility")
    search_fields = ("name",)


@admin.register(Vulnerability)
class VulnerabilityAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    raw_id_fields = ("resident",)
    list_display = ("resident", "kind", "since", "until")
    list_filter = ("kind", "community")
