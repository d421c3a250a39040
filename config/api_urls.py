"""The REST API, version 1: each app's endpoints under /api/v1/, plus the OpenAPI schema."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("casualties.api.urls")),
    path("", include("repatriation.api.urls")),
]
