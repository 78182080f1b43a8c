"""Medical visit passes (staff pages). Included by linli/ledger/urls.py (namespace "ledger"),
before the generic `requests/<pk>/<action>/` path so that `requests/<pk>/pass/` reaches them."""

from django.urls import URLPattern, path

from linli.ledger import views_pass

urlpatterns: list[URLPattern] = [
    path("requests/<int:pk>/pass/", views_pass.issue_pass, name="request-pass"),
    path("passes/<str:code>/print/", views_pass.print_pass, name="pass-print"),
]
