from django.urls import path

from linli.quarantine import views

app_name = "quarantine"
urlpatterns = [
    path("", views.arrivals, name="arrivals"),
    path("travellers/new/", views.traveller_new, name="traveller-new"),
    path("travellers/import/", views.city_list, name="import"),
    path("travellers/<int:pk>/", views.traveller, name="traveller"),
    path("travellers/<int:pk>/<str:action>/", views.traveller_action, name="traveller-action"),
    path("settings/", views.settings_page, name="settings"),
    path("home/", views.home_list, name="home"),
    path("home/overdue/", views.overdue_list, name="overdue"),
    path("home/start/<int:resident>/", views.start, name="start"),
    path("home/<int:pk>/", views.quarantine, name="quarantine"),
    path("home/<int:pk>/notice/", views.notice, name="notice"),
    path("home/<int:pk>/<str:action>/", views.quarantine_action, name="quarantine-action"),
    path("hotels/", views.hotels, name="hotels"),
    path("hotels/<int:pk>/", views.hotel, name="hotel"),
    path("hotels/<int:pk>/diet/", views.diet, name="hotel-diet"),
    path("stays/<int:pk>/<str:action>/", views.stay_action, name="stay-action"),
    # Public: the family reports a traveller, the resident checks in daily, anyone verifies.
    path("report/<str:community_code>/", views.public_report, name="report"),
    path("check/<str:code>/", views.public_check, name="check"),
    path("verify/", views.public_verify, name="verify"),
]
