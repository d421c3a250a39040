"""The audit trail in the admin: one global, filterable, read-only list of every event.

pghistory's own admin already offers the list (and an "Events" button on each tracked object's
page); this replaces it to show who acted and from which page, and to filter by that user.
Events are never editable here, whatever the user's permissions; the database refuses too.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from pghistory.admin import EventsAdmin
from pghistory.admin.core import EventsChangeList
from pghistory.models import Events


class ActingUserFilter(admin.SimpleListFilter):
    title = _("acting user")
    parameter_name = "user"

    def lookups(self, request, model_admin):
        users = get_user_model().objects.order_by("username").only("pk", "username")
        return [(str(user.pk), user.get_username()) for user in users]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(pgh_context__user=int(self.value()))
        return queryset


class AuditEventsChangeList(EventsChangeList):
    def get_results(self, request):
        super().get_results(request)
        # One query for the users of the whole page rather than one per row.
        self.result_list = list(self.result_list)
        ids = {(event.pgh_context or {}).get("user") for event in self.result_list} - {None}
        users = get_user_model().objects.in_bulk(ids)
        for event in self.result_list:
            event.acting_user = users.get((event.pgh_context or {}).get("user"))


class AuditEventsAdmin(EventsAdmin):
    show_full_result_count = False  # the count runs over every event table; one is enough

    def get_changelist(self, request, **kwargs):
        return AuditEventsChangeList

    def get_list_display(self, request):
        return (
            "pgh_created_at",
            "pgh_label",
            "pgh_obj_model",
            "pgh_obj_id",
            "user",
            "url",
            "pgh_diff",
        )

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), ActingUserFilter]

    @admin.display(description=_("user"))
    def user(self, event):
        return getattr(event, "acting_user", None) or "—"

    @admin.display(description=_("URL"))
    def url(self, event):
        return (event.pgh_context or {}).get("url") or "—"


admin.site.unregister(Events)
admin.site.register(Events, AuditEventsAdmin)
