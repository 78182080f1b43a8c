"""The residents' public pages, mounted at /r/ (no login)."""

from django.urls import URLPattern, path

from linli.ledger import views_public

app_name = "public"
# The fixed paths come first: a community code never shadows them.
urlpatterns: list[URLPattern] = [
    path("track/", views_public.track, name="track"),
    path("pass/<str:code>/", views_public.verify_pass, name="pass-verify"),
    path("<str:community_code>/", views_public.request_form, name="request-form"),
    path(
        "<str:community_code>/triage/",
        views_public.request_triage,
        name="request-triage",
    ),
    path(
        "<str:community_code>/done/",
        views_public.request_submitted,
        name="request-submitted",
    ),
]
