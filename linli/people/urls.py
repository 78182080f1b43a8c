from django.urls import include, path

from linli.people import views

app_name = "people"
urlpatterns = [
    path("residents/", views.resident_list, name="resident-list"),
    path("residents/<int:pk>/", views.resident_detail, name="resident-detail"),
    path("imports/", views.import_start, name="import-start"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import-errors"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import-confirm"),
    path("", include("linli.people.urls_register")),
    path("", include("linli.people.urls_survey")),
    path("", include("linli.people.urls_lists")),
]
