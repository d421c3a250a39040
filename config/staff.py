"""Who may open the staff pages (DESIGN §5, §8): clerks, verifiers and admins, after login."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from config.api.roles import is_staff

STAFF_ONLY = _("These pages are for the ministry's clerks and verifiers.")


def staff_required(view):
    """Anonymous visitors go to the login page; logged-in users outside the staff get 403."""

    @wraps(view)
    def staff_only(request, *args, **kwargs):
        if not is_staff(request.user):
            raise PermissionDenied(STAFF_ONLY)
        return view(request, *args, **kwargs)

    return login_required(staff_only)
