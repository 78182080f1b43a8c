from django.urls import path

from linli.care import views

app_name = "care"
urlpatterns = [
    path("", views.plan_list, name="plans"),
    path("today/", views.today, name="today"),
    path("coverage/", views.coverage_list, name="coverage"),
    path("rule/", views.rule, name="rule"),
    path("key-patients/", views.key_patient_list, name="key-patients"),
    path("key-patients.xlsx", views.key_patient_export, name="key-patients-export"),
    path("on-call/", views.on_call, name="on-call"),
    path("on-call/<str:community_code>/", views.public_on_call, name="public-on-call"),
    path("vehicles/", views.vehicles, name="vehicles"),
    path("new/<int:household>/", views.plan_new, name="plan-new"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("<int:pk>/<str:action>/", views.plan_action, name="plan-action"),
    path("contact/<int:resident>/", views.contact, name="contact"),
]
