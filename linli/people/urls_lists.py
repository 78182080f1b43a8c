from django.urls import URLPattern, path

from linli.people import views_lists

# Vulnerable-groups list, count table, exports and stairwell rosters.
urlpatterns: list[URLPattern] = [
    path("vulnerable/", views_lists.vulnerable_list, name="vulnerable-list"),
    path("counts/", views_lists.counts, name="counts"),
    path("export/register.xlsx", views_lists.export_register, name="export-register"),
    path("export/vulnerable.xlsx", views_lists.export_vulnerable, name="export-vulnerable"),
    path("export/counts.xlsx", views_lists.export_counts, name="export-counts"),
    path("rosters/", views_lists.rosters, name="rosters"),
    path("rosters/building/<int:pk>/", views_lists.roster_building, name="roster-building"),
]
