from django.urls import URLPattern

app_name = "public"
# Residents' self-service form, tracking, visit-pass verification (filled in by their own change).
urlpatterns: list[URLPattern] = []
