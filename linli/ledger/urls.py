from django.urls import include, path

from linli.ledger import views, views_people

app_name = "ledger"
urlpatterns = [
    path("desk/", views.desk, name="desk"),
    path("desk/household/", views.desk_household, name="desk-household"),
    path("desk/triage/", views.desk_triage, name="desk-triage"),
    path("calls/<int:pk>/", views.call_detail, name="call-detail"),
    path(
        "residents/<int:pk>/requests/",
        views_people.resident_requests,
        name="resident-requests",
    ),
    path(
        "residents/<int:pk>/requests/new/",
        views_people.request_for_resident,
        name="request-for-resident",
    ),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("", include("linli.ledger.urls_pass")),
    path("requests/<int:pk>/<str:action>/", views.request_action, name="request-action"),
    path("", include("linli.ledger.urls_lists")),
]
