from django.urls import path

from linli.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("teams/", views.teams, name="teams"),
    path("teams/new/", views.team_new, name="team-new"),
    path("teams/<int:pk>/", views.team_edit, name="team-edit"),
    path("access-log/", views.pii_log, name="pii-log"),
    path("access-log/export.xlsx", views.pii_log_export, name="pii-log-export"),
    path("access-log/alerts/<int:pk>/review/", views.pii_alert_review, name="pii-alert-review"),
]
