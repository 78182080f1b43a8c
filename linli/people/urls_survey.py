from django.urls import URLPattern

# Door-knocking survey and health notes (filled in by their own change).
urlpatterns: list[URLPattern] = []
