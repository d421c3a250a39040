"""What the two staff actions on a handover read: a party's announced count, and remains
returned to the party that sent them. Their rules are the services' (services/claims.py);
these only turn the request body into the services' arguments."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, serializers

from repatriation.api.serializers import party_field
from repatriation.models import Handover
from repatriation.services.claims import CLAIM_PERMISSION, NO_CLAIM_PERMISSION


class MayRecordClaims(permissions.BasePermission):
    """Staff who enter handovers; the service says the rest (whose draft, which handover)."""

    message = NO_CLAIM_PERMISSION

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(CLAIM_PERMISSION))


class ClaimInputSerializer(serializers.Serializer):
    party = party_field(help_text=_("The party (or mediator) that announced the count."))
    count = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    # Blank is the service's to refuse, so the message reads as in the forms.
    citation = serializers.CharField(allow_blank=True, max_length=10_000)
    stated_on = serializers.DateField()


class ReturnInputSerializer(serializers.Serializer):
    returned_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("When they were handed back; by default the onward handover's date."),
    )
    onward_handover = serializers.PrimaryKeyRelatedField(
        queryset=Handover.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The handover that took them back, if there was one."),
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10_000,
        help_text=_("An administrator's reason, to correct a verified handover."),
    )
