from django.urls import URLPattern, path

from linli.people import views_survey as views

# Door-knocking survey (敲门行动) and health notes; included in the `people` namespace.
urlpatterns: list[URLPattern] = [
    path("survey/", views.round_list, name="survey-rounds"),
    path("survey/open/", views.round_open, name="survey-round-open"),
    path("survey/<int:pk>/", views.round_detail, name="survey-round"),
    path(
        "survey/<int:pk>/households/<int:household_pk>/visit/",
        views.record_visit,
        name="survey-visit",
    ),
    path("survey/<int:pk>/import/", views.round_import, name="survey-import"),
    path("survey/<int:pk>/close/", views.round_close, name="survey-round-close"),
    path("residents/<int:pk>/health/", views.health_notes, name="resident-health"),
]
