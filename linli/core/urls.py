from django.urls import path

from linli.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("access-log/", views.pii_log, name="pii-log"),
]
