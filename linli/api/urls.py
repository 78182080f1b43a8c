from django.urls import URLPattern

# /api/v1/ (django-ninja) and /open311/v2/ (filled in by their own change).
urlpatterns: list[URLPattern] = []
