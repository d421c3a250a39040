from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.auth import LoginView
from accounts.views import otp_setup, otp_verify
from core.views import favicon, healthz
from ledger.urls import urlpatterns as ledger_pages
from repatriation.urls import urlpatterns as repatriation_pages

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="repatriation:ledger_list", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/otp/", otp_verify, name="otp_verify"),
    path("accounts/otp/setup/", otp_setup, name="otp_setup"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        # Our template: the package's has an inline <style>, which the CSP refuses.
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    # The ledger pages keep the URL names they had before the ledger became its own app
    # ("repatriation:ledger_detail"), so links and bookmarks made from them still reverse.
    path("", include((ledger_pages + repatriation_pages, "repatriation"))),
    path("", include("casualties.urls")),
    path("", include("identification.urls")),
]

# A database outage answers 503 (JSON under /api/), not a 500 page: core/db/unavailable.py.
handler500 = "core.db.unavailable.server_error"
