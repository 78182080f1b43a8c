from django.urls import path

from linli.people import views

app_name = "people"
urlpatterns = [
    path("residents/", views.resident_list, name="resident-list"),
    path("residents/<int:pk>/", views.resident_detail, name="resident-detail"),
]
