"""Revoking API tokens by their owner (django-rest-knox's views, described for the schema)."""

from drf_spectacular.utils import extend_schema
from knox import views as knox_views

REVOKE_ONE = (
    "Revoke the token this request is authenticated with: from now on it answers 401. "
    "Only a token authenticates here (a login session does not)."
)
REVOKE_ALL = "Revoke every token of the account this request's token belongs to."


@extend_schema(request=None, responses={204: None}, description=REVOKE_ONE)
class LogoutView(knox_views.LogoutView):
    pass


@extend_schema(request=None, responses={204: None}, description=REVOKE_ALL)
class LogoutAllView(knox_views.LogoutAllView):
    pass
