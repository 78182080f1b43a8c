from django.urls import path

from linli.people import views_register as views

urlpatterns = [
    path("residents/new/", views.resident_add, name="resident-add"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="resident-edit"),
    path("residents/<int:pk>/departure/", views.resident_departure, name="resident-departure"),
    path("residents/<int:pk>/tags/new/", views.tag_add, name="tag-add"),
    path("tags/<int:pk>/", views.tag_edit, name="tag-edit"),
    path("households/<int:pk>/move/", views.household_move, name="household-move"),
]
