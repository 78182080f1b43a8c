from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from linli.core.views import LoginView, healthz

urlpatterns = [
    path("", include("linli.core.urls")),
    path("people/", include("linli.people.urls")),
    path("ledger/", include("linli.ledger.urls")),
    path("r/", include("linli.ledger.urls_public")),
    path("care/", include("linli.care.urls")),
    path("quarantine/", include("linli.quarantine.urls")),
    path("", include("linli.api.urls")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon (PDF views, raw files).
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("linli/favicon.svg"), permanent=True),
        name="favicon",
    ),
]
