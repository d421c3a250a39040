import psycopg
from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# Seconds a health check may take: a load balancer asks often, and an answer late is no answer.
HEALTH_TIMEOUT_SECONDS = 1


@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers: 200 when the database answers a query, 503 when not.

    Asked on a connection of its own with short timeouts, not one from the pool: during an
    outage the pool's requests queue for a connection, and the health check must not queue
    behind them nor be held by a database that accepts connections but does not answer.
    """
    params = connection.get_connection_params()
    timeout = f"-c statement_timeout={HEALTH_TIMEOUT_SECONDS * 1000}"
    params["options"] = f"{params.get('options', '')} {timeout}".strip()
    params["connect_timeout"] = HEALTH_TIMEOUT_SECONDS
    try:
        with psycopg.connect(**params) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico wherever a page names no icon (JSON answers, for one).
    The static URL is looked up per request: in production it comes from collectstatic's
    manifest, which need not exist when the URLs are imported."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
