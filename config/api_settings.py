"""Settings of the REST API (DRF, knox tokens, drf-spectacular), read from the environment;
``config.settings`` includes them."""

import datetime
import os

# Behind a reverse proxy: how many proxies add themselves to X-Forwarded-For, so each client is
# throttled on its own address rather than the proxy's. 0 (the default): the header is never
# read, as anyone can write it (core/clients.py).
API_NUM_PROXIES = int(os.environ.get("API_NUM_PROXIES", "0"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ReadOpenWriteByModelPermission"],
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.RoleRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "120/minute"),
        "journalist": os.environ.get("API_THROTTLE_JOURNALIST", "1200/minute"),
        "staff": os.environ.get("API_THROTTLE_STAFF", "2400/minute"),
    },
    "NUM_PROXIES": API_NUM_PROXIES,
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.api.ordering.StableOrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "core.api.csv.CSVRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # DRF's JSON parser, refusing what would break the stack or the database (core/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DATE_INPUT_FORMATS": ["iso-8601"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": datetime.timedelta(days=int(os.environ.get("API_TOKEN_DAYS", "365"))),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Casualty & Repatriation Ledger API",
    "DESCRIPTION": (
        "Official figures, handovers of remains and prisoners, person records, and the ledger "
        "that reconciles them. Read access is open; writes need a clerk's token."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from local static files: the docs work on a network with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
