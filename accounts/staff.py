"""Who may open the staff pages (DESIGN §5, §8): clerks, verifiers and admins, after login."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.otp import is_verified
from core.tiers import is_staff

STAFF_ONLY = _("These pages are for the ministry's clerks and verifiers.")


def staff_required(view):
    """Anonymous visitors go to the login page; logged-in users outside the staff get 403.

    With two-factor login required, a session not verified by a code (one opened before it was
    required) goes back to the login page too, which then asks for both steps.
    """

    @wraps(view)
    def staff_only(request, *args, **kwargs):
        if not is_staff(request.user):
            raise PermissionDenied(STAFF_ONLY)
        if not is_verified(request.user):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return login_required(staff_only)
