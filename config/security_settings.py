"""Settings of HTTPS, security headers and the Content-Security-Policy, read from the
environment; ``config.settings`` includes them."""

import os

from csp.constants import NONE, SELF

from config.env import DEBUG, env_bool

# HTTPS. On by default with DEBUG off, so `manage.py check --deploy` is clean; development
# (DEBUG on) runs on plain http://127.0.0.1 and keeps them off. Behind a reverse proxy that
# ends TLS, set BEHIND_PROXY=1: the proxy's X-Forwarded-Proto then tells Django the request was
# HTTPS (the proxy must set that header itself, overwriting any the client sent).
HTTPS = not DEBUG
BEHIND_PROXY = env_bool("BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "same-origin")
X_FRAME_OPTIONS = "DENY"
# A health check from the load balancer may come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SILENCED_SYSTEM_CHECKS = []
if BEHIND_PROXY and not SECURE_SSL_REDIRECT:
    # The proxy redirects http to https itself (the only setup where turning this off is
    # right): the deploy check cannot see the proxy, so its "no SSL redirect" warning is
    # silenced in this explicit configuration and no other.
    SILENCED_SYSTEM_CHECKS.append("security.W008")
if SECURE_HSTS_SECONDS and not SECURE_HSTS_PRELOAD and "SECURE_HSTS_PRELOAD" in os.environ:
    # Preloading is a commitment for the whole domain; declining it on purpose is no oversight.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# No inline scripts or styles anywhere: pages pass data to scripts in data- attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Pico draws its checkboxes and select arrows as data: SVG images.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
