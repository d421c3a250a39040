"""Settings of the REST API (DRF, knox tokens, drf-spectacular), read from the environment;
``config.settings`` includes them."""

import datetime
import os
from pathlib import Path

# Behind a reverse proxy: how many proxies add themselves to X-Forwarded-For, so each client is
# throttled on its own address rather than the proxy's. 0 (the default): the header is never
# read, as anyone can write it (core/clients.py).
API_NUM_PROXIES = int(os.environ.get("API_NUM_PROXIES", "0"))

# Above this many rows (as the planner estimates them) a list's count is the planner's estimate,
# flagged "count_estimated": counting exactly reads every row (core/api/pagination.py).
API_EXACT_COUNT_LIMIT = int(os.environ.get("API_EXACT_COUNT_LIMIT", "100000"))

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


def readme_quickstart() -> str:
    """README's "journalist's quickstart" section: the docs page opens with it, so the two
    never disagree."""
    readme = Path(__file__).resolve().parent.parent / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    start = text.find("## The REST API")
    if start < 0:
        return ""
    body = text[text.find("\n", start) + 1 :]
    end = body.find("\n## ")
    return (body if end < 0 else body[:end]).strip()


SPECTACULAR_SETTINGS = {
    "TITLE": "Casualty & Repatriation Ledger API",
    "DESCRIPTION": (
        "Official figures, handovers of remains and prisoners, person records, and the ledger "
        "that reconciles them. Read access is open; writes need a clerk's token.\n\n"
        + readme_quickstart()
    ),
    # Grouped by subject, public reads first, staff writes last (core/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.tag_operations",
    ],
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from local static files: the docs work on a network with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Deep links put a link inside each operation's toggle button (nested interactive
    # elements, which screen readers cannot reach): off.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
}
