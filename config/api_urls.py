"""The REST API, version 1: each app's endpoints under /api/v1/."""

from django.urls import include, path

from ledger.api.changes import ChangeFeedView

app_name = "api"

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("casualties.api.urls")),
    path("", include("repatriation.api.urls")),
    path("", include("identification.api.urls")),
    path("", include("ledger.api.urls")),
    path("changes/", ChangeFeedView.as_view(), name="changes"),
]
