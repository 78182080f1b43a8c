from django.urls import include, path

from linli.people import views

app_name = "people"
urlpatterns = [
    path("residents/", views.resident_list, name="resident-list"),
    path("residents/<int:pk>/", views.resident_detail, name="resident-detail"),
    path("", include("linli.people.urls_survey")),
    path("", include("linli.people.urls_lists")),
]
