from django.urls import URLPattern

# Ledger list, export and worklists (filled in by their own change).
urlpatterns: list[URLPattern] = []
