"""Who is asking: the client's address, by one rule for the API's rate limits and the login
lockout (``API_NUM_PROXIES``, ``LOGIN_NUM_PROXIES``)."""

import ipaddress


def client_address(request, proxies: int) -> str | None:
    """``REMOTE_ADDR``, or behind ``proxies`` reverse proxies the address the outermost of them
    saw, read from X-Forwarded-For.

    Entries further left were written by the client itself and could be anything, so they are
    never trusted: with no proxy configured the header is ignored altogether, or each request
    could claim a fresh address (a fresh rate limit, a fresh lockout counter). An entry that is
    no address at all (a proxy misconfigured, a header forged past it) counts as the
    connection's address too.
    """
    remote = request.META.get("REMOTE_ADDR")
    if proxies <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote
    chosen = addresses[-min(proxies, len(addresses))]
    try:
        return str(ipaddress.ip_address(chosen))
    except ValueError:
        return remote
