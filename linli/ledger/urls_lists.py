from django.urls import path

from linli.ledger import views_lists

# Included into the `ledger` namespace under /ledger/.
urlpatterns = [
    path("", views_lists.ledger, name="ledger"),
    path("export.xlsx", views_lists.export, name="export"),
    path("work/", views_lists.work, name="work"),
    path("work/<str:which>/", views_lists.worklist, name="worklist"),
]
