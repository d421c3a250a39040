"""The REST API, version 1: each app's endpoints under /api/v1/."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("casualties.api.urls")),
    path("", include("repatriation.api.urls")),
    path("", include("ledger.api.urls")),
]
