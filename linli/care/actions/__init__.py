"""Every write of the care app, one transaction each, each checking its policy first
(`linli.care.policy`): `plans` the plans and their service items, `generation` the requests
their services become, `contact` the daily contact, `transport` the on-call rota, vehicles
and trips."""

from linli.care.actions.contact import (
    do_record_contact,
    do_refer_psychological,
    do_set_contact_rule,
)
from linli.care.actions.generation import (
    CATCH_UP_DAYS,
    GENERATION_CHUNK,
    Generated,
    do_generate_services,
)
from linli.care.actions.plans import (
    PLAN_FIELDS,
    clean_plan,
    do_add_service_item,
    do_change_plan,
    do_create_plan,
    do_end_plan,
    do_pause_plan,
    do_resume_plan,
    do_set_review,
    do_stop_items,
)
from linli.care.actions.transport import (
    TRIP_GAP,
    do_add_on_call,
    do_add_vehicle,
    do_book_trip,
)
from linli.care.selectors import ESCORT_CATEGORIES

__all__ = [
    "CATCH_UP_DAYS",
    "ESCORT_CATEGORIES",
    "GENERATION_CHUNK",
    "PLAN_FIELDS",
    "TRIP_GAP",
    "Generated",
    "clean_plan",
    "do_add_on_call",
    "do_add_service_item",
    "do_add_vehicle",
    "do_book_trip",
    "do_change_plan",
    "do_create_plan",
    "do_end_plan",
    "do_generate_services",
    "do_pause_plan",
    "do_record_contact",
    "do_refer_psychological",
    "do_resume_plan",
    "do_set_contact_rule",
    "do_set_review",
    "do_stop_items",
]
