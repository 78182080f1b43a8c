from django.urls import URLPattern

# Vulnerable-groups list, count table, exports and stairwell rosters (filled in by their own change).
urlpatterns: list[URLPattern] = []
