"""Settings of logins: how long a session lasts, two-factor, and the lockout after failed
logins; ``config.settings`` includes them."""

import datetime
import os

from config.env import DEBUG, env_bool, env_list

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/handovers/"

# A login lasts at most SESSION_HOURS (8) and ends after SESSION_IDLE_MINUTES (30) without a
# request (accounts/sessions.py), and with the browser.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_HOURS", "8")) * 3600
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Two-factor login (TOTP, django-otp) for clerks, verifiers and admins: required unless DEBUG,
# or OTP_REQUIRED=0. See accounts/otp.py.
OTP_REQUIRED = env_bool("OTP_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "Casualty & Repatriation Ledger")
# Wrong codes in a row make the next try wait 1, 2, 4, 8 … seconds times this factor.
OTP_TOTP_THROTTLE_FACTOR = int(os.environ.get("OTP_THROTTLE_FACTOR", "1"))
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out login is refused before any password is checked.
    "accounts.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]


# Login lockout (django-axes): after LOGIN_FAILURE_LIMIT failed logins, refused for
# LOGIN_COOLOFF_MINUTES. Failures are counted per username and, separately, per client
# address: a guesser spreading over many addresses still gets only that many tries at one
# account, and one address spraying many usernames gets only that many in all. The price is
# that someone can lock a known username for the cool-off; it is short, and an admin lifts it
# at once with `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
# LOGIN_LOCKOUT_PARAMETERS: "username,ip_address" counts each separately, as above;
# "username+ip_address" counts per pair instead.
AXES_LOCKOUT_PARAMETERS = [
    part.split("+") if "+" in part else part
    for part in env_list("LOGIN_LOCKOUT_PARAMETERS", "username,ip_address")
]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.auth.lockout_response"
# Behind a reverse proxy every request comes from the proxy's address: the client's is read
# from X-Forwarded-For instead, trusting only the entries the LOGIN_NUM_PROXIES proxies added:
# the API's throttling rule (core/clients.py), whose API_NUM_PROXIES is the default.
AXES_CLIENT_IP_CALLABLE = "accounts.auth.client_ip"
LOGIN_NUM_PROXIES = int(os.environ.get("LOGIN_NUM_PROXIES", os.environ.get("API_NUM_PROXIES", "0")))
